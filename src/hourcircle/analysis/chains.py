"""Chains through the tiers: completeness per plant and place, gaps below tier one, concentration.

- :func:`chains`: for every plant and place, whether its circle is *chain-complete* (for each
  component, some supplier within the budget whose own circle of inputs is chain-complete), the
  weakest tier, and the planners' *stage-level chain completeness*: the share of all stages of
  the bill (every category at every tier) with a site within the budget, weighted when the
  scenario gives weights, and the missing stages by name ("31 of 32 stages, 97%").
- :func:`tier_links`: which input added where would complete the most chains (the missing
  links of :mod:`hourcircle.analysis.gaps`, across tiers).
- :func:`tier_concentration`: the input sites whose loss breaks the most circles and chains.
- :func:`sole_sources`: per input, how many sites need it, how many have one supplier within
  their budget, and whether its suppliers all lie in one province.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> from hourcircle.analysis.tiers import Tiers
>>> tiers = Tiers.of(Query(TravelTimes.for_scenario(bundled())))
>>> table = chains(tiers)
>>> int(table.loc["changzhou", "stages"]), bool(table.loc["changzhou", "chain_complete"])
(11, True)
>>> list(tier_concentration(tiers).columns[:3])
['name', 'company', 'category']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.coverage import origin_kinds
from hourcircle.analysis.tiers import Mask, Tiers, site_circles, tier_circles

TIERS = "Tiers (from hourcircle.analysis.tiers)"
LINK_COLUMNS = ["input", "place_id", "completes_plants", "completes_places", "completes_circles", "covers_sites"]


def _reach(within: Mask, ok: Mask) -> Mask:
    """Origins x scenarios: some site within reach (origins x sites) is ok (sites x scenarios)."""
    return (within.astype(np.int64) @ ok.astype(np.int64)) > 0


def _origin_chains(tiers: Tiers, ok: dict[str, Mask], extra: dict[str, Mask] | None = None) -> Mask:
    """Origins x scenarios: chain-complete (each component has an ok site within the budget)."""
    budget = tiers.query.budget_minutes
    scenarios = next(iter(ok.values())).shape[1] if ok else 1
    result = np.ones((len(tiers.from_origins), scenarios), dtype=bool)
    for component in tiers.query.components:
        within = tiers.from_origins[tiers.of_category(component)].to_numpy() <= budget
        found = _reach(within, ok[component])
        if extra and component in extra:
            found |= extra[component]
        result &= found
    return result


def chains(tiers: Tiers) -> pd.DataFrame:
    """Chain and stage completeness of every plant, then every place.

    Parameters
    ----------
    tiers : Tiers
        The minutes (see :meth:`~hourcircle.analysis.tiers.Tiers.of`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``origin``: ``kind`` (plant or place); ``chain_complete``; ``weakest_tier``
        (the shallowest tier at which the chain breaks: 1 when a component has no supplier
        within the budget; empty when complete); ``broken`` (each component without a
        chain-complete supplier within the budget, with what its nearest supplier lacks);
        ``present`` of ``stages`` (every category at every tier with a site within the budget),
        ``stage_share`` (weighted by the product's weights) and ``missing_stages``.
    """
    check.instance("tiers", tiers, Tiers, what=TIERS)
    query, product = tiers.query, tiers.query.scenario.product
    kinds = origin_kinds(query)
    stages = list(product.stages)
    budget = query.budget_minutes
    present = pd.DataFrame({s: (tiers.from_origins[tiers.of_category(s)] <= budget).any(axis=1) for s in stages},
                           index=tiers.from_origins.index)
    weights = pd.Series({s: product.weight(s) for s in stages})
    deepest = max((product.tier(s) for s in stages), default=1)
    weakest = pd.Series(pd.NA, index=present.index, dtype="Int64")
    for tier in range(deepest, 0, -1):  # the shallowest broken tier wins
        broken_here = ~_origin_chains(tiers, tiers.evaluate(depth=tier - 1))[:, 0]
        weakest[broken_here] = tier
    complete = _origin_chains(tiers, tiers.evaluate())[:, 0]
    table = pd.DataFrame({
        "kind": kinds, "chain_complete": complete, "weakest_tier": weakest, "broken": _broken(tiers),
        "present": present.sum(axis=1).astype(np.int64), "stages": len(stages),
        "stage_share": (present.astype(float) @ weights) / weights.sum() if stages else np.nan,
        "missing_stages": present.apply(lambda row: ", ".join(row.index[~row.to_numpy()]), axis=1)
        if stages else "",
    }, index=present.index)
    table.index.name = "origin"
    return table


def _broken(tiers: Tiers) -> pd.Series:
    """Per origin: each component without a chain-complete supplier within the budget, and why."""
    budget = tiers.query.budget_minutes
    complete = tiers.complete
    circles = site_circles(tiers)
    texts: list[list[str]] = [[] for _ in range(len(tiers.from_origins))]
    for component in tiers.query.components:
        ids = tiers.of_category(component)
        block = tiers.from_origins[ids].to_numpy()
        good = (block <= budget) & complete[ids].to_numpy()[None, :]
        nearest = np.argmin(np.where(block <= budget, block, np.inf), axis=1) if len(ids) else None
        for row in np.flatnonzero(~good.any(axis=1)):
            if nearest is None or not (block[row] <= budget).any():
                texts[row].append(f"{component} (none within the budget)")
                continue
            site = ids[nearest[row]]
            lacks = circles.loc[site, "missing"] if site in circles.index else ""
            texts[row].append(f"{component}: {site} lacks {lacks or 'a deeper tier'}")
    return pd.Series(["; ".join(t) for t in texts], index=tiers.from_origins.index)


def _input_parents(tiers: Tiers) -> dict[str, list[str]]:
    """Each input category and the categories that need it."""
    parents: dict[str, list[str]] = {}
    for category, needs in tiers.product_inputs:
        for needed in needs:
            parents.setdefault(needed, []).append(category)
    return parents


def _count_gained(before: dict[str, Mask], after: dict[str, Mask], categories: list[str]) -> NDArray[np.int64]:
    """Per scenario: sites of the categories ok after and not before."""
    total = np.zeros(next(iter(after.values())).shape[1], dtype=np.int64)
    for c in categories:
        total += (after[c] & ~before[c]).sum(axis=0)
    return total


def tier_links(tiers: Tiers) -> pd.DataFrame:
    """Rank each (input, place) by the chains a new supplier of that input there would complete.

    The new supplier sits at the place and is taken to be chain-complete itself when the input
    has no inputs of its own; otherwise it needs them within its budget from that place.

    Parameters
    ----------
    tiers : Tiers
        The minutes.

    Returns
    -------
    pandas.DataFrame
        ``input, place_id``; ``completes_plants`` and ``completes_places``: chains that become
        complete; ``completes_circles``: sites of categories with inputs that become
        chain-complete; ``covers_sites``: sites that lack the input within their budget and would
        have it. Only rows that change something, best first.
    """
    check.instance("tiers", tiers, Tiers, what=TIERS)
    query = tiers.query
    places = list(query.scenario.places.index)
    base = tiers.evaluate()
    base_chains = _origin_chains(tiers, base)[:, 0]
    is_plant = (origin_kinds(query) == "plant").to_numpy()
    parents_of = _input_parents(tiers)
    with_inputs = [c for c, _ in tiers.product_inputs]
    to_places = query.times.trip_minutes(list(tiers.from_origins.index), places, query.mode)
    rows = []
    for needed, parents in parents_of.items():
        new_ok = np.ones(len(places), dtype=bool)
        for deeper in query.scenario.product.inputs_of(needed):
            ids = tiers.of_category(deeper)
            minutes = query.times.trip_minutes(places, list(ids), query.mode) if len(ids) else \
                np.full((len(places), 0), np.inf)
            new_ok &= _reach(minutes <= tiers.budget_minutes(needed), base[deeper][:, :1])[:, 0]
        near = {p: tiers.from_places.loc[tiers.of_category(p), places].to_numpy() <= tiers.budget_minutes(p)
                for p in parents}
        added = {(p, needed): near[p] & new_ok[None, :] for p in parents}
        covers = np.zeros(len(places), dtype=np.int64)
        for p in parents:
            lacking: Mask = ~np.asarray(tiers.within(p, needed).any(axis=1), dtype=bool)
            covers += (near[p] & lacking[:, None]).sum(axis=0)
        after = tiers.evaluate(added=added, scenarios=len(places))
        base_wide = {c: np.repeat(base[c], len(places), axis=1) for c in base}
        extra = {needed: (to_places <= query.budget_minutes) & new_ok[None, :]} \
            if needed in query.components else None
        gained = _origin_chains(tiers, after, extra) & ~base_chains[:, None]
        rows.append(pd.DataFrame({
            "input": needed, "place_id": places,
            "completes_plants": gained[is_plant].sum(axis=0), "completes_places": gained[~is_plant].sum(axis=0),
            "completes_circles": _count_gained(base_wide, after, with_inputs), "covers_sites": covers}))
    if not rows:
        return pd.DataFrame(columns=LINK_COLUMNS)
    table = pd.concat(rows, ignore_index=True)
    counts = ["completes_plants", "completes_places", "completes_circles", "covers_sites"]
    table = table[table[counts].sum(axis=1) > 0]
    return table.sort_values([*counts, "input", "place_id"], ascending=[False] * 4 + [True, True],
                             kind="stable")[LINK_COLUMNS].reset_index(drop=True).astype({c: np.int64 for c in counts})


def tier_concentration(tiers: Tiers) -> pd.DataFrame:
    """Remove each input site in turn: the circles and chains its loss breaks.

    A site is a leaf of the network, so its loss changes no route: only who supplies whom.

    Parameters
    ----------
    tiers : Tiers
        The minutes.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``site`` (every site of a category some other category needs): ``name,
        company, category, place_id, province, precision``; ``serves`` (sites that have it within
        their budget), ``sole_source_for`` (those for which it is the only one);
        ``circles_broken`` (other sites with inputs chain-complete before, not after),
        ``plants_broken`` and ``places_broken`` (chains complete before, not after). Worst first.
    """
    check.instance("tiers", tiers, Tiers, what=TIERS)
    scenario = tiers.query.scenario
    inputs = list(_input_parents(tiers))
    ids = tiers.sites.index[tiers.sites["category"].isin(inputs)]
    columns = ["name", "company", "category", "place_id", "province", "precision", "serves", "sole_source_for",
               "circles_broken", "plants_broken", "places_broken"]
    if not len(ids):
        return pd.DataFrame(columns=columns).rename_axis("site")
    alive = {}
    for category in inputs:
        mine = tiers.of_category(category)
        alive[category] = ~(mine.to_numpy()[:, None] == ids.to_numpy()[None, :])
    base = tiers.evaluate()
    after = tiers.evaluate(alive=alive, scenarios=len(ids))
    with_inputs = [c for c, _ in tiers.product_inputs]
    circles = np.zeros(len(ids), dtype=np.int64)
    for c in with_inputs:
        survivors = alive.get(c, np.ones_like(after[c]))
        circles += (base[c] & ~after[c] & survivors).sum(axis=0)
    lost = _origin_chains(tiers, base)[:, 0][:, None] & ~_origin_chains(tiers, after)
    is_plant = (origin_kinds(tiers.query) == "plant").to_numpy()
    pairs = tier_circles(tiers)
    inside = pairs[pairs["within"]]
    serves = pd.Series(0, index=ids)
    for category, needs in tiers.product_inputs:
        for needed in needs:
            counts = tiers.within(category, needed).sum(axis=0)
            serves[tiers.of_category(needed)] += counts
    sole = inside[inside["alternatives"] == 1].groupby("nearest_site").size()
    sites = tiers.sites.loc[ids]
    table = pd.DataFrame({
        "name": sites["name"], "company": sites["company"], "category": sites["category"],
        "place_id": sites["place_id"], "province": sites["place_id"].map(scenario.places["province"]),
        "precision": sites.get("precision", ""),
        "serves": serves.astype(np.int64), "sole_source_for": sole.reindex(ids, fill_value=0).astype(np.int64),
        "circles_broken": circles, "plants_broken": lost[is_plant].sum(axis=0),
        "places_broken": lost[~is_plant].sum(axis=0)}, index=ids)
    table.index.name = "site"
    order = ["plants_broken", "circles_broken", "places_broken", "sole_source_for", "serves"]
    return table.sort_values(order, ascending=False, kind="stable")


def sole_sources(tiers: Tiers) -> pd.DataFrame:
    """Per input category: how concentrated its supply is.

    Parameters
    ----------
    tiers : Tiers
        The minutes.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``input``: ``sites`` of it in the scenario and the ``provinces`` they lie
        in; ``one_province`` (that province when there is only one, else empty); ``needed_by``
        (sites that need it); ``sole_sourced`` (of those, with one supplier within their
        budget); ``unsupplied`` (with none); ``one_province_within`` (whose suppliers within
        the budget all lie in one province). Most sole-sourced first.
    """
    check.instance("tiers", tiers, Tiers, what=TIERS)
    scenario = tiers.query.scenario
    pairs = tier_circles(tiers)
    rows = []
    for needed in _input_parents(tiers):
        mine = pairs[pairs["input"] == needed]
        provinces = sorted(set(tiers.sites.loc[tiers.of_category(needed), "place_id"]
                               .map(scenario.places["province"]).astype(str)))
        rows.append({"input": needed, "sites": len(tiers.of_category(needed)), "provinces": len(provinces),
                     "one_province": provinces[0] if len(provinces) == 1 else "",
                     "needed_by": len(mine), "sole_sourced": int((mine["alternatives"] == 1).sum()),
                     "unsupplied": int((mine["alternatives"] == 0).sum()),
                     "one_province_within": int(((mine["alternatives"] > 0)
                                                 & ~mine["provinces"].str.contains(",")).sum())})
    columns = ["sites", "provinces", "one_province", "needed_by", "sole_sourced", "unsupplied",
               "one_province_within"]
    if not rows:
        return pd.DataFrame(columns=columns).rename_axis("input")
    table = pd.DataFrame(rows).set_index("input")
    return table.sort_values(["sole_sourced", "unsupplied"], ascending=False, kind="stable")[columns]
