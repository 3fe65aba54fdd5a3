"""Hostile and careless input: nothing a user types or a file holds may destroy data, run code or crash.

One test per class of problem, each with several instances; the mechanism that closes each
class is named in its docstring.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import LINKS, PLACES, SITES, TOML, ScenarioMaker, run

from hourcircle import Query, TravelTimes, load_scenario
from hourcircle.analysis.coverage import coverage
from hourcircle.analysis.locate import plant_set
from hourcircle.errors import ArgumentError, InputError
from hourcircle.output import MANIFEST, claim_file, claim_folder, write_folder

ERROR = "hourcircle: error: "


def one_clean_error(status: int, err: str, *expected: str) -> None:
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) >= 1 and all(line.startswith(ERROR) for line in lines) and "Traceback" not in err, err
    for text in expected:
        assert any(text in line for line in lines), (text, lines)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# --- data loss ----------------------------------------------------------------------------------

def test_run_refuses_output_folders_that_hold_inputs_or_foreign_files(
        four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """check_out_folder: no input inside, nothing foreign, not empty or the current folder."""
    before = snapshot(four)
    monkeypatch.chdir(tmp_path)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "plants.csv").write_text("my own work\n", encoding="utf-8")
    cases = {str(four): "holds the scenario's", str(four.parent): "holds the scenario's",
             "": "not the current folder", ".": "not the current folder", str(theirs): "'plants.csv'"}
    for out, message in cases.items():
        status, _, err = run(["run", str(four), "--out", out], capsys)
        one_clean_error(status, err, "--out: ", message)
    assert snapshot(four) == before and (theirs / "plants.csv").read_text(encoding="utf-8") == "my own work\n"


def test_no_command_writes_over_a_scenario_file(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """claims.claim_file: a scenario's own files are refused, through links and with --force."""
    before = snapshot(four)
    link = tmp_path / "link.csv"
    link.symlink_to(four / "places.csv")
    for target in [four / "places.csv", four / "sites.csv", four / "links.csv", four / "scenario.toml", link]:
        for force in ([], ["--force"]):
            for command in (["matrix", "--out"], ["reach", "a", "--map"]):
                status, _, err = run([*command, str(target), "--scenario", str(four), *force], capsys)
                refused_by_suffix = command[0] == "matrix" and target.suffix == ".toml"
                one_clean_error(status, err, "ending in" if refused_by_suffix else "is the scenario's")
    assert snapshot(four) == before


def test_single_file_outputs_replace_only_their_own(four: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """claims.claim_file: a file no earlier run of the command wrote (or changed since) needs --force."""
    theirs, ours = tmp_path / "thesis.csv", tmp_path / "m.csv"
    theirs.write_text("my own work\n", encoding="utf-8")
    one_clean_error(*run(["matrix", "--out", str(theirs), "--scenario", str(four)], capsys)[::2], "--force")
    assert theirs.read_text(encoding="utf-8") == "my own work\n"
    assert run(["matrix", "--out", str(theirs), "--scenario", str(four), "--force"], capsys)[0] == 0
    assert theirs.read_text(encoding="utf-8").startswith("from,a,b")
    for _ in range(2):  # an earlier output of the same command is replaced
        assert run(["matrix", "--out", str(ours), "--scenario", str(four)], capsys)[0] == 0
    map_path = tmp_path / "m.html"
    assert run(["reach", "a", "--map", str(map_path), "--scenario", str(four)], capsys)[0] == 0
    assert run(["reach", "b", "--map", str(map_path), "--scenario", str(four)], capsys)[0] == 0
    # another command's output, or an output the user changed since, is not the command's to replace
    one_clean_error(*run(["reach", "a", "--map", str(ours), "--scenario", str(four)], capsys)[::2], "--force")
    ours.write_text(ours.read_text(encoding="utf-8") + "my note\n", encoding="utf-8")
    one_clean_error(*run(["matrix", "--out", str(ours), "--scenario", str(four)], capsys)[::2], "--force")
    assert ours.read_text(encoding="utf-8").endswith("my note\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith("-lock")] == []


def test_run_compares_what_is_there_with_its_manifest(four: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """files.check_out_folder: listed names must be the same regular files (size, SHA-256) to be replaced."""
    out = tmp_path / "out"
    assert run(["run", str(four), "--out", str(out)], capsys)[0] == 0
    (out / "report.md").unlink()
    (out / "report.md").mkdir()  # a folder of the user's with an earlier run's file name
    (out / "report.md" / "thesis.txt").write_text("my own work\n", encoding="utf-8")
    one_clean_error(*run(["run", str(four), "--out", str(out)], capsys)[::2], "'report.md'")
    one_clean_error(*run(["run", str(four), "--out", str(out), "--force"], capsys)[::2], "'report.md'")
    assert (out / "report.md" / "thesis.txt").read_text(encoding="utf-8") == "my own work\n"
    shutil.rmtree(out / "report.md")
    (out / "plants.csv").write_text("edited\n", encoding="utf-8")
    one_clean_error(*run(["run", str(four), "--out", str(out)], capsys)[::2], "changed since", "--force")
    assert (out / "plants.csv").read_text(encoding="utf-8") == "edited\n"
    assert run(["run", str(four), "--out", str(out), "--force"], capsys)[0] == 0
    assert (out / "report.md").is_file()
    link = tmp_path / "link"
    link.symlink_to(out)
    one_clean_error(*run(["run", str(four), "--out", str(link)], capsys)[::2], "symbolic link")


def test_run_refuses_the_current_folder_however_spelled(four: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """files.refuse_place: resolved paths: the current folder, its ancestors, home, the scenario's ancestors."""
    here = tmp_path / "work" / "here"
    here.mkdir(parents=True)
    (here / "thesis.txt").write_text("my own work\n", encoding="utf-8")
    monkeypatch.chdir(here)
    monkeypatch.setenv("HOME", str(tmp_path / "work"))
    for out in [str(here), "../here", "./", "../here/.", "..", str(tmp_path), "/", "~"]:
        status, _, err = run(["run", str(four), "--out", os.path.expanduser(out)], capsys)
        one_clean_error(status, err, "--out: ")
    assert (here / "thesis.txt").read_text(encoding="utf-8") == "my own work\n"
    assert sorted(p.name for p in here.iterdir()) == ["thesis.txt"]


def test_a_held_output_is_refused_at_once(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """claims: an OS lock beside the target; a second command stops with one line, before its work."""
    out, matrix = tmp_path / "out", tmp_path / "m.csv"
    with claim_folder(out), claim_file(matrix, command="matrix", parameter="out"):
        one_clean_error(*run(["run", str(four), "--out", str(out)], capsys)[::2], "another hourcircle command")
        one_clean_error(*run(["matrix", "--out", str(matrix), "--scenario", str(four)], capsys)[::2],
                        "another hourcircle command")
    assert not out.exists() and not matrix.exists()
    assert run(["run", str(four), "--out", str(out)], capsys)[0] == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_parallel_runs_into_one_folder(four: Path, tmp_path: Path) -> None:
    """claims.claim_folder: of runs started together, each writes a whole run or says the folder is busy."""
    out = tmp_path / "out"
    processes = [_cli(["run", str(four), "--out", str(out)], tmp_path) for _ in range(6)]
    results = [(process.wait(timeout=120), process.communicate()[1]) for process in processes]
    assert any(status == 0 for status, _ in results)
    for status, err in results:
        assert status == 0 or (status == 2 and "another hourcircle command is writing there" in err), err
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*listed, MANIFEST])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_run_replaces_an_earlier_run_whole(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """write_folder: staged aside with a manifest, then swapped in; nothing stale stays."""
    out = tmp_path / "out"
    assert run(["run", str(four), "--out", str(out), "--remove", "R2"], capsys)[0] == 0
    assert (out / "disruption.csv").exists() and (out / MANIFEST).exists()
    assert run(["run", str(four), "--out", str(out)], capsys)[0] == 0
    assert not (out / "disruption.csv").exists()  # no stale table beside a report that contradicts it
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*listed, MANIFEST])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_write_leaves_the_earlier_run_and_no_staging(tmp_path: Path) -> None:
    """write_folder: any failure puts the earlier folder back and removes the staging folder."""
    out = tmp_path / "out"
    write_folder(out, {"a.csv": "1\n", "b.csv": "2\n"})
    before = snapshot(out)
    for bad in ({"c.csv": "3\n", "sub/d.csv": "4\n"}, {"c.csv": "3\n", "": "x"}):
        with pytest.raises(ArgumentError, match=r"out: .*cannot write there"):
            write_folder(out, bad)
        assert snapshot(out) == before
        assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_files_follow_the_umask(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], mask: int) -> None:
    """_modes: every file written (matrix, map, run folder) gets 0666 & ~umask, as any program's."""
    old = os.umask(mask)
    try:
        matrix, folder = tmp_path / "m.csv", tmp_path / "out"
        assert run(["matrix", "--scenario", str(four), "--out", str(matrix)], capsys)[0] == 0
        assert run(["matrix", "--scenario", str(four), "--out", str(tmp_path / "m.parquet")], capsys)[0] == 0
        assert run(["reach", "a", "--scenario", str(four), "--map", str(tmp_path / "r.html")], capsys)[0] == 0
        assert run(["run", str(four), "--out", str(folder)], capsys)[0] == 0
    finally:
        os.umask(old)
    for path in [matrix, tmp_path / "m.parquet", tmp_path / "r.html", folder / "report.md", folder / "report.xlsx"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask


def _cli(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", "from hourcircle._entry import main; main()", *args],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_console_script_ends_at_once_with_its_output_out_and_its_exit_hooks_run(
        four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """_entry._exit: no interpreter teardown, but the same status, output, files and exit hooks."""
    hook = tmp_path / "hook"
    code = (f"import atexit, pathlib; atexit.register(pathlib.Path({str(hook)!r}).write_text, 'ran'); "
            "from hourcircle._entry import main; main()")
    for args in (["reach", "a", "--hours", "9", "--format", "csv", "--scenario", str(four)],
                 ["reach", "nowhere", "--scenario", str(four)],
                 ["run", str(four), "--out", str(tmp_path / "out")]):
        hook.unlink(missing_ok=True)
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
        if args[0] == "run":
            shutil.rmtree(tmp_path / "out")  # written again in this process, to compare
        assert (done.returncode, done.stdout, done.stderr) == run(args, capsys), args
        assert hook.read_text(encoding="utf-8") == "ran", args
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["files"]) > 5


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signals_at_any_moment_leave_nothing_behind(four: Path, tmp_path: Path, signum: int) -> None:
    """_entry: SIGTERM raised like Ctrl-C from the first line on; every finally cleans up."""
    expected = {signal.SIGINT: (130, "hourcircle: interrupted; nothing was written"),
                signal.SIGTERM: (143, "hourcircle: terminated; nothing was written")}[signum]
    temp = tmp_path / "tmp"
    temp.mkdir()
    for delay in (0.05, 0.4, 1.0, 2.0, 3.5):
        out = tmp_path / f"out{delay}"
        process = subprocess.Popen(
            [sys.executable, "-c", "from hourcircle._entry import main; main()", "run", str(four), "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ | {"TMPDIR": str(temp)})
        time.sleep(delay)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        if process.returncode == 0:
            assert (out / "report.md").exists()  # done before the signal came
        elif err.startswith("hourcircle: "):
            assert (process.returncode, err.strip()) == expected, (delay, err)
            assert not out.exists()
        else:  # stopped in Python's own start or exit, outside hourcircle's code: no run, or a whole one
            assert "site-packages/hourcircle" not in err, (delay, err)
            assert not out.exists() or all((out / name).exists() for name in
                                           json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], delay
    assert list(temp.iterdir()) == []


# --- code and markup injection -----------------------------------------------------------------

FORMULAS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]


def test_spreadsheet_formulas_are_neutralised_in_every_csv(make_scenario: ScenarioMaker, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """report.neutralise: cells, column names and row labels, in files and in --format csv."""
    places = PLACES.replace("b,Beta,", "-b,Beta,").replace("c,Gamma,", 'c,"=1+1",')
    sites = SITES.replace(",b,30.0", ",-b,30.0").replace("Cells B,CellCo", '"@SUM(A1)","+cmd"')
    links = LINKS.replace("a,b,road", "a,-b,road").replace("b,c,road", "-b,c,road")
    folder = make_scenario({"places.csv": places, "sites.csv": sites, "links.csv": links})
    outputs = []
    for args in (["matrix", "--format", "csv"], ["reach", "a", "--format", "csv"], ["locate", "--format", "csv"],
                 ["disrupt", "--remove", "R2", "--format", "csv"], ["disrupt", "--sweep", "--format", "csv"]):
        status, out, err = run([*args, "--scenario", str(folder)], capsys)
        assert status == 0, err
        outputs.append(out)
    assert run(["matrix", "--scenario", str(folder), "--out", str(tmp_path / "m.csv")], capsys)[0] == 0
    assert run(["run", str(folder), "--out", str(tmp_path / "out")], capsys)[0] == 0
    outputs += [(tmp_path / "m.csv").read_text(encoding="utf-8")]
    outputs += [p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.csv")]
    for text in outputs:
        for cell in pd.read_csv(pd.io.common.StringIO(text), dtype=str, header=None).to_numpy().ravel():
            assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@"))), (cell, text[:200])
    assert "'-b" in outputs[0].splitlines()[0]  # a header cell


def test_report_markdown_escapes_names_and_cannot_forge_findings(make_scenario: ScenarioMaker, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """report.md: one line, no markup, no HTML from any name; findings come from the data, not the text."""
    name = "x\\n\\n## Findings\\n\\n- **All plants complete** | <script>alert(1)</script> [a](javascript:alert(1))"
    toml = TOML.replace('name = "four cities"', f'name = "{name}"')
    sites = SITES.replace("Plant A,Maker", '"Plant | A <b>`x`</b>","[m](javascript:alert(1))"')
    folder = make_scenario({"scenario.toml": toml, "sites.csv": sites})
    status, out, _ = run(["run", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert status == 0
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert report.count("\n## Findings\n") == 1 and "All plants complete" not in out
    assert "<script>" not in report and "<b>" not in report
    assert not re.search(r"(?<!\\)\]\(javascript:", report)  # the brackets are escaped: no link
    plants = report.split("## Plants\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len({line.replace("\\|", "").count("|") for line in plants}) == 1  # every row has the same cells


def test_control_characters_never_reach_the_terminal(make_scenario: ScenarioMaker, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """cli.echo: C0 and C1 controls (ANSI, OSC) are printed as \\u001b, never sent raw."""
    evil = "\x1b[2J\x1b]0;owned\x07\x9b31m\x08"
    sites = SITES.replace("Plant A,Maker", f'"Plant{evil}","Maker{evil}"')
    toml = TOML.replace('name = "four cities"', 'name = "four\\u001b[31m cities"')
    folder = make_scenario({"sites.csv": sites, "scenario.toml": toml})
    for args in (["validate", str(folder)], ["reach", "b", "--scenario", str(folder)],
                 ["reach", "b", "--format", "json", "--scenario", str(folder)],
                 ["run", str(folder), "--out", str(tmp_path / "o")], ["travel", "a", "zzz", "--scenario", str(folder)]):
        _, out, err = run(args, capsys)
        for text in (out, err):
            assert not any(c in text for c in "\x1b\x07\x9b\x08"), (args, text[:300])
        if "json" in args:
            assert json.loads(out)  # the escapes are JSON's: the output stays valid


def test_scenario_paths_are_confined_to_the_scenario_folder(make_scenario: ScenarioMaker, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """read_user_file: resolved paths inside the folder (links included), regular files, a size cap."""
    outside = tmp_path / "secret.csv"
    outside.write_text(PLACES, encoding="utf-8")
    folder = make_scenario()
    (folder / "linked.csv").symlink_to(outside)
    os.mkfifo(folder / "fifo.csv")
    cases = {"../secret.csv": "is outside the scenario folder", str(outside): "is outside the scenario folder",
             "linked.csv": "is outside the scenario folder", "/dev/zero": "is outside the scenario folder",
             "fifo.csv": "is not a regular file", ".": "is not a regular file"}
    for path, message in cases.items():
        toml = TOML.replace('places = "places.csv"', f"places = {json.dumps(path)}")
        (folder / "scenario.toml").write_text(toml, encoding="utf-8")
        status, _, err = run(["validate", str(folder)], capsys)
        one_clean_error(status, err, message)
    toml = TOML.replace('places = "places.csv"', 'places = "linked.csv"')
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    assert run(["validate", str(folder), "--allow-outside-files"], capsys)[0] == 0
    with pytest.raises(InputError, match="above 0 MB are not read"):
        from hourcircle.io.csvfile import read_user_file
        read_user_file(folder / "places.csv", "places.csv", limit=10)


# --- crashes and wrong answers -----------------------------------------------------------------

def test_implausible_numbers_are_refused_with_their_row(make_scenario: ScenarioMaker,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """tables: km, minutes and population have upper bounds; speeds at least 1 km/h."""
    cases = [({"links.csv": LINKS.replace("a,b,road,100", "a,b,road,1e30")}, "links.csv, row 2, column km"),
             ({"links.csv": LINKS.replace("a,c,rail,,45", "a,c,rail,,1e12")}, "links.csv, row 6, column minutes"),
             ({"places.csv": PLACES.replace(",1000\n", ",1e15\n")}, "places.csv, row 2, column population"),
             ({"scenario.toml": TOML.replace("speed_kmh = 60", "speed_kmh = 1e-300", 1)}, "travel.truck.speed_kmh"),
             ({"scenario.toml": TOML.replace("terminal_minutes = 0", "terminal_minutes = 0\nband = [2, 3]", 1)},
              "travel.truck")]
    for files, message in cases:
        status, _, err = run(["validate", str(make_scenario(files))], capsys)
        one_clean_error(status, err, message)


def test_odd_but_valid_scenarios_run_every_command(make_scenario: ScenarioMaker, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever validate accepts, every command answers (exit 0) or explains (exit 2)."""
    plant_rows = "".join(line + "\n" for line in SITES.splitlines() if ",a," in line or "site_id" in line)
    one_place = make_scenario({"scenario.toml": TOML.replace('links = "links.csv"\n', ""),
                               "places.csv": PLACES.split("b,Beta")[0],
                               "sites.csv": plant_rows + "x,X,Co,battery,a,30.0,120.0,city,t\n"
                               "y,Y,Co,chips,a,30.0,120.0,city,t\nz,Z,Co,software,a,30.0,120.0,city,t\n",
                               "links.csv": None})
    commands = [["validate", "{s}"], ["travel", "a", "a", "--scenario", "{s}"], ["reach", "a", "--scenario", "{s}"],
                ["matrix", "--scenario", "{s}"], ["locate", "--scenario", "{s}"], ["locate", "--plants", "1",
                "--scenario", "{s}"], ["disrupt", "--remove", "a", "--scenario", "{s}"],
                ["disrupt", "--sweep", "--scenario", "{s}"],
                ["run", "{s}", "--out", str(tmp_path / "one")]]
    for command in commands:
        status, _, err = run([a.replace("{s}", str(one_place)) for a in command], capsys)
        assert status in (0, 2) and "Traceback" not in err, (command, err)
        if status == 2:
            one_clean_error(status, err)
    only_plant = make_scenario({"scenario.toml": TOML.replace('categories = ["battery", "chips", "software"]',
                                                              'categories = ["assembly"]')})
    one_clean_error(*run(["validate", str(only_plant)], capsys)[::2], "no component besides the plant category")
    deep = make_scenario({"scenario.toml": TOML + "x = " + "[" * 5000 + "]" * 5000 + "\n"})
    one_clean_error(*run(["validate", str(deep)], capsys)[::2], "scenario.toml")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_non_finite_numbers_are_refused_before_any_output(four: Path, tmp_path: Path, value: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """cli.FiniteFloat for every float option; Query for the API."""
    target = tmp_path / "reach.html"
    for args in (["locate", "--hours", value], ["disrupt", "--remove", "R2", "--hours", value],
                 ["disrupt", "--sweep", "--hours", value], ["reach", "a", "--hours", value],
                 ["reach", "a", "--km", value, "--map", str(target)], ["locate", "--plants", "2", "--hours", value],
                 ["run", "--hours", value, "--out", str(tmp_path / "o")]):
        status, out, err = run([*args, "--scenario", str(four)], capsys)
        one_clean_error(status, err, "is not a finite number" if "nan" in value.lower() else "")
        assert out == ""
    assert not target.exists() and not (tmp_path / "o").exists()
    times = TravelTimes.for_scenario(four)
    for hours in (float(value), -1.0, 0.0, 1e9):
        with pytest.raises(ArgumentError, match="hours"):
            coverage(Query(times, hours=hours))


def test_ids_that_differ_only_in_case_are_refused(make_scenario: ScenarioMaker,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """_case_clashes: ids unique across places and sites, whatever the case."""
    cases = [({"places.csv": PLACES + "A,Other,他市,East,31.0,120.0,\n"}, "places.csv, row 6, column place_id"),
             ({"sites.csv": SITES + "B,Beta works,Co,battery,b,30.0,120.4,city,t\n"},
              "sites.csv, row 6, column site_id"),
             ({"sites.csv": SITES + "b,Beta works,Co,battery,b,30.0,120.4,city,t\n"}, "is also a place id")]
    for files, message in cases:
        one_clean_error(*run(["validate", str(make_scenario(files))], capsys)[::2], message, "whatever the case")


def test_legacy_encodings_that_read_as_mojibake_are_refused(make_scenario: ScenarioMaker,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """csvfile.decode: GB18030 text of mostly non-GB2312 characters is another encoding."""
    ascii_places = PLACES.replace("甲市", "A").replace("乙市", "B").replace("丙市", "C").replace("丁市", "D")
    for encoding, text in (("cp1252", "Citroën Škoda"), ("latin-1", "Société Générale"), ("cp1252", "Müller")):
        places = ascii_places.replace("Alpha", text).encode(encoding)
        one_clean_error(*run(["validate", str(make_scenario({"places.csv": places}))], capsys)[::2],
                        "places.csv: ", "not UTF-8", "save it as UTF-8")
    chinese = make_scenario({"places.csv": PLACES.replace("Alpha", "合肥").encode("gbk")})
    assert load_scenario(chinese).places.loc["a", "name"] == "合肥"


def test_scenario_arguments_mean_what_they_say(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """cli._scenario: a .toml path is that file; two different scenarios are refused."""
    (four / "alt.toml").write_text(TOML.replace("four cities", "alternative"), encoding="utf-8")
    status, out, _ = run(["validate", "--scenario", str(four / "alt.toml")], capsys)
    assert status == 0 and "alternative" in out
    one_clean_error(*run(["validate", str(four), "--scenario", str(four / "alt.toml")], capsys)[::2],
                    "scenario: given twice")
    one_clean_error(*run(["run", str(four), "--scenario", str(four / "alt.toml"), "--out", str(tmp_path / "x")],
                         capsys)[::2], "given twice")


def test_inferred_roads_cross_the_antimeridian(make_scenario: ScenarioMaker) -> None:
    """roads.arrays.unwrap_longitudes: places either side of 180 degrees are neighbours."""
    places = ("place_id,name,name_zh,province,lat,lon\nw,West,西,X,65.0,179.99\ne,East,东,X,65.0,-179.99\n"
              "f,Far,远,X,65.5,-179.0\n")
    sites = ("site_id,name,company,category,place_id,lat,lon\nw1,W,Co,assembly,w,65.0,179.99\n"
             "e1,E,Co,battery,e,65.0,-179.99\ne2,E2,Co,chips,f,65.5,-179.0\ne3,E3,Co,software,f,65.5,-179.0\n")
    toml = TOML.replace('links = "links.csv"\n', "")
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": toml, "places.csv": places, "sites.csv": sites,
                                                    "links.csv": None}))
    assert times.route("w", "e").km < 5


def test_plant_sets_say_why_they_are_missing(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Results.plant_set_note: a p-center that cannot be found is said, in the report and the CLI."""
    one_clean_error(*run(["locate", "--plants", "1000", "--scenario", str(four)], capsys)[::2],
                    "--plants: asks for 1000")
    status, out, _ = run(["run", str(four), "--plants", "1000", "--out", str(tmp_path / "o")], capsys)
    assert status == 0 and "(p-center): not computed: asks for 1000 plants" in out
    assert "not computed: asks for 1000" in (tmp_path / "o" / "report.md").read_text(encoding="utf-8")


def test_link_ids_never_collide(make_scenario: ScenarioMaker) -> None:
    """links.with_link_ids: two links whose ids would read the same are told apart."""
    places = PLACES + "a-b,AB,甲乙,East,30.1,120.2,\nb-c,BC,乙丙,East,30.1,120.7,\n"
    links = LINKS + "a-b,c,road,90,,X1,test\na,b-c,road,95,,X2,test\n"
    times = TravelTimes.for_scenario(make_scenario({"places.csv": places, "links.csv": links}))
    ids = times.network.edges["link"].dropna()
    assert ids.is_unique and {"road:a-b-c", "road:a-b-c#2"} <= set(ids)
    assert {r.label for r in times.removals(["road:a-b-c", "road:a-b-c#2"])} == {"road:a-b-c", "road:a-b-c#2"}


# --- scale ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_the_p_center_bound_holds_and_the_exact_search_reaches_it(make_scenario: ScenarioMaker, seed: int) -> None:
    """plant_set: greedy radius >= optimum >= proven bound; the exact search finds the optimum."""
    rng = np.random.default_rng(seed)
    n = 40
    lat, lon = rng.uniform(30, 32, n).round(4), rng.uniform(118, 121, n).round(4)
    places = "place_id,name,name_zh,province,lat,lon\n" + "".join(
        f"p{i},P{i},地{i},X,{lat[i]},{lon[i]}\n" for i in range(n))
    sites = "site_id,name,company,category,place_id,lat,lon\n" + "".join(
        f"s{i},S{i},Co,{['battery', 'chips', 'software'][i % 3]},p{j},{lat[j]},{lon[j]}\n"
        for i, j in enumerate(rng.integers(0, n, 30)))
    toml = TOML.replace('links = "links.csv"\n', "")
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": toml, "places.csv": places, "sites.csv": sites,
                                                    "links.csv": None}))
    found = coverage(Query(times, hours=6))
    for k in (1, 2, 4):
        exact, greedy = plant_set(found, k), plant_set(found, k, exact_cells=0)
        assert exact["method"].iloc[0] == "exact" and greedy["method"].iloc[0] == "heuristic"
        optimum = exact["farthest_minutes"].max()
        assert greedy["optimum_at_least_minutes"].iloc[0] <= optimum + 1e-9 <= greedy["farthest_minutes"].max() + 1e-9
        assert exact["optimum_at_least_minutes"].iloc[0] == pytest.approx(optimum) and len(exact) == k


# --- Excel ---------------------------------------------------------------------------------------

def test_the_workbook_has_findings_first_and_every_table_safe_and_stable(
        make_scenario: ScenarioMaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """workbook: XlsxWriter, strings never formulas, quoted like the CSVs, fixed document dates."""
    import openpyxl

    folder = make_scenario({"sites.csv": SITES.replace("Plant A,Maker", '"=HYPERLINK(""http://x"")","@SUM(A1)"')})
    for name in ("one", "two"):
        assert run(["run", str(folder), "--out", str(tmp_path / name), "--remove", "R2"], capsys)[0] == 0
    data = (tmp_path / "one" / "report.xlsx").read_bytes()
    assert data == (tmp_path / "two" / "report.xlsx").read_bytes()
    book = openpyxl.load_workbook(tmp_path / "one" / "report.xlsx")
    csvs = sorted(p.stem for p in (tmp_path / "one").glob("*.csv"))
    assert book.sheetnames[0] == "findings" and sorted(book.sheetnames[1:]) == csvs
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.value)
                assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "@", "+"))), cell.value
    plants = book["plants"]
    header = [c.value for c in plants[1]]
    assert isinstance(plants.cell(2, header.index("people_within_budget") + 1).value, int | float)
    assert plants.cell(2, header.index("name") + 1).value == "'=HYPERLINK(\"http://x\")"
    assert book["findings"]["A2"].value.startswith("Plants: 1 of 1 have every component within 4 h")
