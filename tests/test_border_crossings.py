"""Trips abroad across official land border crossings: roads beyond the border join the country
only at a listed crossing, which a route pays once per passage; places join roads on their own
side; the map draws no road abroad; every bad setting or crossings file is one clean line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import run

from hourcircle import Query, TravelTimes, load_scenario
from hourcircle.analysis.drawing import circle_drawing, reach_drawing
from hourcircle.errors import InputError
from hourcircle.io.crossings import read_crossings
from hourcircle.netcache import load_or_build_network
from hourcircle.network import build_network
from hourcircle.roads.border import mainland_outline
from hourcircle.roads.crossings import open_border
from hourcircle.roads.osm import BUNDLED_BOX, osm_roads
from hourcircle.scenario import BORDER_MINUTES, RoadsSection

# Xishuangbanna's seat and Mengla county in Yunnan; Luang Namtha in Laos, 60 km beyond the
# Mohan-Boten crossing (all seats' coordinates to about 1 km).
PLACES = """\
place_id,name,name_zh,province,lat,lon
jinghong,Jinghong,景洪市,Yunnan,22.0094,100.7975
mengla,Mengla,勐腊县,Yunnan,21.4590,101.5640
luangnamtha,Luang Namtha,南塔,Luang Namtha,20.9500,101.4000
"""
SITES = """\
site_id,name,company,category,place_id,lat,lon
plant,Plant,Maker,assembly,jinghong,22.0094,100.7975
cells,Cells,CellCo,battery,luangnamtha,20.9500,101.4000
"""
TOML = """\
[scenario]
name = "over the Mohan crossing"
budget_hours = 6
places = "places.csv"
sites = "sites.csv"

[product]
name = "test product"
plant_category = "assembly"
categories = ["battery"]

[roads]
source = "osm"
margin_km = {margin}
outline = "china"
{roads}
"""


def scenario(folder: Path, roads: str = "border_crossings = true", files: dict[str, str] | None = None,
             margin: int = 60) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    given = {"scenario.toml": TOML.format(roads=roads, margin=margin), "places.csv": PLACES, "sites.csv": SITES}
    for name, text in {**given, **(files or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> TravelTimes:
    return TravelTimes.for_scenario(scenario(tmp_path_factory.mktemp("open")))


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> TravelTimes:
    return TravelTimes.for_scenario(scenario(tmp_path_factory.mktemp("closed"), roads=""))


@pytest.mark.parametrize("mode", ["truck", "car"])
def test_a_trip_into_laos_passes_the_mohan_crossing_and_pays_its_minutes_once(opened: TravelTimes,
                                                                              mode: str) -> None:
    route = opened.route("jinghong", "luangnamtha", mode)  # type: ignore[arg-type]
    border = route.hops[route.hops["kind"] == "border"]
    assert border["name"].tolist() == ["Mohan-Boten"]
    parts = route.parts()
    assert parts["border"] == BORDER_MINUTES
    assert sum(parts.values()) == pytest.approx(route.minutes)
    assert parts["driving"] == pytest.approx(route.hops.loc[route.hops["kind"].isin(["road", "border"]),
                                                            "minutes"].sum() - BORDER_MINUTES)
    nodes = opened.network.nodes.loc[[n for n in route.nodes if n.startswith("osm:")]]
    abroad = mainland_outline().abroad(nodes["lat"].to_numpy(float), nodes["lon"].to_numpy(float))
    assert abroad.any() and not abroad.all()  # it does go abroad, over roads on both sides
    assert route.as_row()["border_minutes"].iloc[0] == BORDER_MINUTES
    assert route.as_dict()["parts"]["border"] == BORDER_MINUTES  # type: ignore[index]


def test_places_join_the_roads_of_their_own_country(opened: TravelTimes) -> None:
    joins = opened.network.roads.joins
    roads = opened.network.roads.nodes
    abroad = roads.loc[joins["node"], "abroad"].to_numpy(bool)
    assert dict(zip(joins.index, abroad, strict=True)) == {"jinghong": False, "mengla": False,
                                                           "luangnamtha": True, "plant": False, "cells": True}


def test_a_trip_inside_the_country_never_crosses_and_is_unchanged(opened: TravelTimes, closed: TravelTimes) -> None:
    for mode in ("truck", "car"):
        route = opened.route("jinghong", "mengla", mode)
        assert "border" not in set(route.hops["kind"])
        assert route.minutes == closed.route("jinghong", "mengla", mode).minutes
        assert route.parts()["border"] == 0.0
        assert "border" not in closed.route("jinghong", "mengla", mode).parts()  # outputs without crossings unchanged
    inside = opened.network.roads.nodes.index[~opened.network.roads.nodes["abroad"].to_numpy(bool)]
    assert list(inside) == list(closed.network.roads.nodes.index)  # the country's roads are those without crossings


def test_without_crossings_luang_namtha_is_joined_to_chinese_roads_with_no_border_time(closed: TravelTimes) -> None:
    route = closed.route("jinghong", "luangnamtha", "truck")
    assert "border" not in set(route.hops["kind"]) and "border" not in route.parts()


def test_the_border_minutes_setting_and_a_crossings_own_minutes(tmp_path: Path) -> None:
    slower = TravelTimes.for_scenario(scenario(tmp_path / "a", "border_crossings = true\nborder_minutes = 45"))
    assert slower.route("jinghong", "luangnamtha", "car").parts()["border"] == 45.0
    own = "name,lat,lon,minutes\nMohan,21.19,101.675,30\nHekou,22.5106,103.9603,\n"
    mine = TravelTimes.for_scenario(scenario(tmp_path / "b", 'border_crossings = "ports.csv"\nborder_minutes = 50',
                                             {"ports.csv": own}))
    route = mine.route("jinghong", "luangnamtha", "car")
    assert route.parts()["border"] == 30.0 and "Mohan" in set(route.hops["name"])
    assert mine.network.roads.crossings.set_index("name")["minutes"].to_dict() == {"Mohan": 30.0, "Hekou": 50.0}


def test_a_road_across_the_border_away_from_a_crossing_is_cut(tmp_path: Path) -> None:
    far = "name,lat,lon\nSomewhere else,22.5106,103.9603\n"  # Hekou: 250 km east of the area
    expected = ("places.csv, row 4, column lat: luangnamtha lies beyond the border, where no road joins the "
                "country at a listed border crossing")
    with pytest.raises(InputError, match=re.escape(expected)):
        TravelTimes.for_scenario(scenario(tmp_path, 'border_crossings = "ports.csv"', {"ports.csv": far}))


def test_the_map_draws_no_road_abroad(opened: TravelTimes) -> None:
    abroad = opened.network.roads.nodes["abroad"].to_numpy(bool)
    assert abroad.sum() > 10  # there are roads abroad, in the network
    outline = mainland_outline()
    roads = circle_drawing(Query(opened)).roads
    assert roads is not None and len(roads.segments.lat1) > 100
    for lat, lon in ((roads.segments.lat1, roads.segments.lon1), (roads.segments.lat2, roads.segments.lon2)):
        assert not outline.abroad(np.asarray(lat), np.asarray(lon)).any()
    reached = reach_drawing(Query(opened, hours=6), "jinghong").roads
    assert reached is not None and len(reached.segments.lat1) > 100
    assert not outline.abroad(np.asarray(reached.segments.lat2), np.asarray(reached.segments.lon2)).any()


def test_validate_says_which_crossings_it_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["validate", str(scenario(tmp_path))], capsys)
    assert (status, err) == (0, "")
    assert "beyond it joined at border crossings" in out
    assert "border crossings: 1 of the 1 in the scenario's area joined to a road across the border (18 listed" in out
    own = "name,lat,lon\nMohan,21.19,101.675\nNowhere,21.60,101.20\n"
    status, out, _ = run(["validate", str(scenario(tmp_path / "own", 'border_crossings = "p.csv"', {"p.csv": own}))],
                         capsys)
    assert status == 0 and "1 of the 2 in the scenario's area joined" in out and "no road found near Nowhere" in out


def test_the_network_cache_keeps_the_crossings(tmp_path: Path) -> None:
    folder = scenario(tmp_path)
    first = build_network(load_scenario(folder))
    for cached in (load_or_build_network(folder), load_or_build_network(folder)):  # stored, then read back
        assert cached.edges.equals(first.edges)
        pd.testing.assert_frame_equal(cached.roads.crossings, first.roads.crossings)
        pd.testing.assert_frame_equal(cached.roads.nodes, first.roads.nodes)
    assert len(first.roads.crossings) == 19 and "abroad" in first.roads.nodes


BAD = [
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat\nMohan,21.19\n"}, "ports.csv, row 1, column lon"),
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat,lon\nMohan,121.19,101.675\n"},
     "ports.csv, row 2, column lat"),
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat,lon\nMohan,21.19,east\n"},
     "ports.csv, row 2, column lon"),
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat,lon,minutes\nMohan,21.19,101.675,two hours\n"},
     "ports.csv, row 2, column minutes"),
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat,lon,minutes\nMohan,21.19,101.675,-5\n"},
     "ports.csv, row 2, column minutes"),
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat,lon,gate\nMohan,21.19,101.675,A\n"},
     "ports.csv, row 1, column gate"),
    ('border_crossings = "ports.csv"', {"ports.csv": "name,lat,lon\nMohan,21.19,101.675\nMohan,21.2,101.68\n"},
     "ports.csv, row 3, column name"),
    ('border_crossings = "missing.csv"', {}, "missing.csv"),
    ('border_crossings = ""', {}, "roads.border_crossings"),
    ("border_crossings = 3", {}, "roads.border_crossings"),
    ("border_minutes = 60", {}, "roads.border_minutes"),
    ("border_crossings = true\nborder_minutes = -1", {}, "roads.border_minutes"),
    ('border_crossings = true\noutline_ = 1', {}, "roads.outline_"),
]


@pytest.mark.parametrize(("roads", "files", "expected"), BAD)
def test_a_bad_setting_or_crossings_file_is_one_clean_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           roads: str, files: dict[str, str], expected: str) -> None:
    status, out, err = run(["validate", str(scenario(tmp_path, roads, files))], capsys)
    assert status == 2, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hourcircle: error: ") and expected in lines[0], lines


def test_crossings_need_an_outline_to_open(tmp_path: Path) -> None:
    folder = scenario(tmp_path, "border_crossings = true")
    text = (folder / "scenario.toml").read_text(encoding="utf-8").replace('outline = "china"', 'outline = "none"')
    (folder / "scenario.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"roads\.border_crossings.*outline = 'none' keeps no outline"):
        load_scenario(folder)


def test_the_bundled_crossings_meet_the_extracts_roads_but_two() -> None:
    found = read_crossings(RoadsSection(source="osm", border_crossings=True), Path("."), "scenario.toml")
    assert found.problems == [] and found.table is not None and len(found.table) == 19
    opened = open_border(osm_roads(BUNDLED_BOX), mainland_outline(), found.table)
    edges = dict(zip(found.table["name"], opened.edges_per_crossing(len(found.table)).tolist(), strict=True))
    assert sorted(name for name, count in edges.items() if count == 0) == ["Heihe-Blagoveshchensk bridge", "Wanding"]


# Hekou and Pingxiang, two Chinese border towns: 553 km apart by China's roads, 384 km through
# Vietnam (Lao Cai, Hanoi, Lang Son) between the Hekou and Friendship Pass crossings.
ROUND_VIETNAM = {
    "places.csv": "place_id,name,name_zh,province,lat,lon\nhekou,Hekou,河口县,Yunnan,22.5294,103.9396\n"
                  "pingxiang,Pingxiang,凭祥市,Guangxi,22.0946,106.7553\n",
    "sites.csv": "site_id,name,company,category,place_id,lat,lon\nplant,Plant,Maker,assembly,hekou,22.5294,103.9396\n"
                 "cells,Cells,CellCo,battery,pingxiang,22.0946,106.7553\n",
}


@pytest.mark.parametrize(("minutes", "abroad"), [(10, True), (120, False)])
def test_a_shortcut_abroad_between_two_places_at_home_pays_the_border_twice(tmp_path: Path, minutes: int,
                                                                            abroad: bool) -> None:
    ports = "name,lat,lon\nHekou-Lao Cai,22.5106,103.9603\nYouyiguan,21.9751,106.7115\n"
    roads = f'border_crossings = "ports.csv"\nborder_minutes = {minutes}'
    both = {**ROUND_VIETNAM, "ports.csv": ports}
    on, off = scenario(tmp_path / "on", roads, both, margin=300), scenario(tmp_path / "off", "", both, margin=300)
    opened = TravelTimes.for_scenario(on).route("hekou", "pingxiang", "truck")
    closed = TravelTimes.for_scenario(off).route("hekou", "pingxiang", "truck")
    crossed = opened.hops.loc[opened.hops["kind"] == "border", "name"].tolist()
    if abroad:  # ten minutes a crossing: through Vietnam, in and out
        assert crossed == ["Hekou-Lao Cai", "Youyiguan"] and opened.parts()["border"] == 2 * minutes
        assert opened.minutes < closed.minutes - 60 and opened.km < closed.km - 100
    else:  # two hours a crossing: China's own roads, as without crossings
        assert crossed == [] and opened.minutes == closed.minutes and opened.km == closed.km
