"""Reproduce the calibrated car and rail defaults from data/calibration/, and measure the errors.

Road: the car is fitted on the national scenario (data/china_nev/, OpenStreetMap roads), whose
places include the delta's, on every published road figure of data/calibration/road_pairs.csv;
a km-dependent speed is fitted beside the constant one and shipped only if it is better on the
held-out pairs. The delta on its schematic roads (data/yrd_nev/scenario_schematic.toml) is
scored the same way, on the delta's pairs, to compare. Every drive time is then predicted by a
fit that did not see it (5-fold cross-validation): the 10th and 90th percentiles of
published/model on those predictions are the road band.

Rail (the delta): minutes in trains on the fastest route, against published figures that did
not build the network (data/calibration/rail_pairs.csv), on the 2020 timetable alone and on the
current network (the timetable updated by the dated figures of
data/sources/rail_times_published.csv); the 10th and 90th percentiles of published/model on all
those figures are the rail band. Stricter: each published link predicted by the network without
it (5-fold).

National road report (the README's calibration table): the road figures are split into fit and
held-out pairs by a fixed rule (hourcircle.calibration.split); on the fit pairs only, one speed is
compared out of sample (5-fold) with speeds and terminals that vary (hourcircle.calibration.road_model);
on the held-out pairs, the defaults (before) and the national scenario's car (after) are scored by
region and trip length (hourcircle.calibration.report).

Run: .venv/bin/python benchmarks/calibrate.py [--table] [--national]
Prints the fitted parameters, the median absolute percentage error (MdAPE) on the pairs used
for the fit and on the held-out pairs, and the bands.
"""

from __future__ import annotations

import dataclasses
import sys

import pandas as pd

from hourcircle import datasets, load_scenario
from hourcircle.calibration import (
    Fit,
    band,
    cross_validate_rail,
    cross_validate_road,
    fit_road,
    mdape,
    report,
    road_model,
    score_rail,
)
from hourcircle.calibration.fit import pair_rows, with_travel
from hourcircle.profiles import CAR_DEFAULT
from hourcircle.scenario import Scenario


def errors(fit: Fit) -> str:
    parts = []
    for measure in ("km", "minutes"):
        for role in ("fit", "holdout"):
            rows = fit.table[(fit.table["measure"] == measure) & (fit.table["role"] == role)]
            if len(rows):
                parts.append(f"{measure} {role} {mdape(rows['model'], rows['published']):.1f}% ({len(rows)})")
    return "; ".join(parts)


def published_links(scenario: Scenario) -> pd.Series:
    """Rail links that are published figures (their names say so), not the 2020 timetable."""
    assert scenario.links is not None
    return scenario.links["name"].fillna("").str.contains(r"\(published ", regex=True)


def rail_errors(label: str, fit: Fit, pairs: pd.DataFrame) -> str:
    table = fit.table
    fastest = set(map(tuple, pairs.loc[pairs["kind"] == "fastest", ["from_place", "to_place"]].to_numpy(str)))
    ends = zip(table["from_place"], table["to_place"], strict=True)
    is_fastest = [(a, b) in fastest or (b, a) in fastest for a, b in ends]
    chosen = {"held out": table["role"] == "holdout", "all": table["role"] != "excluded",
              "fastest-train figures": pd.Series(is_fastest, index=table.index)}
    return f"{label}: " + "; ".join(
        f"{name} {mdape(table.loc[rows, 'model'], table.loc[rows, 'published']):.1f}% ({int(rows.sum())})"
        for name, rows in chosen.items())


def national_report(national: Scenario, road: pd.DataFrame) -> None:
    """Choose the car model on the fit pairs, then score before and after on the held-out pairs."""
    minutes = pair_rows(road, "drive_minutes")
    fit_rows = minutes[minutes["role"] == "fit"]
    one_speed = with_travel(national, {"car": {"mountain_slowdown": 0.0}})
    features = road_model.route_features(one_speed, fit_rows)
    chosen, candidates = road_model.choose(features, fit_rows["drive_minutes"].to_numpy(dtype=float),
                                           national.travel.car.access_speed_kmh)
    print("car models, cross-validated on the fit pairs only:", candidates.to_string(index=False), sep="\n")
    print(f"chosen: {chosen}")

    def held(column: str) -> pd.DataFrame:
        rows = pair_rows(road, column)
        return rows[rows["role"] == "holdout"].rename(columns={column: "published"})

    before = with_travel(national, {"car": {"speed_kmh": CAR_DEFAULT.speed_kmh,
                                            "terminal_minutes": CAR_DEFAULT.terminal_minutes}})
    after = with_travel(national, {})
    tables = [report.car_table(times, held("km"), held("drive_minutes")) for times in (before, after)]
    print(report.markdown(report.summary(tables[0]), report.summary(tables[1])))
    delta = set(load_scenario(datasets.bundled()).places.index)
    within = [t[t["from_place"].isin(delta) & t["to_place"].isin(delta)] for t in tables]
    summaries = [report.summary(t) for t in within]
    print("delta pairs only (both ends in the delta scenario):")
    print(report.markdown(*(s[s["group"] == "all"] for s in summaries)))


def main() -> None:
    folder = datasets.data_root() / "calibration"
    if "--national" in sys.argv:
        national_report(load_scenario(datasets.bundled("china_nev")), pd.read_csv(folder / "road_pairs.csv"))
        return
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
    road_cv = cross_validate_road(national, road)
    scenario = load_scenario(datasets.bundled())
    published = published_links(scenario)
    timetable_2020 = dataclasses.replace(scenario, links=scenario.links[~published] if scenario.links is not None
                                         else None)
    rail_pairs = pd.read_csv(folder / "rail_pairs.csv")
    rail_before, rail = score_rail(timetable_2020, rail_pairs), score_rail(scenario, rail_pairs)
    rail_cv = cross_validate_rail(scenario, published)
    rail_cv_before = score_rail(timetable_2020, rail_cv.assign(role="holdout", minutes=rail_cv["published"]))
    if "--table" in sys.argv:
        with pd.option_context("display.width", 160, "display.max_rows", None):
            for label, fit in fits.items():
                print(label, fit.table.to_string(), sep="\n", end="\n\n")
            print("road, cross-validated", road_cv.to_string(), sep="\n", end="\n\n")
            both = rail.table.assign(timetable_2020=rail_before.table["model"])
            print("rail", both.to_string(), sep="\n", end="\n\n")
            print("rail, cross-validated", rail_cv.to_string(), sep="\n", end="\n\n")
    for label, fit in fits.items():
        print(f"{label}: {', '.join(f'{k}={v:g}' for k, v in fit.parameters.items())}; {errors(fit)}")
    road_band = band(road_cv)
    print(f"car, cross-validated (all pairs): minutes {mdape(road_cv['model'], road_cv['published']):.1f}% "
          f"({len(road_cv)}); band {road_band}")
    print(rail_errors("rail in trains, 2020 timetable", rail_before, rail_pairs))
    print(rail_errors("rail in trains, current network", rail, rail_pairs))
    print(f"rail in trains, each published link held out (5-fold): 2020 timetable "
          f"{rail_cv_before.error_holdout:.1f}%, current network without it "
          f"{mdape(rail_cv['model'], rail_cv['published']):.1f}% ({len(rail_cv)})")
    rail_band = band(rail.table[rail.table["role"] != "excluded"])
    print(f"rail band {rail_band}")
    shipped = fits["car, OpenStreetMap roads (all pairs)"]
    print(f"mdape_car_holdout={shipped.error_holdout:.1f} mdape_rail_holdout={rail.error_holdout:.1f} "
          f"road_band={road_band} rail_band={rail_band}")


if __name__ == "__main__":
    main()
