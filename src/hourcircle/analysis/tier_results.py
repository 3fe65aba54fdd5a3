"""Every tier table of one question at once, and what a removal does to the chains.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()))
>>> found = analyse_tiers(query)
>>> sorted(found.tables())[:2]
['chain_completeness.csv', 'sole_sources.csv']
>>> table = chain_disruption(query, ["changzhou"])
>>> {"plant", "before_chain_complete", "after_chain_complete", "chain_lost"} <= set(table.columns)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hourcircle import _checks as check
from hourcircle.analysis.chains import chains, sole_sources, tier_concentration, tier_links
from hourcircle.analysis.disrupt import Removals, as_removals
from hourcircle.analysis.tiers import Tiers, site_circles, tier_circles
from hourcircle.errors import ArgumentError
from hourcircle.travel.query import Query


@dataclass(frozen=True)
class TierResults:
    """The tier tables of one question.

    Parameters
    ----------
    tiers : Tiers
        The minutes.
    pairs : pandas.DataFrame
        Every site with inputs and each input (:func:`~hourcircle.analysis.tiers.tier_circles`).
    sites : pandas.DataFrame
        Every site with inputs (:func:`~hourcircle.analysis.tiers.site_circles`).
    chains : pandas.DataFrame
        Every plant and place (:func:`~hourcircle.analysis.chains.chains`).
    links : pandas.DataFrame
        Missing links below tier one (:func:`~hourcircle.analysis.chains.tier_links`).
    concentration : pandas.DataFrame
        Input sites by what their loss breaks (:func:`~hourcircle.analysis.chains.tier_concentration`).
    sole : pandas.DataFrame
        Inputs by concentration (:func:`~hourcircle.analysis.chains.sole_sources`).
    """

    tiers: Tiers
    pairs: pd.DataFrame
    sites: pd.DataFrame
    chains: pd.DataFrame
    links: pd.DataFrame
    concentration: pd.DataFrame
    sole: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by CSV file name (each a sheet of the workbook).

        Returns
        -------
        dict of str to pandas.DataFrame
            File name to table.
        """
        return {"tier_circles.csv": self.pairs.set_index(["site", "input"]),
                "tier_sites.csv": self.sites,
                "chain_completeness.csv": self.chains,
                "tier_missing_links.csv": self.links.set_index(["input", "place_id"]),
                "tier_concentration.csv": self.concentration,
                "sole_sources.csv": self.sole}


def analyse_tiers(query: Query) -> TierResults:
    """Tier circles, chains, missing links below tier one and concentration.

    Parameters
    ----------
    query : Query
        The network, budget and mode (its product may have no tiers: then there are no tier
        circles and a chain is the circle).

    Returns
    -------
    TierResults
        Every table.

    Raises
    ------
    ArgumentTypeError
        (parameter ``query``) for anything but a :class:`Query`.
    """
    tiers = Tiers.of(query)
    return TierResults(tiers, tier_circles(tiers), site_circles(tiers), chains(tiers), tier_links(tiers),
                       tier_concentration(tiers), sole_sources(tiers))


def chain_disruption(query: Query, removals: Removals) -> pd.DataFrame:
    """Every surviving plant's chain before and after removing places, sites or links.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    removals : str, Removal, or iterable of them
        What to remove (see :func:`~hourcircle.analysis.disrupt.disrupt`).

    Returns
    -------
    pandas.DataFrame
        One row per surviving plant: ``plant``; ``before_`` and ``after_`` ``chain_complete``,
        ``weakest_tier``, ``present`` (stages within the budget) and ``broken``;
        ``chain_lost`` (complete before, not after) and ``stages_lost``.

    Raises
    ------
    ArgumentError
        (parameter ``removals``) when nothing is named, or a text names nothing.
    """
    check.instance("query", query, Query)
    resolved = as_removals(query.times, removals)
    if not resolved:
        raise ArgumentError("removals", "needs at least one place, site or link")
    after_query = query.on(query.times.without(resolved))
    columns = ["chain_complete", "weakest_tier", "present", "broken"]
    before = chains(Tiers.of(query))
    after = chains(Tiers.of(after_query))
    plants = before.index[(before["kind"] == "plant") & before.index.isin(after.index)]
    table = before.loc[plants, columns].add_prefix("before_").join(after.loc[plants, columns].add_prefix("after_"))
    table["chain_lost"] = table["before_chain_complete"] & ~table["after_chain_complete"]
    table["stages_lost"] = table["before_present"] - table["after_present"]
    table.index.name = "plant"
    return table.reset_index()


def stage_table(tiers: Tiers, origin: str) -> pd.DataFrame:
    """One origin's stages: for every category at every tier, its nearest site and the minutes.

    Parameters
    ----------
    tiers : Tiers
        The minutes.
    origin : str
        A plant or place id (a row of ``tiers.from_origins``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stage``: ``tier``, ``needed_by`` (the categories that need it; empty for
        a component), ``nearest_site``, ``minutes`` (NaN: none reachable), ``sites_within``
        and ``within`` the question's budget.

    Raises
    ------
    ArgumentError
        (parameter ``origin``) for an id that is neither a plant nor a place.
    """
    check.instance("tiers", tiers, Tiers, what="Tiers (from hourcircle.analysis.tiers)")
    if origin not in tiers.from_origins.index:
        raise ArgumentError("origin", f"{origin!r} is neither a plant nor a place")
    product = tiers.query.scenario.product
    budget = tiers.query.budget_minutes
    rows = []
    for stage in product.stages:
        minutes = tiers.from_origins.loc[[origin], tiers.of_category(stage)].iloc[0].to_numpy(dtype=float)
        found = len(minutes) > 0 and bool(np.isfinite(minutes).any())
        best = int(np.argmin(minutes)) if found else -1
        rows.append({"stage": stage, "tier": product.tier(stage),
                     "needed_by": ", ".join(c for c, needs in product.inputs if stage in needs),
                     "nearest_site": tiers.of_category(stage)[best] if found else None,
                     "minutes": float(minutes[best]) if found else np.nan,
                     "sites_within": int((minutes <= budget).sum()), "within": bool((minutes <= budget).any())})
    return pd.DataFrame(rows).set_index("stage")
