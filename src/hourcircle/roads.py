r"""Road networks as arrays, and how places, sites and named infrastructure join them.

A scenario's roads come from one of three sources (``[roads] source`` in ``scenario.toml``):

- ``osm``: the major roads of OpenStreetMap from the ``scgraph-data`` package (© OpenStreetMap
  contributors, ODbL), read through the text of its ``world_highways.py`` (never imported),
  clipped to the scenario's area plus a margin and cached as arrays. Road rows of
  ``links.csv`` are *patches*: links the extract lacks, joined between the two places' road
  nodes. Every place and site joins the nearest node of the largest connected piece by an
  access leg; points far from any road, or nearer a separate piece, are reported.
- ``links``: the road rows of ``links.csv`` between places are the network.
- ``inferred``: links between neighbouring places (the Gabriel graph of their triangulation).

Road edges are grouped into *segments*: chains between junctions (a node where three roads
meet, a dead end, or a node a place or site joins). Closing any edge of a chain closes the
chain, so segments are what a disruption removes. ``infrastructure.csv`` names bridges,
tunnels and corridors by two points; each is matched to the segments on the fastest path
between them.

Examples
--------
>>> lat, lon, u, v, km = parse_scgraph("graph=[{1: 1.5}, {0: 1.5, 2: 2.0}, {1: 2.0}]\n"
...                                     "nodes=[[30.0, 120.0], [30.0, 120.01], [30.0, 120.03]]\n")
>>> u.tolist(), v.tolist(), km.tolist()
([0, 1], [1, 2], [1.5, 2.0])
>>> chain_segments(3, u, v, pinned=np.zeros(3, dtype=bool)).tolist()  # one chain: 0 - 1 - 2
[0, 0]
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import Delaunay, QhullError, cKDTree

from hourcircle.atomic import replacing
from hourcircle.errors import InputError, Problem
from hourcircle.geo import EARTH_RADIUS_KM, haversine_km, project_km
from hourcircle.io import Scenario
from hourcircle.links import link_table, with_link_ids

OSM_PACKAGE = "scgraph-data"
OSM_MODULE = "scgraph_data"
OSM_FILE = "world_highways.py"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL), via scgraph-data"
CACHE_VARIABLE = "HOURCIRCLE_CACHE"
CACHE_FORMAT = 1  # bump when what the cache holds changes
FAR_FROM_ROAD_KM = 10.0  # a place or site farther than this from the main network is reported
INFRASTRUCTURE_END_KM = 5.0  # an infrastructure end must lie this close to a road
DEAD_END_KM = 0.5  # a dead end this near another road is joined to it (see join_dead_ends)
ALONGSIDE_KM = 0.3  # an edge this close to a crossing's course, along it, is one of its carriageways

Array = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Box:
    """A latitude-longitude box.

    Parameters
    ----------
    south, west, north, east : float
        Its edges, in degrees.
    """

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def around(cls, lat: Array, lon: Array, margin_km: float) -> Box:
        """The box around points, widened by a margin and rounded outward to 0.5 degrees.

        Rounding lets nearby scenarios share a cache file.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.
        margin_km : float
            How far to widen the box on every side.

        Returns
        -------
        Box
            The widened box.
        """
        dlat = margin_km / 111.2
        dlon = margin_km / (111.2 * max(math.cos(math.radians(float(np.max(np.abs(lat))))), 0.05))
        outward = [math.floor((float(lat.min()) - dlat) * 2) / 2, math.floor((float(lon.min()) - dlon) * 2) / 2,
                   math.ceil((float(lat.max()) + dlat) * 2) / 2, math.ceil((float(lon.max()) + dlon) * 2) / 2]
        return cls(max(outward[0], -90.0), max(outward[1], -180.0), min(outward[2], 90.0), min(outward[3], 180.0))

    def contains(self, lat: Array, lon: Array) -> NDArray[np.bool_]:
        """Which points lie inside.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.

        Returns
        -------
        numpy.ndarray of bool
            One flag per point.
        """
        return (lat >= self.south) & (lat <= self.north) & (lon >= self.west) & (lon <= self.east)

    @property
    def key(self) -> str:
        """A file-name-safe label of the box."""
        return f"{self.south:g}_{self.west:g}_{self.north:g}_{self.east:g}"


def parse_scgraph(text: str) -> tuple[Array, Array, Ints, Ints, Array]:
    """Read the ``graph`` and ``nodes`` literals of a scgraph data module, without running it.

    ``graph`` holds one ``{neighbour: km}`` dict per node, ``nodes`` one ``[lat, lon]`` per
    node. Both are read as numbers in bulk: the dict of node ``i`` is the ``i``-th ``{``.

    Parameters
    ----------
    text : str
        The module's source text.

    Returns
    -------
    tuple of numpy.ndarray
        ``lat``, ``lon`` per node; ``u``, ``v``, ``km`` per undirected edge (``u < v``, each once).

    Raises
    ------
    ValueError
        If the text does not hold the two literals in the expected form.
    """
    start, middle = text.find("graph=["), text.find("\nnodes=[")
    if start < 0 or middle < 0:
        raise ValueError("not a scgraph data module: no graph=[...] and nodes=[...] literals")
    graph = text[start + len("graph=["):middle].encode("ascii")
    nodes = text[middle + len("\nnodes=["):].split("]]", 1)[0].encode("ascii")
    blanks = bytes.maketrans(b"{}:,[]", b"      ")
    codes = np.frombuffer(graph, dtype=np.uint8)
    owner = np.searchsorted(np.flatnonzero(codes == ord("{")), np.flatnonzero(codes == ord(":"))) - 1
    numbers = np.array(graph.translate(blanks).split(), dtype=np.float64)
    neighbour, km = numbers[0::2].astype(np.int64), numbers[1::2]
    coordinates = np.array(nodes.translate(blanks).split(), dtype=np.float64).reshape(-1, 2)
    if len(owner) != len(neighbour) or (len(owner) and neighbour.max() >= len(coordinates)):
        raise ValueError("the graph and nodes literals do not agree")
    once = owner < neighbour
    return (coordinates[:, 0].copy(), coordinates[:, 1].copy(), owner[once].astype(np.int64), neighbour[once],
            km[once])


def cache_folder() -> Path:
    """Where clipped road networks are cached.

    Returns
    -------
    pathlib.Path
        ``$HOURCIRCLE_CACHE`` if set, else the user's cache folder for hourcircle.
    """
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("hourcircle"))


def _save(path: Path, arrays: dict[str, NDArray[np.generic]]) -> None:
    """Write arrays to ``path`` through a temporary file; a cache that cannot be written is skipped."""
    with contextlib.suppress(OSError), replacing(path) as temporary, open(temporary, "wb") as handle:
        np.savez(handle, allow_pickle=False, **arrays)


def _load(path: Path) -> dict[str, NDArray[np.generic]] | None:
    try:
        with np.load(path, allow_pickle=False) as found:
            return {name: found[name] for name in found.files}
    except (OSError, ValueError, EOFError):
        return None


def _world(version: str, folder: Path) -> dict[str, NDArray[np.generic]]:
    """The whole extract as arrays, parsed once and cached."""
    path = folder / f"osm-world-{version}-v{CACHE_FORMAT}.npz"
    cached = _load(path)
    if cached is not None:
        return cached
    text = (resources.files(OSM_MODULE) / OSM_FILE).read_text(encoding="ascii")
    lat, lon, u, v, km = parse_scgraph(text)
    world: dict[str, NDArray[np.generic]] = {"lat": lat, "lon": lon, "u": u, "v": v, "km": km}
    _save(path, world)
    return world


@dataclass(frozen=True)
class RoadArrays:
    """A road network as arrays.

    Parameters
    ----------
    ids : numpy.ndarray of int
        Each node's number in the source (stable across clips).
    lat, lon : numpy.ndarray
        Node coordinates (WGS-84).
    u, v : numpy.ndarray of int
        Edge ends, as positions in the node arrays.
    km : numpy.ndarray
        Edge lengths.
    """

    ids: Ints
    lat: Array
    lon: Array
    u: Ints
    v: Ints
    km: Array


def osm_roads(box: Box, folder: Path | None = None) -> RoadArrays:
    """OpenStreetMap major roads within a box (read once, then from the cache).

    Parameters
    ----------
    box : Box
        The area to keep: nodes inside it and the edges between them.
    folder : pathlib.Path, optional
        The cache folder (default: :func:`cache_folder`).

    Returns
    -------
    RoadArrays
        The clipped network.
    """
    folder = cache_folder() if folder is None else folder
    version = metadata.version(OSM_PACKAGE)
    path = folder / f"osm-{version}-v{CACHE_FORMAT}-{box.key}.npz"
    cached = _load(path)
    if cached is None:
        world = _world(version, folder)
        lat, lon = np.asarray(world["lat"], dtype=np.float64), np.asarray(world["lon"], dtype=np.float64)
        inside = box.contains(lat, lon)
        keep = np.flatnonzero(inside)
        edges = inside[world["u"]] & inside[world["v"]]
        cached = {"ids": keep, "lat": lat[keep], "lon": lon[keep], "u": world["u"][edges], "v": world["v"][edges],
                  "km": world["km"][edges]}
        _save(path, cached)
    ids = np.asarray(cached["ids"], dtype=np.int64)
    position = np.searchsorted(ids, np.asarray(cached["u"], dtype=np.int64))
    other = np.searchsorted(ids, np.asarray(cached["v"], dtype=np.int64))
    return RoadArrays(ids, np.asarray(cached["lat"], dtype=np.float64), np.asarray(cached["lon"], dtype=np.float64),
                      position.astype(np.int64), other.astype(np.int64), np.asarray(cached["km"], dtype=np.float64))


def join_dead_ends(network: RoadArrays, within_km: float = DEAD_END_KM) -> RoadArrays:
    """Join each dead end of a network to the nearest node it is not joined to, if one is near.

    The extract's simplification leaves some junctions apart: a road that stops a few hundred
    metres from another (the Jiangyin bridge's south carriageways end 0.35 km from the road they
    meet). A major road rarely ends in nothing, so each dead end within ``within_km`` of another
    node is joined to it by a straight edge (marked ``estimated`` in the network).

    Parameters
    ----------
    network : RoadArrays
        The roads.
    within_km : float, default :data:`DEAD_END_KM`
        How near the other node must be.

    Returns
    -------
    RoadArrays
        The same nodes; the edges, then the joins.

    Examples
    --------
    >>> roads = RoadArrays(np.arange(4), np.array([30.0, 30.0, 30.001, 30.0]),
    ...                    np.array([120.0, 120.01, 120.011, 120.02]), np.array([0, 2]), np.array([1, 3]),
    ...                    np.array([1.0, 1.0]))
    >>> joined = join_dead_ends(roads)
    >>> joined.u[2:].tolist(), joined.v[2:].tolist()
    ([1], [2])
    """
    n = len(network.ids)
    degree = np.bincount(np.r_[network.u, network.v], minlength=n)
    dead = np.flatnonzero(degree == 1)
    if not dead.size:
        return network
    xyz = _unit_vectors(network.lat, network.lon)
    distance, found = cKDTree(xyz).query(xyz[dead], k=3, distance_upper_bound=within_km / EARTH_RADIUS_KM)
    neighbour = np.full(n, -1)
    neighbour[network.u[degree[network.u] == 1]] = network.v[degree[network.u] == 1]
    neighbour[network.v[degree[network.v] == 1]] = network.u[degree[network.v] == 1]
    pairs = set()
    for end, candidates, gaps in zip(dead.tolist(), np.asarray(found).tolist(), np.asarray(distance).tolist(),
                                     strict=True):
        for other, gap in zip(candidates, gaps, strict=True):
            if np.isfinite(gap) and other != end and other != neighbour[end]:
                pairs.add((min(end, other), max(end, other)))
                break
    if not pairs:
        return network
    a, b = np.array(sorted(pairs), dtype=np.int64).T
    km = np.asarray(haversine_km(network.lat[a], network.lon[a], network.lat[b], network.lon[b]))
    return RoadArrays(network.ids, network.lat, network.lon, np.r_[network.u, a], np.r_[network.v, b],
                      np.r_[network.km, km.round(3)])


def _unit_vectors(lat: Array, lon: Array) -> Array:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


class Snapper:
    """Nearest road nodes of points, by great-circle distance (a k-d tree on unit vectors).

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The candidate nodes.
    """

    def __init__(self, lat: Array, lon: Array) -> None:
        self._tree = cKDTree(_unit_vectors(lat, lon)) if len(lat) else None

    def nearest(self, lat: Array, lon: Array) -> tuple[Ints, Array]:
        """The nearest node of each point.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.

        Returns
        -------
        tuple of numpy.ndarray
            Node positions (-1 when there are no nodes) and great-circle km.
        """
        if self._tree is None:
            return np.full(len(lat), -1, dtype=np.int64), np.full(len(lat), np.inf)
        chord, found = self._tree.query(_unit_vectors(np.asarray(lat, float), np.asarray(lon, float)))
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0, 1))
        return np.asarray(found, dtype=np.int64), np.asarray(km, dtype=np.float64)


def _adjacency(n: int, u: Ints, v: Ints, weight: Array | None = None) -> sp.csr_array:
    w = np.ones(len(u)) if weight is None else weight
    return sp.coo_array((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()


def component_labels(n: int, u: Ints, v: Ints) -> tuple[Ints, int]:
    """Connected pieces of a network.

    Parameters
    ----------
    n : int
        Nodes.
    u, v : numpy.ndarray of int
        Edge ends.

    Returns
    -------
    tuple of (numpy.ndarray, int)
        Each node's piece, and the label of the largest piece.
    """
    _, found = connected_components(_adjacency(n, u, v), directed=False)
    labels = np.asarray(found, dtype=np.int64)
    return labels, int(np.argmax(np.bincount(labels))) if n else 0


def chain_segments(n: int, u: Ints, v: Ints, pinned: NDArray[np.bool_]) -> Ints:
    """Group edges into chains between junctions.

    A node joins its two edges into one chain when exactly two edges meet there and it is not
    ``pinned`` (a place or site joins the road there); any other node ends chains.

    Parameters
    ----------
    n : int
        Nodes.
    u, v : numpy.ndarray of int
        Edge ends.
    pinned : numpy.ndarray of bool
        Nodes that end chains whatever their degree.

    Returns
    -------
    numpy.ndarray of int
        Each edge's chain, numbered from 0 in the order of each chain's first edge.
    """
    m = len(u)
    if m == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.r_[u, v]
    edge_of_end = np.r_[np.arange(m), np.arange(m)]
    degree = np.bincount(ends, minlength=n)
    inner = (degree == 2) & ~pinned
    at_inner = inner[ends]
    order = np.argsort(ends[at_inner], kind="stable")
    pairs = edge_of_end[at_inner][order].reshape(-1, 2)  # the two edges at each inner node
    joined = sp.coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(m, m))
    _, labels = connected_components(joined, directed=False)
    _, first = np.unique(labels, return_index=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(np.argsort(first))] = np.arange(len(first))
    return renumber[labels]


def unwrap_longitudes(lon: Array) -> NDArray[np.float64]:
    """Longitudes made continuous around their circular mean, so that 179.9 and -179.9 are neighbours.

    Parameters
    ----------
    lon : numpy.ndarray
        Degrees.

    Returns
    -------
    numpy.ndarray
        The same meridians, each within 180 degrees of the mean.

    Examples
    --------
    >>> unwrap_longitudes(np.array([179.9, -179.9])).round(1).tolist()
    [179.9, 180.1]
    """
    radians = np.radians(np.asarray(lon, dtype=np.float64))
    if radians.size == 0:
        return radians
    mean = np.degrees(np.arctan2(np.sin(radians).mean(), np.cos(radians).mean()))
    return np.asarray(mean + (np.degrees(radians) - mean + 180.0) % 360.0 - 180.0)


def gabriel_links(lat: Array, lon: Array) -> Ints:
    """Pairs (i, j) of a road-like graph over points: the Gabriel graph of their triangulation.

    An edge of the Delaunay triangulation stays when no other point lies in the circle on it
    as diameter. The graph is connected and planar, and drops the long hull edges a
    triangulation adds.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The points, in degrees.

    Returns
    -------
    numpy.ndarray
        ``(m, 2)`` array of point positions, one row per link.
    """
    xy = project_km(lat, unwrap_longitudes(lon))
    n = len(xy)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    try:
        simplices = Delaunay(xy).simplices
    except (QhullError, ValueError):  # fewer than 3 points, or all on one line: chain them
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        return np.column_stack([order[:-1], order[1:]]).astype(np.int64)
    pairs = np.vstack([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    middle = (xy[pairs[:, 0]] + xy[pairs[:, 1]]) / 2
    radius = np.linalg.norm(xy[pairs[:, 0]] - xy[pairs[:, 1]], axis=1) / 2
    nearest, _ = cKDTree(xy).query(middle, k=1)
    return np.asarray(pairs[nearest >= radius * (1 - 1e-9)], dtype=np.int64)


@dataclass(frozen=True)
class Roads:
    """A scenario's road network, and where its places and sites join it.

    Parameters
    ----------
    source : {"osm", "links", "inferred"}
        Where the roads come from.
    nodes : pandas.DataFrame
        Road nodes that are not places (``lat``, ``lon``), indexed by id (``osm:<number>``);
        empty when places are the road nodes (``links``, ``inferred``).
    edges : pandas.DataFrame
        Road links: ``u, v, kind, name, km, minutes, estimated`` and ``link``, the id a
        removal names: the segment (``seg:<n>``) or the link (``road:<from>-<to>``).
    joins : pandas.DataFrame
        One row per place and site (indexed by id): ``kind``, the road ``node`` it joins, the
        great-circle ``km`` to it, and ``note`` (empty, or why the join is doubtful).
    segments : pandas.DataFrame
        One row per segment id: ``km``, the ``lat``, ``lon`` of its middle, and ``near``, the
        nearest places.
    infrastructure : pandas.DataFrame
        Named infrastructure: ``name, kind, source, km`` and ``links``, the segment ids it
        covers.
    """

    source: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    joins: pd.DataFrame
    segments: pd.DataFrame
    infrastructure: pd.DataFrame

    def summary(self) -> str:
        """A few lines: where the roads come from, their size, and how far places and sites are from them.

        Returns
        -------
        str
            What ``hourcircle validate`` prints about the roads.
        """
        lines = [f"roads: {self.source}" + (f" ({OSM_ATTRIBUTION})" if self.source == "osm" else "")
                 + f", {len(self.edges)} road links, {len(self.segments)} segments"]
        if self.source == "osm":
            joined = int((self.edges["estimated"] & self.edges["link"].astype(str).str.startswith("seg:")).sum())
            lines.append(f"dead ends joined to a road within {DEAD_END_KM:g} km: {joined}")
            km = self.joins["km"]
            lines.append(f"joined to the roads: {len(km)} places and sites, median {km.median():.1f} km, "
                         f"farthest {km.max():.1f} km ({km.idxmax()})")
        if len(self.infrastructure):
            lines.append(f"named infrastructure: {len(self.infrastructure)} bridges, tunnels and corridors")
        return "\n".join(lines)

    def notes(self) -> list[str]:
        """What is doubtful about how places and sites join the roads.

        Returns
        -------
        list of str
            One line per place or site far from the main road network, or nearer a separate piece.
        """
        return [str(note) for note in self.joins["note"] if note]


def _places_and_sites(scenario: Scenario) -> tuple[pd.Index, Array, Array, list[str]]:
    places, sites = scenario.places, scenario.sites
    ids = places.index.append(sites.index)
    lat = np.r_[places["lat"].to_numpy(float), sites["lat"].to_numpy(float)]
    lon = np.r_[places["lon"].to_numpy(float), sites["lon"].to_numpy(float)]
    return ids, lat, lon, ["place"] * len(places) + ["site"] * len(sites)


def _where(scenario: Scenario, kind: str, ident: str) -> str:
    table = "places" if kind == "place" else "sites"
    row = scenario.rows.get(table, pd.Series(dtype=int)).get(ident)
    label = scenario.files.get(table, f"{table}.csv")
    return f"{label}, row {row}" if row is not None else label


def _place_roads(scenario: Scenario) -> Roads:
    """``links`` and ``inferred``: places are the road nodes; sites join their place."""
    places, sites = scenario.places, scenario.sites
    edges = link_table(scenario.links, "road")
    if scenario.roads.source == "inferred":
        pairs = gabriel_links(places["lat"].to_numpy(), places["lon"].to_numpy())
        ids = places.index.to_numpy()
        inferred = pd.DataFrame({"u": ids[pairs[:, 0]], "v": ids[pairs[:, 1]], "kind": "road", "name": "inferred",
                                 "km": np.nan, "minutes": np.nan, "estimated": True})
        edges = inferred if edges.empty else pd.concat([edges, inferred], ignore_index=True)
    edges = with_link_ids(edges)
    node = pd.Series(list(places.index) + list(sites["place_id"]), index=places.index.append(sites.index))
    joins = pd.DataFrame({"kind": ["place"] * len(places) + ["site"] * len(sites), "node": node, "km": 0.0,
                          "note": ""}, index=node.index)
    segments = pd.DataFrame({"km": edges["km"].to_numpy(float), "lat": np.nan, "lon": np.nan, "near": ""},
                            index=pd.Index(edges["link"], name="link"))
    return Roads(str(scenario.roads.source), pd.DataFrame(columns=["lat", "lon"]), edges, joins, segments,
                 _no_infrastructure())


def _no_infrastructure() -> pd.DataFrame:
    return pd.DataFrame(columns=["name", "kind", "source", "km", "links"])


def _osm_roads(scenario: Scenario) -> Roads:
    """``osm``: OpenStreetMap roads, patched; places and sites join the main network."""
    ids, lat, lon, kinds = _places_and_sites(scenario)
    box = Box.around(lat, lon, scenario.roads.margin_km)
    arrays = osm_roads(box)
    if len(arrays.ids) == 0 or len(arrays.u) == 0:
        raise InputError([Problem(scenario.files.get("scenario", "scenario.toml"),
                                  f"no OpenStreetMap roads within the scenario's area ({box.south:g}..{box.north:g} N, "
                                  f"{box.west:g}..{box.east:g} E); check the places' coordinates, or use "
                                  "[roads] source = 'links' or 'inferred'", key="roads.source")])
    given = len(arrays.u)
    arrays = join_dead_ends(arrays)
    node_ids = pd.Index([f"osm:{i}" for i in arrays.ids.tolist()])
    first, first_km = Snapper(arrays.lat, arrays.lon).nearest(lat, lon)
    patches = link_table(scenario.links, "road")
    where = pd.Series(first, index=ids)
    u, v = arrays.u, arrays.v
    if len(patches):
        u = np.r_[u, where[patches["u"]].to_numpy()]
        v = np.r_[v, where[patches["v"]].to_numpy()]
    labels, largest = component_labels(len(node_ids), u, v)
    main = labels == largest
    inside = np.flatnonzero(main)
    found, found_km = Snapper(arrays.lat[main], arrays.lon[main]).nearest(lat, lon)
    node = inside[found]
    notes = []
    for ident, kind, km_main, km_any, own in zip(ids, kinds, found_km, first_km, first, strict=True):
        place = _where(scenario, kind, ident)
        if km_main > FAR_FROM_ROAD_KM and km_any + 1e-9 < km_main:
            notes.append(f"{place}: {ident} is {km_main:.1f} km from the main road network; the road {km_any:.1f} km "
                         f"away lies on a separate piece of {int((labels == labels[own]).sum())} nodes")
        elif km_main > FAR_FROM_ROAD_KM:
            notes.append(f"{place}: {ident} is {km_main:.1f} km from the nearest road")
        else:
            notes.append("")
    joins = pd.DataFrame({"kind": kinds, "node": node_ids[node], "km": found_km, "note": notes}, index=ids)
    pinned = np.zeros(len(node_ids), dtype=bool)
    pinned[node] = True
    pinned[np.r_[where[patches["u"]].to_numpy(), where[patches["v"]].to_numpy()].astype(np.int64)] = True
    segment = chain_segments(len(node_ids), arrays.u, arrays.v, pinned)
    road = pd.DataFrame({"u": node_ids[arrays.u], "v": node_ids[arrays.v], "kind": "road", "name": None,
                         "km": arrays.km, "minutes": np.nan, "estimated": np.arange(len(arrays.u)) >= given,
                         "link": [f"seg:{k}" for k in segment.tolist()]})
    patched = with_link_ids(patches).assign(u=node_ids[where[patches["u"]].to_numpy()],
                                            v=node_ids[where[patches["v"]].to_numpy()])
    edges = pd.concat([road, patched], ignore_index=True) if len(patched) else road
    nodes = pd.DataFrame({"lat": arrays.lat, "lon": arrays.lon}, index=node_ids)
    segments = _segment_table(scenario, arrays, segment)
    patch_km = np.asarray(haversine_km(arrays.lat[u[len(arrays.u):]], arrays.lon[u[len(arrays.u):]],
                                       arrays.lat[v[len(arrays.u):]], arrays.lon[v[len(arrays.u):]]))
    patched_network = RoadArrays(arrays.ids, arrays.lat, arrays.lon, u, v,
                                 np.r_[arrays.km, patches["km"].to_numpy(float).copy()])
    patched_network.km[len(arrays.u):] = np.where(np.isnan(patched_network.km[len(arrays.u):]),
                                                  patch_km * scenario.travel.car.detour,
                                                  patched_network.km[len(arrays.u):])
    infrastructure = _match_infrastructure(scenario, patched_network, edges["link"].to_numpy(dtype=str), main)
    edges["name"] = _names(edges["link"], infrastructure).where(edges["name"].isna(), edges["name"])
    return Roads("osm", nodes, edges, joins, segments, infrastructure)


def _names(links: pd.Series, infrastructure: pd.DataFrame) -> pd.Series:
    """Each edge's name: the shortest named infrastructure covering its segment, else none.

    Bridges so win over the corridors they lie on.
    """
    named: dict[str, str] = {}
    longest_first = infrastructure.sort_values("km", ascending=False)
    for name, covered in zip(longest_first["name"], longest_first["links"], strict=True):
        named |= dict.fromkeys(covered, str(name))
    return links.map(named)


def _segment_table(scenario: Scenario, arrays: RoadArrays, segment: Ints) -> pd.DataFrame:
    """Each segment's km, middle and nearest places."""
    count = int(segment.max()) + 1 if len(segment) else 0
    km = np.bincount(segment, weights=arrays.km, minlength=count)
    middle_lat = np.bincount(segment, weights=(arrays.lat[arrays.u] + arrays.lat[arrays.v]) / 2, minlength=count)
    middle_lon = np.bincount(segment, weights=(arrays.lon[arrays.u] + arrays.lon[arrays.v]) / 2, minlength=count)
    edges = np.maximum(np.bincount(segment, minlength=count), 1)
    lat, lon = middle_lat / edges, middle_lon / edges
    places = scenario.places
    k = min(2, len(places))
    names = places["name"].astype(str).to_numpy()
    labels = np.full(count, "", dtype=object)
    if k and count:
        tree = cKDTree(_unit_vectors(places["lat"].to_numpy(float), places["lon"].to_numpy(float)))
        which = np.asarray(tree.query(_unit_vectors(lat, lon), k=k)[1]).reshape(count, k)
        first, second = pd.Series(names[which[:, 0]]), pd.Series(names[which[:, -1]])
        labels = first.where(first == second, first + " / " + second).to_numpy(dtype=object)
    return pd.DataFrame({"km": km, "lat": lat.round(4), "lon": lon.round(4), "near": labels},
                        index=pd.Index([f"seg:{i}" for i in range(count)], name="link"))


def _match_infrastructure(scenario: Scenario, network: RoadArrays, links: NDArray[np.str_],
                          main: NDArray[np.bool_]) -> pd.DataFrame:
    """Each infrastructure row's links: those on the shortest road path between its two ends.

    ``network`` is the road network with its patches; ``links`` the link id of each of its edges.
    """
    table = scenario.infrastructure
    if table is None or table.empty:
        return _no_infrastructure()
    label = scenario.files.get("infrastructure", "infrastructure.csv")
    inside = np.flatnonzero(main)
    snapper = Snapper(network.lat[main], network.lon[main])
    end1, km1 = snapper.nearest(table["lat1"].to_numpy(float), table["lon1"].to_numpy(float))
    end2, km2 = snapper.nearest(table["lat2"].to_numpy(float), table["lon2"].to_numpy(float))
    graph = _adjacency(len(network.ids), network.u, network.v, network.km)
    edge_of = _edge_lookup(network)
    problems, rows = [], []
    names, numbers = table["name"].astype(str).tolist(), table["row"].astype(int).tolist()
    for i, (name, number) in enumerate(zip(names, numbers, strict=True)):
        far = [(end, km) for end, km in (("lat1", km1[i]), ("lat2", km2[i])) if km > INFRASTRUCTURE_END_KM]
        if far:
            problems += [Problem(label, f"{name!r}: this end is {km:.1f} km from the nearest road (at most "
                                        f"{INFRASTRUCTURE_END_KM:g} km); is it in the sea, or are lat and lon swapped?",
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
    return pd.DataFrame(rows, columns=["name", "kind", "source", "km", "links"])


def _alongside(network: RoadArrays, a: int, b: int) -> Ints:
    """Edges lying along the straight line between nodes ``a`` and ``b``.

    Both ends within :data:`ALONGSIDE_KM` of it, between its ends: a parallel carriageway of a
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
    near = (share >= -0.05) & (share <= 1.05) & (offset <= ALONGSIDE_KM)
    return np.asarray(edges[near[: len(edges)] & near[len(edges):]], dtype=np.int64)


def _edge_lookup(network: RoadArrays) -> Callable[[Ints], Ints]:
    """A function from a node path to the positions of the (shortest) edges along it."""
    n = len(network.ids)
    key = np.minimum(network.u, network.v) * n + np.maximum(network.u, network.v)
    order = np.lexsort((network.km, key))

    def edges(path: Ints) -> Ints:
        hops = np.minimum(path[:-1], path[1:]) * n + np.maximum(path[:-1], path[1:])
        return np.asarray(order[np.searchsorted(key[order], hops)], dtype=np.int64)

    return edges


def build_roads(scenario: Scenario) -> Roads:
    """The road network of a scenario, from its ``[roads] source``.

    Parameters
    ----------
    scenario : Scenario
        Places, sites, links, infrastructure and the roads settings.

    Returns
    -------
    Roads
        The network and how places and sites join it.

    Raises
    ------
    InputError
        If there are no roads in the scenario's area, or an infrastructure row's ends are far
        from any road or not joined by one.
    """
    if scenario.roads.source == "osm":
        return _osm_roads(scenario)
    return _place_roads(scenario)
