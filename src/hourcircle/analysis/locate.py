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
>>> from hourcircle.analysis.coverage import coverage
>>> from hourcircle.datasets import bundled
>>> from hourcircle.query import Query
>>> from hourcircle.traveltimes import TravelTimes
>>> found = coverage(Query(TravelTimes.for_scenario(bundled())))
>>> ranking = locate(found, top=3)
>>> len(ranking), bool(ranking["complete"].all())
(3, True)
>>> len(plant_set(found, k=2))
2
>>> locate(found, top=0)
Traceback (most recent call last):
...
hourcircle.errors.ArgumentError: top: must be at least 1, not 0
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from hourcircle.analysis.coverage import Coverage, circles
from hourcircle.errors import ArgumentError

RANK_STEP_HOURS = 0.25


def _at_least_one(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ArgumentError(name, f"must be at least 1, not {value!r}")


def locate(found: Coverage, *, top: int | None = None) -> pd.DataFrame:
    """Places ranked as sites for a new plant, best first.

    Parameters
    ----------
    found : Coverage
        A :func:`~hourcircle.analysis.coverage.coverage` result: its budget and mode rank.
    top : int, optional
        Keep the first ``top`` places.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``place_id``: ``rank, name, name_zh, complete, hours_to_complete,
        fewest_alternatives, alternatives, nearest_plant, nearest_plant_minutes``.

    Raises
    ------
    ArgumentError
        (parameter ``top``) if ``top`` is below 1.
    """
    _at_least_one("top", top)
    query = found.query
    scenario = query.scenario
    places = found.of_kind("place")
    summary = circles(places)
    alternatives = places.pairs.groupby("origin", sort=False)["alternatives"].sum()
    existing = query.plants
    to_plants = query.times.trip_minutes(list(summary.index), list(existing.index), query.mode)
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
    import pulp

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


def plant_set(found: Coverage, k: int) -> pd.DataFrame:
    """The ``k`` places with a complete circle that together reach every place fastest.

    The p-center problem, solved exactly.

    Parameters
    ----------
    found : Coverage
        A :func:`~hourcircle.analysis.coverage.coverage` result: which places are complete.
    k : int
        How many plants to place.

    Returns
    -------
    pandas.DataFrame
        One row per chosen place: ``name``, how many places it ``serves`` (is nearest to),
        the ``farthest_place`` of them and its ``farthest_minutes``; the largest
        ``farthest_minutes`` is the optimum.

    Raises
    ------
    ArgumentError
        (parameter ``k``) if ``k`` is below 1, or more than the places with a complete circle,
        or if no ``k`` of them reach every place.
    """
    _at_least_one("k", k)
    query = found.query
    summary = circles(found.of_kind("place"))
    candidates = summary.index[summary["complete"]]
    if len(candidates) < k:
        raise ArgumentError("k", f"asks for {k} plants, but only {len(candidates)} places have a complete "
                                 f"circle within {query.hours:g} h; ask for fewer plants or more hours")
    times, mode = query.times, query.mode
    demand = query.scenario.places.index
    minutes = np.where(np.equal.outer(demand.to_numpy(), candidates.to_numpy()), 0.0,
                       times.trip_minutes(list(demand), list(candidates), mode))
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
        raise ArgumentError("k", f"no {k} places together reach every place by {mode}")
    served = minutes[:, best]
    nearest = served.argmin(axis=1)
    rows = []
    for j, place in enumerate(candidates[best]):
        mine = nearest == j
        far = int(np.argmax(np.where(mine, served[:, j], -1.0)))
        rows.append({"place_id": place, "name": query.scenario.places.loc[place, "name"],
                     "serves": int(mine.sum()), "farthest_place": demand[far] if mine.any() else None,
                     "farthest_minutes": float(served[far, j]) if mine.any() else 0.0})
    return pd.DataFrame(rows).set_index("place_id")
