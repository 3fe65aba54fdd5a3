"""The accessibility measures planners publish, for every place and mode.

Over the place x place matrix of door-to-door minutes ``t_ij`` of a mode, with ``P_j`` the
people of place ``j`` (2020 census; one each where a scenario gives none):

- **Weighted average travel time** (WATT, the "location" indicator): the people-weighted mean
  of the minutes to the *other* places it reaches, ``sum_j P_j t_ij / sum_j P_j`` (``j != i``);
  lower is better.
- **Potential accessibility** (Hansen, 1959: opportunities discounted by travel time): the
  people of the other places it reaches over minutes to a power, ``sum_j P_j / t_ij ** a``
  (``j != i``; ``a`` = :data:`DECAY`, 1 by default, the simple "economic potential"; a trip
  counts at least one minute); people per minute, higher is better.
- **Daily accessibility**: the share of all people (its own place's included) within a day
  budget each way, ``sum_j P_j [t_ij <= T] / sum_j P_j``, ``T`` = :data:`DAY_HOURS` (3 h each
  way leaves a working day at the destination).

Places another place cannot reach by a mode (no route) add nothing to its sums.

Examples
--------
>>> t = np.array([[0.0, 60.0, 120.0], [60.0, 0.0, 240.0], [120.0, 240.0, 0.0]])
>>> measured = access_measures(t, np.array([1.0, 2.0, 3.0]), day_minutes=120.0)
>>> measured["watt_hours"].tolist()  # place 0: (2 x 1 h + 3 x 2 h) / 5
[1.6, 3.25, 3.3333333333333335]
>>> measured["potential"].round(4).tolist()  # place 0: 2 / 60 + 3 / 120
[0.0583, 0.0292, 0.0167]
>>> measured["daily_share"].tolist()  # place 1 reaches itself and place 0 within 2 h
[1.0, 0.5, 0.6666666666666666]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.errors import ArgumentError
from hourcircle.memory import ensure_fits
from hourcircle.profiles import PROFILES, ProfileName
from hourcircle.travel.times import TravelTimes

DAY_HOURS = 3.0  # the day budget each way of daily accessibility
DECAY = 1.0  # the power of minutes in potential accessibility
MEASURES = ("watt_hours", "potential", "daily_share")
DEFAULT_MODES: tuple[ProfileName, ...] = ("car", "rail")


def access_measures(minutes: NDArray[np.float64], people: NDArray[np.float64], *,
                    day_minutes: float = 60.0 * DAY_HOURS, decay: float = DECAY) -> dict[str, NDArray[np.float64]]:
    """WATT, potential and daily accessibility of every row of a square minutes matrix.

    Parameters
    ----------
    minutes : numpy.ndarray
        Places by the same places, door-to-door minutes; ``inf`` or NaN where there is no route;
        the diagonal is ignored (a place is 0 minutes from itself).
    people : numpy.ndarray
        One weight of at least 0 per place, not all 0.
    day_minutes : float, default 180
        The daily budget each way.
    decay : float, default 1
        The power of minutes in the potential.

    Returns
    -------
    dict of str to numpy.ndarray
        ``watt_hours`` (NaN where no other place of weight is reached), ``potential`` (people
        per minute to the ``decay``), ``daily_share`` (0 to 1): one value per place.

    Raises
    ------
    ArgumentError
        (parameter ``minutes``, ``people``, ``day_minutes`` or ``decay``) for a matrix that is
        not square, weights that are not one finite number of at least 0 per place (or all 0),
        a day that is not a number of minutes of at least 0, or a decay outside 0 to 5.
    """
    check.instance("minutes", minutes, np.ndarray, what="a square numpy array")
    if minutes.ndim != 2 or minutes.shape[0] != minutes.shape[1]:
        raise ArgumentError("minutes", f"must be a square numpy array, not of shape {minutes.shape}")
    check.instance("people", people, np.ndarray, what="a one-dimensional numpy array")
    if people.shape != (len(minutes),) or not (np.isfinite(people) & (people >= 0)).all() or not people.sum() > 0:
        raise ArgumentError("people", f"must be {len(minutes)} finite numbers of at least 0, one per place, not all 0")
    day_minutes = check.number("day_minutes", day_minutes, at_least=0, finite=True, what="minutes of at least 0")
    decay = check.number("decay", decay, at_least=0, at_most=5, what="a power from 0 to 5")
    t = np.where(np.isnan(minutes), np.inf, minutes.astype(float))
    np.fill_diagonal(t, 0.0)
    others = np.isfinite(t) & ~np.eye(len(t), dtype=bool)
    weight = np.where(others, people[None, :], 0.0)
    reached = weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        watt = np.where(reached > 0, (weight * np.where(others, t, 0.0)).sum(axis=1) / reached, np.nan) / 60.0
        potential = (weight / np.maximum(np.where(others, t, 1.0), 1.0) ** decay).sum(axis=1)
    daily = (np.where(t <= day_minutes, people[None, :], 0.0)).sum(axis=1) / people.sum()
    return {"watt_hours": watt, "potential": potential, "daily_share": daily}


def access_modes(times: TravelTimes) -> tuple[ProfileName, ...]:
    """The modes :func:`accessibility` compares by default: car and rail, those the network has.

    Parameters
    ----------
    times : TravelTimes
        The network.

    Returns
    -------
    tuple of str
        Car and rail where the network serves them; truck if it serves neither.
    """
    check.instance("times", times, TravelTimes)
    found = tuple(m for m in DEFAULT_MODES if times.network.has_mode(m))
    return found or ("truck",)


def accessibility(times: TravelTimes, *, modes: Sequence[ProfileName] | None = None, day_hours: float = DAY_HOURS,
                  decay: float = DECAY) -> pd.DataFrame:
    """WATT, potential and daily accessibility of every place, by mode, side by side.

    Parameters
    ----------
    times : TravelTimes
        The network; its scenario's populations weigh (one each where it gives none).
    modes : sequence of {"truck", "car", "rail"}, optional
        Default: :func:`access_modes`.
    day_hours : float, default 3
        The day budget each way of daily accessibility.
    decay : float, default 1
        The power of minutes in the potential.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``place_id``: ``name``, ``people``, then ``MEASURE_MODE`` for each of
        :data:`MEASURES` and each mode (in the order truck, car, rail), modes side by side within
        a measure.

    Raises
    ------
    ArgumentError
        (parameter ``modes``, ``day_hours`` or ``decay``) for no mode or an unknown one, one
        the network has no links for, or a number out of range (see :func:`access_measures`);
        (``times``) for anything but a :class:`~hourcircle.travel.times.TravelTimes`.
    """
    check.instance("times", times, TravelTimes)
    chosen: tuple[ProfileName, ...] = (access_modes(times) if modes is None else
                                       tuple(m for m in PROFILES if m in check.some_of("modes", modes, PROFILES)))
    if not chosen:
        raise ArgumentError("modes", "give one or more modes")
    day_hours = check.number("day_hours", day_hours, at_least=0, finite=True, what="hours of at least 0")
    places = times.scenario.places
    population = times.scenario.population().to_numpy(float)
    people = population if population.sum() > 0 else np.ones(len(places))
    ensure_fits(16.0 * len(places) ** 2, f"the minutes between {len(places):,} places")
    table = pd.DataFrame({"name": places["name"], "people": people.round().astype(np.int64)}, index=places.index)
    measured = {}
    for mode in chosen:
        minutes = times.trip_minutes(list(places.index), list(places.index), mode)
        measured[mode] = access_measures(minutes, people, day_minutes=60.0 * day_hours, decay=decay)
    for measure in MEASURES:
        for mode in chosen:
            table[f"{measure}_{mode}"] = measured[mode][measure]
    table.index.name = "place_id"
    return table
