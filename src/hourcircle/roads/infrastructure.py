r"""Named infrastructure on the roads: bridges, tunnels and corridors matched to the edges they cover.

``infrastructure.csv`` names each by two points; it is matched to the segments on the fastest
road path between them (a crossing also to its other carriageway alongside), so that a
disruption can close real infrastructure on a network that carries no names.

Examples
--------
>>> table = pd.DataFrame({"name": ["corridor", "bridge"], "km": [50.0, 2.0],
...                       "links": [("seg:1", "seg:2"), ("seg:2",)]})
>>> edge_names(pd.Series(["seg:1", "seg:2", "seg:3"]), table).tolist()  # the shorter wins
['corridor', 'bridge', nan]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from hourcircle import config
from hourcircle.errors import InputError, Problem
from hourcircle.geo import haversine_km, project_km
from hourcircle.links import pair_keys
from hourcircle.roads.arrays import Ints, RoadArrays, Snapper
from hourcircle.roads.osm import Box
from hourcircle.roads.topology import adjacency
from hourcircle.scenario import Scenario

INFRASTRUCTURE_COLUMNS = ["name", "kind", "source", "km", "links"]  # a table of named infrastructure


def match_infrastructure(scenario: Scenario, network: RoadArrays, links: NDArray[np.str_],
                         main: NDArray[np.bool_]) -> pd.DataFrame:
    """Each infrastructure row's links: those on the shortest road path between its two ends.

    A crossing (a bridge or tunnel, not a corridor) also covers the edges alongside its course:
    its other carriageway is closed with it.

    Parameters
    ----------
    scenario : Scenario
        Its ``infrastructure`` table (may be None) and file names, for messages.
    network : RoadArrays
        The road network with its patches (their km known).
    links : numpy.ndarray of str
        The link id of each edge of ``network``.
    main : numpy.ndarray of bool
        The nodes of the main piece, which the ends join.

    Returns
    -------
    pandas.DataFrame
        One row per infrastructure row: :data:`INFRASTRUCTURE_COLUMNS`, ``links`` a tuple of the
        link ids it covers.

    Raises
    ------
    InputError
        If an end is more than :data:`hourcircle.config.infrastructure_end_km` from a road, or no road joins the
        two ends (every such row named).
    """
    table = scenario.infrastructure
    if table is None or table.empty:
        return pd.DataFrame(columns=INFRASTRUCTURE_COLUMNS)
    label = scenario.files.get("infrastructure", "infrastructure.csv")
    inside = np.flatnonzero(main)
    snapper = Snapper(network.lat[main], network.lon[main])
    end1, km1 = snapper.nearest(table["lat1"].to_numpy(float), table["lon1"].to_numpy(float))
    end2, km2 = snapper.nearest(table["lat2"].to_numpy(float), table["lon2"].to_numpy(float))
    graph = adjacency(len(network.ids), network.u, network.v, network.km)
    edge_of = _edge_lookup(network)
    problems, rows = [], []
    names, numbers = table["name"].astype(str).tolist(), table["row"].astype(int).tolist()
    for i, (name, number) in enumerate(zip(names, numbers, strict=True)):
        far = [(end, km) for end, km in (("lat1", km1[i]), ("lat2", km2[i])) if km > config.infrastructure_end_km]
        if far:
            limit = config.infrastructure_end_km
            problems += [Problem(label, f"{name!r}: this end is {km:.1f} km from the nearest road (at most "
                                        f"{limit:g} km); is it in the sea, or are lat and lon swapped?",
                                 row=number, column=column) for column, km in far]
            continue
        a, b = int(inside[end1[i]]), int(inside[end2[i]])
        straight = float(haversine_km(network.lat[a], network.lon[a], network.lat[b], network.lon[b]))
        found, before = dijkstra(graph, indices=[a], return_predecessors=True, limit=2 * straight + 20)
        dist, pred = found[0], before[0]
        if a == b or not np.isfinite(dist[b]):
            problems.append(Problem(label, f"{name!r}: no road joins its two ends", row=number, column="lat1"))
            continue
        path = [b]
        while path[-1] != a:
            path.append(int(pred[path[-1]]))
        on_path = edge_of(np.asarray(path, dtype=np.int64))
        if table["kind"].iloc[i] != "corridor":  # a crossing's other carriageway is closed with it
            on_path = np.r_[on_path, _alongside(network, a, b)]
        covered = tuple(dict.fromkeys(links[on_path].tolist()))
        rows.append((name, table["kind"].iloc[i], table["source"].iloc[i], float(dist[b]), covered))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=INFRASTRUCTURE_COLUMNS)


def _alongside(network: RoadArrays, a: int, b: int) -> Ints:
    """Edges lying along the straight line between nodes ``a`` and ``b``.

    Both ends within :data:`hourcircle.config.alongside_km` of it, between its ends: a parallel carriageway of a
    bridge or tunnel.
    """
    margin = 0.01  # degrees: only edges near the line's box are looked at
    south, north = sorted((network.lat[a], network.lat[b]))
    west, east = sorted((network.lon[a], network.lon[b]))
    inside = Box(south - margin, west - margin, north + margin, east + margin).contains
    edges = np.flatnonzero(inside(network.lat[network.u], network.lon[network.u])
                           & inside(network.lat[network.v], network.lon[network.v]))
    ends = np.r_[a, b, network.u[edges], network.v[edges]]
    xy = project_km(network.lat[ends], network.lon[ends], origin_lat=float(network.lat[a]))
    start, along = xy[0], xy[1] - xy[0]
    length = float(np.dot(along, along))
    if length == 0:
        return np.empty(0, dtype=np.int64)
    share = (xy[2:] - start) @ along / length
    offset = np.abs((xy[2:] - start) @ np.array([-along[1], along[0]])) / math.sqrt(length)
    near = (share >= -0.05) & (share <= 1.05) & (offset <= config.alongside_km)
    return np.asarray(edges[near[: len(edges)] & near[len(edges):]], dtype=np.int64)


def _edge_lookup(network: RoadArrays) -> Callable[[Ints], Ints]:
    """A function from a node path to the positions of the (shortest) edges along it."""
    n = len(network.ids)
    key = pair_keys(network.u, network.v, n)
    order = np.lexsort((network.km, key))

    def edges(path: Ints) -> Ints:
        hops = pair_keys(path[:-1], path[1:], n)
        return np.asarray(order[np.searchsorted(key[order], hops)], dtype=np.int64)

    return edges


def edge_names(links: pd.Series, infrastructure: pd.DataFrame) -> pd.Series:
    """Each edge's name: the shortest named infrastructure covering its segment, else none.

    Bridges so win over the corridors they lie on.

    Parameters
    ----------
    links : pandas.Series
        Each edge's link id.
    infrastructure : pandas.DataFrame
        Named infrastructure, as :func:`match_infrastructure` gives it.

    Returns
    -------
    pandas.Series
        Each edge's name, NaN where no infrastructure covers it.
    """
    named: dict[str, str] = {}
    longest_first = infrastructure.sort_values("km", ascending=False)
    for name, covered in zip(longest_first["name"], longest_first["links"], strict=True):
        named |= dict.fromkeys(covered, str(name))
    return links.map(named)
