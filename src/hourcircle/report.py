"""Files for people from a run: ``report.md``, one CSV per table, and GeoJSON for GIS.

Everything is rendered in memory first (so a failure writes nothing) and is deterministic:
the same input gives byte-identical files. CSV text cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.query import Query
>>> from hourcircle.traveltimes import TravelTimes
>>> from hourcircle.analysis.run import analyse
>>> results = analyse(Query(TravelTimes.for_scenario(bundled())), kinds=("infrastructure", "supplier"))
>>> files = render(results)
>>> sorted(files)[:3]
['chain_gaps.csv', 'circle_pairs.csv', 'critical.csv']
>>> files["report.md"].splitlines()[0]
'# Yangtze River Delta NEV: 4-hour industry circles by truck'
>>> findings(results)[0].startswith("**Plants:**")
True
>>> neutralise(pd.DataFrame({"name": ["=1+1", "ok"]}))["name"].tolist()
["'=1+1", 'ok']
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from hourcircle.analysis.disrupt import changed, impact
from hourcircle.analysis.run import Results
from hourcircle.io import Scenario

CRITICAL = (("infrastructure", "bridges, tunnels and corridors"), ("link", "links"), ("segment", "road segments"),
            ("supplier", "suppliers"), ("place", "places"))  # the sweep's kinds, as the report names them
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DECIMALS = 3


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        Text cells, column names and index labels starting with a formula character get a
        leading ``'``.

    Examples
    --------
    >>> neutralise(pd.DataFrame({"=id": ["-x", "a"]}, index=["@b", "c"])).to_dict()
    {"'=id": {"'@b": "'-x", 'c': 'a'}}
    """
    return map_text(frame, lambda text: f"'{text}" if text.startswith(FORMULA_START) else text)


def map_text(frame: pd.DataFrame, function: Callable[[str], str]) -> pd.DataFrame:
    """A copy with ``function`` applied to every text: cells, column names, index labels.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.
    function : callable
        Text to text.

    Returns
    -------
    pandas.DataFrame
        The copy; numbers and other values are left as they are.
    """
    def each(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(each(v) for v in value)
        return function(value) if isinstance(value, str) else value

    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(each)
    out.columns = out.columns.map(each)
    out.index = out.index.map(each)
    return out


def to_csv(frame: pd.DataFrame) -> str:
    r"""Deterministic, formula-safe CSV (floats rounded to 3 decimals, ``\n`` line ends).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; its index becomes the first columns.

    Returns
    -------
    str
        The CSV text.
    """
    rounded = frame.round(DECIMALS).reset_index()
    return neutralise(rounded).to_csv(index=False, lineterminator="\n")


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
    if results.disruption is not None:
        found["disruption.csv"] = results.disruption.set_index(["plant", "category"])
    return found


def _json_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else round(float(value), DECIMALS)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def geojson(points: pd.DataFrame, id_name: str) -> str:
    """A GeoJSON FeatureCollection of points.

    Parameters
    ----------
    points : pandas.DataFrame
        With ``lat`` and ``lon`` columns; the other columns become properties.
    id_name : str
        The property that holds each row's index.

    Returns
    -------
    str
        The GeoJSON text (deterministic: sorted keys, rounded coordinates).
    """
    features = []
    for key, row in points.iterrows():
        properties = {id_name: str(key)} | {str(c): _json_value(v) for c, v in row.items() if c not in ("lat", "lon")}
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [round(float(row["lon"]), 6),
                                                                       round(float(row["lat"]), 6)]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, sort_keys=True,
                      indent=1) + "\n"


def _site_points(results: Results) -> pd.DataFrame:
    sites = results.query.scenario.sites
    plants = results.plants.drop(columns=["name", "company", "place_id"])
    return sites.join(plants)


def _place_points(results: Results) -> pd.DataFrame:
    places = results.query.scenario.places[["lat", "lon"]].join(results.places)
    ranked = results.sites_ranked[["rank"]].rename(columns={"rank": "new_plant_rank"})
    return places.join(ranked)


def render(results: Results, extra: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """Every file of a run: text, and the Excel workbook.

    Parameters
    ----------
    results : Results
        A run.
    extra : dict of str to str or bytes, optional
        More files (the map, say), listed in the report too.

    Returns
    -------
    dict of str to str or bytes
        File name to content.
    """
    from hourcircle.workbook import workbook

    files: dict[str, str | bytes] = {name: to_csv(frame) for name, frame in tables(results).items()}
    files |= extra or {}
    files["report.xlsx"] = workbook(results)
    files["sites.geojson"] = geojson(_site_points(results), "site_id")
    files["places.geojson"] = geojson(_place_points(results), "place_id")
    files["report.md"] = markdown(results, sorted([*files, "report.md"]))
    return files


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


def _table(frame: pd.DataFrame, limit: int | None = None) -> str:
    shown = frame if limit is None else frame.head(limit)
    if shown.empty:
        return "_(none)_"
    text = map_text(shown.round(2), md).to_markdown()
    more = "" if limit is None or len(frame) <= limit else f"\n\n_{len(frame) - limit} more rows in the CSV._"
    return str(text) + more


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md(text: object) -> str:
    r"""Text from a scenario made inert in Markdown: one line, no markup, no HTML.

    Parameters
    ----------
    text : object
        A name, an id, a message.

    Returns
    -------
    str
        Line ends as spaces; ``& < >`` as entities; Markdown's punctuation escaped.

    Examples
    --------
    >>> print(md("a|b <script>\n## [x](javascript:y)"))
    a\|b &lt;script&gt; \#\# \[x\](javascript:y)
    """
    one_line = " ".join(str(text).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


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
    scenario = results.query.scenario
    hours = results.query.hours
    places, plants = results.places, results.plants
    lines = []
    complete = plants[plants["complete"]]
    incomplete = plants[~plants["complete"]]
    band = results.query.scenario.travel.band(results.query.mode)
    line = (f"**Plants:** {len(complete)} of {len(plants)} have every component within {hours:g} h"
            f"{_marginal_count(plants)}.")
    if len(incomplete):
        line += " Not complete: " + "; ".join(
            f"{md(row['name'])} (`{pid}`) lacks {md(row['missing'])}, complete at {_hours(row['hours_to_complete'])}"
            f"{_marginal(row)}" for pid, row in incomplete.iterrows()) + "."
    shaky = complete[complete["certainty"] == "marginal"]
    if len(shaky):
        line += " Complete but marginal: " + "; ".join(
            f"{md(row['name'])} (`{pid}`) at {_hours(row['hours_to_complete'])}" for pid, row in shaky.iterrows()) + "."
    lines.append(line)
    if (plants["certainty"] == "marginal").any() or (places["certainty"] == "marginal").any():
        lines.append(f"**Marginal** means the model's uncertainty could turn the answer: {results.query.mode} "
                     f"minutes are expected within {band[0]:g} to {band[1]:g} times the modelled figure "
                     "(10th to 90th percentile of published/model on held-out figures; `band` in "
                     "scenario.toml), and a marginal circle's slowest nearest supplier lies on both sides "
                     f"of {hours:g} h within that range.")
    share = plants.filter(like="share_within_").iloc[:, 0] if len(plants) else pd.Series(dtype=float)
    if len(share):
        lines.append(f"**Suppliers within {results.radius_km:g} km** (great-circle) of each plant: "
                     f"{share.min():.0%} to {share.max():.0%} of the scenario's suppliers "
                     f"(median {share.median():.0%}). This counts the suppliers of every maker in the "
                     "scenario, not one company's partners, and distance, not travel time.")
    people = plants["people_within_budget"] if "people_within_budget" in plants else pd.Series(dtype=float)
    if len(people) and people.max() > 0:
        lines.append(f"**People within {hours:g} h** of each plant (2020 census, whole cities whose centre is "
                     f"reached): {people.min() / 1e6:.1f} to {people.max() / 1e6:.1f} million "
                     f"(median {people.median() / 1e6:.1f} million).")
    gaps = results.gaps
    line = (f"**Places:** {int(places['complete'].sum())} of {len(places)} have a complete circle"
            f"{_marginal_count(places)}.")
    if len(gaps):
        named = [f"{_place(scenario, str(pid))} lacks {md(row['missing'])}" for pid, row in gaps.head(3).iterrows()]
        line += " Biggest gaps: " + "; ".join(named) + "."
    lines.append(line)
    links = results.missing_links.head(3)
    if len(links):
        lines.append("**Missing links:** " + "; ".join(
            f"a {md(row['category'])} supplier in {_place(scenario, str(row['place_id']))} would complete "
            f"{_count(row['completes_plants'], 'plant')} and {_count(row['completes_places'], 'place')}"
            for _, row in links.iterrows()) + ".")
    best = results.sites_ranked.head(3)
    lines.append("**Best places for a new plant:** " + "; ".join(
        f"{int(row['rank'])}. {_place(scenario, str(pid))} (complete at {_hours(row['hours_to_complete'])}, "
        f"at least {_count(row['fewest_alternatives'], 'supplier')} of each component)"
        for pid, row in best.iterrows()) + ".")
    if results.plant_set is not None:
        chosen = results.plant_set
        radius, bound = chosen["farthest_minutes"].max() / 60, chosen["optimum_at_least_minutes"].iloc[0] / 60
        proof = ("the optimum" if chosen["method"].iloc[0] == "exact" or radius <= bound
                 else f"by a heuristic; no {len(chosen)} places do better than {bound:.1f} h")
        lines.append(f"**Best {len(chosen)} plant sites together** (p-center): "
                     + ", ".join(_place(scenario, str(pid)) for pid in chosen.index)
                     + f"; every place within {radius:.1f} h of one ({proof}).")
    elif results.plant_set_note:
        lines.append(f"**Best plant sites together** (p-center): not computed: {md(results.plant_set_note)}.")
    if results.disruption is not None:
        lost, added, alternatives = impact(results.disruption)
        broken = results.disruption[results.disruption["lost"]]
        line = (f"**Removing {', '.join(map(md, results.removed))}:** {_count(lost, 'plant-component pair')} "
                f"fall outside {hours:g} h, +{added:.0f} min to nearest suppliers, "
                f"{_count(alternatives, 'alternative')} lost")
        if len(broken):
            line += " (" + "; ".join(f"{r['plant']}: {md(r['category'])}" for _, r in broken.head(5).iterrows()) + ")"
        lines.append(line + ".")
    for kind, title in CRITICAL:
        top = results.critical[results.critical["kind"] == kind].head(3)
        if len(top):
            lines.append(f"**Most critical {title}:** " + "; ".join(
                f"{md(row['name'])}{_also_id(row['id'], row['name'])}: "
                f"{_count(row['pairs_broken'], 'plant-component pair')} broken, "
                f"+{row['minutes_added']:.0f} min, {_count(row['alternatives_lost'], 'alternative')} lost"
                for _, row in top.iterrows()) + ".")
    return lines


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
        + ". Travel times are modelled (see the README's travel-time model); most site coordinates are at "
          "city or district precision.",
        "## Findings",
        "\n".join(f"- {line}" for line in findings(results)),
        "## Plants", _table(results.plants),
        "## Places", _table(results.places),
        "## Chain gaps (places missing components)", _table(results.gaps),
        "## Missing links (a new supplier of a category in a place)", _table(results.missing_links, 15),
        "## Places for a new plant", _table(results.sites_ranked, 10),
    ]
    if results.plant_set is not None:
        parts += ["## Best set of plant sites (p-center)", _table(results.plant_set)]
    for kind, title in CRITICAL:
        part = results.critical[results.critical["kind"] == kind].drop(columns="kind").set_index("id")
        if len(part):
            parts += [f"## Critical {title}", _table(part, 10)]
    if results.disruption is not None:
        parts += [f"## Disruption: {', '.join(map(md, results.removed))} removed",
                  _table(changed(results.disruption).set_index(["plant", "category"]))]
    parts += ["## Files", "\n".join(f"- `{name}`" for name in files)]
    return "\n\n".join(parts) + "\n"
