"""Shortest travel minutes in compiled code (``scipy.sparse.csgraph``).

An :class:`Engine` is built from edge arrays (tails, heads, minutes), so networks of
millions of edges never pass through Python objects (the networkx model of a network,
:attr:`hourcircle.network.TravelNetwork.graph`, is for inspection). Unreachable nodes get ``inf``.

Examples
--------
>>> import numpy as np
>>> e = Engine(np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([10.0, 10.0, 30.0]), 3)
>>> e.minutes_from(0).tolist()
[0.0, 10.0, 20.0]
>>> e.minutes_from(0, cutoff=15).tolist()
[0.0, 10.0, inf]
>>> e.route(0, 2)
(20.0, [0, 1, 2])
>>> minutes, nearest = e.nearest([2])
>>> minutes.tolist(), nearest.tolist()
([20.0, 10.0, 0.0], [2, 2, 2])
"""

from __future__ import annotations

import copy
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components, dijkstra, reverse_cuthill_mckee

from hourcircle.memory import ensure_fits

Indices = ArrayLike


def _csr(tails: NDArray[np.int64], heads: NDArray[np.int64], minutes: NDArray[np.float64],
         n_nodes: int) -> sp.csr_array:
    """CSR adjacency keeping the fastest of parallel edges (explicit zeros stay edges)."""
    shape = (n_nodes, n_nodes)
    if sp.coo_array((np.ones(len(tails)), (tails, heads)), shape=shape).tocsr().nnz == len(tails):
        return sp.coo_array((minutes, (tails, heads)), shape=shape).tocsr()  # no parallel edges
    key = tails * n_nodes + heads
    order = np.argsort(key, kind="stable")
    key, minutes = key[order], minutes[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    unique = key[starts]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(unique // n_nodes, minlength=n_nodes), out=indptr[1:])
    return sp.csr_array((np.minimum.reduceat(minutes, starts), unique % n_nodes, indptr), shape=shape)


def _compact(matrix: sp.csr_array) -> sp.csr_array:
    """The same matrix with int32 index arrays where they fit (csgraph casts to them on every search otherwise)."""
    if max(matrix.shape[0], matrix.nnz) >= np.iinfo(np.int32).max:
        return matrix
    return sp.csr_array((matrix.data, matrix.indices.astype(np.int32), matrix.indptr.astype(np.int32)),
                        shape=matrix.shape)


def _limit(cutoff: float | None) -> float:
    return np.inf if cutoff is None else float(cutoff)


def path_sums(before: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum a value along every node's path back to the root of shortest-path trees.

    ``values[..., v]`` belongs to the edge into ``v`` from its predecessor ``before[..., v]``
    (-1: a root, or not reached). Pointer doubling: each round adds the sum up to the
    current ancestor and jumps to that ancestor's ancestor, so a tree of depth ``d`` takes
    ``log2(d)`` vectorised rounds, with no loop over nodes.

    Parameters
    ----------
    before : numpy.ndarray of int
        Predecessors (see :meth:`Engine.trees`), trees (rows) by nodes.
    values : numpy.ndarray
        Same shape: the value of each node's incoming tree edge.

    Returns
    -------
    numpy.ndarray
        The sum of the values on each node's path from its root (0 at roots and unreached nodes).

    Examples
    --------
    >>> path_sums(np.array([[-1, 0, 1, 2]]), np.array([[0.0, 1.0, 10.0, 100.0]])).tolist()
    [[0.0, 1.0, 11.0, 111.0]]
    """
    up = np.atleast_2d(np.asarray(before, dtype=np.int64)).copy()
    total = np.where(up >= 0, np.atleast_2d(values), 0.0).astype(np.float64)
    rows = np.arange(up.shape[0])[:, None]
    while (up >= 0).any():
        has = up >= 0
        ancestor = np.maximum(up, 0)
        total = total + np.where(has, total[rows, ancestor], 0.0)
        up = np.where(has, up[rows, ancestor], -1)
    return total


class Engine:
    """Shortest-time queries over ``n_nodes`` nodes numbered ``0 .. n_nodes - 1``.

    With ``directed=False`` every edge runs both ways (stored as a symmetric matrix, which
    ``csgraph`` searches fastest). Internally the nodes are renumbered in reverse
    Cuthill-McKee order, so that neighbours sit close in memory (15-20% faster searches on
    large networks); every argument and result uses the caller's numbering.

    Parameters
    ----------
    tails, heads : array_like of int
        The two ends of each edge.
    minutes : array_like of float
        Each edge's minutes (finite, not negative); the fastest of parallel edges counts.
    n_nodes : int
        How many nodes.
    directed : bool, default False
        Whether edges run only from tail to head.
    reorder : bool, default True
        Renumber nodes internally for memory locality.

    Raises
    ------
    ValueError
        For arrays of different lengths, bad minutes, or nodes out of range.
    """

    def __init__(self, tails: ArrayLike, heads: ArrayLike, minutes: ArrayLike, n_nodes: int,
                 *, directed: bool = False, reorder: bool = True) -> None:
        t = np.asarray(tails, dtype=np.int64)
        h = np.asarray(heads, dtype=np.int64)
        w = np.asarray(minutes, dtype=np.float64)
        if not (t.shape == h.shape == w.shape and t.ndim == 1):
            raise ValueError("tails, heads and minutes must be 1-d arrays of one length")
        if len(w) and (not np.all(np.isfinite(w)) or w.min() < 0):
            raise ValueError("edge minutes must be finite and not negative")
        if len(t) and (min(t.min(), h.min()) < 0 or max(t.max(), h.max()) >= n_nodes):
            raise ValueError("an edge names a node outside 0 .. n_nodes - 1")
        if not directed:
            t, h, w = np.concatenate([t, h]), np.concatenate([h, t]), np.concatenate([w, w])
        self.n_nodes = int(n_nodes)
        self.directed = directed
        matrix = _csr(t, h, w, self.n_nodes)
        # order[k] is the caller's node at internal position k; rank is its inverse.
        self._order = np.arange(self.n_nodes)
        if reorder and self.n_nodes > 1:
            self._order = reverse_cuthill_mckee(matrix, symmetric_mode=not directed).astype(np.int64)
            matrix = matrix[self._order][:, self._order]
        matrix.sort_indices()  # with_minutes finds entries by binary search
        matrix = _compact(matrix)
        self._rank = np.empty_like(self._order)
        self._rank[self._order] = np.arange(self.n_nodes)
        self.matrix: sp.csr_array = matrix
        self._reverse: sp.csr_array | None = None if directed else self.matrix

    @property
    def reverse(self) -> sp.csr_array:
        """The transposed matrix (travel *toward* nodes), built once when first needed."""
        if self._reverse is None:
            self._reverse = _compact(self.matrix.T.tocsr())
        return self._reverse

    def with_minutes(self, tails: Indices, heads: Indices, minutes: ArrayLike) -> Engine:
        """A copy in which existing edges take new minutes.

        Only the weights array is copied, so trying one change after another is cheap.

        Parameters
        ----------
        tails, heads : array_like of int
            Edges the engine has.
        minutes : array_like of float
            Their new minutes (``inf`` removes an edge).

        Returns
        -------
        Engine
            The changed copy; this engine is unchanged.

        Raises
        ------
        ValueError
            If an edge is not in the engine.

        Examples
        --------
        >>> e = Engine(np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([10.0, 10.0, 30.0]), 3)
        >>> e.with_minutes([1], [2], [np.inf]).minutes_from(0).tolist()
        [0.0, 10.0, 30.0]
        """
        rows, cols = self._inside(tails), self._inside(heads)
        values = np.broadcast_to(np.asarray(minutes, dtype=np.float64), rows.shape)
        if not self.directed:
            rows, cols, values = np.r_[rows, cols], np.r_[cols, rows], np.r_[values, values]
        keys = self._entry_keys
        wanted = rows * self.n_nodes + cols
        where = np.searchsorted(keys, wanted)
        if np.any(where >= len(keys)) or np.any(keys[np.minimum(where, len(keys) - 1)] != wanted):
            raise ValueError("with_minutes can only change edges the engine has")
        data = self.matrix.data.copy()
        data[where] = values
        changed = copy.copy(self)
        changed.matrix = sp.csr_array((data, self.matrix.indices, self.matrix.indptr), shape=self.matrix.shape)
        changed._reverse = None if self.directed else changed.matrix
        return changed

    def adjacency(self) -> sp.csr_array:
        """The matrix of edge minutes in the caller's numbering, for algorithms of their own.

        Returns
        -------
        scipy.sparse.csr_array
            Nodes by nodes, indices sorted; an undirected engine's is symmetric.

        Examples
        --------
        >>> Engine(np.array([0]), np.array([1]), np.array([5.0]), 2).adjacency().toarray().tolist()
        [[0.0, 5.0], [5.0, 0.0]]
        """
        matrix = sp.csr_array(self.matrix[self._rank][:, self._rank])
        matrix.sort_indices()
        return matrix

    @cached_property
    def _entry_keys(self) -> NDArray[np.int64]:
        """``row * n_nodes + column`` of every stored entry, ascending (the matrix is sorted)."""
        n = self.n_nodes
        return np.repeat(np.arange(n, dtype=np.int64), np.diff(self.matrix.indptr)) * n + self.matrix.indices

    def minutes_from_many(self, origins: Indices, cutoff: float | None = None) -> NDArray[np.float64]:
        """Minutes from several origins to every node, in one call.

        Parameters
        ----------
        origins : array_like of int
            Node numbers.
        cutoff : float, optional
            Search no farther.

        Returns
        -------
        numpy.ndarray
            Origins (rows) by nodes (columns); ``inf`` beyond the cutoff or unreachable.
        """
        org = self._inside(origins)
        if org.size == 0:
            return np.empty((0, self.n_nodes))
        found = np.atleast_2d(dijkstra(self.matrix, directed=True, indices=org, limit=_limit(cutoff)))
        return np.asarray(found[:, self._rank])

    def trees(self, origins: Indices, cutoff: float | None = None) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Shortest-path trees from several origins.

        Parameters
        ----------
        origins : array_like of int
            Node numbers.
        cutoff : float, optional
            Search no farther.

        Returns
        -------
        tuple of numpy.ndarray
            Minutes, and each node's predecessor on its fastest route from the origin (-1 for
            the origin and for nodes not reached); origins (rows) by nodes (columns).

        Examples
        --------
        >>> e = Engine(np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([10.0, 10.0, 30.0]), 3)
        >>> minutes, before = e.trees([0])
        >>> minutes.tolist(), before.tolist()
        ([[0.0, 10.0, 20.0]], [[-1, 0, 1]])
        """
        org = self._inside(origins)
        if org.size == 0:
            return np.empty((0, self.n_nodes)), np.empty((0, self.n_nodes), dtype=np.int64)
        ensure_fits(24.0 * len(org) * self.n_nodes, f"shortest-path trees from {len(org):,} origins")
        found, before = dijkstra(self.matrix, directed=True, indices=org, limit=_limit(cutoff),
                                 return_predecessors=True)
        inner = np.atleast_2d(before)[:, self._rank].astype(np.int64)
        return (np.asarray(np.atleast_2d(found)[:, self._rank]),
                np.where(inner < 0, -1, self._order[np.maximum(inner, 0)]))

    def components(self) -> NDArray[np.int64]:
        """Each node's connected component (a label; closed edges join nothing).

        Returns
        -------
        numpy.ndarray of int
            One label per node; two nodes share a label when some route joins them.

        Examples
        --------
        >>> e = Engine(np.array([0, 2]), np.array([1, 3]), np.array([5.0, 5.0]), 4)
        >>> labels = e.components()
        >>> bool(labels[0] == labels[1]), bool(labels[1] == labels[2])
        (True, False)
        """
        open_ = np.isfinite(self.matrix.data).astype(np.int8)
        graph = sp.csr_array((open_, self.matrix.indices.copy(), self.matrix.indptr.copy()), shape=self.matrix.shape)
        graph.eliminate_zeros()  # in place: on copies, as engines share their structure
        _, labels = connected_components(graph, directed=self.directed, connection="weak")
        return np.asarray(labels, dtype=np.int64)[self._rank]

    def _inside(self, nodes: Indices) -> NDArray[np.int64]:
        return self._rank[np.asarray(nodes, dtype=np.int64)]

    def minutes_from(self, origin: int, cutoff: float | None = None) -> NDArray[np.float64]:
        """Minutes from one origin to every node.

        Parameters
        ----------
        origin : int
            A node number.
        cutoff : float, optional
            Search no farther.

        Returns
        -------
        numpy.ndarray
            One value per node; ``inf`` beyond the cutoff or unreachable.
        """
        found = dijkstra(self.matrix, directed=True, indices=self._inside([origin]), limit=_limit(cutoff))
        return np.asarray(found[0][self._rank])

    def route(self, origin: int, destination: int) -> tuple[float, list[int]] | None:
        """A fastest route.

        Parameters
        ----------
        origin, destination : int
            Node numbers.

        Returns
        -------
        tuple of (float, list of int) or None
            Minutes and nodes (origin first); ``None`` if there is no route.
        """
        start, end = (int(k) for k in self._inside([origin, destination]))
        found = dijkstra(self.matrix, directed=True, indices=[start], return_predecessors=True)
        dist, pred = found[0][0], found[1][0]
        if not np.isfinite(dist[end]):
            return None
        path = [end]
        while path[-1] != start:
            path.append(int(pred[path[-1]]))
        return float(dist[end]), [int(self._order[k]) for k in reversed(path)]

    def nearest(self, sources: Indices, cutoff: float | None = None
                ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """For every node, minutes to the nearest of several sources, and which one.

        One multi-source search, whatever the number of sources.

        Parameters
        ----------
        sources : array_like of int
            Node numbers.
        cutoff : float, optional
            Search no farther.

        Returns
        -------
        tuple of numpy.ndarray
            Minutes (``inf``: none within the cutoff) and the nearest source (-1: none).
        """
        src = np.asarray(sources, dtype=np.int64)
        if src.size == 0:
            return np.full(self.n_nodes, np.inf), np.full(self.n_nodes, -1, dtype=np.int64)
        dist, _, nearest = dijkstra(self.reverse, directed=True, indices=self._inside(src), min_only=True,
                                    limit=_limit(cutoff), return_predecessors=True)
        inner = np.asarray(nearest, dtype=np.int64)[self._rank]
        return np.asarray(dist)[self._rank], np.where(inner < 0, -1, self._order[np.maximum(inner, 0)])

    def matrix_minutes(self, origins: Indices, destinations: Indices | None = None,
                       cutoff: float | None = None, batch: int = 16) -> NDArray[np.float64]:
        """Minutes from origins to destinations, searched in batches of origins.

        Parameters
        ----------
        origins : array_like of int
            Node numbers (rows).
        destinations : array_like of int, optional
            Node numbers (columns; default: every node).
        cutoff : float, optional
            Search no farther.
        batch : int, default 16
            Origins per search, which bounds memory (small batches search fastest: their
            results stay in the processor's cache).

        Returns
        -------
        numpy.ndarray
            Origins by destinations; ``inf`` beyond the cutoff or unreachable.
        """
        org = self._inside(origins)
        columns = self._rank if destinations is None else self._inside(destinations)
        ensure_fits(8.0 * len(org) * len(columns) + 8.0 * min(batch, len(org)) * self.n_nodes,
                    f"a matrix of minutes from {len(org):,} origins to {len(columns):,} destinations")
        out = np.empty((len(org), len(columns)))
        for start in range(0, len(org), batch):
            part = np.atleast_2d(dijkstra(self.matrix, directed=True, indices=org[start:start + batch],
                                          limit=_limit(cutoff)))
            out[start:start + batch] = part[:, columns]
        return out
