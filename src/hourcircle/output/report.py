"""The human report of a run: its tables, its findings (one helper each), and ``report.md``.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> from hourcircle.analysis.run import analyse
>>> results = analyse(Query(TravelTimes.for_scenario(bundled())), kinds=("infrastructure", "supplier"))
>>> sorted(tables(results))[:3]
['access.csv', 'chain_completeness.csv', 'chain_gaps.csv']
>>> findings(results)[0].startswith("**Plants:**")
True

A finding is one line of Markdown, or a line followed by a list (see :mod:`hourcircle.output.prose`).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from hourcircle.analysis.disrupt import changed, impact
from hourcircle.analysis.run import Results
from hourcircle.output.access import access_section
from hourcircle.output.formats import md
from hourcircle.output.prose import INLINE_AT_MOST, bullets, joined, listed
from hourcircle.output.tables import markdown_table
from hourcircle.output.tier_report import bill_note, tier_findings, tier_sections, tier_tables
from hourcircle.scenario import Scenario

CRITICAL = (("infrastructure", "bridges, tunnels and corridors"), ("link", "links"), ("segment", "road segments"),
            ("access", "access roads"), ("supplier", "suppliers"), ("place", "places"))  # the sweep's kinds
ACCESS_NOTE = ("the only road to one place's sites or centre: where a site sits, not a chokepoint of the network, "
               "so ranked apart from the road segments")


def tables(results: Results) -> dict[str, pd.DataFrame]:
    """Every table of a run, by file name.

    Parameters
    ----------
    results : Results
        A run.

    Returns
    -------
    dict of str to pandas.DataFrame
        File name to table.
    """
    found = {
        "circle_pairs.csv": results.coverage.pairs.set_index(["origin", "category"]),
        "plants.csv": results.plants,
        "places.csv": results.places,
        "chain_gaps.csv": results.gaps,
        "missing_links.csv": results.missing_links.set_index(["category", "place_id"]),
        "sites_for_new_plant.csv": results.sites_ranked,
        "critical.csv": results.critical.set_index(["kind", "id"]),
    }
    if results.plant_set is not None:
        found["plant_set.csv"] = results.plant_set
    if results.access is not None:
        found["access.csv"] = results.access
    if results.disruption is not None:
        found["disruption.csv"] = results.disruption.set_index(["plant", "category"])
    return found | tier_tables(results)


def _hours(value: float) -> str:
    return "never (a component is unreachable)" if value is None or not math.isfinite(value) else f"{value:.2f} h"


def _marginal(row: pd.Series) -> str:
    """`` — marginal (likely 2.6-5.6 h)`` for a marginal circle, else nothing."""
    if row["certainty"] != "marginal":
        return ""
    return f" — marginal (likely {row['hours_low']:.1f}-{row['hours_high']:.1f} h)"


def _marginal_count(circles: pd.DataFrame) -> str:
    """`` (3 of them marginal)``: how many circles the band could turn, either way."""
    n = int((circles["certainty"] == "marginal").sum())
    return f" ({n} of {len(circles)} marginal either way)" if n else ""


def _count(n: int, noun: str) -> str:
    """A count with its noun.

    >>> _count(1, "plant"), _count(2, "plant")
    ('1 plant', '2 plants')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _also_id(ident: object, name: object) -> str:
    """`` (`id`)`` after a name, unless the id is the name; an id that is not plain ASCII is escaped."""
    if ident == name:
        return ""
    text = str(ident)
    return f" (`{text}`)" if re.fullmatch(r"[A-Za-z0-9_.:#-]+", text) else f" ({md(text)})"


def _place(scenario: Scenario, place_id: str) -> str:
    """A place's name, with its id when another place has the same name (Suzhou, Taizhou)."""
    names = scenario.places["name"].astype(str)
    name = names[place_id]
    return f"{md(name)} (`{place_id}`)" if int((names == name).sum()) > 1 else md(name)


def _plants_line(results: Results) -> str:
    plants, hours = results.plants, results.query.hours
    complete = plants[plants["complete"]]
    incomplete = plants[~plants["complete"]]
    shaky = complete[complete["certainty"] == "marginal"]
    return joined(
        f"**Plants:** {len(complete)} of {len(plants)} have every component within {hours:g} h"
        f"{_marginal_count(plants)}.",
        listed("Not complete", [
            f"{md(row['name'])} (`{pid}`) lacks {md(row['missing'])}, complete at "
            f"{_hours(row['hours_to_complete'])}{_marginal(row)}" for pid, row in incomplete.iterrows()]),
        listed("Complete but marginal", [
            f"{md(row['name'])} (`{pid}`) at {_hours(row['hours_to_complete'])}" for pid, row in shaky.iterrows()]))


def _marginal_line(results: Results) -> str | None:
    plants, places, hours = results.plants, results.places, results.query.hours
    if not ((plants["certainty"] == "marginal").any() or (places["certainty"] == "marginal").any()):
        return None
    band = results.query.scenario.travel.band(results.query.mode)
    return (f"**Marginal** means the model's uncertainty could turn the answer: {results.query.mode} "
            f"minutes are expected within {band[0]:g} to {band[1]:g} times the modelled figure "
            "(10th to 90th percentile of published/model on held-out figures; `band` in "
            "scenario.toml), and a marginal circle's slowest nearest supplier lies on both sides "
            f"of {hours:g} h within that range.")


def _radius_line(results: Results) -> str | None:
    plants = results.plants
    share = plants.filter(like="share_within_").iloc[:, 0] if len(plants) else pd.Series(dtype=float)
    if not len(share):
        return None
    return (f"**Suppliers within {results.radius_km:g} km** (great-circle) of each plant: "
            f"{share.min():.0%} to {share.max():.0%} of the scenario's suppliers "
            f"(median {share.median():.0%}). This counts the suppliers of every maker in the "
            "scenario, not one company's partners, and distance, not travel time.")


def _people_line(results: Results) -> str | None:
    plants = results.plants
    people = plants["people_within_budget"] if "people_within_budget" in plants else pd.Series(dtype=float)
    if not (len(people) and people.max() > 0):
        return None
    return (f"**People within {results.query.hours:g} h** of each plant (2020 census, whole cities whose centre is "
            f"reached): {people.min() / 1e6:.1f} to {people.max() / 1e6:.1f} million "
            f"(median {people.median() / 1e6:.1f} million).")


def _places_line(results: Results) -> str:
    places, gaps, scenario = results.places, results.gaps, results.query.scenario
    line = (f"**Places:** {int(places['complete'].sum())} of {len(places)} have a complete circle"
            f"{_marginal_count(places)}.")
    if len(gaps):
        named = [f"{_place(scenario, str(pid))} lacks {md(row['missing'])}" for pid, row in gaps.head(3).iterrows()]
        line += " Biggest gaps: " + "; ".join(named) + "."
    return line


def _named(scenario: Scenario, ids: str, at_most: int = INLINE_AT_MOST) -> str:
    """Plants and places by name from a comma-separated list of ids, the first few and how many more."""
    found = [i for i in ids.split(", ") if i]
    names = [md(scenario.sites.loc[i, "name"]) if i in scenario.sites.index else _place(scenario, i)
             for i in found[:at_most]]
    more = len(found) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def _missing_links_line(results: Results) -> str | None:
    links, scenario = results.missing_links, results.query.scenario
    if not len(links):
        return None
    # options that complete the same circles are one finding: "in Chuzhou, Huai'an or 5 more places"
    alike = links["completes"].where(links["completes"] != "", links["place_id"])
    options = links.groupby([links["category"], alike], sort=False)

    def option(rows: pd.DataFrame) -> str:
        row, n = rows.iloc[0], len(rows)
        places = [_place(scenario, str(p)) for p in rows["place_id"].head(INLINE_AT_MOST)]
        where = (" or ".join(places) if n <= 2 else ", ".join(places[:-1]) + f" or {places[-1]}"
                 if n <= INLINE_AT_MOST else ", ".join(places) + f" or {n - INLINE_AT_MOST} more places")
        where = f"a {md(row['category'])} supplier in {where}"
        counts = [_count(row[f"completes_{kind}"], kind[:-1]) for kind in ("plants", "places")
                  if row[f"completes_{kind}"]]
        if counts:
            return f"{where} would complete {' and '.join(counts)}: {_named(scenario, str(row['completes']))}"
        return (f"{where} would complete no circle but bring {md(row['category'])} within reach of "
                f"{_count(row['covers_plants'], 'plant')} and {_count(row['covers_places'], 'place')}")

    chosen = [option(rows) for _, rows in list(options)[:INLINE_AT_MOST]]
    return "**Missing links:** " + "; ".join(chosen) + "."


def _best_places_line(results: Results) -> str:
    best, scenario = results.sites_ranked.head(3), results.query.scenario
    return "**Best places for a new plant:** " + "; ".join(
        f"{int(row['rank'])}. {_place(scenario, str(pid))} (complete at {_hours(row['hours_to_complete'])}, "
        f"at least {_count(row['fewest_alternatives'], 'supplier')} of each component)"
        for pid, row in best.iterrows()) + "."


OBJECTIVE_TITLES = {"center": "p-center: the farthest place as near as possible",
                    "coverage": "maximal covering: the most {weight} within {hours:g} h of one",
                    "median": "p-median: the least {weight}-weighted mean time to the nearest"}


def _plant_set_line(results: Results) -> str | None:
    objective = results.objective
    if results.plant_set is None:
        if results.plant_set_note:
            return (f"**Best plant sites together** ({OBJECTIVE_TITLES[objective].split(':')[0]}): not computed: "
                    f"{md(results.plant_set_note)}.")
        return None
    chosen, scenario, hours = results.plant_set, results.query.scenario, results.query.hours
    weight = str(chosen["weight"].iloc[0])
    exact = chosen["method"].iloc[0] == "exact"
    title = OBJECTIVE_TITLES[objective].format(weight=weight, hours=hours)
    line = (f"**Best {_count(len(chosen), 'plant site')} together** ({title}): "
            + ", ".join(_place(scenario, str(pid)) for pid in chosen.index) + "; ")
    if objective == "center":
        radius, bound = chosen["farthest_minutes"].max() / 60, chosen["optimum_at_least_minutes"].iloc[0] / 60
        proof = ("the optimum" if exact or radius <= bound
                 else f"by a heuristic; no {len(chosen)} places do better than {bound:.1f} h")
        decider = str(chosen["farthest_place"].iloc[int(chosen["farthest_minutes"].to_numpy().argmax())])
        return (line + f"every place within {radius:.1f} h of one ({proof}); the farthest place, "
                f"{_place(scenario, decider)}, sets that radius.")
    proof = "the optimum" if exact else "by a heuristic"
    if objective == "median" and not exact:
        proof += f"; no {len(chosen)} places do better than {chosen['optimum_at_least_minutes'].iloc[0] / 60:.2f} h"
    if objective == "coverage":
        total = scenario.population().sum() if weight == "people" else float(len(scenario.places))
        covered = chosen["within_budget"].sum()
        amount = (f"{covered / 1e6:,.1f} of {total / 1e6:,.1f} million people" if weight == "people"
                  else f"{covered:.0f} of {total:.0f} places")
        return line + f"{amount} ({covered / total:.0%}) within {hours:g} h of one ({proof})."
    mean = (chosen["mean_minutes"] * chosen["weight_served"]).sum() / chosen["weight_served"].sum() / 60
    return line + f"{mean:.1f} h on average from a place to its nearest, weighted by {weight} ({proof})."


def _pairs(table: pd.DataFrame, flag: str) -> str:
    """`` (plant: category; ...)`` for the first five flagged rows of a disruption table."""
    rows = table[table[flag]].head(5)
    if not len(rows):
        return ""
    return " (" + "; ".join(f"`{r['plant']}`: {md(r['category'])}" for _, r in rows.iterrows()) + ")"


def _removal_line(results: Results) -> str | None:
    if results.disruption is None:
        return None
    found, table, hours = impact(results.disruption), results.disruption, results.query.hours
    head = f"**Removing {', '.join(map(md, results.removed))}:** "
    if not found.any:
        if results.chain_disruption is not None and bool(results.chain_disruption["chain_lost"].any()):
            return head + ("every plant reaches the same suppliers of its components in the same minutes; "
                           "chains through the tiers break (next finding).")
        return head + "changes nothing: every plant reaches the same suppliers in the same minutes."
    parts = []
    if found.pairs_cut_off:
        parts.append(f"cuts {_count(found.pairs_cut_off, 'plant-component pair')} off (no supplier reachable)"
                     + _pairs(table, "cut_off"))
    if found.pairs_over_budget:
        parts.append(f"pushes {_count(found.pairs_over_budget, 'plant-component pair')} over {hours:g} h"
                     + _pairs(table, "over_budget"))
    if not (found.pairs_cut_off or found.pairs_over_budget):
        parts.append(f"no plant-component pair falls outside {hours:g} h")
    if round(found.minutes_added):
        parts.append(f"+{found.minutes_added:,.0f} min to nearest suppliers over the pairs still reachable")
    if found.alternatives_lost:
        parts.append(f"{_count(found.alternatives_lost, 'alternative')} lost")
    return head + ", ".join(parts) + "."


def _effect(row: pd.Series, hours: float) -> str:
    """What one sweep row does, in words: what it cuts off, pairs over the budget, minutes, alternatives.

    Only what happens is said (no "+0 min").
    """
    parts = []
    if row["cut_off"]:
        parts.append("cuts " + ", ".join(f"`{ident}`" for ident in str(row["cut_off"]).split(", ")) + " off")
    if row["pairs_cut_off"]:
        parts.append(f"{_count(row['pairs_cut_off'], 'plant-component pair')} with no supplier reachable")
    if row["pairs_over_budget"]:
        parts.append(f"{_count(row['pairs_over_budget'], 'plant-component pair')} over {hours:g} h")
    if round(row["minutes_added"]):
        parts.append(f"+{row['minutes_added']:,.0f} min over the pairs still reachable")
    if row["alternatives_lost"]:
        parts.append(f"{_count(row['alternatives_lost'], 'alternative')} lost")
    return ", ".join(parts)


def _critical_lines(results: Results) -> list[str]:
    """The worst removals of each kind; only those with an effect, and a line saying so when none has."""
    lines, hours = [], results.query.hours
    for kind, title in CRITICAL:
        rows = results.critical[results.critical["kind"] == kind]
        if not len(rows):
            continue
        note = f" ({ACCESS_NOTE})" if kind == "access" else ""
        effect = ((rows["pairs_cut_off"] > 0) | (rows["pairs_over_budget"] > 0) | (rows["minutes_added"].round() > 0)
                  | (rows["alternatives_lost"] > 0) | (rows["cut_off"] != ""))
        top = rows[effect].head(3)
        if not len(top):
            lines.append(f"**Most critical {title}{note}:** none of the {len(rows)} swept changes any plant's "
                         "circle (nothing cut off, no pair over the budget, no minute added, no alternative lost).")
            continue
        lines.append(f"**Most critical {title}{note}:** " + "; ".join(
            f"{md(row['name'])}{_also_id(row['id'], row['name'])}: {_effect(row, hours)}"
            for _, row in top.iterrows()) + ".")
    return lines


def findings(results: Results) -> list[str]:
    """The headline findings of a run, one Markdown line each.

    Parameters
    ----------
    results : Results
        A run.

    Returns
    -------
    list of str
        Plants, places, gaps, siting, disruption and the most critical links, suppliers and places.
    """
    lines = [_plants_line(results), _marginal_line(results), _radius_line(results), _people_line(results),
             _places_line(results), _missing_links_line(results), _best_places_line(results),
             _plant_set_line(results), _removal_line(results)]
    return [line for line in lines if line is not None] + tier_findings(results) + _critical_lines(results)


def markdown(results: Results, files: list[str]) -> str:
    """The human report: findings first, then the tables.

    Parameters
    ----------
    results : Results
        A run.
    files : list of str
        The files of the run, listed at the end.

    Returns
    -------
    str
        Markdown.
    """
    scenario = results.query.scenario
    hours, mode = results.query.hours, results.query.mode
    product = scenario.product
    counts = scenario.sites["category"].value_counts()
    parts = [
        f"# {md(scenario.name)}: {hours:g}-hour industry circles by {mode}",
        f"{len(scenario.places)} places, {len(scenario.sites)} sites. Product: {md(product.name)}; plants are "
        f"{md(product.plant_category)} sites ({counts.get(product.plant_category, 0)}); the bill of materials is "
        + ", ".join(f"{md(c)} ({counts.get(c, 0)})" for c in product.components)
        + "." + bill_note(results) + " Travel times are modelled (see the README's travel-time model); most "
          "site coordinates are at city or district precision.",
        "## Findings",
        bullets(findings(results)),
        "## Plants", markdown_table(results.plants),
        "## Places", markdown_table(results.places),
        "## Chain gaps (places missing components)", markdown_table(results.gaps),
        "## Missing links (a new supplier of a category in a place)", markdown_table(results.missing_links, 15),
        "## Places for a new plant", markdown_table(results.sites_ranked, 10),
    ]
    if results.plant_set is not None:
        objective = OBJECTIVE_TITLES[results.objective].split(":")[0]
        parts += [f"## Best set of plant sites ({objective})", markdown_table(results.plant_set)]
    for kind, title in CRITICAL:
        part = results.critical[results.critical["kind"] == kind].drop(columns="kind").set_index("id")
        if len(part):
            parts += [f"## Critical {title}", markdown_table(part, 10)]
    if results.disruption is not None:
        parts += [f"## Disruption: {', '.join(map(md, results.removed))} removed",
                  markdown_table(changed(results.disruption).set_index(["plant", "category"]))]
    parts += tier_sections(results)
    parts += access_section(results.access)
    parts += ["## Files", "\n".join(f"- `{name}`" for name in files)]
    return "\n\n".join(parts) + "\n"
