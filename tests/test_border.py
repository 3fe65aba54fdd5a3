"""Roads stay inside mainland China: the outline, the national network, reaches from border
cities, the opt-out, and the message when an outline leaves no roads."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from helpers import ScenarioMaker, run

from hourcircle import TravelTimes, datasets, load_scenario
from hourcircle.network import build_network
from hourcircle.roads.border import COAST_KM, KM_PER_DEGREE, mainland_outline

# Boxes wholly in a neighbour (south, west, north, east): none of mainland China lies in them.
NEIGHBOURS = {
    "Korea": (34.0, 124.7, 39.9, 130.0),
    "Vietnam, Laos and Myanmar": (17.0, 97.0, 21.0, 106.0),
    "Mongolia": (43.5, 96.0, 50.0, 110.0),
    "Kazakhstan and Kyrgyzstan": (42.5, 70.0, 50.0, 79.5),
    "India and Nepal": (24.0, 80.0, 27.0, 88.0),
}


def abroad(lat: np.ndarray, lon: np.ndarray) -> dict[str, int]:
    """How many points lie in each neighbour's box."""
    return {name: int(((lat >= s) & (lat <= n) & (lon >= w) & (lon <= e)).sum())
            for name, (s, w, n, e) in NEIGHBOURS.items()}


def in_the_country(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Inside the provinces, or off their coast (within the coastal allowance), and not Hong Kong or Macau."""
    outline = mainland_outline()
    points = shapely.points(lon, lat)
    near = shapely.distance(outline.land, points) * KM_PER_DEGREE <= COAST_KM
    return np.asarray(near & ~shapely.contains_xy(outline.left_out, lon, lat))


@pytest.fixture(scope="module")
def national() -> TravelTimes:
    return TravelTimes.for_scenario(datasets.locate("china"))


def test_the_outline_tells_the_country_from_its_neighbours() -> None:
    points = {"Shanghai": (31.23, 121.47, True), "Dandong": (40.13, 124.38, True),
              "Ruili": (24.01, 97.85, True), "Zhoushan": (30.0, 122.2, True),
              "Sinuiju (DPRK)": (40.10, 124.40, False), "Muse (Myanmar)": (23.99, 97.90, False),
              "Mong Cai (Vietnam)": (21.52, 107.96, False), "Hong Kong": (22.30, 114.17, False),
              "Macau": (22.19, 113.55, False), "Zamyn-Uud (Mongolia)": (43.72, 111.90, False),
              "Taipei": (25.04, 121.5, False)}
    lat, lon, expected = (np.array(column) for column in zip(*points.values(), strict=True))
    kept = mainland_outline().keeps(lat, lon)
    assert dict(zip(points, kept.tolist(), strict=True)) == dict(zip(points, expected.tolist(), strict=True))


def test_no_national_road_node_lies_beyond_the_border(national: TravelTimes) -> None:
    nodes = national.network.roads.nodes
    lat, lon = nodes["lat"].to_numpy(float), nodes["lon"].to_numpy(float)
    assert abroad(lat, lon) == dict.fromkeys(NEIGHBOURS, 0)
    assert in_the_country(lat, lon).all()
    assert len(nodes) > 100_000  # the country's roads are all there


@pytest.mark.parametrize("origin", ["dehong", "xishuangbanna", "dandong", "jinshanlu", "ghulja", "kashgar", "shenzhen"])
def test_a_border_city_reaches_only_its_own_country(national: TravelTimes, origin: str) -> None:
    reached = national.minutes_from(origin, "truck", cutoff=6 * 60)
    roads = national.network.roads.nodes
    where = roads.loc[roads.index.intersection(reached.index)]
    assert len(where) > 100
    assert in_the_country(where["lat"].to_numpy(float), where["lon"].to_numpy(float)).all()


def test_routes_between_border_cities_stay_inside(national: TravelTimes) -> None:
    roads = national.network.roads.nodes
    for origin, destination in [("dehong", "xishuangbanna"), ("jinshanlu", "kashgar"), ("dandong", "shenzhen")]:
        route = national.route(origin, destination, "truck")
        on_roads = [node for node in route.nodes if node in roads.index]
        assert len(on_roads) > 10
        where = roads.loc[on_roads]
        assert in_the_country(where["lat"].to_numpy(float), where["lon"].to_numpy(float)).all()


def test_validate_says_how_many_road_nodes_the_outline_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["validate", "--scenario", "china"], capsys)
    found = re.search(r"^outline: mainland China, ([\d,]+) road nodes kept, ([\d,]+) beyond it left out", out, re.M)
    assert found is not None
    kept, left = (int(number.replace(",", "")) for number in found.groups())
    assert status == 0 and kept > 100_000 and left > 10_000


DANDONG = """\
place_id,name,name_zh,province,lat,lon
dandong,Dandong,丹东市,Liaoning,39.999251,124.348691
donggang,Donggang,东港市,Liaoning,39.863,124.152
"""
DANDONG_SITES = """\
site_id,name,company,category,place_id,lat,lon
plant,Plant,Maker,assembly,dandong,39.999251,124.348691
cells,Cells,CellCo,battery,donggang,39.863,124.152
"""
DANDONG_TOML = """\
[scenario]
name = "on the Yalu"
budget_hours = 2
places = "places.csv"
sites = "sites.csv"

[product]
name = "test product"
plant_category = "assembly"
categories = ["battery"]

[roads]
source = "osm"
margin_km = 30
{outline}
"""


def _korean_nodes(folder: Path) -> int:
    nodes = build_network(load_scenario(folder)).roads.nodes
    return abroad(nodes["lat"].to_numpy(float), nodes["lon"].to_numpy(float))["Korea"] + int(
        ((nodes["lat"] < 40.05) & (nodes["lon"] > 124.45)).sum())


def test_a_scenario_may_keep_the_roads_beyond_the_border(make_scenario: ScenarioMaker) -> None:
    files: dict[str, str | bytes | None] = {"places.csv": DANDONG, "sites.csv": DANDONG_SITES, "links.csv": None}
    inside = make_scenario(files | {"scenario.toml": DANDONG_TOML.format(outline="")})
    assert _korean_nodes(inside) == 0
    across = make_scenario(files | {"scenario.toml": DANDONG_TOML.format(outline='outline = "none"')})
    assert _korean_nodes(across) > 0


def test_an_outline_that_leaves_no_roads_is_a_clear_error(make_scenario: ScenarioMaker,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    hanoi = DANDONG.replace("39.999251,124.348691", "21.03,105.85").replace("39.863,124.152", "20.86,106.68")
    sites = DANDONG_SITES.replace("39.999251,124.348691", "21.03,105.85").replace("39.863,124.152", "20.86,106.68")
    folder = make_scenario({"places.csv": hanoi, "sites.csv": sites, "links.csv": None,
                            "scenario.toml": DANDONG_TOML.format(outline="")})
    status, out, err = run(["validate", str(folder)], capsys)
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "mainland China" in err and "outline = 'none'" in err and "scenario.toml" in err


def test_patches_join_what_the_extract_lacks(national: TravelTimes) -> None:
    """The Bohai Strait ferry and the Shenzhen-Zhongshan Link (data/sources/osm_patches.md)."""
    ferry = national.route("dalian", "yantai", "truck")
    assert "Bohai Strait ferry" in " ".join(ferry.hops["name"].astype(str)) and ferry.hops["km"].sum() < 300
    link = national.route("shenzhen", "zhongshan", "car")
    assert "Shenzhen-Zhongshan Link" in " ".join(link.hops["name"].astype(str))
    assert link.hops["km"].sum() < 2 * 68  # the seats are 68 km apart; 188 km round the estuary without it
