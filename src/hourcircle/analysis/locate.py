"""Siting: the best places for a new plant, and the best set of K plants by a stated objective.

:func:`locate` ranks places by redundancy first: the number of suppliers within the budget of
their weakest component (the component with the fewest; a place lacking one has none), then
by the hours their circle needs to be complete (to the quarter hour: finer differences are
below the model's precision), then by all suppliers within the budget, then by travel time to
the nearest existing plant (farther first: a new plant spreads the region's coverage instead
of crowding it). A place where one die-casting supplier is all there is ranks below one with
eight of each, however quick that one is.

:func:`plant_set` chooses K places with a complete circle (the candidates) against every place
(the demand), weighted by people (or one each), by one of three objectives:

- ``center`` (p-center, :func:`~hourcircle.analysis.pcenter.p_center`): the farthest place
  from its nearest plant as near as possible. One place decides it: right for a region.
- ``coverage`` (maximal covering, :func:`~hourcircle.analysis.objectives.max_cover`): the most
  people (or places) within the budget of a plant.
- ``median`` (p-median, :func:`~hourcircle.analysis.objectives.p_median`): the least
  people-weighted mean minutes from each place to its nearest plant.

By default (:func:`default_objective`) a scenario whose places span up to
:data:`REGION_KM` (farthest pair, great-circle) is a region and takes ``center``; a wider one
(a nation) takes ``coverage``, which no single outlier decides.

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
>>> len(plant_set(found, plants=2)), default_objective(found.query.scenario)
(2, 'center')
>>> locate(found, top=0)
Traceback (most recent call last):
...
hourcircle.errors.ArgumentError: top: must be at least 1, not 0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.coverage import COVERAGE, Coverage, circles
from hourcircle.analysis.objectives import MEDIAN_EXACT_CELLS, max_cover, p_median
from hourcircle.analysis.pcenter import EXACT_CELLS, PCenter, p_center
from hourcircle.errors import ArgumentError
from hourcircle.geo import haversine_km
from hourcircle.memory import ensure_fits
from hourcircle.scenario import Scenario

__all__ = ["EXACT_CELLS", "OBJECTIVES", "REGION_KM", "WEIGHTS", "PCenter", "default_objective", "default_weight",
           "locate", "p_center", "plant_set"]

RANK_STEP_HOURS = 0.25
OBJECTIVES = ("center", "coverage", "median")
WEIGHTS = ("people", "places")
REGION_KM = 1500.0  # places spanning more than this (farthest pair, great-circle) are more than a region


def _weakest(found: Coverage) -> pd.Series:
    """Each origin's weakest component: the fewest suppliers within the budget, then the slowest nearest."""
    pairs = found.pairs.assign(_minutes=found.pairs["minutes"].fillna(np.inf))
    ordered = pairs.sort_values(["origin", "alternatives", "_minutes"], ascending=[True, True, False], kind="stable")
    return ordered.drop_duplicates("origin").set_index("origin")["category"]


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
        Indexed by ``place_id``: ``rank, name, name_zh, complete, weakest_component,
        fewest_alternatives`` (its suppliers within the budget), ``hours_to_complete,
        alternatives, nearest_plant, nearest_plant_minutes``; ranked by ``fewest_alternatives``
        (more first), then hours to the quarter hour, then ``alternatives``, then
        ``nearest_plant_minutes`` (farther first).

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
        "weakest_component": _weakest(places).reindex(summary.index),
        "fewest_alternatives": summary["fewest_alternatives"],
        "hours_to_complete": summary["hours_to_complete"],
        "alternatives": alternatives,
        "nearest_plant": existing.index.to_numpy()[to_plants.argmin(axis=1)] if has_plant else None,
        "nearest_plant_minutes": to_plants.min(axis=1) if has_plant else np.nan,
    }, index=summary.index)
    rank_hours = (table["hours_to_complete"] / RANK_STEP_HOURS).round().fillna(np.inf)
    table = table.assign(_hours=rank_hours, _id=table.index).sort_values(
        ["fewest_alternatives", "_hours", "alternatives", "nearest_plant_minutes", "_id"],
        ascending=[False, True, False, False, True], kind="stable", na_position="last")
    table = table.drop(columns=["_hours", "_id"])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.index.name = "place_id"
    return table if top is None else table.head(top)


def default_objective(scenario: Scenario) -> str:
    """``center`` for a region, ``coverage`` for places spanning more than :data:`REGION_KM`.

    Parameters
    ----------
    scenario : Scenario
        Its places' coordinates decide.

    Returns
    -------
    str
        One of :data:`OBJECTIVES`.
    """
    check.instance("scenario", scenario, Scenario)
    lat, lon = scenario.places["lat"].to_numpy(float), scenario.places["lon"].to_numpy(float)
    ensure_fits(8.0 * len(lat) ** 2, f"the distances between {len(lat):,} places")
    span = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]).max(initial=0.0)
    return "coverage" if span > REGION_KM else "center"


def default_weight(scenario: Scenario) -> str:
    """``people`` where the scenario gives populations, else ``places`` (one each).

    Parameters
    ----------
    scenario : Scenario
        Its places' populations decide.

    Returns
    -------
    str
        One of :data:`WEIGHTS`.
    """
    check.instance("scenario", scenario, Scenario)
    return "people" if scenario.population().sum() > 0 else "places"


def plant_set(found: Coverage, plants: int, *, objective: str | None = None, weight: str | None = None,
              exact_cells: int = EXACT_CELLS) -> pd.DataFrame:
    """The best places, ``plants`` of them with a complete circle, for serving every place by ``objective``.

    Rows are every place (weighted by ``weight``), columns the places with a complete circle,
    cells the trip minutes between them (see the module's objectives).

    Parameters
    ----------
    found : Coverage
        A :func:`~hourcircle.analysis.coverage.coverage` result: which places are complete, the
        budget (a place is within reach of a plant within it) and the mode.
    plants : int
        How many plants to place.
    objective : {"center", "coverage", "median"}, optional
        Default: :func:`default_objective`.
    weight : {"people", "places"}, optional
        What a place weighs: its population, or one. Default: :func:`default_weight`.
    exact_cells : int, default 250000
        Solve exactly up to this many places x candidates (a p-median's integer programme up
        to 20,000, where its bound has not already proven the answer).

    Returns
    -------
    pandas.DataFrame
        One row per chosen place: ``name``, how many places it ``serves`` (is nearest to) and
        their ``weight_served``; of those, the weight ``within_budget`` and the weighted
        ``mean_minutes``; the ``farthest_place`` it serves and its ``farthest_minutes`` (the
        largest is the p-center's radius, and its place decides it); the ``objective``, the
        ``weight``, ``optimum_at_least_minutes`` (the proven lower bound on a p-center's radius
        or a p-median's weighted mean minutes; NaN for coverage) and ``method`` (``exact`` when
        the optimum is proven, ``heuristic`` otherwise).

    Raises
    ------
    ArgumentError
        (parameter ``plants``) if ``plants`` is not an integer (numpy's too) of at least 1, or
        more than the places with a complete circle, or if (center, median) no ``plants`` of
        them reach every place; (``objective``, ``weight``) for another value, or people
        asked of a scenario without populations; (``found``, ``exact_cells``) for a ``found``
        that is not a :class:`~hourcircle.analysis.coverage.Coverage`, or cells that are not
        a count.
    """
    check.instance("found", found, Coverage, what=COVERAGE)
    plants = check.count("plants", plants)
    query = found.query
    scenario = query.scenario
    objective = default_objective(scenario) if objective is None else check.choice("objective", objective, OBJECTIVES)
    weight = default_weight(scenario) if weight is None else check.choice("weight", weight, WEIGHTS)
    exact_cells = check.count("exact_cells", exact_cells, minimum=0)
    people = scenario.population().to_numpy(float)
    if weight == "people" and not people.sum() > 0:
        raise ArgumentError("weight", "people: this scenario's places give no population; weigh by places")
    weights = people if weight == "people" else np.ones(len(people))
    summary = circles(found.of_kind("place"))
    candidates = summary.index[summary["complete"]]
    if len(candidates) < plants:
        raise ArgumentError("plants", f"asks for {plants} plants, but only {len(candidates)} places have a "
                                      f"complete circle within {query.hours:g} h; ask for fewer plants or more hours")
    times, mode = query.times, query.mode
    demand = scenario.places.index
    ensure_fits(24.0 * len(demand) * len(candidates), f"the siting matrix of {len(demand):,} places x "
                f"{len(candidates):,} candidates")
    minutes = np.where(np.equal.outer(demand.to_numpy(), candidates.to_numpy()), 0.0,
                       times.trip_minutes(list(demand), list(candidates), mode))  # the rows coverage searched
    bound = np.nan
    if objective == "center":
        centered = p_center(minutes, plants, exact_cells=exact_cells)
        if centered is None:
            raise ArgumentError("plants", f"no {plants} places together reach every place by {mode}")
        chosen, method, bound = centered.chosen, centered.method, centered.lower_minutes
    elif objective == "coverage":
        chosen, _, _, method = max_cover(minutes, weights, plants, radius=query.budget_minutes,
                                         exact_cells=exact_cells)
    else:
        median = p_median(minutes, weights, plants, exact_cells=min(exact_cells, MEDIAN_EXACT_CELLS))
        if median is None:
            raise ArgumentError("plants", f"no {plants} places together reach every place by {mode}")
        chosen, method, bound = median.chosen, median.method, median.lower
    return _served(found, minutes[:, chosen], weights, candidates[chosen]).assign(
        objective=objective, weight=weight, optimum_at_least_minutes=bound, method=method)


def _served(found: Coverage, served: NDArray[np.float64], weights: NDArray[np.float64],
            chosen: pd.Index) -> pd.DataFrame:
    """What each chosen place (the columns of ``served``) serves: the places nearer to it than to any other."""
    scenario = found.query.scenario
    demand = scenario.places.index
    nearest = served.argmin(axis=1)
    reached = np.isfinite(served.min(axis=1))
    rows = []
    for j, place in enumerate(chosen):
        mine = (nearest == j) & reached
        far = int(np.argmax(np.where(mine, served[:, j], -1.0)))
        weight = float(weights[mine].sum())
        rows.append({"place_id": place, "name": scenario.places.loc[place, "name"], "serves": int(mine.sum()),
                     "weight_served": round(weight),  # people or places: whole numbers
                     "within_budget": round(weights[mine & (served[:, j] <= found.query.budget_minutes)].sum()),
                     "mean_minutes": float(weights[mine] @ served[mine, j] / weight) if weight > 0 else np.nan,
                     "farthest_place": demand[far] if mine.any() else None,
                     "farthest_minutes": float(served[far, j]) if mine.any() else 0.0})
    return pd.DataFrame(rows).set_index("place_id")
