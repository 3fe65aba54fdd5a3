"""Disruption: what breaks when a place, a site or a link drops out.

:func:`disrupt` compares every plant's circle before and after removing what the user
names, from scratch on the reduced network (the reference for the criticality sweep of
:mod:`hourcircle.analysis.criticality`, which removes everything in turn); :func:`impact`
totals it and :func:`disruption_rows` says what happened to each pair in words.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> table = disrupt(query, ["Hangzhou Bay Bridge"])
>>> {"plant", "category", "before_minutes", "after_minutes", "cut_off", "over_budget"} <= set(table.columns)
True
>>> impact(table).alternatives_lost > 0
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from hourcircle import _checks as check
from hourcircle.analysis.coverage import pair_table, supplier_minutes
from hourcircle.errors import ArgumentError
from hourcircle.travel.query import Query
from hourcircle.travel.removals import Removal
from hourcircle.travel.times import TravelTimes

Removals = str | Removal | Iterable[str | Removal]


def as_removals(times: TravelTimes, remove: Removals) -> tuple[Removal, ...]:
    """Removals as given, with texts resolved (a single text is one removal, not its letters).

    Parameters
    ----------
    times : TravelTimes
        Resolves texts.
    remove : str, Removal, or iterable of them
        What to take out.

    Returns
    -------
    tuple of Removal
        In the order given.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) for a text that names nothing, or several places; an
        :class:`~hourcircle.errors.ArgumentTypeError` for anything but texts and removals.
    """
    items = [remove] if isinstance(remove, str | Removal) else check.items(
        "remove", remove, (str, Removal), what="a str, a Removal, or a sequence of them")
    return tuple(item if isinstance(item, Removal) else times.removals(item)[0] for item in items)


def _pairs(query: Query, plant_ids: pd.Index) -> pd.DataFrame:
    """The plants' circles (see :func:`~hourcircle.analysis.coverage.pair_table`) on the query's network."""
    return pair_table(query, supplier_minutes(query, list(plant_ids)), query.suppliers)


def disrupt(query: Query, remove: Removals) -> pd.DataFrame:
    """Every plant's circle before and after removing places, sites or links.

    Computed from scratch on the reduced network, so it also serves as the reference for
    :func:`sweep`.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    remove : str, Removal, or iterable of them
        Place or site ids or names, link ids or parts of link names (see
        :meth:`~hourcircle.travel.times.TravelTimes.removals`), or resolved removals.

    Returns
    -------
    pandas.DataFrame
        One row per surviving plant and component: ``before_``/``after_`` ``nearest_site``,
        ``minutes``, ``alternatives`` and ``within``; ``lost`` (within the budget before, not
        after), split into ``cut_off`` (no supplier reachable after) and ``over_budget``;
        ``minutes_added`` (``NaN`` where cut off) and ``alternatives_lost``.

    Raises
    ------
    ArgumentError
        (parameter ``remove``) if nothing is named, or a text names nothing; (``query``) for a
        query that is not a :class:`Query`.
    """
    check.instance("query", query, Query)
    removals = as_removals(query.times, remove)
    if not removals:
        raise ArgumentError("remove", "needs at least one place, site or link")
    after = query.on(query.times.without(removals))
    plant_ids = query.plants.index.intersection(after.plants.index, sort=False)
    before = _pairs(query, plant_ids)
    changed_pairs = _pairs(after, plant_ids)
    keys = ["origin", "category"]
    columns = [*keys, "nearest_site", "minutes", "alternatives", "within"]
    table = before[columns].merge(changed_pairs[columns], on=keys, suffixes=("_before", "_after"))
    table = table.rename(columns=lambda c: re.sub(r"^(\w+)_(before|after)$", r"\2_\1", c))
    table["lost"] = table["before_within"] & ~table["after_within"]
    table["cut_off"] = table["lost"] & table["after_minutes"].isna()
    table["over_budget"] = table["lost"] & ~table["cut_off"]
    table["minutes_added"] = table["after_minutes"] - table["before_minutes"]
    table["alternatives_lost"] = table["before_alternatives"] - table["after_alternatives"]
    return table.rename(columns={"origin": "plant"})


def changed(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`disrupt` table that the removal changed.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`disrupt` table.

    Returns
    -------
    pandas.DataFrame
        Rows whose minutes or alternatives changed.

    Raises
    ------
    ArgumentTypeError
        (parameter ``table``) for anything but a DataFrame.
    """
    check.instance("table", table, pd.DataFrame)
    return table[(table["minutes_added"].fillna(1) != 0) | (table["alternatives_lost"] != 0)]


def disruption_rows(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`disrupt` table as people read it: one row per pair, what happened in words.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`disrupt` table (or some of its rows, as :func:`changed` gives).

    Returns
    -------
    pandas.DataFrame
        ``plant``, ``category``, ``effect`` (``cut off``, ``over budget``, ``slower`` or
        ``fewer alternatives``), ``nearest_before``, ``minutes_before``, ``nearest_after``,
        ``minutes_after`` (``-`` where none is reachable) and ``alternatives_lost``.

    Raises
    ------
    ArgumentTypeError
        (parameter ``table``) for anything but a DataFrame.
    """
    check.instance("table", table, pd.DataFrame)
    effect = pd.Series("fewer alternatives", index=table.index)
    effect[table["minutes_added"].fillna(0).round() > 0] = "slower"
    effect[table["over_budget"]] = "over budget"
    effect[table["cut_off"]] = "cut off"

    def minutes(column: pd.Series) -> pd.Series:
        return column.map(lambda m: "-" if pd.isna(m) else f"{m:.0f}")

    return pd.DataFrame({
        "plant": table["plant"], "category": table["category"], "effect": effect,
        "nearest_before": table["before_nearest_site"].fillna("-"), "minutes_before": minutes(table["before_minutes"]),
        "nearest_after": table["after_nearest_site"].fillna("-"), "minutes_after": minutes(table["after_minutes"]),
        "alternatives_lost": table["alternatives_lost"]}).reset_index(drop=True)


class Impact(NamedTuple):
    """The totals of a :func:`disrupt` table (the sweep's columns of the same names).

    Parameters
    ----------
    pairs_cut_off : int
        Pairs within the budget before with no supplier reachable after.
    pairs_over_budget : int
        Pairs within the budget before whose nearest supplier is beyond it after.
    minutes_added : float
        To the nearest supplier, over the pairs still reachable.
    alternatives_lost : int
        Suppliers no longer within the budget.
    """

    pairs_cut_off: int
    pairs_over_budget: int
    minutes_added: float
    alternatives_lost: int

    @property
    def any(self) -> bool:
        """Whether the removal changed anything."""
        return bool(self.pairs_cut_off or self.pairs_over_budget or round(self.minutes_added) or self.alternatives_lost)


def impact(table: pd.DataFrame) -> Impact:
    """The totals of a :func:`disrupt` table.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`disrupt` table.

    Returns
    -------
    Impact
        Pairs cut off, pairs pushed over the budget, minutes added (over pairs still
        reachable) and alternatives lost.

    Raises
    ------
    ArgumentTypeError
        (parameter ``table``) for anything but a DataFrame.
    """
    check.instance("table", table, pd.DataFrame)
    return Impact(int(table["cut_off"].sum()), int(table["over_budget"].sum()),
                  float(table["minutes_added"].sum(skipna=True)), int(table["alternatives_lost"].sum()))
