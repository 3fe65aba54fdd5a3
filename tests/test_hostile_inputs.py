"""Hostile input, third round: path lengths, implausible numbers, one-place scenarios, and control
characters in messages and files.

One test per class of problem, each with several instances; the mechanism that closes each
class is named in its docstring.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import PLACES, SITES, TOML, ScenarioMaker, run

from hourcircle import load_scenario
from hourcircle.atomic import NAME_MAX
from hourcircle.errors import ArgumentError, InputError, Problem
from hourcircle.output.formats import geojson, md, to_csv

ERROR = "hourcircle: error: "
RAW_CONTROLS = [chr(c) for c in [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)]]  # all but "\n"


def clean_errors(status: int, err: str, lines: int, *expected: str) -> list[str]:
    """Exit 2 with exactly ``lines`` lines, each one error (split at line ends only), quoting ``expected``."""
    assert status == 2, err
    found = err.rstrip("\n").split("\n")
    assert len(found) == lines and all(line.startswith(ERROR) for line in found), found
    assert "Traceback" not in err and not any(c in err for c in RAW_CONTROLS), err
    for text in expected:
        assert any(text in line for line in found), (text, found)
    return found


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".hourcircle-outputs.json")


# --- 1. paths -----------------------------------------------------------------------------------

LEGAL = {"ascii 242": "r" * 242, "ascii 255": "s" * 255, "three-byte 255": "城" * 85}  # bytes in the name
TOO_LONG = {"ascii 256": "t" * 256, "three-byte 258": "城" * 86}


def ending(name: str, suffix: str) -> str:
    """``name`` with ``suffix``, shortened to fit the limit (a name of exactly 255 bytes if it can)."""
    while len((name + suffix).encode()) > NAME_MAX:
        name = name[:-1]
    return name + suffix


@pytest.mark.parametrize("name", LEGAL.values(), ids=LEGAL.keys())
def test_names_up_to_the_limit_work_for_every_output(four: Path, tmp_path: Path, name: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """atomic.hidden_name: a temporary, staging, old-run or lock name beside a long name is a short
    fixed prefix and a hash of it, so any name the file system takes can be written (and rewritten)."""
    folder = tmp_path / "outputs"
    folder.mkdir()
    html, csv = ending(name, ".html"), ending(name, ".csv")
    cases = [["run", str(four), "--out", str(folder / name)],
             ["run", str(four), "--out", str(folder / name)],  # replaces the earlier run (moved aside first)
             ["reach", "a", "--scenario", str(four), "--map", str(folder / html)],
             ["matrix", "--scenario", str(four), "--out", str(folder / csv)],
             ["matrix", "--scenario", str(four), "--out", str(folder / csv)]]  # its own earlier output
    for args in cases:
        status, _, err = run(args, capsys)
        assert status == 0, (args[:2], err)
    assert (folder / name / "report.md").is_file() and (folder / html).is_file()
    assert len((folder / csv).read_text(encoding="utf-8").splitlines()) == 5
    assert hidden(folder) == []  # no temporary, staging or lock file left


@pytest.mark.parametrize("name", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_longer_names_end_in_one_line_naming_the_argument(four: Path, tmp_path: Path, name: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """files.check_name and cli.shared._scenario (atomic.too_long): a name over 255 bytes is refused
    before anything is tried, with the argument, the name's length and the limit."""
    limit = f"at most {NAME_MAX}"
    cases = {"--out": [["run", str(four), "--out", str(tmp_path / name)],
                       ["run", str(four), "--out", str(tmp_path / name / "out")],
                       ["matrix", "--scenario", str(four), "--out", str(tmp_path / f"{name}.csv")]],
             "--map": [["reach", "a", "--scenario", str(four), "--map", str(tmp_path / name)]],
             "--scenario": [["validate", str(tmp_path / name)], ["validate", str(tmp_path / name / "scenario.toml")],
                            ["reach", "a", "--scenario", str(tmp_path / name)]]}
    for flag, commands in cases.items():
        for args in commands:
            status, out, err = run(args, capsys)
            clean_errors(status, err, 1, f"{ERROR}{flag}: ", limit, "bytes; a file or folder name")
            assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario"]  # nothing written
    with pytest.raises(InputError, match="cannot be read as a scenario"):  # the Python API: no OSError
        load_scenario(tmp_path / name)


@pytest.mark.parametrize("key", ["places", "sites", "links"])
def test_a_nul_in_a_path_of_scenario_toml_names_the_file_and_key(make_scenario: ScenarioMaker, key: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """load._read_named: a path holding NUL is refused with its key (the OS would raise a bare ValueError)."""
    toml = TOML.replace(f'{key} = "{key}.csv"', f'{key} = "{key}\\u0000.csv"')
    assert toml != TOML
    folder = make_scenario({"scenario.toml": toml})
    status, _, err = run(["validate", str(folder)], capsys)
    clean_errors(status, err, 1, f"scenario.toml, key scenario.{key}: ", "NUL")
    with pytest.raises(InputError, match=f"key scenario.{key}"):
        load_scenario(folder)


# --- 2. numbers ---------------------------------------------------------------------------------

def _truck(lines: str) -> str:
    return TOML.replace("terminal_minutes = 0\n", f"terminal_minutes = 0\n{lines}\n", 1)


def _weights(value: str) -> str:
    return TOML.replace('categories = ["battery", "chips", "software"]',
                        f'categories = ["battery", "chips", "software"]\nweights = {{ battery = {value} }}')


IMPLAUSIBLE = {
    "rest after a denormal": (_truck("rest_after_minutes = 5e-324\nrest_minutes = 20"),
                              "travel.truck.rest_after_minutes", "at least 30 minutes"),
    "rest after 1e-300": (_truck("rest_after_minutes = 1e-300\nrest_minutes = 20"),
                          "travel.truck.rest_after_minutes", "at least 30 minutes"),
    "rest after 29 min": (_truck("rest_after_minutes = 29\nrest_minutes = 20"),
                          "travel.truck.rest_after_minutes", "at least 30 minutes"),
    "rests of 1e-300 min": (_truck("rest_after_minutes = 240\nrest_minutes = 1e-300"),
                            "travel.truck.rest_minutes", "at least 1 minute"),
    "three drivers": (_truck("drivers = 3"), "travel.truck.drivers", "less than or equal to 2"),
    "half a driver": (_truck("drivers = 1.5"), "travel.truck.drivers", "integer"),
    "a daily limit of 30 min": (_truck("daily_driving_minutes = 30"), "travel.truck.daily_driving_minutes",
                                "at least 60 minutes"),
    "a day longer than a day": (_truck("daily_driving_minutes = 1400"), "travel.truck.daily_driving_minutes",
                                "more than 24 hours"),
    "band from a denormal": (_truck("band = [5e-324, 1.2]"), "travel.truck.band", "0.1 <= low"),
    "weight 1e308": (_weights("1e308"), "product.weights.battery", "from 1e-06 to 1,000,000"),
    "weight 1e-300": (_weights("1e-300"), "product.weights.battery", "from 1e-06 to 1,000,000"),
    "weight inf": (_weights("inf"), "product.weights.battery", "from 1e-06 to 1,000,000"),
    "weight 10**400": (_weights("1" + "0" * 400), "product.weights.battery", "(got 1000"),
    "budget denormal": (TOML.replace("budget_hours = 4.0", "budget_hours = 1e-310"), "scenario.budget_hours",
                        "from a minute"),
    "budget 3 seconds": (TOML.replace("budget_hours = 4.0", "budget_hours = 0.001"), "scenario.budget_hours",
                         "from a minute"),
}


@pytest.mark.parametrize("case", IMPLAUSIBLE.values(), ids=IMPLAUSIBLE.keys())
def test_implausible_settings_are_refused_with_their_bounds(make_scenario: ScenarioMaker, case: tuple[str, str, str],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """profiles.RoadProfile/Banded validators, load.ScenarioSection and load._weight_problems: rests
    from 30 minutes of driving and of at least a minute, bands from 0.1, weights from a millionth to a
    million, budgets from a minute; the message names the key and the bound, and quotes the value short."""
    toml, key, bound = case
    folder = make_scenario({"scenario.toml": toml})
    for args in (["validate", str(folder)], ["travel", "a", "d", "--scenario", str(folder)]):
        status, out, err = run(args, capsys)
        [line] = clean_errors(status, err, 1, f"key {key}: ", bound)
        assert out == "" and len(line) < 200, line


def test_plausible_settings_at_the_bounds_still_work(make_scenario: ScenarioMaker,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The bounds are the plausible range's ends, included: rests after 30 minutes, a weight of a million."""
    toml = _weights("1e6").replace("terminal_minutes = 0\n", "terminal_minutes = 0\nrest_after_minutes = 30\n"
                                   "rest_minutes = 1\nband = [0.1, 3]\n", 1)
    folder = make_scenario({"scenario.toml": toml.replace("budget_hours = 4.0", "budget_hours = 0.0167")})
    status, out, err = run(["travel", "a", "d", "--scenario", str(folder), "--format", "json"], capsys)
    assert status == 0, err
    assert json.loads(out)["minutes"] == pytest.approx(210 + 6 * 1)  # a one-minute rest after each 30 minutes


@pytest.mark.parametrize("hours", ["1e-310", "5e-324", "0.01", "0.0166"])
def test_budgets_under_a_minute_are_refused_with_the_limit(four: Path, tmp_path: Path, hours: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """cli.shared.Hours: --hours runs from a minute (1/60 h) to MAX_HOURS, said in the message."""
    for command in (["reach", "a"], ["run", str(four), "--out", str(tmp_path / "never")]):
        status, out, err = run([*command, "--scenario", str(four), "--hours", hours], capsys)
        clean_errors(status, err, 1, "--hours", "1/60<=x<=72 (a minute to 72 hours)")
        assert out == "" and not (tmp_path / "never").exists()
    status, out, err = run(["reach", "a", "--scenario", str(four), "--hours", "0.0167"], capsys)
    assert status == 0, err


# --- 3. one place -------------------------------------------------------------------------------

def test_a_one_place_scenario_is_refused_in_validation(make_scenario: ScenarioMaker,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """load._cross_checks: places.csv needs at least two places (every command compares places)."""
    one = "\n".join(PLACES.splitlines()[:2]) + "\n"
    sites = "".join(line.replace(",b,30.0", ",a,30.0").replace(",c,30.0", ",a,30.0").replace(",d,30.0", ",a,30.0")
                    for line in SITES.splitlines(keepends=True))
    toml = TOML.replace('links = "links.csv"\n', "")
    for places in (one, one + one.splitlines()[1] + "\n"):  # one place, or one place twice
        folder = make_scenario({"scenario.toml": toml, "places.csv": places, "sites.csv": sites, "links.csv": None})
        status, out, err = run(["validate", str(folder)], capsys)
        clean_errors(status, err, 1 if places == one else 2, "places.csv: has one place; a scenario needs at least two")
        assert out == ""


# --- 4. one line per message --------------------------------------------------------------------

def test_every_message_is_one_line_whatever_it_quotes(make_scenario: ScenarioMaker, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """errors.escape_controls in Problem.__str__ and ArgumentError (and for click's messages in
    cli._messages): a header, a key, a path or a value with a line end or an escape stays on its line."""
    header = PLACES.replace("population", '"pop\nulation","e\x1b[2Jx","r\rq","n\x85l"')
    header = header.replace(",1000\n", ",1000,,,\n").replace("120.4,\n", "120.4,,,,\n")
    header = header.replace(",2000\n", ",2000,,,\n").replace("121.5,\n", "121.5,,,,\n")
    folder = make_scenario({"places.csv": header})
    status, _, err = run(["validate", str(folder)], capsys)
    clean_errors(status, err, 4, "column pop\\u000aulation: unknown column", "column e\\u001b[2Jx", "r\\u000dq",
                 "n\\u0085l")

    toml = TOML.replace('name = "four cities"\n', 'name = "four cities"\n"budget\\nhours" = 1\n')
    status, _, err = run(["validate", str(make_scenario({"scenario.toml": toml}))], capsys)
    clean_errors(status, err, 1, "key scenario.budget\\u000ahours: unknown key")

    plain = make_scenario()
    odd = tmp_path / "two\nlines\x1b]0;x\x07"
    odd.mkdir()
    (odd / "theirs.txt").write_text("mine\n", encoding="utf-8")
    shown = "two\\u000alines\\u001b]0;x\\u0007"
    cases = [(["validate", str(odd / "nowhere")], f"{shown}/nowhere: scenario folder not found"),
             (["run", str(plain), "--out", str(odd)], f"--out: {tmp_path}/{shown} holds 'theirs.txt'"),
             (["reach", "a", "--scenario", str(plain), "--map", str(odd)], f"--map: {tmp_path}/{shown} is a folder"),
             (["reach", "a\nb", "--scenario", str(plain)], "no place or site is called 'a\\nb'"),
             (["reach", "a", "--mode", "bo\nat", "--scenario", str(plain)], "'bo\\nat' is not one of")]
    for args, message in cases:
        status, _, err = run(args, capsys)
        clean_errors(status, err, 1, message)

    assert "\n" not in str(ArgumentError("out", "a\nb")) and "\n" not in str(Problem("x\ny", "m\n", column="c\n"))
    assert InputError([Problem("a.csv", "one\ntwo"), Problem("b.csv", "three")]).lines == [
        "a.csv: one\\u000atwo", "b.csv: three"]


# --- 5. control characters in files -------------------------------------------------------------

EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\x08"


def test_control_characters_in_names_reach_no_file_raw(make_scenario: ScenarioMaker, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """output.formats (neutralise, md, geojson) with errors.escape_controls: C0 and C1 controls,
    tabs and line ends in cells among them, are shown as \\u001b in CSV, Markdown and GeoJSON, as on
    the terminal; GeoJSON's escapes are JSON's, so it reads back as the names given."""
    places = PLACES.replace("a,Alpha,", f'a,"Al{EVIL}pha\nsecond\tline",')
    sites = SITES.replace("Plant A,Maker", f'"Plant{EVIL}A","Maker\r\nInc"')
    toml = TOML.replace('name = "four cities"', 'name = "four\\u001b]0;t\\u0007 cities"')
    folder = make_scenario({"places.csv": places, "sites.csv": sites, "scenario.toml": toml})
    assert run(["run", str(folder), "--out", str(tmp_path / "evil")], capsys)[0] == 0
    assert run(["matrix", "--scenario", str(folder), "--out", str(tmp_path / "evil.csv")], capsys)[0] == 0
    status, printed, _ = run(["locate", "--scenario", str(folder), "--format", "csv"], capsys)
    assert status == 0
    evil = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "evil").iterdir() if p.suffix != ".xlsx"}
    evil |= {"matrix.csv": (tmp_path / "evil.csv").read_text(encoding="utf-8"), "stdout": printed}
    for name, text in evil.items():
        if name != "map.html":
            assert not any(c in text for c in RAW_CONTROLS), (name, [c for c in RAW_CONTROLS if c in text])
    assert "Al\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u007f\\u0008pha\\u000asecond\\u0009line" in evil["places.csv"]
    assert "Maker\\u000d\\u000aInc" in evil["plants.csv"]
    assert "\\\\u001b" in evil["report.md"]  # Markdown shows the backslash
    features = json.loads(evil["places.geojson"])["features"]
    assert f"Al{EVIL}pha\nsecond\tline" in {f["properties"]["name"] for f in features}  # the data is intact

    make_scenario()  # the same folder, rewritten plain: the same rows, line for line
    assert run(["run", str(folder), "--out", str(tmp_path / "plain")], capsys)[0] == 0
    for path in (tmp_path / "plain").glob("*.csv"):
        assert len(path.read_text(encoding="utf-8").split("\n")) == len(evil[path.name].split("\n")), path.name


def test_text_without_controls_is_written_as_before() -> None:
    """escape_controls changes nothing else: tables, Markdown and GeoJSON of ordinary names keep their bytes."""
    frame = pd.DataFrame({"name": ["Hefei", "=1+1", '合肥 "x", y'], "lat": [31.8, 30.0, 29.5],
                          "lon": [117.2, 120, 121]}, index=pd.Index(["hefei", "b", "c"], name="place_id"))
    assert to_csv(frame) == ('place_id,name,lat,lon\nhefei,Hefei,31.8,117.2\nb,\'=1+1,30.0,120.0\n'
                             'c,"合肥 ""x"", y",29.5,121.0\n')
    assert md("Geely | Linhai\n") == "Geely \\| Linhai"
    expected = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"place_id": "hefei", "name": "Hefei"},
         "geometry": {"type": "Point", "coordinates": [117.2, 31.8]}}]}, ensure_ascii=False, sort_keys=True, indent=1)
    assert geojson(frame.head(1), "place_id") == expected + "\n"
