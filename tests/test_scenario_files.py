"""Bad scenario files: exit 2, one line per problem naming file, row and column, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import LINKS, PLACES, SITES, TOML, ScenarioMaker, run

from hourcircle import load_scenario
from hourcircle.errors import InputError


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario(folder)
    return caught.value.lines


def assert_cli_rejects(folder: Path, capsys: pytest.CaptureFixture[str], *expected: str) -> list[str]:
    """validate and matrix --out both exit 2 with one clean line per problem and write nothing."""
    out_file = folder.parent / "out" / "matrix.csv"
    for args in (["validate", str(folder)], ["matrix", "--scenario", str(folder), "--out", str(out_file)]):
        status, out, err = run(args, capsys)
        assert status == 2, (args, out, err)
        lines = err.splitlines()
        assert lines and all(line.startswith("hourcircle: error: ") for line in lines), err
        assert "Traceback" not in err
        for text in expected:
            assert any(text in line for line in lines), (text, lines)
    assert not out_file.exists() and not out_file.parent.exists()
    return err.splitlines()


def test_the_four_city_scenario_is_valid(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["validate", str(four)], capsys)
    assert (status, err) == (0, "")
    assert "4 places, 4 sites" in out
    assert "assembly 1, battery 1, chips 1, software 1" in out


def test_missing_scenario_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["validate", str(tmp_path / "nowhere")], capsys)
    assert status == 2 and "scenario folder not found" in err


@pytest.mark.parametrize("name", ["scenario.toml", "places.csv", "sites.csv", "links.csv"])
def test_missing_file(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert_cli_rejects(make_scenario({name: None}), capsys, f"{name}: file not found")


def test_toml_syntax_error(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"scenario.toml": TOML.replace("budget_hours = 4.0", "budget_hours = = 4")})
    assert_cli_rejects(folder, capsys, "scenario.toml: TOML syntax error", "line 3")


def test_unknown_toml_key_suggests_the_right_one(make_scenario: ScenarioMaker,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"scenario.toml": TOML.replace("budget_hours", "budget_hour")})
    lines = assert_cli_rejects(folder, capsys, "key scenario.budget_hour: unknown key (did you mean budget_hours?)",
                               "key scenario.budget_hours: is missing")
    assert len(lines) == 2


def test_unknown_travel_key(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"scenario.toml": TOML.replace("detour = 1.0\naccess", "detours = 1.0\naccess", 1)})
    assert_cli_rejects(folder, capsys, "key travel.truck.detours: unknown key (did you mean detour?)")


@pytest.mark.parametrize("value", ["0", "-4", '"four"', "true", "nan"])
def test_budget_hours_must_be_a_positive_number(make_scenario: ScenarioMaker,
                                                capsys: pytest.CaptureFixture[str], value: str) -> None:
    folder = make_scenario({"scenario.toml": TOML.replace("budget_hours = 4.0", f"budget_hours = {value}")})
    assert_cli_rejects(folder, capsys, "scenario.toml, key scenario.budget_hours:")


def test_negative_speed_in_a_profile(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"scenario.toml": TOML.replace("speed_kmh = 120", "speed_kmh = -5")})
    assert_cli_rejects(folder, capsys, "key travel.car.speed_kmh: Input should be greater than or equal to 1")


def test_missing_and_unknown_columns(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"places.csv": PLACES.replace("province,lat", "provnce,lat")})
    assert_cli_rejects(folder, capsys, "places.csv, row 1, column province: missing column",
                       "places.csv, row 1, column provnce: unknown column")


@pytest.mark.parametrize("name", ["places.csv", "sites.csv", "links.csv"])
def test_empty_file(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert_cli_rejects(make_scenario({name: ""}), capsys, f"{name}: is empty")


def test_header_without_rows(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"places.csv": PLACES.splitlines()[0] + "\n"})
    assert_cli_rejects(folder, capsys, "places.csv: has a header but no data rows")


@pytest.mark.parametrize(("cell", "message"), [
    ("abc", "column lat: 'abc' is not a number"),
    ("", "column lat: is empty"),
    ("95", "column lat: latitude 95 is outside -90..90"),
])
def test_bad_latitude(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str], cell: str,
                      message: str) -> None:
    folder = make_scenario({"places.csv": PLACES.replace("b,Beta,乙市,East,30.0", f"b,Beta,乙市,East,{cell}")})
    assert_cli_rejects(folder, capsys, f"places.csv, row 3, {message}")


def test_bad_longitude(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"places.csv": PLACES.replace("30.0,121.5,", "30.0,221.5,")})
    assert_cli_rejects(folder, capsys, "places.csv, row 5, column lon: longitude 221.5 is outside -180..180")


def test_swapped_lat_lon_is_named(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"sites.csv": SITES.replace("b,30.0,120.4", "b,120.4,30.0")})
    assert_cli_rejects(folder, capsys, "sites.csv, row 3, column lat: latitude 120.4 is outside -90..90 "
                                       "(are lat and lon swapped?)")


def test_site_far_from_its_place(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"sites.csv": SITES.replace("b,30.0,120.4", "b,40.0,120.4")})
    assert_cli_rejects(folder, capsys, "sites.csv, row 3, column lat: is 1112 km from its place 'b'")


def test_duplicate_ids(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({
        "places.csv": PLACES + "a,Again,又市,East,30.1,120.1,\n",
        "sites.csv": SITES + "fab_c,Fab C2,ChipCo,chips,c,30.0,121.0,site,test\n",
    })
    assert_cli_rejects(folder, capsys, "places.csv, row 6, column place_id: duplicate id 'a' (first used in row 2)",
                       "sites.csv, row 6, column site_id: duplicate id 'fab_c' (first used in row 4)")


def test_unknown_places_in_sites_and_links(make_scenario: ScenarioMaker,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"sites.csv": SITES.replace("CellCo,battery,b,", "CellCo,battery,bb,"),
                            "links.csv": LINKS.replace("c,d,road", "c,e,road")})
    assert_cli_rejects(folder, capsys, "sites.csv, row 3, column place_id: unknown place 'bb' (did you mean b?)",
                       "links.csv, row 5, column to_place: unknown place 'e'")


def test_unknown_link_mode(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"links.csv": LINKS.replace("b,c,road", "b,c,ferry")})
    assert_cli_rejects(folder, capsys, "links.csv, row 3, column mode: 'ferry' is not one of 'road' or 'rail'")


@pytest.mark.parametrize(("old", "new", "column"), [
    ("a,b,road,100,", "a,b,road,0,", "km"),
    ("a,b,road,100,", "a,b,road,-3,", "km"),
    ("a,c,rail,,45,", "a,c,rail,,0,", "minutes"),
    ("a,c,rail,,45,", "a,c,rail,,-45,", "minutes"),
])
def test_zero_or_negative_km_or_minutes(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str],
                                        old: str, new: str, column: str) -> None:
    folder = make_scenario({"links.csv": LINKS.replace(old, new)})
    assert_cli_rejects(folder, capsys, f"links.csv, row {2 if column == 'km' else 6}, column {column}: ",
                       "must be greater than 0")


def test_link_to_itself(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"links.csv": LINKS.replace("c,d,road", "c,c,road")})
    assert_cli_rejects(folder, capsys, "links.csv, row 5, column to_place: a link must join two different places")


def test_undeclared_category_is_not_silently_dropped(make_scenario: ScenarioMaker,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"sites.csv": SITES.replace("CellCo,battery", "CellCo,batery")})
    assert_cli_rejects(folder, capsys, "sites.csv, row 3, column category: unknown category "
                                       "(not declared in [product] of scenario.toml) 'batery' (did you mean battery?)")


def test_bad_precision(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"sites.csv": SITES.replace("site,test", "exact,test")})
    assert_cli_rejects(folder, capsys, "sites.csv, row 4, column precision: 'exact' is not one of 'site' or 'city'")


def test_every_problem_is_listed_at_once(make_scenario: ScenarioMaker,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({
        "scenario.toml": TOML.replace("budget_hours = 4.0", "budget_hours = -1")
                             .replace("speed_kmh = 120", "speed_kmh = 0"),
        "places.csv": PLACES.replace("30.0,120.4", "x,120.4"),
        "sites.csv": SITES.replace("CellCo,battery", "CellCo,batery"),
        "links.csv": LINKS.replace("b,c,road", "b,c,boat"),
    })
    lines = assert_cli_rejects(folder, capsys, "key scenario.budget_hours", "key travel.car.speed_kmh",
                               "places.csv", "sites.csv", "links.csv")
    assert len(lines) == 5


def test_excel_utf8_bom_and_crlf_load(make_scenario: ScenarioMaker) -> None:
    def excel(text: str) -> bytes:
        return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")

    folder = make_scenario({"places.csv": excel(PLACES), "sites.csv": excel(SITES), "links.csv": excel(LINKS)})
    scenario = load_scenario(folder)
    assert list(scenario.places.columns)[:2] == ["name", "name_zh"]
    assert scenario.places.loc["a", "name_zh"] == "甲市"
    assert scenario.places.loc["d", "lon"] == 121.5


def test_gb18030_file_is_read_correctly(make_scenario: ScenarioMaker) -> None:
    folder = make_scenario({"places.csv": PLACES.replace("\n", "\r\n").encode("gb18030")})
    assert load_scenario(folder).places.loc["b", "name_zh"] == "乙市"


def test_undecodable_file_says_which_encoding_to_use(make_scenario: ScenarioMaker,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"places.csv": PLACES.encode("utf-8") + b"\xff\xff\xff\n"})
    assert_cli_rejects(folder, capsys, "places.csv: cannot be read as text", "save it as UTF-8")


def test_row_with_too_many_cells(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"places.csv": PLACES.replace("West,30.0,121.5,", "West,30.0,121.5,,9")})
    assert_cli_rejects(folder, capsys, "places.csv, row 5: has 8 cells but the header has 7 columns")


def test_non_ascii_id(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"places.csv": PLACES.replace("d,Delta", "丁,Delta")})
    assert_cli_rejects(folder, capsys, "places.csv, row 5, column place_id: '丁' is not an ASCII id")


def test_problems_name_the_file_as_the_scenario_calls_it(make_scenario: ScenarioMaker) -> None:
    folder = make_scenario({"scenario.toml": TOML.replace('places = "places.csv"', 'places = "cities.csv"')})
    assert problems_of(folder) == ["cities.csv: file not found"]


def test_scenario_toml_that_is_a_folder(make_scenario: ScenarioMaker, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_scenario({"scenario.toml": None})
    (folder / "scenario.toml").mkdir()
    assert_cli_rejects(folder, capsys, "scenario.toml: is not a regular file")
