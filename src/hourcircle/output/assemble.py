"""Every file of a run, rendered in memory (so a failure writes nothing) and deterministic.

The tables as CSV, ``report.md``, ``report.xlsx`` and GeoJSON for GIS: the same input gives
byte-identical files.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> from hourcircle.analysis.run import analyse
>>> files = render(analyse(Query(TravelTimes.for_scenario(bundled())), kinds=("infrastructure", "supplier")))
>>> files["report.md"].splitlines()[0]
'# Yangtze River Delta NEV: 4-hour industry circles by truck'
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from hourcircle import _checks as check
from hourcircle.analysis.run import Results
from hourcircle.output.formats import geojson, to_csv
from hourcircle.output.report import findings, markdown, tables
from hourcircle.output.workbook import workbook


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

    Raises
    ------
    ArgumentTypeError
        (parameter ``results`` or ``extra``) for results that are not
        :class:`~hourcircle.analysis.run.Results`, or extra files that are not a mapping of
        str names to str or bytes.
    """
    check.instance("results", results, Results, what="Results (from hourcircle.analysis.analyse)")
    if extra is not None:
        check.instance("extra", extra, Mapping, what="a dict of file names to str or bytes")
        check.items("extra", extra.keys(), str, what="a dict with str file names")
        check.items("extra", extra.values(), (str, bytes), what="a dict of file names to str or bytes")
    found = tables(results)
    files: dict[str, str | bytes] = {name: to_csv(frame) for name, frame in found.items()}
    files |= extra or {}
    files["report.xlsx"] = workbook(f"{results.query.scenario.name}: hourcircle run", findings(results), found)
    files["sites.geojson"] = geojson(_site_points(results), "site_id")
    files["places.geojson"] = geojson(_place_points(results), "place_id")
    files["report.md"] = markdown(results, sorted([*files, "report.md"]))
    return files
