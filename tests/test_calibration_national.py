"""The national road calibration: a fixed split, fits that never see held-out rows, errors by region and band."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hourcircle import datasets, load_scenario
from hourcircle.calibration import fit_road, road_model
from hourcircle.calibration.report import BANDS, REGIONS, car_table, markdown, summary
from hourcircle.calibration.split import HOLDOUT_EVERY, pair_id, role, roles
from hourcircle.netcache import _content
from hourcircle.network import Terrain, _profile_minutes
from hourcircle.profiles import TravelSettings
from hourcircle.roads.terrain import MOUNTAIN_PROVINCES
from hourcircle.travel.times import TravelTimes

ROAD_PAIRS = datasets.data_root() / "calibration" / "road_pairs.csv"


def test_the_split_rule_is_fixed() -> None:
    # pinned by hand: a change to the rule moves these pairs (and every figure fitted since)
    pinned = {"shanghai|suzhou_js": "holdout", "hefei|nanjing": "fit", "beijing|tianjin": "fit",
              "chengdu|chongqing": "fit", "lhasa|nagqu": "fit"}
    assert {pair: role(*pair.split("|")) for pair in pinned} == pinned
    assert {pair: role(*reversed(pair.split("|"))) for pair in pinned} == pinned  # either order
    assert pair_id("b", "a") == "a|b"
    rows = pd.DataFrame({"from_place": ["suzhou_js", "tianjin"], "to_place": ["shanghai", "beijing"],
                         "role": ["fit", "excluded"]})
    assert roles(rows).tolist() == ["holdout", "excluded"]


def test_the_split_holds_about_one_pair_in_three() -> None:
    held = [role(f"p{i}", f"q{i}") == "holdout" for i in range(3000)]
    assert abs(np.mean(held) - 1 / HOLDOUT_EVERY) < 0.03


def test_every_shipped_road_figure_is_in_its_rules_set() -> None:
    pairs = pd.read_csv(ROAD_PAIRS)
    assert (pairs["role"] == roles(pairs)).all()
    used = pairs[pairs["role"] != "excluded"]
    assert used["drive_minutes"].notna().sum() >= 150 and used["km"].notna().sum() >= 120
    assert used["source"].str.startswith("http").all()
    provinces = load_scenario(datasets.bundled("china_nev")).places["province"]
    touched = set(provinces.reindex(used["from_place"])) | set(provinces.reindex(used["to_place"]))
    assert touched >= set(provinces)  # every province


def test_the_fit_never_sees_held_out_rows(four: Path) -> None:
    pairs = pd.DataFrame({"from_place": ["a", "a", "b", "b"], "to_place": ["b", "c", "d", "c"],
                          "role": ["fit", "fit", "fit", "holdout"], "drive_minutes": [70.0, 110.0, 80.0, 40.0],
                          "km": [100.0, 150.0, 110.0, 50.0]})
    scenario = load_scenario(four)
    fitted = fit_road(scenario, pairs)
    absurd = fit_road(scenario, pairs.assign(drive_minutes=np.where(pairs["role"] == "holdout", 9999.0,
                                                                     pairs["drive_minutes"])))
    assert fitted.parameters == absurd.parameters
    assert fitted.error_holdout != absurd.error_holdout


def _features(road_km: list[float], mountain_km: list[float]) -> pd.DataFrame:
    n = len(road_km)
    return pd.DataFrame({"road_km": road_km, "access_km": [0.0] * n, "mountain_km": mountain_km,
                         "winding_km": [0.0] * n, "population_from": [1e6] * n, "population_to": [1e6] * n,
                         "density_km": [0.0] * n})


def test_the_road_model_recovers_a_mountain_slowdown() -> None:
    features = _features([50, 100, 200, 300, 400, 120, 250, 500], [0, 0, 0, 0, 400, 120, 100, 250])
    truth = {"speed_kmh": 90.0, "terminal_minutes": 15.0, "mountain_slowdown": 0.25}
    published = road_model.predict(truth, features, 50.0)
    found = road_model.fit("mountains", features, published, 50.0)
    assert found["speed_kmh"] == pytest.approx(90.0, abs=0.2)
    assert found["terminal_minutes"] == pytest.approx(15.0, abs=0.3)
    assert found["mountain_slowdown"] == pytest.approx(0.25, abs=0.01)


def test_a_richer_model_is_kept_only_if_it_wins_out_of_sample() -> None:
    features = _features([50, 100, 200, 300, 400, 120, 250, 500, 80, 350], [0, 0, 0, 0, 400, 120, 100, 250, 0, 350])
    flat = road_model.predict({"speed_kmh": 90.0, "terminal_minutes": 15.0}, features, 50.0)
    hilly = road_model.predict({"speed_kmh": 95.0, "terminal_minutes": 15.0, "mountain_slowdown": 0.4}, features, 50.0)
    assert road_model.choose(features, flat, 50.0)[0] == "one speed"
    assert road_model.choose(features, hilly, 50.0)[0] == "mountains"


def test_mountain_roads_are_slower_and_the_truck_keeps_its_cap() -> None:
    edges = pd.DataFrame({"u": ["x", "y"], "v": ["y", "z"], "kind": "road", "name": None, "km": [100.0, 100.0],
                          "minutes": np.nan, "geodesic_km": [90.0, 90.0]})
    travel = TravelSettings.from_mapping({"car": {"speed_kmh": 120, "mountain_slowdown": 0.5}})
    out = _profile_minutes(edges, travel, Terrain(np.array([False, True]), np.zeros(2)))
    assert out["minutes_car"].tolist() == [50.0, 75.0]
    assert out["minutes_truck"].tolist() == [60.0, 90.0]  # 100 km/h at most, slower in the mountains
    assert "Sichuan" in MOUNTAIN_PROVINCES


def test_dense_roads_are_faster_but_never_beyond_the_limit() -> None:
    edges = pd.DataFrame({"u": ["x", "y", "z"], "v": ["y", "z", "w"], "kind": "road", "name": None,
                          "km": [90.0, 90.0, 90.0], "minutes": np.nan, "geodesic_km": [90.0, 90.0, 90.0]})
    travel = TravelSettings.from_mapping({"car": {"speed_kmh": 90, "density_speedup": 0.5}})
    out = _profile_minutes(edges, travel, Terrain(np.zeros(3, bool), np.array([0.0, 0.2, -0.4])))
    # factor 1, 0.9 and 1.2; the car may reach 120 km/h (factor 0.75), the truck (75 km/h) 100 km/h
    assert out["minutes_car"].round(6).tolist() == [60.0, 54.0, 72.0]
    assert out["minutes_truck"].round(6).tolist() == [72.0, 64.8, 86.4]
    fast = TravelSettings.from_mapping({"car": {"speed_kmh": 115, "density_speedup": 0.5}})
    capped = _profile_minutes(edges, fast, Terrain(np.zeros(3, bool), np.array([0.0, 0.6, 0.0])))
    assert capped["minutes_car"].tolist() == pytest.approx([90 / 115 * 60, 45.0, 90 / 115 * 60])  # 120 km/h
    assert capped["minutes_truck"].round(6).tolist()[1] == 54.0  # 100 km/h


def test_the_network_key_changes_with_the_road_model() -> None:
    scenario = load_scenario(datasets.bundled())
    slower = scenario.travel.model_copy(update={"car": scenario.travel.car.model_copy(
        update={"mountain_slowdown": 0.2})})
    assert _content(dataclasses.replace(scenario, travel=slower)) != _content(scenario)


def test_errors_by_region_and_band_on_a_toy() -> None:
    table = pd.DataFrame({
        "measure": ["km", "km", "km", "minutes", "minutes"],
        "published": [100.0, 200.0, 500.0, 60.0, 300.0],
        "model": [90.0, 220.0, 500.0, 66.0, 240.0],
        "regions": [("east",), ("east", "central"), ("north-west",), ("east",), ("south",)],
        "route_km": [100.0, 200.0, 500.0, 100.0, 450.0]})
    got = summary(table).set_index(["measure", "group"])
    assert got.loc[("km", "all"), "mdape"] == 10.0 and got.loc[("km", "all"), "rows"] == 3
    assert got.loc[("km", "east"), "mdape"] == 10.0 and got.loc[("km", "east"), "ratio"] == 1.0  # 0.9, 1.1
    assert got.loc[("km", "central"), "ratio"] == 1.1 and got.loc[("km", "north-west"), "mdape"] == 0.0
    assert got.loc[("km", "< 150 km"), "ratio"] == 0.9 and got.loc[("km", "> 400 km"), "rows"] == 1
    assert got.loc[("minutes", "all"), "mdape"] == 15.0  # 10% and 20%
    assert got.loc[("minutes", "south"), "ratio"] == 0.8
    assert ("minutes", "north") not in got.index
    assert len(BANDS) == 3 and len(REGIONS) == 7
    assert markdown(summary(table), summary(table)).count("\n") == len(summary(table)) + 1


def test_the_report_routes_each_pair(four: Path) -> None:
    times = TravelTimes.for_scenario(four)
    km = pd.DataFrame({"from_place": ["a"], "to_place": ["c"], "published": [150.0]})
    minutes = pd.DataFrame({"from_place": ["a"], "to_place": ["c"], "published": [100.0]})
    table = car_table(times, km, minutes).set_index("measure")
    route = times.route("a", "c", "car")
    assert table.loc["km", "model"] == pytest.approx(route.hops["km"].sum())
    assert table.loc["minutes", "model"] == pytest.approx(route.minutes)
    driving = route.hops.loc[route.hops["kind"] == "road", "minutes"].sum()
    assert table.loc["driving", "model"] == pytest.approx(driving)
    assert table.loc["driving", "published"] == pytest.approx(100.0 - (route.minutes - driving))
