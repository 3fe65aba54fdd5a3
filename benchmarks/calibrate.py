"""Reproduce the calibrated car and rail defaults from data/calibration/, and measure the errors.

The car is fitted on the national scenario (data/china_nev/, OpenStreetMap roads), whose places
include the delta's, on every published road figure of data/calibration/road_pairs.csv; a
km-dependent speed is fitted beside the constant one and shipped only if it is better on the
held-out pairs. The delta on its schematic roads (data/yrd_nev/scenario_schematic.toml) is
scored the same way, on the delta's pairs, to compare. Rail is fitted on the delta.

Run: .venv/bin/python benchmarks/calibrate.py [--table]
Prints the fitted parameters and the median absolute percentage error (MdAPE) on the pairs
used for the fit and on the held-out pairs, for km and minutes apart.
"""

from __future__ import annotations

import sys

import pandas as pd

from hourcircle import datasets, load_scenario
from hourcircle.calibration import Fit, fit_rail, fit_road, mdape


def errors(fit: Fit) -> str:
    parts = []
    for measure in ("km", "minutes"):
        for role in ("fit", "holdout"):
            rows = fit.table[(fit.table["measure"] == measure) & (fit.table["role"] == role)]
            if len(rows):
                parts.append(f"{measure} {role} {mdape(rows['model'], rows['published']):.1f}% ({len(rows)})")
    return "; ".join(parts)


def main() -> None:
    folder = datasets.data_root() / "calibration"
    road = pd.read_csv(folder / "road_pairs.csv")
    delta = road[~road["evidence"].str.startswith("national: ")]
    national = load_scenario(datasets.bundled("china_nev"))
    schematic = load_scenario(datasets.bundled() / "scenario_schematic.toml")
    fits = {
        "car, schematic roads (delta pairs)": fit_road(schematic, delta),
        "car, OpenStreetMap roads (delta pairs)": fit_road(load_scenario(datasets.bundled()), delta),
        "car, OpenStreetMap roads (all pairs)": fit_road(national, road),
        "car, OpenStreetMap roads, km-dependent speed (all pairs)": fit_road(national, road, km_dependent=True),
    }
    rail = fit_rail(load_scenario(datasets.bundled()), pd.read_csv(folder / "rail_pairs.csv"))
    if "--table" in sys.argv:
        with pd.option_context("display.width", 160, "display.max_rows", None):
            for label, fit in fits.items():
                print(label, fit.table.to_string(), sep="\n", end="\n\n")
            print(rail.table.to_string(), end="\n\n")
    for label, fit in fits.items():
        print(f"{label}: {', '.join(f'{k}={v:g}' for k, v in fit.parameters.items())}; {errors(fit)}")
    print(rail.describe("rail"))
    shipped = fits["car, OpenStreetMap roads (all pairs)"]
    print(f"mdape_car_holdout={shipped.error_holdout:.1f} mdape_rail_holdout={rail.error_holdout:.1f}")


if __name__ == "__main__":
    main()
