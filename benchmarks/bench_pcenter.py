"""Benchmark the p-center (``locate --plants K``) at scale against the exact search it replaced.

Also times the two other objectives (``--objective coverage``, ``median``) on the same places.

Scenario: N random places over eastern China (lat 22-40, lon 110-122), roads inferred (Gabriel
graph), 1,500 suppliers in three categories at random places, budget 8 h by truck, so that
most places have a complete circle and are candidates.

- new: :func:`hourcircle.analysis.locate.plant_set` (greedy covers over the radii and
  farthest-first starts, improved by swaps; a proven lower bound; an exact search only for
  small models);
- baseline: the exact search of round one (an integer programme per radius, PuLP's CBC, for
  every radius of a binary search), run in the same process on the smaller scenario only (it
  takes minutes and gigabytes at 2,000 places).

Reports seconds (median of repeats), peak memory of this process, the radius found, the proven
lower bound, and the ratio baseline / new on the smaller scenario. Quality: the radius of the
heuristic solution against the exact optimum on the smaller scenario.

Run: .venv/bin/python benchmarks/bench_pcenter.py [--places 1000 5000] [--k 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from hourcircle.analysis.coverage import Coverage, circles, coverage
from hourcircle.analysis.locate import plant_set
from hourcircle.travel.query import Query
from hourcircle.travel.times import TravelTimes

CATEGORIES = ["battery", "chips", "software"]


def write_scenario(folder: Path, n_places: int, n_suppliers: int = 1500, seed: int = 11) -> Path:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(22.0, 40.0, n_places), rng.uniform(110.0, 122.0, n_places)
    pd.DataFrame({"place_id": [f"p{i}" for i in range(n_places)], "name": [f"P{i}" for i in range(n_places)],
                  "name_zh": [f"地{i}" for i in range(n_places)], "province": "X",
                  "lat": lat.round(5), "lon": lon.round(5)}).to_csv(folder / "places.csv", index=False)
    where = rng.integers(0, n_places, n_suppliers)
    pd.DataFrame({"site_id": [f"s{i}" for i in range(n_suppliers)], "name": [f"S{i}" for i in range(n_suppliers)],
                  "company": "Co", "category": [CATEGORIES[i % 3] for i in range(n_suppliers)],
                  "place_id": [f"p{i}" for i in where], "lat": lat[where].round(5), "lon": lon[where].round(5)}
                 ).to_csv(folder / "sites.csv", index=False)
    (folder / "scenario.toml").write_text(
        '[scenario]\nname = "synthetic"\nbudget_hours = 8.0\n\n[product]\nname = "x"\n'
        f'plant_category = "assembly"\ncategories = {CATEGORIES!r}\n'.replace("'", '"'), encoding="utf-8")
    return folder


def baseline(found: Coverage, k: int) -> float:
    """Round one's exact p-center radius: an integer programme (exactly k open) per radius of a binary search."""
    import pulp

    summary = circles(found.of_kind("place"))
    candidates = summary.index[summary["complete"]]
    demand = found.query.scenario.places.index
    minutes = np.where(np.equal.outer(demand.to_numpy(), candidates.to_numpy()), 0.0,
                       found.query.times.trip_minutes(list(demand), list(candidates), "truck"))
    radii = np.unique(minutes[np.isfinite(minutes)])
    low, high, best = 0, len(radii) - 1, np.inf
    while low <= high:
        middle = (low + high) // 2
        problem = pulp.LpProblem("cover", pulp.LpMinimize)
        y = [problem.add_variable(f"y{j}", cat="Binary") for j in range(len(candidates))]
        problem += pulp.lpSum(y)
        problem += pulp.lpSum(y) == k
        for row in minutes <= radii[middle]:
            problem += pulp.lpSum(y[j] for j in np.flatnonzero(row)) >= 1
        with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(msg=False)
            solver.tmpDir = folder
            status = problem.solve(solver)
        if status == pulp.LpStatusOptimal:
            best, high = float(radii[middle]), middle - 1
        else:
            low = middle + 1
    return best


def timed(function, repeats: int):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        for n in args.places:
            start = time.perf_counter()
            times = TravelTimes.for_scenario(write_scenario(Path(root) / f"p{n}", n))
            found = coverage(Query(times, hours=8))
            setup = time.perf_counter() - start
            seconds, chosen = timed(lambda found=found: plant_set(found, args.k, objective="center"), args.repeats)
            radius, bound = chosen["farthest_minutes"].max(), chosen["optimum_at_least_minutes"].iloc[0]
            complete = int(circles(found.of_kind("place"))["complete"].sum())
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{n} places ({complete} candidates), k={args.k}: coverage {setup:.1f} s; p-center {seconds:.1f} s "
                  f"({chosen['method'].iloc[0]}), radius {radius:.0f} min, optimum at least {bound:.0f} min "
                  f"(gap {radius / bound - 1:.1%}); peak memory {peak:.0f} MB")
            for objective in ("coverage", "median"):
                spent, other = timed(lambda found=found, o=objective: plant_set(found, args.k, objective=o),
                                     args.repeats)
                mean, lower = other["mean_minutes"] @ other["weight_served"] / other["weight_served"].sum(), \
                    other["optimum_at_least_minutes"].iloc[0]
                gap = f", mean {mean:.0f} min, optimum at least {lower:.0f} min" if objective == "median" else ""
                print(f"  {objective} {spent:.2f} s ({other['method'].iloc[0]}){gap}")
                print(f"seconds_{objective}_{n}={spent:.2f}")
            if n == min(args.places):
                heuristic = plant_set(found, args.k, objective="center", exact_cells=0)["farthest_minutes"].max()
                old_seconds, exact = timed(lambda found=found: baseline(found, args.k), 1)
                print(f"  baseline (exact per radius) {old_seconds:.1f} s, radius {exact:.0f} min; the heuristic "
                      f"{heuristic:.0f} min ({heuristic / exact - 1:+.1%} above the optimum)")
                print(f"ratio_pcenter_{n}={old_seconds / seconds:.2f}")
            print(f"seconds_pcenter_{n}={seconds:.1f}")


if __name__ == "__main__":
    main()
