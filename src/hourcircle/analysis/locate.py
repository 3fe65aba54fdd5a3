"""Siting: the best places for a new plant, and the best set of K plants covering a region.

:func:`locate` ranks places by the hours their circle needs to be complete (to the quarter
hour: finer differences are below the model's precision), then by redundancy (the thinnest
category's alternatives, then all alternatives), then by travel time to the nearest existing
plant (farther first: a new plant spreads the region's coverage instead of crowding it).

:func:`plant_set` solves the p-center problem on the travel-time matrix: K places with a
complete circle such that the farthest place from its nearest chosen plant is as close as
possible (an exact search over radii, each a set-cover model solved with PuLP's CBC).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.traveltimes import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> ranking = locate(times, top=3)
>>> len(ranking), bool(ranking["complete"].all())
(3, True)
>>> chosen = plant_set(times, 2)
>>> len(chosen)
2
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pulp

from hourcircle.analysis.coverage import budget_minutes, circles, coverage, plants
from hourcircle.errors import ArgumentError
from hourcircle.settings import ProfileName
from hourcircle.traveltimes import TravelTimes

RANK_STEP_HOURS = 0.25


def _positive(name: str, value: int | None) -> None:
    if value is not None and value < 1:
        raise ArgumentError(f"{name} must be at least 1, not {value}")


def locate(times: TravelTimes, hours: float | None = None, mode: ProfileName = "truck",
           top: int | None = None, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Places ranked as sites for a new plant (best first); ``top`` keeps the first N.

    ``pairs`` reuses a :func:`~hourcircle.analysis.coverage.coverage` table of the same budget.
    """
    _positive("--top", top)
    scenario = times.network.scenario
    pairs = coverage(times, hours, mode) if pairs is None else pairs
    places = pairs[pairs["kind"] == "place"]
    summary = circles(places)
    alternatives = places.groupby("origin", sort=False)["alternatives"].sum()
    existing = plants(scenario)
    to_plants = times.trip_minutes(summary.index, existing.index, mode)
    has_plant = to_plants.shape[1] > 0
    table = pd.DataFrame({
        "name": scenario.places.loc[summary.index, "name"],
        "name_zh": scenario.places.loc[summary.index, "name_zh"],
        "complete": summary["complete"],
        "hours_to_complete": summary["hours_to_complete"],
        "fewest_alternatives": summary["fewest_alternatives"],
        "alternatives": alternatives,
        "nearest_plant": existing.index.to_numpy()[to_plants.argmin(axis=1)] if has_plant else None,
        "nearest_plant_minutes": to_plants.min(axis=1) if has_plant else np.nan,
    }, index=summary.index)
    rank_hours = (table["hours_to_complete"] / RANK_STEP_HOURS).round().fillna(np.inf)
    table = table.assign(_hours=rank_hours, _id=table.index).sort_values(
        ["_hours", "fewest_alternatives", "alternatives", "nearest_plant_minutes", "_id"],
        ascending=[True, False, False, False, True], kind="stable", na_position="last")
    table = table.drop(columns=["_hours", "_id"])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.index.name = "place_id"
    return table if top is None else table.head(top)


def _cover(reach: np.ndarray, k: int) -> np.ndarray | None:
    """Which candidates (columns) to open so that every row is reached, with exactly ``k`` open."""
    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    open_ = [problem.add_variable(f"y{j}", cat="Binary") for j in range(reach.shape[1])]
    problem += pulp.lpSum(open_)
    problem += pulp.lpSum(open_) == k
    for row in reach:
        problem += pulp.lpSum(open_[j] for j in np.flatnonzero(row)) >= 1
    with warnings.catch_warnings():  # PuLP 3.3 announces that 4.0 will ship CBC separately
        warnings.simplefilter("ignore", DeprecationWarning)
        status = problem.solve(pulp.PULP_CBC_CMD(msg=False))
    if status != pulp.LpStatusOptimal:
        return None
    return np.array([round(v.value() or 0) == 1 for v in open_])


def plant_set(times: TravelTimes, k: int, hours: float | None = None, mode: ProfileName = "truck",
              pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``k`` places with a complete circle that together reach every place fastest.

    Returns one row per chosen place: how many places it serves (is nearest to), the
    farthest of them and its minutes; the largest ``farthest_minutes`` is the optimum.
    """
    _positive("--plants", k)
    pairs = coverage(times, hours, mode) if pairs is None else pairs
    summary = circles(pairs[pairs["kind"] == "place"])
    candidates = summary.index[summary["complete"]]
    if len(candidates) < k:
        raise ArgumentError(f"--plants {k}: only {len(candidates)} places have a complete circle within "
                            f"{budget_minutes(times, hours) / 60:g} h; ask for fewer plants or more hours")
    demand = times.network.scenario.places.index
    minutes = np.where(np.equal.outer(demand.to_numpy(), candidates.to_numpy()), 0.0,
                       times.trip_minutes(demand, candidates, mode))
    radii = np.unique(minutes[np.isfinite(minutes)])
    low, high, best = 0, len(radii) - 1, None
    while low <= high:  # the smallest radius at which k plants can reach every place
        middle = (low + high) // 2
        chosen = _cover(minutes <= radii[middle], k)
        if chosen is None:
            low = middle + 1
        else:
            best, high = chosen, middle - 1
    if best is None:
        raise ArgumentError(f"--plants {k}: no {k} places together reach every place by {mode}")
    served = minutes[:, best]
    nearest = served.argmin(axis=1)
    rows = []
    for j, place in enumerate(candidates[best]):
        mine = nearest == j
        far = int(np.argmax(np.where(mine, served[:, j], -1.0)))
        rows.append({"place_id": place, "name": times.network.scenario.places.loc[place, "name"],
                     "serves": int(mine.sum()), "farthest_place": demand[far] if mine.any() else None,
                     "farthest_minutes": float(served[far, j]) if mine.any() else 0.0})
    return pd.DataFrame(rows).set_index("place_id")
