"""Tier circles: does each supplier have its own inputs within its budget.

When the bill of materials has tiers (``[product.inputs]``), a site of a category with inputs
(a battery plant, say) has a circle of its own: for each input category (cathode, anode, ...),
its nearest supplier, the minutes, the alternatives within the category's budget
(``[product.budgets]``, default the question's), and whether the band of the mode could turn
the answer (robust or marginal, as for plants). :func:`tier_circles` gives one row per site
and input, :func:`site_circles` one row per site.

:class:`Tiers` holds the minutes once (origins to every site of the bill, and between the
tiers), and evaluates *chain completeness* bottom up: a site is chain-complete when, for each
input, some supplier within its budget is chain-complete in turn (a site without inputs is).
:mod:`hourcircle.analysis.chains` builds the per-plant and per-place measures on it.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> tiers = Tiers.of(Query(TravelTimes.for_scenario(bundled())))
>>> pairs = tier_circles(tiers)
>>> sorted(pairs["input"].unique())
['anode', 'cathode', 'copper_foil', 'electrolyte', 'lithium_salt', 'separator']
>>> bool(site_circles(tiers)["complete"].any())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.coverage import certainty, origin_kinds
from hourcircle.travel.query import Query

TIER_PAIR_COLUMNS = ["site", "category", "place_id", "input", "budget_hours", "minutes", "nearest_site",
                     "alternatives", "within", "certainty", "provinces"]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Tiers:
    """The minutes a tiered bill needs, searched once.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    sites : pandas.DataFrame
        The sites of every stage of the bill (every category at every tier).
    from_origins : pandas.DataFrame
        Trip minutes from every plant, then every place (rows) to those sites (columns).
    between : pandas.DataFrame
        Trip minutes from the sites of categories with inputs (rows) to those sites (columns).
    from_places : pandas.DataFrame
        Trip minutes from the sites of categories with inputs (rows) to every place (columns):
        where a new supplier would sit.
    """

    query: Query
    sites: pd.DataFrame
    from_origins: pd.DataFrame
    between: pd.DataFrame
    from_places: pd.DataFrame

    @classmethod
    def of(cls, query: Query) -> Tiers:
        """Search the minutes of a question's tiers.

        Parameters
        ----------
        query : Query
            The question; its product may have no tiers (then every site is chain-complete
            that is within the budget, and the chain is the circle).

        Returns
        -------
        Tiers
            The minutes.

        Raises
        ------
        ArgumentTypeError
            (parameter ``query``) for anything but a :class:`Query`.
        """
        check.instance("query", query, Query)
        scenario = query.scenario
        product = scenario.product
        sites = scenario.sites[scenario.sites["category"].isin(product.stages)]
        origins = list(origin_kinds(query).index)
        ids = list(sites.index)
        parents = list(sites.index[sites["category"].isin([c for c, _ in product.inputs])])
        places = list(scenario.places.index)
        times, mode = query.times, query.mode
        return cls(query, sites,
                   pd.DataFrame(times.trip_minutes(origins, ids, mode), index=origins, columns=ids),
                   pd.DataFrame(times.trip_minutes(parents, ids, mode) if parents else np.empty((0, len(ids))),
                                index=parents, columns=ids),
                   pd.DataFrame(times.trip_minutes(parents, places, mode) if parents else
                                np.empty((0, len(places))), index=parents, columns=places))

    @property
    def product_inputs(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The product's tiers (``[product.inputs]``)."""
        return self.query.scenario.product.inputs

    def budget_minutes(self, category: str) -> float:
        """The minutes within which a site of ``category`` needs its inputs.

        Parameters
        ----------
        category : str
            A category with inputs.

        Returns
        -------
        float
            Minutes.
        """
        return 60.0 * self.query.scenario.product.budget_hours(category, self.query.hours)

    def of_category(self, category: str) -> pd.Index:
        """The ids of the sites of a category.

        Parameters
        ----------
        category : str
            A category of the bill.

        Returns
        -------
        pandas.Index
            Site ids.
        """
        return self.sites.index[self.sites["category"] == category]

    def within(self, category: str, needed: str) -> Mask:
        """Sites of ``category`` (rows) by sites of ``needed`` (columns): within the category's budget.

        Parameters
        ----------
        category : str
            A category with inputs.
        needed : str
            One of its inputs.

        Returns
        -------
        numpy.ndarray of bool
            Within the budget.
        """
        block = self.between.loc[self.of_category(category), self.of_category(needed)].to_numpy()
        return block <= self.budget_minutes(category)

    @cached_property
    def order(self) -> tuple[str, ...]:
        """The categories with inputs, each after every category it needs (deepest first)."""
        graph = dict(self.product_inputs)
        done: list[str] = []

        def visit(category: str) -> None:
            for needed in graph.get(category, ()):
                if needed not in done:
                    visit(needed)
            if category not in done:
                done.append(category)

        for category in graph:
            visit(category)
        return tuple(c for c in done if c in graph)

    def evaluate(self, alive: dict[str, Mask] | None = None, added: dict[tuple[str, str], Mask] | None = None,
                 scenarios: int = 1, depth: int | None = None) -> dict[str, Mask]:
        """Which sites are chain-complete, in one or several what-if scenarios at once.

        Parameters
        ----------
        alive : dict of str to numpy.ndarray, optional
            Per category, sites x scenarios: the site exists (default: every site, always).
        added : dict of (str, str) to numpy.ndarray, optional
            Per (category, input): sites x scenarios where a new supplier of the input, itself
            complete, lies within the category's budget.
        scenarios : int, default 1
            How many scenarios (columns).
        depth : int, optional
            Look only this many tiers below a site (1: its own inputs); default: every tier.

        Returns
        -------
        dict of str to numpy.ndarray
            Per category of the bill, sites x scenarios: chain-complete.
        """
        alive, added = alive or {}, added or {}
        graph = dict(self.product_inputs)
        memo: dict[tuple[str, int], Mask] = {}

        def ok(category: str, level: int) -> Mask:
            level = level if depth is not None else 0  # without a limit, every level is the same
            if (category, level) in memo:
                return memo[(category, level)]
            n = len(self.of_category(category))
            result = alive.get(category, np.ones((n, scenarios), dtype=bool)).copy()
            if category in graph and (depth is None or level < depth):
                for needed in graph[category]:
                    reach = self.within(category, needed).astype(np.int64) @ ok(needed, level + 1).astype(np.int64)
                    covered = reach > 0
                    if (category, needed) in added:
                        covered = covered | added[(category, needed)]
                    result &= covered
            memo[(category, level)] = result
            return result

        stages = self.query.scenario.product.stages
        return {c: ok(c, 0) for c in stages}

    @cached_property
    def complete(self) -> pd.Series:
        """Each site of the bill: chain-complete (every tier below it), by site id."""
        found = self.evaluate()
        parts = [pd.Series(found[c][:, 0], index=self.of_category(c)) for c in found]
        return pd.concat(parts).reindex(self.sites.index) if parts else pd.Series(dtype=bool)


def tier_circles(tiers: Tiers) -> pd.DataFrame:
    """One row per site of a category with inputs and per input: its tier circle.

    Parameters
    ----------
    tiers : Tiers
        The minutes (see :meth:`Tiers.of`).

    Returns
    -------
    pandas.DataFrame
        ``site, category, place_id, input, budget_hours``; ``minutes`` to the nearest supplier of
        the input (NaN: none reachable) and ``nearest_site``; ``alternatives`` within the budget;
        ``within``; ``certainty`` (robust or marginal, see
        :func:`~hourcircle.analysis.coverage.certainty`); ``provinces`` of the suppliers within
        the budget (comma-separated).
    """
    check.instance("tiers", tiers, Tiers, what="Tiers (from hourcircle.analysis.tiers)")
    scenario = tiers.query.scenario
    band = scenario.travel.band(tiers.query.mode)
    province = tiers.sites["place_id"].map(scenario.places["province"]).astype(str)
    parts = []
    for category, needs in tiers.product_inputs:
        rows = tiers.of_category(category)
        budget = tiers.budget_minutes(category)
        for needed in needs:
            columns = tiers.of_category(needed)
            block = (tiers.between.loc[rows, columns].to_numpy() if len(columns)
                     else np.full((len(rows), 1), np.inf))
            nearest = block.min(axis=1, initial=np.inf)
            best = np.argmin(block, axis=1) if len(rows) else np.empty(0, dtype=np.int64)
            names: NDArray[np.object_] = (np.asarray(columns, dtype=object)[best] if len(columns)
                                          else np.full(len(rows), None, dtype=object))
            inside = block <= budget
            provinces = [", ".join(sorted(set(province[columns[m]]))) for m in inside] if len(columns) else \
                [""] * len(rows)
            parts.append(pd.DataFrame({
                "site": rows, "category": category, "place_id": tiers.sites.loc[rows, "place_id"].to_numpy(),
                "input": needed, "budget_hours": budget / 60.0,
                "minutes": np.where(np.isfinite(nearest), nearest, np.nan),
                "nearest_site": pd.Series(names).where(np.isfinite(nearest), None).to_numpy(),
                "alternatives": inside.sum(axis=1).astype(np.int64), "within": nearest <= budget,
                "certainty": certainty(nearest, budget, band), "provinces": provinces}))
    if not parts:
        return pd.DataFrame(columns=TIER_PAIR_COLUMNS)
    return pd.concat(parts, ignore_index=True)[TIER_PAIR_COLUMNS]


def site_circles(tiers: Tiers) -> pd.DataFrame:
    """One row per site of a category with inputs: how complete its own circle is.

    Parameters
    ----------
    tiers : Tiers
        The minutes (see :meth:`Tiers.of`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``site``: ``name, company, category, place_id``; ``covered`` of ``inputs``
        within the budget, ``complete``; ``chain_complete`` (every tier below it, see
        :meth:`Tiers.evaluate`); ``hours_to_complete`` (the slowest nearest input; NaN when an
        input is unreachable), ``weakest`` (its input), ``fewest_alternatives``, ``missing``
        (the inputs outside the budget) and ``certainty`` of ``complete``.
    """
    pairs = tier_circles(tiers)
    if not len(pairs):
        return pd.DataFrame(columns=["name", "company", "category", "place_id", "covered", "inputs", "complete",
                                     "chain_complete", "hours_to_complete", "weakest", "fewest_alternatives",
                                     "missing", "certainty"]).rename_axis("site")
    grouped = pairs.groupby("site", sort=False)
    slowest = pairs.loc[pairs["minutes"].fillna(np.inf).groupby(pairs["site"], sort=False).idxmax()]
    budget = grouped["budget_hours"].first()
    hours = grouped["minutes"].max() / 60.0
    hours[pairs[pairs["minutes"].isna()]["site"].unique()] = np.nan
    missing = pairs[~pairs["within"]].groupby("site", sort=False)["input"].agg(", ".join)
    band = tiers.query.scenario.travel.band(tiers.query.mode)
    sites = tiers.sites.loc[grouped.size().index]
    table = pd.DataFrame({
        "name": sites["name"], "company": sites["company"], "category": sites["category"],
        "place_id": sites["place_id"], "covered": grouped["within"].sum(), "inputs": grouped.size(),
        "complete": grouped["within"].all(), "chain_complete": tiers.complete.reindex(sites.index),
        "hours_to_complete": hours, "weakest": slowest.set_index("site")["input"],
        "fewest_alternatives": grouped["alternatives"].min(),
        "missing": missing.reindex(sites.index).fillna(""),
        "certainty": [str(certainty([h * 60], b * 60, band)[0]) for h, b in zip(hours, budget, strict=True)],
    })
    table.index.name = "site"
    return table
