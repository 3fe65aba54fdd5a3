"""What the circle map shows of the tiers: popup chain tables and the tier sites' own symbol.

A plant's popup gains its chain (complete or where it breaks, stages within the budget); a
site whose category has inputs gets its tier circle (each input's nearest supplier, minutes and
alternatives within its budget); a supplier of an input gets what its loss breaks. Sites of a
tier below one are drawn smaller with a dashed outline. Nothing here searches: it reads
:class:`~hourcircle.analysis.tier_results.TierResults`.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> from hourcircle.analysis.run import analyse
>>> results = analyse(Query(TravelTimes.for_scenario(bundled())), kinds=("infrastructure",))
>>> rows = tier_popups(results)["catl_liyang"]
>>> rows[0][0], rows[1][0]
('Tier circle 二级配套圈', 'cathode 正极材料')
>>> tier_style(2)
{'radius_change': -2, 'dash': '2 2', 'stroke': '#111'}
"""

from __future__ import annotations

from typing import Any

from hourcircle import datasets
from hourcircle.analysis.run import Results
from hourcircle.maps.layers import cell
from hourcircle.scenario import Product

Rows = list[list[Any]]


def _label(category: str) -> str:
    chinese = datasets.category_names().get(category)
    return f"{category} {chinese}" if chinese else category


def tier_popups(results: Results) -> dict[str, Rows]:
    """Popup rows by site id: chains of plants, tier circles of sites with inputs, losses of input sites.

    Parameters
    ----------
    results : Results
        A run (without tiers: no rows).

    Returns
    -------
    dict of str to list
        Rows (label, value) to append to a site's popup.
    """
    found = results.tiers
    if found is None:
        return {}
    popups: dict[str, Rows] = {}
    for plant, row in found.chains[found.chains["kind"] == "plant"].iterrows():
        popups[str(plant)] = [
            ["Chain 全链", "complete 完整" if row["chain_complete"] else f"broken at tier {row['weakest_tier']} 断链"],
            ["Stages 环节", f"{row['present']} of {row['stages']} ({row['stage_share']:.0%})"],
            ["Missing stages 缺失环节", row["missing_stages"] or None], ["Broken 断点", row["broken"] or None]]
    for site, group in found.pairs.groupby("site", sort=False):
        summary = found.sites.loc[site]
        rows: Rows = [["Tier circle 二级配套圈", ("complete 完整" if summary["complete"] else "incomplete 不完整")
                       + f" within {group['budget_hours'].iloc[0]:g} h, {summary['certainty']}"]]
        rows += [[_label(str(r["input"])), f"{cell(r['nearest_site'])}: {cell(r['minutes'])} min, "
                  f"{int(r['alternatives'])} within"] for _, r in group.iterrows()]
        rows.append(["Chain-complete 全链完整", cell(summary["chain_complete"])])
        popups[str(site)] = rows
    for supplier, row in found.concentration.iterrows():
        popups.setdefault(str(supplier), []).extend([
            ["Serves 供应", f"{row['serves']} sites within their budget, sole source for {row['sole_source_for']}"],
            ["Its loss breaks 缺失影响", f"{row['circles_broken']} tier circles, {row['plants_broken']} plant chains, "
                                         f"{row['places_broken']} place chains"]])
    return popups


def tier_style(tier: int) -> dict[str, Any]:
    """The symbol of a tier's sites: tiers below one are smaller, with a dashed dark outline.

    Parameters
    ----------
    tier : int
        The category's tier (0 for the plants, 1 for components).

    Returns
    -------
    dict
        Style changes (``radius_change`` to add to the radius); empty for tiers 0 and 1.
    """
    return {"radius_change": -2, "dash": "2 2", "stroke": "#111"} if tier >= 2 else {}


def tier_legend(product: Product, category: str) -> str:
    """``tier 2 · `` before a category's name below tier one (nothing otherwise).

    Parameters
    ----------
    product : Product
        The bill.
    category : str
        A category.

    Returns
    -------
    str
        The prefix.
    """
    tier = product.tier(category)
    return f"tier {tier} · " if tier >= 2 else ""
