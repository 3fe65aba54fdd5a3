"""The command line on the 4-city scenario: output, formats and bad arguments."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest
from helpers import LINKS, ScenarioMaker, run

from hourcircle.travel.route import ROUTE_KEYS


def test_travel_prints_minutes_parts_and_legs(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["travel", "a", "Delta", "--scenario", str(four)], capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    # the band is the calibrated default's: 0.65 to 1.4 times the model's minutes
    assert lines[0] == "a -> d by truck: 210 min door to door (3 h 30; likely 136-294), 210 km"
    assert lines[1] == "  driving 210 min"  # no access legs, no terminal minutes, no rest in this scenario
    assert lines[3].split() == ["50.0", "km", "50", "min", "R2", "->", "c"]


def test_travel_csv_is_one_row_of_totals_and_parts(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["travel", "a", "Delta", "--format", "csv", "--scenario", str(four)], capsys)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "from,to,mode,minutes,train_minutes,band_low,band_high,km,driving_minutes,access_minutes,terminal_minutes,"
        "rest_minutes,estimated",
        "a,d,truck,210.0,,136.5,294.0,210.0,210.0,0.0,0.0,0.0,False"]  # the band: 0.65 and 1.4 times 210


@pytest.mark.parametrize("pair", [("changzhou", "ningbo"), ("hefei", "shanghai"), ("nantong", "hangzhou")])
def test_travel_parts_add_up_to_the_total_as_printed(pair: tuple[str, str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """route.round_parts: changzhou-ningbo is 237.6 min of 208.1 + 1.5 + 28.0: printed 238 = 208 + 2 + 28."""
    status, out, _ = run(["travel", *pair], capsys)
    total = int(out.splitlines()[0].split(": ")[1].split(" min door")[0])
    parts = [int(part.split()[-2]) for part in out.splitlines()[1].split(", ")]
    assert status == 0 and sum(parts) == total, out


def test_travel_json(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["travel", "甲", "c", "--mode", "car", "--format", "json", "--scenario", str(four)], capsys)
    answer = json.loads(out)
    assert status == 0
    assert answer["minutes"] == 75.0 and answer["train_minutes"] is None and answer["band"] == [48.8, 105.0]
    assert answer["parts"] == {"driving": 75.0, "access": 0.0, "terminal": 0.0, "rest": 0.0}
    assert [(leg["name"], leg["to"]) for leg in answer["legs"]] == [("R1", "b"), ("R2", "c")]
    assert answer["estimated"] is False


def test_no_route_is_said_plainly(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"links.csv": LINKS.replace("c,d,road,60,,R4,test\n", "")})
    status, out, _ = run(["travel", "a", "d", "--scenario", str(folder)], capsys)
    assert status == 0 and out.strip() == "no truck route from a to d"
    status, out, _ = run(["travel", "a", "d", "--format", "json", "--scenario", str(folder)], capsys)
    answer = json.loads(out)
    assert status == 0 and answer["minutes"] is None
    assert set(answer) == set(ROUTE_KEYS) == {"from", "to", "mode", "minutes", "train_minutes", "band", "km",
                                              "parts", "legs", "estimated"}


def test_reach_groups_by_category(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["reach", "a", "--hours", "2", "--scenario", str(four)], capsys)
    assert status == 0
    assert out.splitlines()[0] == "from a within 2 h by truck: 2 sites"
    assert "battery: 1" in out and "chips: 0" in out and "100 min  cells_b" in out


def test_reach_json_and_csv(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["reach", "a", "--hours", "3", "--format", "json", "--scenario", str(four)], capsys)
    assert [r["site_id"] for r in json.loads(out)] == ["plant_a", "cells_b", "fab_c"]
    _, out, _ = run(["reach", "a", "--hours", "3", "--format", "csv", "--scenario", str(four)], capsys)
    assert out.splitlines()[0] == "site_id,name,company,category,place_id,minutes"


def test_matrix_to_a_file(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "deep" / "m.csv"
    status, out, _ = run(["matrix", "--mode", "car", "--out", str(target), "--scenario", str(four)], capsys)
    assert status == 0 and "wrote 4x4 car minutes" in out
    matrix = pd.read_csv(target, index_col=0)
    assert matrix.loc["a", "d"] == 105.0
    assert sorted(p.name for p in target.parent.iterdir()) == [".hourcircle-outputs.json", "m.csv"]


BUNDLED = "<bundled>"  # this case runs on the bundled dataset, not the 4-city scenario
NO_RAIL = "<no rail>"  # the 4-city scenario without its rail link


@pytest.mark.parametrize(("args", "message"), [
    (["reach", "a", "--hours", "-1"], "Invalid value for '--hours': -1.0 is not in the range 1/60<=x<=72"),
    (["reach", "a", "--hours", "four"], "Invalid value for '--hours': 'four' is not a valid float"),
    (["reach", "a", "--hours", "0"], "is not in the range 1/60<=x<=72"),
    (["travel", "a", "b", "--mode", "boat"], "Invalid value for '--mode': 'boat' is not one of"),
    (["travel", "a", "Omega"], "no place or site is called 'Omega'"),
    (["travel", "a"], "Missing argument 'TO'"),
    (["reach", "nowhere"], "no place or site is called 'nowhere'"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["run", "--hours", "0"], "--hours"),
    (["locate", "--top", "0"], "--top"),
    (["locate", "--plants", "0"], "--plants"),
    (["locate", "--plants", "5"], "--plants: asks for 5 plants, but only 4 places have a complete circle"),
    (["disrupt", "--remove", "atlantis"], "--remove: no place or site is called 'atlantis'"),
    (["disrupt", "--remove", "Suzhou", BUNDLED], "--remove: 'Suzhou' is ambiguous: suzhou_js"),
    (["disrupt"], "give --remove ID (one or more) or --sweep"),
    (["disrupt", "--sweep", "--remove", "a"], "give --remove ID (one or more) or --sweep"),
    (["travel", "a", "b", "--mode", "rail", NO_RAIL], "--mode: this scenario has no rail links"),
])
def test_bad_arguments_exit_2_with_one_line(four: Path, make_scenario: ScenarioMaker,
                                            capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    if NO_RAIL in args:
        folder = make_scenario({"links.csv": LINKS.replace("a,c,rail,,45,T1,test\n", "")})
        args = [*args[:-1], "--scenario", str(folder)]
    elif BUNDLED in args:
        args = args[:-1]
    else:
        args = [*args, "--scenario", str(four)]
    status, out, err = run(args, capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("hourcircle: error: ") and message in err, err
    assert "Traceback" not in err


def test_every_command_and_option_has_help() -> None:
    from hourcircle.cli import cli
    for name, command in cli.commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts}"


def test_ambiguous_names_list_the_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["travel", "Suzhou", "Taizhou"], capsys)
    assert status == 2
    assert err.strip() == ("hourcircle: error: 'Suzhou' is ambiguous: suzhou_js (Suzhou 苏州市, Jiangsu), "
                           "suzhou_ah (Suzhou 宿州市, Anhui); use an id")


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"], capsys)[0] == 0
    status, out, _ = run(["--version"], capsys)
    assert status == 0 and "0.1.0" in out


def test_out_that_is_a_directory_is_refused_cleanly(four: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken.csv"
    target.mkdir()
    status, _, err = run(["matrix", "--out", str(target), "--scenario", str(four)], capsys)
    assert status == 2 and err == f"hourcircle: error: --out: {target} is a folder, link or device, not a file; give " \
                                  "a file name\n"
    assert list(target.iterdir()) == [] and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
