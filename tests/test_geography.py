"""Geography that no road serves: far-off points, seas and the antimeridian end in one clear line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import LINKS, TOML, ScenarioMaker, region_places, run, write_region

from hourcircle.roads.osm import Box

ERROR = "hourcircle: error: "
SITES = """\
site_id,name,company,category,place_id,lat,lon
plant_suzhou,Plant Suzhou,Maker,assembly,suzhou_js,31.30,120.58
cells_wuxi,Cells Wuxi,CellCo,battery,wuxi,31.49,120.31
fab_shanghai,Fab Shanghai,ChipCo,chips,shanghai,31.23,121.47
"""


def _one_error(status: int, err: str, *expected: str, lines: int = 1) -> None:
    assert status == 2 and err.count("\n") == lines and "Traceback" not in err, err
    assert all(line.startswith(ERROR) for line in err.splitlines()), err
    for text in expected:
        assert text in err, (text, err)


def test_a_place_far_out_at_sea_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """roads.build._refuse_far: an access leg beyond [roads] max_access_km names the row."""
    places = region_places().replace("31.232301,121.469124", "31.232301,123.469124")  # Shanghai 190 km offshore
    assert "123.469124" in places
    folder = write_region(tmp_path / "sea", SITES.replace("31.23,121.47", "31.23,123.47"),
                          files={"places.csv": places})
    status, _, err = run(["validate", str(folder)], capsys)
    _one_error(status, err, "places.csv, row 2, column lat: shanghai is", "km from the nearest road (at most 100 km",
               "sites.csv, row 4, column lat: fab_shanghai is", lines=2)  # one line per problem
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("margin_km = 20", "margin_km = 20\nmax_access_km = 300"),
                    encoding="utf-8")
    assert run(["validate", str(folder)], capsys)[0] == 0  # joined anyway when the scenario says so


def test_roads_are_not_inferred_across_an_ocean(make_scenario: ScenarioMaker,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """roads.build._refuse_long_inferred: no inferred road longer than config.max_road_link_km."""
    places = ("place_id,name,name_zh,province,lat,lon,population\n"
              "london,London,伦敦,England,51.507,-0.128,\nnew_york,New York,纽约,New York,40.713,-74.006,\n")
    sites = ("site_id,name,company,category,place_id,lat,lon,precision,source\n"
             "plant_a,Plant A,Maker,assembly,london,51.507,-0.128,city,test\n"
             "cells_b,Cells B,CellCo,battery,new_york,40.713,-74.006,city,test\n"
             "fab_c,Fab C,ChipCo,chips,london,51.5,-0.12,site,test\n"
             "code_d,Code D,SoftCo,software,new_york,40.7,-74.0,city,test\n")
    folder = make_scenario({"places.csv": places, "sites.csv": sites, "links.csv": None,
                            "scenario.toml": TOML.replace('links = "links.csv"\n', "")})
    status, _, err = run(["travel", "london", "new_york", "--scenario", str(folder)], capsys)
    _one_error(status, err, "new_york and london are 5,570 km apart", "no road is inferred longer than 2,000 km")


def test_a_road_link_across_a_sea_is_refused(make_scenario: ScenarioMaker,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """io.load._long_road_links: a road link longer than config.max_road_link_km names its row."""
    folder = make_scenario({"links.csv": LINKS.replace("c,d,road,60,,R4,test", "c,d,road,5600,,Atlantic,test")})
    status, _, err = run(["validate", str(folder)], capsys)
    _one_error(status, err, "links.csv, row 5, column km: a road link of 5,600 km between c and d")


def test_a_box_across_the_antimeridian_holds_the_points_between() -> None:
    """roads.osm.Box: longitudes unwrapped, so two towns 9 km apart across 180 degrees are neighbours."""
    lat, lon = np.array([-16.45, -16.45]), np.array([179.96, -179.96])  # about 9 km apart on Vanua Levu
    box = Box.around(lat, lon, margin_km=20)
    assert box.east - box.west < 5 and box.contains(lat, lon).all()
    assert not box.contains(np.array([-16.45]), np.array([0.0])).any()
    china = Box.around(np.array([18.0, 53.0]), np.array([73.5, 135.0]), margin_km=100)
    assert (china.west, china.east) == (72.0, 136.5)  # boxes that do not cross are as before


@pytest.mark.parametrize("command", [["locate", "--plants", "2"], ["run", "--out", "{out}"], ["matrix"],
                                     ["disrupt", "--sweep"]])
def test_a_question_too_big_for_the_machine_is_refused_before_allocating(
        four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: list[str]) -> None:
    """memory.ensure_fits: the memory needed against what the machine has, one line, exit 2, nothing written."""
    monkeypatch.setattr("hourcircle.memory.available_bytes", lambda: 64)
    args = [part.format(out=tmp_path / "out") for part in command]
    status, out, err = run([*args, "--scenario", str(four)], capsys)
    _one_error(status, err, "of memory; this machine has 0.0 GiB available: ask a smaller question")
    assert out == "" and not (tmp_path / "out").exists()
