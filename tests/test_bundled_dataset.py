"""The bundled Yangtze River Delta dataset: complete, sourced, and shipped with the package."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import place_matrix, run

import hourcircle
from hourcircle import datasets, load_scenario

CATEGORIES = ["assembly", "battery", "chips", "software", "e_motor", "die_casting"]


@pytest.fixture(scope="module")
def scenario() -> hourcircle.Scenario:
    return load_scenario(datasets.bundled())


def test_validate_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["validate"], capsys)
    assert (status, err) == (0, "")
    assert out.startswith("Yangtze River Delta NEV: 41 places")
    assert "sites per category: assembly" in out


def test_all_41_prefecture_level_cities(scenario: hourcircle.Scenario) -> None:
    places = scenario.places
    assert len(places) == 41
    assert places["province"].value_counts().to_dict() == {"Anhui": 16, "Jiangsu": 13, "Zhejiang": 11,
                                                           "Shanghai": 1}
    assert {"suzhou_js", "suzhou_ah", "taizhou_js", "taizhou_zj"} <= set(places.index)
    assert places.index.str.fullmatch(r"[a-z_]+").all()
    assert places["lat"].between(27, 35.5).all() and places["lon"].between(115, 123).all()


def test_sites_cover_the_bill_of_materials(scenario: hourcircle.Scenario) -> None:
    sites = scenario.sites
    assert len(sites) >= 80
    counts = sites["category"].value_counts()
    assert all(counts[c] >= 4 for c in CATEGORIES)
    assert sites["source"].str.startswith("http").all()
    assert sites["precision"].isin(["site", "city"]).all()


def test_the_story_the_data_must_tell(scenario: hourcircle.Scenario) -> None:
    sites = scenario.sites
    def where(category: str) -> set[str]:
        return set(sites.loc[sites["category"] == category, "place_id"])
    assert {"shanghai"} <= where("chips") and {"shanghai"} <= where("software")
    assert "changzhou" in where("battery") and "ningbo" in where("die_casting")
    companies = set(zip(sites["company"].str.split().str[0], sites["place_id"], strict=True))
    assert {("NIO", "hefei"), ("Tesla", "shanghai"), ("Leapmotor", "jinhua")} <= companies
    assert any(c.startswith("Volkswagen") and p == "hefei" for c, p in zip(sites["company"], sites["place_id"],
                                                                              strict=True))
    assert any(c.startswith("Geely") for c in sites.loc[sites["place_id"].isin(["ningbo", "taizhou_zj"]), "company"])


def test_schematic_road_links_cross_water_only_on_named_crossings() -> None:
    scenario = load_scenario(datasets.bundled() / "scenario_schematic.toml")
    assert scenario.roads.source == "links" and scenario.links is not None
    road = scenario.links[scenario.links["mode"] == "road"]
    north = {"nantong", "taizhou_js", "yangzhou", "huaian", "chuzhou", "hefei", "luan", "anqing", "bengbu"}
    south = {"shanghai", "suzhou_js", "wuxi", "changzhou", "zhenjiang", "nanjing", "maanshan", "wuhu",
             "tongling", "chizhou"}
    across = road[(road["from_place"].isin(north) & road["to_place"].isin(south))
                  | (road["from_place"].isin(south) & road["to_place"].isin(north))]
    assert len(across) >= 10
    bridges = ("Bridge", "Tunnel")
    assert across["name"].str.contains("|".join(bridges)).all(), across
    zhoushan = road[(road["from_place"] == "zhoushan") | (road["to_place"] == "zhoushan")]
    assert set(zhoushan["from_place"]) | set(zhoushan["to_place"]) == {"zhoushan", "ningbo"}


def test_the_delta_runs_on_openstreetmap_roads_with_its_crossings_named(scenario: hourcircle.Scenario) -> None:
    network = hourcircle.build_network(scenario)
    roads = network.roads
    assert roads.source == "osm" and len(roads.edges) > 40_000
    assert roads.notes() == [] and roads.joins["km"].max() < 5  # every place and site is near a road
    names = set(roads.infrastructure["name"])
    crossings = {"Nanjing Dashengguan", "Nanjing Qixiashan", "Runyang", "Taizhou Yangtze", "Jiangyin",
                 "Hutong", "Chongqi", "Shanghai Yangtze River Tunnel", "Hangzhou Bay Bridge", "Jiaxing–Shaoxing",
                 "Qianjiang First Bridge", "Zhijiang Bridge", "G15 Shenhai (Yongtaiwen Expressway): Ningbo-Taizhou"}
    assert all(any(c in name for name in names) for c in crossings), crossings - {
        c for c in crossings if any(c in name for name in names)}
    patched = set(scenario.links.loc[scenario.links["mode"] == "road", "name"]) if scenario.links is not None else set()
    assert any("Sutong" in n for n in patched) and any("Zhoushan" in n for n in patched)


def test_every_city_is_reachable_by_road_and_rail() -> None:
    times = hourcircle.TravelTimes.for_scenario(datasets.bundled())
    for mode in ("truck", "rail"):
        minutes = place_matrix(times, mode)
        assert minutes.notna().all().all(), mode


def test_the_installed_package_carries_its_data() -> None:
    package = Path(hourcircle.__file__).parent
    assert datasets.data_root() == package / "data", "run the tests against the installed wheel (make test)"
    for name in ("yrd_nev/scenario.toml", "yrd_nev/places.csv", "yrd_nev/sites.csv", "yrd_nev/links.csv",
                 "yrd_nev/infrastructure.csv", "yrd_nev/scenario_schematic.toml", "china_nev/scenario.toml",
                 "china_prefectures.csv", "calibration/road_pairs.csv", "basemap/china.geojson", "README.md",
                 "roads/china/manifest.json", "roads/china/lat.npy"):
        assert (package / "data" / name).is_file(), name


def test_china_prefectures(scenario: hourcircle.Scenario) -> None:
    table = pd.read_csv(datasets.china_prefectures())
    assert len(table) == 338 and table["adcode"].is_unique


def test_bundled_road_times_are_symmetric_and_obey_the_triangle_inequality() -> None:
    """By car; a truck's trip is symmetric but rests once past 4 h and 8 h at the wheel, so two
    legs short of a daily rest can beat one long trip that needs it (no triangle inequality)."""
    times = hourcircle.TravelTimes.for_scenario(datasets.bundled())
    minutes = place_matrix(times, "car").to_numpy()
    assert abs(minutes - minutes.T).max() < 1e-9
    assert (minutes[:, None, :] <= minutes[:, :, None] + minutes[None, :, :] + 1e-9).all()
    truck = place_matrix(times, "truck").to_numpy()
    assert abs(truck - truck.T).max() < 1e-9 and (truck >= minutes - 1e-9).all()


def test_the_national_dataset() -> None:
    scenario = load_scenario(datasets.locate("china"))
    places, sites = scenario.places, scenario.sites
    assert len(places) == 338 and places["population"].notna().sum() == 337  # Laiwu: merged into Jinan
    assert places["population"].sum() > 1.3e9
    tier_one = sites[sites["category"].isin(scenario.product.all_categories[:6])]
    assert len(tier_one) >= 250 and tier_one["category"].value_counts().min() >= 20
    assert sites["place_id"].map(places["province"]).nunique() >= 20
    assert sites["source"].str.startswith("http").all()
    outside = ~sites["place_id"].map(places["province"]).isin(["Shanghai", "Jiangsu", "Zhejiang", "Anhui"])
    leaders = set(sites.loc[outside, "company"])
    assert {"CATL", "BYD"} <= {name.split(" ")[0] for name in leaders}
