"""Circle completeness: does a plant or a place have every component within the budget.

For every origin (each plant, then each place) and every component of the bill of materials:
minutes to the nearest supplier, which one, and how many suppliers lie within the budget
(k-redundancy). :func:`circles` sums that up per origin: categories covered, weighted share,
complete or not, and the hours it would take to complete (the slowest nearest supplier).

Every answer is marked ``robust`` or ``marginal`` against the mode's uncertainty band
(:mod:`hourcircle.profiles`): a pair is marginal when its minutes times the band's low factor
are within the budget but times its high factor are not, so that the model's error could turn
the answer; a circle is marginal when its slowest nearest supplier is.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> found = coverage(Query(TravelTimes.for_scenario(bundled())))
>>> summary = circles(found)
>>> bool(summary.loc["shanghai", "complete"])
True
>>> sorted(summary["kind"].unique()), found.query.hours
(['place', 'plant'], 4.0)
>>> sorted(summary["certainty"].unique())
['marginal', 'robust']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hourcircle import _checks as check
from hourcircle.travel.query import Query

COVERAGE = "a Coverage (from hourcircle.analysis.coverage)"
PAIR_COLUMNS = ["origin", "kind", "category", "weight", "minutes", "minutes_low", "minutes_high", "nearest_site",
                "alternatives", "within", "certainty"]


def certainty(minutes: ArrayLike, budget_minutes: float, band: tuple[float, float]) -> NDArray[np.str_]:
    """``robust`` where the band cannot change whether minutes are within the budget, else ``marginal``.

    Parameters
    ----------
    minutes : array_like
        Modelled minutes (NaN or ``inf``: unreachable, which no band changes).
    budget_minutes : float
        The budget.
    band : tuple of float
        Low and high factors.

    Returns
    -------
    numpy.ndarray of str
        One label per figure.

    Examples
    --------
    >>> certainty([100, 200, 300, float("nan")], 240, (0.8, 1.25)).tolist()
    ['robust', 'marginal', 'marginal', 'robust']
    """
    m = np.asarray(minutes, dtype=float)
    with np.errstate(invalid="ignore"):
        straddles = (m * band[0] <= budget_minutes) & (m * band[1] > budget_minutes)
    return np.where(straddles, "marginal", "robust")


@dataclass(frozen=True)
class Coverage:
    """A :func:`coverage` table with the question it answers.

    So it is never read against another budget or mode.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    pairs : pandas.DataFrame
        One row per origin and component (columns :data:`PAIR_COLUMNS`).
    """

    query: Query
    pairs: pd.DataFrame

    def of_kind(self, kind: str) -> Coverage:
        """The rows of plants (``plant``) or of places (``place``) only.

        Parameters
        ----------
        kind : {"plant", "place"}
            Which origins to keep.

        Returns
        -------
        Coverage
            Same query, fewer rows.

        Raises
        ------
        ArgumentError
            (parameter ``kind``) for another value.
        """
        check.choice("kind", kind, ("plant", "place"))
        return Coverage(self.query, self.pairs[self.pairs["kind"] == kind])


def origin_kinds(query: Query) -> pd.Series:
    """Every plant (``plant``) then every place (``place``).

    Parameters
    ----------
    query : Query
        The question.

    Returns
    -------
    pandas.Series
        The kind of each origin, indexed by its id.
    """
    return pd.concat([pd.Series("plant", index=query.plants.index),
                      pd.Series("place", index=query.scenario.places.index)]).rename("kind")


def supplier_minutes(query: Query, origins: Sequence[str]) -> pd.DataFrame:
    """Trip minutes from origins to every supplier.

    Parameters
    ----------
    query : Query
        The network and mode.
    origins : sequence of str
        Node ids.

    Returns
    -------
    pandas.DataFrame
        Origins (rows) by suppliers (columns); ``inf`` where there is no route.

    Raises
    ------
    ArgumentError
        (parameter ``query`` or ``origins``) for a query that is not a :class:`Query`, or an
        unknown id.
    """
    check.instance("query", query, Query)
    origins = check.sequence("origins", origins)
    sites = query.suppliers
    minutes = query.times.trip_minutes(origins, list(sites.index), query.mode)
    return pd.DataFrame(minutes, index=pd.Index(origins, name="origin"), columns=sites.index)


def pair_table(query: Query, minutes: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """One row per origin and component: the nearest supplier and the alternatives.

    Parameters
    ----------
    query : Query
        The product and budget.
    minutes : pandas.DataFrame
        Origins by suppliers (see :func:`supplier_minutes`).
    sites : pandas.DataFrame
        The suppliers to count (columns of ``minutes``).

    Returns
    -------
    pandas.DataFrame
        ``origin, category, weight, minutes, minutes_low, minutes_high, nearest_site,
        alternatives, within, certainty``: the nearest supplier among ``sites``, its minutes
        and their band, the number within the budget, and whether the band could change
        ``within`` (see :func:`certainty`).
    """
    product = query.scenario.product
    band = query.scenario.travel.band(query.mode)
    parts = []
    for category in query.components:
        columns = sites.index[sites["category"] == category]
        block = minutes[columns].to_numpy() if len(columns) else np.full((len(minutes), 1), np.inf)
        best = np.argmin(block, axis=1)
        nearest = block[np.arange(len(block)), best]
        names: NDArray[Any] = (np.asarray(columns, dtype=object)[best] if len(columns)
                               else np.full(len(block), None, dtype=object))
        finite = np.where(np.isfinite(nearest), nearest, np.nan)
        parts.append(pd.DataFrame({
            "origin": minutes.index, "category": category, "weight": product.weight(category),
            "minutes": finite, "minutes_low": finite * band[0], "minutes_high": finite * band[1],
            "nearest_site": pd.Series(names).where(np.isfinite(nearest), None).to_numpy(),
            "alternatives": (block <= query.budget_minutes).sum(axis=1),
            "within": nearest <= query.budget_minutes,
            "certainty": certainty(nearest, query.budget_minutes, band)}))
    return pd.concat(parts, ignore_index=True)


def coverage(query: Query) -> Coverage:
    """For every plant and place and every component: nearest supplier, minutes, alternatives.

    Parameters
    ----------
    query : Query
        The network, budget and mode.

    Returns
    -------
    Coverage
        ``pairs`` has the columns of :func:`pair_table` and ``kind``; ``minutes`` is NaN where
        no supplier of the category can be reached at all.

    Raises
    ------
    ArgumentTypeError
        (parameter ``query``) for anything but a :class:`Query`.
    """
    check.instance("query", query, Query)
    kinds = origin_kinds(query)
    pairs = pair_table(query, supplier_minutes(query, list(kinds.index)), query.suppliers)
    return Coverage(query, pairs.assign(kind=pairs["origin"].map(kinds))[PAIR_COLUMNS])


def circles(found: Coverage) -> pd.DataFrame:
    """How complete each origin's circle is.

    Parameters
    ----------
    found : Coverage
        A :func:`coverage` result (or part of one).

    Returns
    -------
    pandas.DataFrame
        One row per origin: ``covered`` of ``categories`` components lie within the budget,
        ``share`` weighs them by the product's weights; ``complete``; ``hours_to_complete`` is
        the slowest nearest supplier (NaN when a component cannot be reached at all);
        ``weakest`` its category; ``fewest_alternatives`` the thinnest category's count;
        ``missing`` the categories outside the budget; ``hours_low`` and ``hours_high`` the
        band of ``hours_to_complete``, and ``certainty`` whether the band could change
        ``complete`` (see :func:`certainty`).

    Raises
    ------
    ArgumentTypeError
        (parameter ``found``) for anything but a :class:`Coverage`.
    """
    check.instance("found", found, Coverage, what=COVERAGE)
    pairs = found.pairs
    grouped = pairs.groupby("origin", sort=False)
    weighted = pairs["weight"] * pairs["within"]
    slowest = pairs.loc[pairs["minutes"].fillna(np.inf).groupby(pairs["origin"], sort=False).idxmax()]
    missing = pairs[~pairs["within"]].groupby("origin", sort=False)["category"].agg(", ".join)
    summary = pd.DataFrame({
        "kind": grouped["kind"].first(),
        "covered": grouped["within"].sum(),
        "categories": grouped.size(),
        "share": weighted.groupby(pairs["origin"], sort=False).sum() / grouped["weight"].sum(),
        "complete": grouped["within"].all(),
        "hours_to_complete": grouped["minutes"].max() / 60.0,
        "weakest": slowest.set_index("origin")["category"],
        "fewest_alternatives": grouped["alternatives"].min(),
    })
    unreachable = pairs[pairs["minutes"].isna()]["origin"].unique()
    summary.loc[summary.index.isin(unreachable), "hours_to_complete"] = np.nan
    summary["missing"] = missing.reindex(summary.index).fillna("")
    band = found.query.scenario.travel.band(found.query.mode)
    summary["hours_low"] = summary["hours_to_complete"] * band[0]
    summary["hours_high"] = summary["hours_to_complete"] * band[1]
    summary["certainty"] = certainty(summary["hours_to_complete"] * 60, found.query.budget_minutes, band)
    summary.index.name = "origin"
    return summary
