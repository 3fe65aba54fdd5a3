"""Calibration recovers known parameters, and the shipped defaults are what the data gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hourcircle import datasets, load_scenario
from hourcircle.calibration import band, cross_validate_road, fit_road, mdape, score_rail
from hourcircle.profiles import CAR_DEFAULT, RAIL_DEFAULT


def test_mdape() -> None:
    assert mdape([110, 90, 100], [100, 100, 100]) == 10.0


def test_road_fit_recovers_speed_and_terminal(four: Path) -> None:
    route_km = {("a", "b"): 100, ("a", "c"): 150, ("a", "d"): 210, ("b", "d"): 110, ("b", "c"): 50}
    pairs = pd.DataFrame([
        {"from_place": a, "to_place": b, "role": "holdout" if (a, b) == ("b", "c") else "fit",
         "km": km, "drive_minutes": km / 90 * 60 + 15}
        for (a, b), km in route_km.items()
    ])
    fit = fit_road(load_scenario(four), pairs)
    assert fit.parameters["speed_kmh"] == 90.0 and fit.parameters["detour"] == 1.0
    assert fit.parameters["terminal_minutes"] == 15.0
    assert fit.error_fit == pytest.approx(0.0, abs=1e-9)
    assert fit.error_holdout == pytest.approx(0.0, abs=1e-9)


def test_shipped_defaults_are_the_fit_of_the_shipped_data() -> None:
    folder = datasets.data_root() / "calibration"
    national = load_scenario(datasets.locate("china"))
    road = fit_road(national, pd.read_csv(folder / "road_pairs.csv"))
    rail = score_rail(load_scenario(datasets.bundled()), pd.read_csv(folder / "rail_pairs.csv"))
    car = national.travel.car  # the national scenario's car is the national fit; the delta keeps the defaults
    assert road.parameters == {"detour": CAR_DEFAULT.detour, "speed_kmh": car.speed_kmh,
                               "terminal_minutes": car.terminal_minutes}
    assert len(road.table) >= 80 and len(rail.table) >= 40
    assert road.error_holdout < 20 and rail.error_holdout < 25
    assert band(cross_validate_road(national, pd.read_csv(folder / "road_pairs.csv"))) == car.band
    assert band(rail.table) == RAIL_DEFAULT.band
