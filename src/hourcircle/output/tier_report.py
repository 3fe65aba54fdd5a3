"""The tiers in the human report: findings and sections on chains, the weakest tier and concentration.

Only a product with tiers (``[product.inputs]``) has them; a run without tiers reports as before.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> from hourcircle.analysis.run import analyse
>>> results = analyse(Query(TravelTimes.for_scenario(bundled())), kinds=("infrastructure",))
>>> tier_findings(results)[0].startswith("**Chains through the tiers:**")
True
"""

from __future__ import annotations

import pandas as pd

from hourcircle.analysis.run import Results
from hourcircle.output.formats import md
from hourcircle.output.prose import joined, listed
from hourcircle.output.tables import markdown_table


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _article(word: str) -> str:
    """``a`` or ``an`` before a word.

    >>> _article("anode"), _article("cathode")
    ('an', 'a')
    """
    return "an" if word[:1].lower() in "aeiou" else "a"


def _name(results: Results, place_id: str) -> str:
    places = results.query.scenario.places
    names = places["name"].astype(str)
    name = names[place_id]
    return f"{md(name)} (`{place_id}`)" if int((names == name).sum()) > 1 else md(name)


def _budgets(results: Results) -> str:
    product, hours = results.query.scenario.product, results.query.hours
    return ", ".join(f"{md(c)}'s inputs within {product.budget_hours(c, hours):g} h" for c, _ in product.inputs)


def _chains_line(results: Results) -> str:
    assert results.tiers is not None
    table = results.tiers.chains
    plants = table[table["kind"] == "plant"]
    line = (f"**Chains through the tiers:** {int(plants['chain_complete'].sum())} of {len(plants)} plants are "
            f"chain-complete (each component has a supplier within {results.query.hours:g} h whose own inputs "
            f"are within reach: {_budgets(results)}).")
    broken = plants[~plants["chain_complete"]]
    return joined(line, listed("Broken", [f"`{pid}` at tier {row['weakest_tier']} ({md(row['broken'])})"
                                          for pid, row in broken.iterrows()]))


def _stages_line(results: Results) -> str:
    assert results.tiers is not None
    places = results.tiers.chains[results.tiers.chains["kind"] == "place"]
    ranked = places.sort_values(["stage_share", "present"], ascending=False, kind="stable")
    stages = int(places["stages"].iloc[0]) if len(places) else 0
    full = int((places["present"] == places["stages"]).sum())

    def one(pid: str, row: pd.Series) -> str:
        missing = f", lacks {md(row['missing_stages'])}" if row["missing_stages"] else ""
        return f"{_name(results, pid)} {row['present']} of {stages} ({row['stage_share']:.0%}{missing})"

    line = (f"**Stage-level chain completeness** (stages of the bill at every tier with a site within "
            f"{results.query.hours:g} h, the planners' \"31 of 32 stages\" measure): {full} of {len(places)} places "
            f"have all {stages} (median {places['present'].median():g} of {stages}).")
    low = ranked[ranked["present"] < ranked["stages"]].tail(3).iloc[::-1]
    if len(low):
        line += " Fewest: " + "; ".join(one(str(pid), row) for pid, row in low.iterrows()) + "."
    return line


def _weakest_line(results: Results) -> str | None:
    assert results.tiers is not None
    table = results.tiers.chains
    broken = table[~table["chain_complete"]]
    if not len(broken):
        return None
    parts = []
    for tier, group in broken.groupby("weakest_tier"):
        kinds = group["kind"].value_counts()
        parts.append(f"tier {tier}: " + " and ".join(_count(int(kinds.get(k, 0)), k) for k in ("plant", "place")
                                                    if kinds.get(k, 0)))
    return "**Weakest tier** (the shallowest tier at which a chain breaks): " + ", ".join(parts) + "."


def _tier_circles_line(results: Results) -> str | None:
    assert results.tiers is not None
    sites = results.tiers.sites
    if not len(sites):
        return None
    parts = []
    for category, group in sites.groupby("category", sort=False):
        marginal = int((group["certainty"] == "marginal").sum())
        text = f"{int(group['complete'].sum())} of {_count(len(group), md(category) + ' site')} have every input"
        if marginal:
            text += f" ({marginal} marginal either way)"
        lacking = group[~group["complete"]]
        if len(lacking):
            text += "; lacking: " + ", ".join(f"`{sid}` ({md(row['missing'])})"
                                              for sid, row in lacking.head(4).iterrows())
            text += f" and {len(lacking) - 4} more" if len(lacking) > 4 else ""
        parts.append(text)
    return "**Tier circles:** " + "; ".join(parts) + "."


def _concentration_line(results: Results) -> str | None:
    assert results.tiers is not None
    top = results.tiers.concentration
    top = top[(top["plants_broken"] + top["circles_broken"] + top["places_broken"]) > 0].head(3)
    sole = results.tiers.sole
    parts = []
    if len(top):
        parts.append("losing " + "; ".join(
            f"{md(row['name'])} (`{sid}`, {md(row['category'])}, {md(row['place_id'])}) breaks "
            f"{_count(int(row['plants_broken']), 'plant chain')}, {_count(int(row['circles_broken']), 'tier circle')}"
            for sid, row in top.iterrows()))
    soles = sole[sole["sole_sourced"] > 0]
    if len(soles):
        parts.append("sole-sourced within the budget: " + ", ".join(
            f"{md(i)} for {row['sole_sourced']} of {row['needed_by']}" for i, row in soles.iterrows()))
    local = sole[sole["one_province_within"] > 0]
    if len(local):
        parts.append("every supplier within the budget in one province: " + ", ".join(
            f"{md(i)} for {row['one_province_within']} of {row['needed_by']}" for i, row in local.iterrows()))
    one = sole[sole["one_province"] != ""]
    if len(one):
        parts.append("every supplier in one province: " + ", ".join(
            f"{md(i)} ({md(row['one_province'])})" for i, row in one.iterrows()))
    if not parts:
        return None
    return "**Tier-2 concentration:** " + "; ".join(parts) + "."


def _tier_links_line(results: Results) -> str | None:
    assert results.tiers is not None
    links = results.tiers.links.head(3)
    if not len(links):
        return None
    return "**Missing links below tier one:** " + "; ".join(
        f"{_article(str(row['input']))} {md(row['input'])} supplier in {_name(results, str(row['place_id']))} would "
        "complete "
        f"{_count(int(row['completes_plants']), 'plant chain')}, {_count(int(row['completes_places']), 'place chain')} "
        f"and {_count(int(row['completes_circles']), 'tier circle')}" for _, row in links.iterrows()) + "."


def _chain_removal_line(results: Results) -> str | None:
    table = results.chain_disruption
    if table is None:
        return None
    lost = table[table["chain_lost"]]
    line = (f"**Chains after removing {', '.join(map(md, results.removed))}:** "
            f"{_count(len(lost), 'plant chain')} broken, {int(table['stages_lost'].sum())} plant-stages lost")
    if len(lost):
        line += " (" + "; ".join(f"`{r['plant']}`: {md(r['after_broken'])}" for _, r in lost.head(5).iterrows()) + ")"
    return line + "."


def bill_note(results: Results) -> str:
    """`` Tiers: battery needs cathode (12), ...`` for the report's opening (empty without tiers).

    Parameters
    ----------
    results : Results
        A run.

    Returns
    -------
    str
        A sentence, with a leading space.
    """
    product = results.query.scenario.product
    counts = results.query.scenario.sites["category"].value_counts()
    if not product.tiered:
        return ""
    return " Tiers: " + "; ".join(
        f"{md(c)} needs " + ", ".join(f"{md(i)} ({counts.get(i, 0)})" for i in needs)
        + f" within {product.budget_hours(c, results.query.hours):g} h" for c, needs in product.inputs) + "."


def tier_findings(results: Results) -> list[str]:
    """The findings on tiers, one Markdown line each (none without tiers).

    Parameters
    ----------
    results : Results
        A run.

    Returns
    -------
    list of str
        Chains, stage completeness, the weakest tier, tier circles, concentration, missing links.
    """
    if results.tiers is None:
        return []
    lines = [_chains_line(results), _stages_line(results), _weakest_line(results), _tier_circles_line(results),
             _concentration_line(results), _tier_links_line(results), _chain_removal_line(results)]
    return [line for line in lines if line is not None]


def tier_tables(results: Results) -> dict[str, pd.DataFrame]:
    """The tier tables of a run by CSV file name (none without tiers).

    Parameters
    ----------
    results : Results
        A run.

    Returns
    -------
    dict of str to pandas.DataFrame
        File name to table.
    """
    found = results.tiers.tables() if results.tiers is not None else {}
    if results.chain_disruption is not None:
        found["chain_disruption.csv"] = results.chain_disruption.set_index("plant")
    return found


def tier_sections(results: Results) -> list[str]:
    """The report's sections on tiers: headings and tables (none without tiers).

    Parameters
    ----------
    results : Results
        A run.

    Returns
    -------
    list of str
        Markdown parts.
    """
    found = results.tiers
    if found is None:
        return []
    parts = ["## Chain completeness (every plant and place, every tier)", markdown_table(found.chains),
             "## Tier circles (each site with inputs)", markdown_table(found.sites),
             "## Tier-2 concentration (what losing an input site breaks)", markdown_table(found.concentration, 15),
             "## Inputs by concentration", markdown_table(found.sole)]
    if len(found.links):
        parts += ["## Missing links below tier one (a new input supplier in a place)", markdown_table(found.links, 15)]
    if results.chain_disruption is not None:
        parts += [f"## Chains: {', '.join(map(md, results.removed))} removed",
                  markdown_table(results.chain_disruption.set_index("plant"))]
    return parts
