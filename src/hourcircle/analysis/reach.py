"""What one plant or place reaches: sites in hourly bands, and the share of suppliers near it.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.query import Query
>>> from hourcircle.travel.times import TravelTimes
>>> query = Query(TravelTimes.for_scenario(bundled()), hours=4)
>>> list(reach_bands(query, "hefei").columns)
['<=1 h', '<=2 h', '<=3 h', '<=4 h']
>>> people = population_bands(query, "hefei")
>>> people.index.tolist(), bool(people.is_monotonic_increasing)
(['<=1 h', '<=2 h', '<=3 h', '<=4 h'], True)
>>> share = share_within(query, "hefei", km=600)
>>> int(share.loc["all", "suppliers"]) == len(query.suppliers)
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hourcircle import _checks as check
from hourcircle.batches import run_batches
from hourcircle.geo import geodesic_km_many
from hourcircle.travel.query import Query

if TYPE_CHECKING:
    from distributed import Client


def band_labels(hours: float) -> list[str]:
    """Labels of the cumulative hourly bands up to a budget.

    Parameters
    ----------
    hours : float
        The budget.

    Returns
    -------
    list of str
        ``<=1 h`` ... up to ``hours`` (the last band is ``hours`` itself when not whole).

    Examples
    --------
    >>> band_labels(2.5)
    ['<=1 h', '<=2 h', '<=2.5 h']
    """
    return [f"<={h:g} h" for h in band_edges(hours)]


def band_edges(hours: float) -> list[float]:
    """The hourly band limits up to a budget.

    Parameters
    ----------
    hours : float
        The budget.

    Returns
    -------
    list of float
        1, 2, ... and ``hours`` itself when not whole.
    """
    whole = [float(h) for h in range(1, math.floor(hours) + 1)]
    return whole if whole and whole[-1] == hours else [*whole, float(hours)]


def reached_sites(query: Query, origin: str) -> pd.DataFrame:
    """Sites an origin reaches within the budget.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    origin : str
        A place or site id or name.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``site_id``: ``name, company, category, place_id, minutes`` (door to door)
        and, by rail, ``train_minutes`` (in trains); by category (in the product's order), then
        fastest first.

    Raises
    ------
    ArgumentError
        (parameter ``query`` or ``origin``) for a query that is not a :class:`Query`, or an
        origin that is not a str.
    NameLookupError
        If the origin names nothing, or several places.
    """
    check.instance("query", query, Query)
    minutes = query.times.minutes_from(origin, query.mode, cutoff=query.budget_minutes)
    sites = query.scenario.sites
    hits = minutes[minutes.index.isin(sites.index)]
    table = sites.loc[hits.index, ["name", "company", "category", "place_id"]].assign(minutes=hits)
    if query.mode == "rail":
        source = query.times.resolve(origin)
        table["train_minutes"] = query.times.train_minutes([source], list(hits.index))[0]
    order = {c: i for i, c in enumerate(query.scenario.product.all_categories)}
    table = table.assign(_order=table["category"].map(order)).sort_values(["_order", "minutes"])
    table.index.name = "site_id"
    return table.drop(columns="_order")


def _reached_batch(query: Query, origins: Sequence[str]) -> list[pd.DataFrame]:
    """:func:`reached_sites` of each origin of a batch (run here, or on a worker)."""
    return [reached_sites(query, origin).reset_index().assign(origin=origin) for origin in origins]


def reached_from_many(query: Query, origins: Sequence[str], *, client: Client | None = None,
                      batch_size: int = 32) -> pd.DataFrame:
    """Sites each of many origins reaches within the budget.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    origins : sequence of str
        Place or site ids or names.
    client : dask.distributed.Client, optional
        Search on this Dask cluster, in batches of origins (the network goes to each worker once).
    batch_size : int, default 32
        Origins per batch.

    Returns
    -------
    pandas.DataFrame
        ``origin, site_id, name, company, category, place_id, minutes``, origin by origin in the
        order given.

    Raises
    ------
    NameLookupError
        If a name names nothing, or several places (checked before any search).
    ArgumentError
        (parameter ``query``, ``origins`` or ``batch_size``) for a query that is not a
        :class:`Query`, a str instead of a sequence, or a batch size below 1.
    """
    check.instance("query", query, Query)
    resolved = [query.times.names.resolve(origin) for origin in check.texts("origins", origins)]
    size = check.count("batch_size", batch_size)
    tables = run_batches(_reached_batch, query, resolved, batch_size=size, client=client)
    columns = ["origin", "site_id", "name", "company", "category", "place_id", "minutes"]
    return pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)


def reach_bands(query: Query, origin: str) -> pd.DataFrame:
    """Sites an origin reaches per category, counted cumulatively per hourly band.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    origin : str
        A place or site id or name.

    Returns
    -------
    pandas.DataFrame
        Categories (rows) by bands (columns, see :func:`band_labels`).

    Raises
    ------
    ArgumentError
        As :func:`reached_sites`.
    NameLookupError
        As :func:`reached_sites`.
    """
    return count_bands(reached_sites(query, origin), query.hours, query.scenario.product.all_categories)


def count_bands(reached: pd.DataFrame, hours: float, categories: Sequence[str]) -> pd.DataFrame:
    """Count reached sites per category and cumulative hourly band.

    Parameters
    ----------
    reached : pandas.DataFrame
        A :func:`reached_sites` table.
    hours : float
        The budget.
    categories : sequence of str
        The rows, in order.

    Returns
    -------
    pandas.DataFrame
        Categories (rows) by bands (columns).
    """
    counts = {label: reached[reached["minutes"] <= 60 * edge]["category"].value_counts()
              for label, edge in zip(band_labels(hours), band_edges(hours), strict=True)}
    frame = pd.DataFrame(counts).reindex(list(categories)).fillna(0).astype(int)
    frame.index.name = "category"
    return frame


def population_bands(query: Query, origin: str) -> pd.Series:
    """People an origin reaches: the population of the places whose seat lies within each hourly band.

    A place counts whole when its seat (city centre) is reached: the bands tell how many
    people live in the cities a plant can recruit from or deliver to, not a head count
    within an exact isochrone.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    origin : str
        A place or site id or name.

    Returns
    -------
    pandas.Series
        People, cumulative, by band (see :func:`band_labels`); places without a population
        count as none.

    Raises
    ------
    ArgumentError
        (parameter ``query`` or ``origin``) for a query that is not a :class:`Query`, or an
        origin that is not a str.
    NameLookupError
        If the origin names nothing, or several places.
    """
    check.instance("query", query, Query)
    places = query.scenario.places
    people = query.scenario.population()
    minutes = query.times.minutes_from(origin, query.mode, cutoff=query.budget_minutes)
    reached = minutes[minutes.index.isin(places.index)]
    counts = [float(people[reached.index[reached <= 60 * edge]].sum()) for edge in band_edges(query.hours)]
    return pd.Series(counts, index=pd.Index(band_labels(query.hours), name="band"), name="population")


def share_within(query: Query, origin: str, *, km: float | None = None) -> pd.DataFrame:
    """Share of the scenario's suppliers within the budget, and within a radius, of an origin.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    origin : str
        A place or site id or name.
    km : float, optional
        A radius (geodesic km) to count suppliers within as well.

    Returns
    -------
    pandas.DataFrame
        One row per component and a last row ``all``; columns ``suppliers``, then
        ``within_km`` and ``share_km`` (with ``km``), ``within_hours`` and ``share_hours``.

    Raises
    ------
    ArgumentError
        (parameter ``query``, ``origin`` or ``km``) for a query that is not a :class:`Query`,
        an origin that is not a str, or a ``km`` that is not a positive finite number.
    NameLookupError
        If the origin names nothing, or several places.
    """
    check.instance("query", query, Query)
    node = query.times.names.resolve(check.text("origin", origin))
    if km is not None:
        km = check.number("km", km, above=0, finite=True, what="a positive number")
    sites = query.suppliers
    lat, lon = query.times.network.nodes.loc[[node], ["lat", "lon"]].to_numpy(dtype=np.float64)[0]
    columns: dict[str, pd.Series] = {"suppliers": pd.Series(1, index=sites.index)}
    if km is not None:
        distance = geodesic_km_many(float(lat), float(lon), sites["lat"], sites["lon"])
        columns["within_km"] = pd.Series(distance <= km, index=sites.index).astype(int)
    minutes = query.times.minutes_from(node, query.mode, cutoff=query.budget_minutes)
    columns["within_hours"] = pd.Series(sites.index.isin(minutes.index), index=sites.index).astype(int)
    table = pd.DataFrame(columns).groupby(sites["category"]).sum()
    order = [c for c in query.scenario.product.categories if c in table.index]
    table = pd.concat([table.reindex(order), table.sum().to_frame("all").T])
    for limit in ("km", "hours"):
        if f"within_{limit}" in table:
            table[f"share_{limit}"] = np.round(table[f"within_{limit}"] / table["suppliers"].replace(0, np.nan), 4)
    table.index.name = "category"
    order = ["suppliers"] + [c for limit in ("km", "hours") for c in (f"within_{limit}", f"share_{limit}")]
    return table[[c for c in order if c in table]]
