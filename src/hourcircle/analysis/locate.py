"""Siting: the best places for a new plant, and the best set of K plants covering a region.

:func:`locate` ranks places by the hours their circle needs to be complete (to the quarter
hour: finer differences are below the model's precision), then by redundancy (the thinnest
category's alternatives, then all alternatives), then by travel time to the nearest existing
plant (farther first: a new plant spreads the region's coverage instead of crowding it).

:func:`plant_set` solves the p-center problem on the travel-time matrix: K places with a
complete circle such that the farthest place from its nearest chosen plant is as close as
possible: a heuristic (greedy set covers over the radii and farthest-first starts, improved
by swaps), a proven lower bound beside it, and an exact search (set-cover models solved with
PuLP's CBC) where the model is small enough.

Examples
--------
>>> from hourcircle.analysis.coverage import coverage
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> found = coverage(Query(TravelTimes.for_scenario(bundled())))
>>> ranking = locate(found, top=3)
>>> len(ranking), bool(ranking["complete"].all())
(3, True)
>>> len(plant_set(found, plants=2))
2
>>> locate(found, top=0)
Traceback (most recent call last):
...
hourcircle.errors.ArgumentError: top: must be at least 1, not 0
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.coverage import COVERAGE, Coverage, circles
from hourcircle.atomic import signals_held
from hourcircle.errors import ArgumentError
from hourcircle.memory import ensure_fits

RANK_STEP_HOURS = 0.25
EXACT_CELLS = 250_000  # places x candidates up to which plant_set proves its optimum
STARTS = 8  # farthest-first starts of the swap search, beside the greedy cover


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
        (parameter ``top``) if ``top`` is not an integer (numpy's too) of at least 1;
        (``found``) for anything but a :class:`~hourcircle.analysis.coverage.Coverage`.
    """
    check.instance("found", found, Coverage, what=COVERAGE)
    top = None if top is None else check.count("top", top)
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


def _greedy_cover(cover: NDArray[np.bool_], k: int) -> list[int] | None:
    """At most ``k`` candidates (columns) reaching every row, chosen greedily; ``None`` if greedy needs more."""
    uncovered = np.ones(cover.shape[0], dtype=bool)
    chosen: list[int] = []
    while uncovered.any():
        gains = cover[uncovered].sum(axis=0)
        best = int(np.argmax(gains))
        if len(chosen) == k or gains[best] == 0:
            return None
        chosen.append(best)
        uncovered &= ~cover[:, best]
    return chosen


def _cannot_cover(cover: NDArray[np.bool_], k: int) -> bool:
    """True only if ``k`` candidates certainly cannot reach every row: a proof, not a guess.

    More than ``k`` rows of which no two share a candidate that reaches both need more than
    ``k`` candidates. Such rows are gathered greedily, those with the fewest candidates first.
    """
    reach = cover.sum(axis=1)
    if (reach == 0).any():
        return True
    remaining = np.ones(cover.shape[0], dtype=bool)
    for found in range(1, k + 2):
        row = int(np.argmin(np.where(remaining, reach, np.iinfo(reach.dtype).max)))
        if found > k:
            return True
        remaining &= ~cover[:, cover[row]].any(axis=1)
        if not remaining.any():
            return False
    return False


def _exact_cover(cover: NDArray[np.bool_], k: int) -> list[int] | None:
    """At most ``k`` candidates reaching every row, by integer programming (PuLP's CBC); ``None`` if none."""
    import pulp

    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    open_ = [problem.add_variable(f"y{j}", cat="Binary") for j in range(cover.shape[1])]
    problem += pulp.lpSum(open_)
    problem += pulp.lpSum(open_) <= k
    for row in cover:
        problem += pulp.lpSum(open_[j] for j in np.flatnonzero(row)) >= 1
    # a small model, solved in a few seconds: Ctrl-C waits for the solver, so no run of it outlives us and its
    # folder always goes
    with signals_held(), tempfile.TemporaryDirectory(prefix="hourcircle-cbc-") as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PuLP 3.3 announces that 4.0 will ship CBC apart
        solver = pulp.PULP_CBC_CMD(msg=False)
        solver.tmpDir = folder  # the solver's files go with the folder, even on Ctrl-C
        status = problem.solve(solver)
    if status != pulp.LpStatusOptimal:
        return None
    return [j for j, v in enumerate(open_) if round(v.value() or 0) == 1]


def _smallest(radii: NDArray[np.float64], feasible: Callable[[float], object], low: int, high: int) -> int:
    """The first index in ``[low, high]`` whose radius ``feasible`` accepts (``high + 1`` if none)."""
    while low <= high:
        middle = (low + high) // 2
        if feasible(float(radii[middle])):
            high = middle - 1
        else:
            low = middle + 1
    return low


def _swapped(minutes: NDArray[np.float64], chosen: list[int]) -> list[int]:
    """``chosen`` improved by swaps: one plant for another candidate, while the farthest place comes nearer.

    For each chosen plant, only the places that no other chosen plant reaches within the
    current radius can hold the radius up; the candidate that serves those best is tried.
    """
    chosen = list(chosen)
    radius = float(minutes[:, chosen].min(axis=1).max())
    improved = True
    while improved:
        improved = False
        for position in range(len(chosen)):
            others = chosen[:position] + chosen[position + 1:]
            rest = minutes[:, others].min(axis=1) if others else np.full(len(minutes), np.inf)
            holding = rest >= radius  # the places that only this plant serves within the radius
            if not holding.any():
                continue
            worst = np.minimum(rest[holding, None], minutes[holding]).max(axis=0)
            worst[chosen] = np.inf
            candidate = int(np.argmin(worst))
            if worst[candidate] < radius:
                trial = float(np.minimum(rest, minutes[:, candidate]).max())
                if trial < radius:
                    chosen[position], radius, improved = candidate, trial, True
    return chosen


def _padded(minutes: NDArray[np.float64], chosen: list[int], k: int) -> list[int]:
    """``chosen`` and, up to ``k``, the candidate nearest the row farthest from those chosen, in turn."""
    chosen = list(chosen)
    while len(chosen) < min(k, minutes.shape[1]):
        far = int(np.argmax(minutes[:, chosen].min(axis=1)))
        order = [j for j in np.argsort(minutes[far], kind="stable") if j not in chosen]
        chosen.append(int(order[0]))
    return chosen


class PCenter(NamedTuple):
    """A p-center solution over a minutes matrix (see :func:`p_center`).

    Parameters
    ----------
    chosen : list of int
        The chosen candidates (columns), ``k`` of them.
    radius_minutes : float
        The farthest demand point from its nearest chosen candidate.
    lower_minutes : float
        A proven lower bound on the best radius (the radius itself when ``method`` is ``exact``).
    method : {"exact", "heuristic"}
        Whether the optimum was proven.
    """

    chosen: list[int]
    radius_minutes: float
    lower_minutes: float
    method: str


def p_center(minutes: NDArray[np.float64], k: int, *, exact_cells: int = EXACT_CELLS) -> PCenter | None:
    """The p-center problem on a cost matrix: ``k`` columns whose farthest row is nearest.

    A pure function of the matrix (as spopt's ``PCenter.from_cost_matrix``): a greedy set cover
    searched over the radii and farthest-first choices, each improved by swapping, give a
    solution; a packing of rows no two of which one column reaches within a radius proves a
    lower bound; up to ``exact_cells`` cells, set-cover models solved with PuLP's CBC close
    the gap.

    Parameters
    ----------
    minutes : numpy.ndarray
        Demand points (rows) by candidates (columns); ``inf`` where a candidate cannot serve.
    k : int
        How many candidates to choose (at most the columns).
    exact_cells : int, default 250000
        Solve exactly up to this many cells.

    Returns
    -------
    PCenter or None
        The solution, or ``None`` if no ``k`` candidates serve every row.

    Raises
    ------
    ArgumentError
        (parameter ``minutes``, ``k`` or ``exact_cells``) for a matrix that is not a
        two-dimensional numpy array, or counts that are not integers (``k`` at least 1).

    Examples
    --------
    >>> m = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])
    >>> p_center(m, 1)
    PCenter(chosen=[1], radius_minutes=5.0, lower_minutes=5.0, method='exact')
    """
    check.instance("minutes", minutes, np.ndarray, what="a two-dimensional numpy array")
    if minutes.ndim != 2:
        raise ArgumentError("minutes", f"must be a two-dimensional numpy array, not {minutes.ndim}-dimensional")
    k, exact_cells = check.count("k", k), check.count("exact_cells", exact_cells, minimum=0)
    radii = np.unique(minutes[np.isfinite(minutes)])
    last = len(radii) - 1
    upper = _smallest(radii, lambda r: _greedy_cover(minutes <= r, k) is not None, 0, last)
    if upper > last:
        return None
    starts = [_padded(minutes, _greedy_cover(minutes <= radii[upper], k) or [], k)]
    starts += [_padded(minutes, [int(first)], k)  # farthest-first from spread-out first plants
               for first in np.linspace(0, minutes.shape[1] - 1, STARTS, dtype=np.int64)]
    chosen = min((_swapped(minutes, start) for start in starts),
                 key=lambda c: float(minutes[:, c].min(axis=1).max()))
    upper = int(np.searchsorted(radii, minutes[:, chosen].min(axis=1).max()))
    certified = _smallest(radii, lambda r: not _cannot_cover(minutes <= r, k), 0, upper) - 1
    lower, method = certified + 1, "heuristic"
    if minutes.size <= exact_cells:
        exact = _smallest(radii, lambda r: _exact_cover(minutes <= r, k) is not None, lower, upper)
        chosen, lower, method = _exact_cover(minutes <= radii[exact], k) or chosen, exact, "exact"
    chosen = _padded(minutes, chosen, k)
    return PCenter(chosen, float(minutes[:, chosen].min(axis=1).max()), float(radii[lower]), method)


def plant_set(found: Coverage, plants: int, *, exact_cells: int = EXACT_CELLS) -> pd.DataFrame:
    """The best places, ``plants`` of them, with a complete circle that together reach every place fastest.

    The p-center problem (:func:`p_center`) on the trip minutes from every place (rows) to
    every place with a complete circle (columns): the smallest radius such that every place
    lies within it of one of the plants.

    Parameters
    ----------
    found : Coverage
        A :func:`~hourcircle.analysis.coverage.coverage` result: which places are complete.
    plants : int
        How many plants to place.
    exact_cells : int, default 250000
        Solve exactly up to this many places x candidates.

    Returns
    -------
    pandas.DataFrame
        One row per chosen place: ``name``, how many places it ``serves`` (is nearest to),
        the ``farthest_place`` of them and its ``farthest_minutes``; the largest
        ``farthest_minutes`` is the radius reached. ``optimum_at_least_minutes`` is the proven
        lower bound on the best radius (equal to the radius when ``method`` is ``exact``;
        ``heuristic`` otherwise).

    Raises
    ------
    ArgumentError
        (parameter ``plants``) if ``plants`` is not an integer (numpy's too) of at least 1, or
        more than the places with a complete circle, or if no ``plants`` of them reach every
        place; (``found``, ``exact_cells``) for a ``found`` that is not a
        :class:`~hourcircle.analysis.coverage.Coverage`, or cells that are not a count.
    """
    check.instance("found", found, Coverage, what=COVERAGE)
    plants = check.count("plants", plants)
    exact_cells = check.count("exact_cells", exact_cells, minimum=0)
    query = found.query
    summary = circles(found.of_kind("place"))
    candidates = summary.index[summary["complete"]]
    if len(candidates) < plants:
        raise ArgumentError("plants", f"asks for {plants} plants, but only {len(candidates)} places have a "
                                      f"complete circle within {query.hours:g} h; ask for fewer plants or more hours")
    times, mode = query.times, query.mode
    demand = query.scenario.places.index
    ensure_fits(24.0 * len(demand) * len(candidates), f"the p-center's matrix of {len(demand):,} places x "
                f"{len(candidates):,} candidates")
    minutes = np.where(np.equal.outer(demand.to_numpy(), candidates.to_numpy()), 0.0,
                       times.trip_minutes(list(demand), list(candidates), mode, remember=False))
    solved = p_center(minutes, plants, exact_cells=exact_cells)
    if solved is None:
        raise ArgumentError("plants", f"no {plants} places together reach every place by {mode}")
    chosen, method = solved.chosen, solved.method
    served = minutes[:, chosen]
    nearest = served.argmin(axis=1)
    rows = []
    for j, place in enumerate(candidates[chosen]):
        mine = nearest == j
        far = int(np.argmax(np.where(mine, served[:, j], -1.0)))
        rows.append({"place_id": place, "name": query.scenario.places.loc[place, "name"],
                     "serves": int(mine.sum()), "farthest_place": demand[far] if mine.any() else None,
                     "farthest_minutes": float(served[far, j]) if mine.any() else 0.0,
                     "optimum_at_least_minutes": solved.lower_minutes, "method": method})
    return pd.DataFrame(rows).set_index("place_id")
