r"""The shape of a road network: dead ends joined, connected pieces, chains between junctions, links inferred.

Road edges are grouped into *segments*: chains between junctions (a node where three roads
meet, a dead end, or a node a place or site joins). Closing any edge of a chain closes the
chain, so segments are what a disruption removes.

Examples
--------
>>> u, v = np.array([0, 1]), np.array([1, 2])
>>> chain_segments(3, u, v, pinned=np.zeros(3, dtype=bool)).tolist()  # one chain: 0 - 1 - 2
[0, 0]
>>> labels, largest = component_labels(4, u, v)  # node 3 stands alone
>>> labels.tolist(), largest
([0, 0, 0, 1], 0)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from hourcircle import config
from hourcircle.geo import EARTH_RADIUS_KM, haversine_km, project_km
from hourcircle.roads.arrays import Array, Ints, RoadArrays, unit_vectors, unwrap_longitudes


def join_dead_ends(network: RoadArrays, within_km: float | None = None) -> RoadArrays:
    """Join each dead end of a network to the nearest node it is not joined to, if one is near.

    The extract's simplification leaves some junctions apart: a road that stops a few hundred
    metres from another (the Jiangyin bridge's south carriageways end 0.35 km from the road they
    meet). A major road rarely ends in nothing, so each dead end within ``within_km`` of another
    node is joined to it by a straight edge (marked ``estimated`` in the network).

    Parameters
    ----------
    network : RoadArrays
        The roads.
    within_km : float, optional
        How near the other node must be (default: :data:`hourcircle.config.dead_end_km`).

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
    within_km = config.dead_end_km if within_km is None else within_km
    n = len(network.ids)
    degree = np.bincount(np.r_[network.u, network.v], minlength=n)
    dead = np.flatnonzero(degree == 1)
    if not dead.size:
        return network
    from scipy.spatial import cKDTree  # here, as everywhere: scipy.spatial is slow to import

    xyz = unit_vectors(network.lat, network.lon)
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


def adjacency(n: int, u: Ints, v: Ints, weight: Array | None = None) -> sp.csr_array:
    """A network as a symmetric sparse matrix, each edge both ways.

    Parameters
    ----------
    n : int
        Nodes.
    u, v : numpy.ndarray of int
        Edge ends.
    weight : numpy.ndarray, optional
        Each edge's weight (default: 1); parallel edges add up.

    Returns
    -------
    scipy.sparse.csr_array
        ``n`` by ``n``.

    Examples
    --------
    >>> adjacency(3, np.array([0, 1]), np.array([1, 2]), np.array([1.5, 2.0])).toarray().tolist()
    [[0.0, 1.5, 0.0], [1.5, 0.0, 2.0], [0.0, 2.0, 0.0]]
    """
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
    _, found = connected_components(adjacency(n, u, v), directed=False)
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
    from scipy.spatial import Delaunay, QhullError, cKDTree

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
