"""Reproduce the calibrated car and rail defaults from data/calibration/.

Run: .venv/bin/python benchmarks/calibrate.py [--table]
Prints the fitted parameters and the median absolute percentage error (MdAPE) on the
pairs used for the fit and on the held-out pairs.
"""

from __future__ import annotations

import sys

import pandas as pd

from hourcircle import datasets, load_scenario
from hourcircle.calibration import fit_rail, fit_road


def main() -> None:
    scenario = load_scenario(datasets.bundled())
    folder = datasets.data_root() / "calibration"
    road = fit_road(scenario, pd.read_csv(folder / "road_pairs.csv"))
    rail = fit_rail(scenario, pd.read_csv(folder / "rail_pairs.csv"))
    if "--table" in sys.argv:
        with pd.option_context("display.width", 160, "display.max_rows", None):
            print(road.table.to_string(), rail.table.to_string(), sep="\n\n")
    print(road.describe("car"))
    print(rail.describe("rail"))
    print(f"mdape_car_holdout={road.error_holdout:.1f} mdape_rail_holdout={rail.error_holdout:.1f}")


if __name__ == "__main__":
    main()
