"""What the explorer page needs to recompute every circle itself, at any budget it offers.

The explorer (:mod:`hourcircle.maps.explorer`) answers what-ifs in the browser: a budget
slider, a profile switch, a picked plant, place or site. For every origin (plants, places,
then the other sites) and every profile it carries, compactly:

- the minutes to the nearest supplier of each component and which supplier that is (the
  same ``argmin`` as :func:`~hourcircle.analysis.coverage.coverage`; budget-free), from
  which completeness, hours to complete and robust/marginal follow at any budget;
- for every supplier, the first of the offered budgets within which it lies (one byte a
  pair): alternatives at budget ``j`` are the suppliers whose step is at most ``j``, exactly
  the count :func:`~hourcircle.analysis.coverage.coverage` makes with ``minutes <= budget``.

Nothing is repeated per budget; the numbers at a budget equal ``run --hours H``'s.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> data = explorer_data(Query(TravelTimes.for_scenario(bundled())))
>>> data.hours[0], data.hours[-1], data.start, data.modes
(0.5, 8.0, 4.0, ('truck',))
>>> kinds = data.origins["kind"].value_counts()
>>> int(kinds["plant"]), int(kinds["place"])
(23, 41)
>>> profile = data.profiles["truck"]
>>> profile.first_step.shape == (len(data.origins), len(data.suppliers))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.coverage import pair_table, supplier_minutes
from hourcircle.analysis.drawing import CircleDrawing, circle_drawing
from hourcircle.analysis.run import Results
from hourcircle.analysis.tiers import Tiers
from hourcircle.config import MAX_HOURS, MIN_HOURS, PROFILES
from hourcircle.errors import ArgumentError
from hourcircle.profiles import ProfileName
from hourcircle.scenario import Scenario
from hourcircle.travel.query import Query

DEFAULT_HOURS = tuple(h / 4 for h in range(2, 33))  # 0.5 to 8 h in quarter hours
MAX_STEPS = 254  # budgets a page may offer: a step fits one byte, 255 meaning "beyond every budget"
BEYOND = 255
Question = Query | Results  # what an explorer is made of: a network and budget, or a whole run


def budget_steps(low: float, high: float, step: float) -> tuple[float, ...]:
    """The budgets from ``low`` to ``high`` hours every ``step`` hours (both ends included).

    Parameters
    ----------
    low, high : float
        The first and last budget, in hours.
    step : float
        Hours between budgets.

    Returns
    -------
    tuple of float
        The budgets.

    Raises
    ------
    ArgumentError
        (parameter ``hours``) for ends outside a minute to 72 h, ``low`` above ``high``, or more
        than 254 budgets.

    Examples
    --------
    >>> budget_steps(2, 3, 0.25)
    (2.0, 2.25, 2.5, 2.75, 3.0)
    >>> budget_steps(3, 2, 0.25)
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: hours: the range's start (3) is above its end (2)
    """
    what = f"a number of hours from a minute (1/60) to {MAX_HOURS:g}"
    low, high = (check.number("hours", h, at_least=MIN_HOURS, at_most=MAX_HOURS, what=what) for h in (low, high))
    step = check.number("step", step, above=0, finite=True, what="a positive number of hours")
    if low > high:
        raise ArgumentError("hours", f"the range's start ({low:g}) is above its end ({high:g})")
    count = int(np.floor((high - low) / step + 1e-9)) + 1
    values = [round(low + i * step, 9) for i in range(min(count, MAX_STEPS + 1))]
    if values[-1] < high:
        values.append(high)
    if len(values) > MAX_STEPS:
        raise ArgumentError("step", f"{low:g} to {high:g} h every {step:g} h is more than {MAX_STEPS} budgets, "
                                    "the most a page offers")
    return tuple(values)


@dataclass(frozen=True)
class ProfileMinutes:
    """One profile's minutes as the explorer embeds them.

    Parameters
    ----------
    mode : {"truck", "car", "rail"}
        The profile.
    band : tuple of float
        Its uncertainty band (low and high factors).
    nearest_minutes : numpy.ndarray
        Origins by components: trip minutes to the nearest supplier (NaN where none is reachable).
    nearest_site : numpy.ndarray
        Origins by components: the position of that supplier among the suppliers (-1 for none).
    first_step : numpy.ndarray of uint8
        Origins by suppliers: the position of the first budget within which the supplier lies
        (255 beyond every budget).
    """

    mode: ProfileName
    band: tuple[float, float]
    nearest_minutes: NDArray[np.float64]
    nearest_site: NDArray[np.int32]
    first_step: NDArray[np.uint8]


@dataclass(frozen=True)
class ExplorerData:
    """Everything an explorer page recomputes from.

    Parameters
    ----------
    scenario : Scenario
        The places, sites and product.
    hours : tuple of float
        The budgets the page offers, ascending.
    start : float
        The budget the page opens at (one of ``hours``).
    origins : pandas.DataFrame
        Plants, places, then the other sites, indexed by id: ``kind`` (``plant``, ``place`` or
        ``site``), ``name``, ``name_zh`` (a site's: its city's), ``company`` and ``category`` (empty for
        places), ``lat``, ``lon``.
    suppliers : pandas.Index
        The suppliers' site ids (the columns of ``first_step``).
    profiles : dict
        :class:`ProfileMinutes` by mode; the first is the page's.
    drawing : CircleDrawing
        The network drawn under the circles (with a run's closed links).
    tiers : Tiers, optional
        The minutes of the bill's tiers by the first profile, when the product has tiers (a
        picked plant's chain view).
    """

    scenario: Scenario
    hours: tuple[float, ...]
    start: float
    origins: pd.DataFrame
    suppliers: pd.Index
    profiles: dict[str, ProfileMinutes]
    drawing: CircleDrawing
    tiers: Tiers | None = None

    @property
    def modes(self) -> tuple[str, ...]:
        """The profiles the page can switch between, the first shown first."""
        return tuple(self.profiles)


def explorer_origins(scenario: Scenario) -> pd.DataFrame:
    """Plants, places, then the other sites: whatever the page can pick.

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    pandas.DataFrame
        See :attr:`ExplorerData.origins`.
    """
    sites, places = scenario.sites, scenario.places
    is_plant = sites["category"] == scenario.product.plant_category
    located = {kind: frame.assign(kind=kind) for kind, frame in
               (("plant", sites[is_plant]), ("place", places), ("site", sites[~is_plant]))}
    place_zh = places["name_zh"]
    located["place"] = located["place"].assign(category="", company="")
    for kind in ("plant", "site"):  # a site's Chinese name is its city's
        located[kind] = located[kind].assign(name_zh=located[kind]["place_id"].map(place_zh).fillna(""))
    columns = ["kind", "name", "name_zh", "company", "category", "lat", "lon"]
    return pd.concat([frame[columns] for frame in located.values()])


def _profile(query: Query, origins: pd.DataFrame, budgets: NDArray[np.float64]) -> ProfileMinutes:
    minutes = supplier_minutes(query, list(origins.index))
    pairs = pair_table(query, minutes, query.suppliers)  # budget-free columns only are read
    position = pd.Series(np.arange(len(query.suppliers)), index=query.suppliers.index)
    site = pairs["nearest_site"].map(position).fillna(-1).to_numpy(dtype=np.int32)
    steps = np.searchsorted(budgets, minutes.to_numpy(), side="left")  # first budget >= minutes
    return ProfileMinutes(
        mode=query.mode, band=query.scenario.travel.band(query.mode),
        nearest_minutes=pairs["minutes"].to_numpy(dtype=np.float64).reshape(len(query.components), -1).T.copy(),
        nearest_site=site.reshape(len(query.components), -1).T.copy(),
        first_step=np.where(steps >= len(budgets), BEYOND, steps).astype(np.uint8))


def explorer_data(question: Question, *, modes: Sequence[str] | None = None,
                  hours: Sequence[float] = DEFAULT_HOURS) -> ExplorerData:
    """The minutes an explorer page embeds, and the network it draws.

    Parameters
    ----------
    question : Query or Results
        The network; its budget is where the page opens (added to ``hours`` if missing), its
        mode the profile shown first. A run's :class:`~hourcircle.analysis.run.Results` also
        draws the links it removed.
    modes : sequence of {"truck", "car", "rail"}, optional
        More profiles to switch between (default: the query's only).
    hours : sequence of float, default 0.5 to 8 h in quarter hours
        The budgets the slider offers (see :func:`budget_steps`).

    Returns
    -------
    ExplorerData
        The origins, suppliers, each profile's minutes, the network and, for a tiered product,
        the tiers' minutes (a run's, or searched for the query).

    Raises
    ------
    ArgumentError
        (parameter ``question``, ``modes`` or ``hours``) for a question that is neither, an
        unknown profile or one the network cannot serve, budgets outside a minute to 72 h, or
        more than 254 of them.
    """
    check.instance("question", question, (Query, Results), what="a Query or Results")
    query = question.query if isinstance(question, Results) else question
    named = check.some_of("modes", [] if modes is None else modes, PROFILES)
    wanted = [cast(ProfileName, m) for m in dict.fromkeys([query.mode, *named])]
    what = f"a number of hours from a minute (1/60) to {MAX_HOURS:g}"
    given = [check.number("hours", h, at_least=MIN_HOURS, at_most=MAX_HOURS, what=what)
             for h in check.sequence("hours", hours, what="a sequence of hours")]
    offered = tuple(sorted({*given, query.hours}))
    if len(offered) > MAX_STEPS:
        raise ArgumentError("hours", f"{len(offered)} budgets; a page offers at most {MAX_STEPS}")
    queries = [Query(query.times, hours=query.hours, mode=mode) for mode in wanted]  # refuses a mode not served
    budgets = np.array([60.0 * h for h in offered])  # as Query.budget_minutes makes them
    origins = explorer_origins(query.scenario)
    drawing = question.drawing if isinstance(question, Results) else circle_drawing(query, ())
    tiers = None
    if query.scenario.product.tiered:  # a run's, searched already, or the query's
        found = question.tiers if isinstance(question, Results) else None
        tiers = found.tiers if found is not None else Tiers.of(query)
    return ExplorerData(scenario=query.scenario, hours=offered, start=query.hours, origins=origins,
                        suppliers=query.suppliers.index,
                        profiles={q.mode: _profile(q, origins, budgets) for q in queries}, drawing=drawing,
                        tiers=tiers)
