"""Shortest-path trees searched again only where slower or closed edges cut them.

When edges get slower (or close), a node's fastest minutes from an origin can change only if
its path in the origin's shortest-path tree crosses one of them: the nodes of the subtrees below
those edges. A :class:`Forest` keeps the trees of some origins, each in depth-first order, where
a subtree is one contiguous range; for a change it searches again only those subtrees, seeded
from the nodes around them with their known minutes (one virtual source on a small graph, as
``scipy.sparse.csgraph.dijkstra`` takes no starting minutes). The answers are the same floats a
search of the whole changed network gives: every minute is still summed from the origin out.

Examples
--------
>>> import numpy as np
>>> from hourcircle.engine import Engine
>>> engine = Engine(np.array([0, 1, 0, 2]), np.array([1, 2, 2, 3]), np.array([10.0, 10.0, 30.0, 5.0]), 4)
>>> forest = Forest(engine, [0])
>>> closed = forest.change([1], [2], [np.inf])  # close the edge 1-2: 2 and 3 now go by 0-2
>>> forest.minutes(0, closed, np.arange(4)).tolist()
[0.0, 10.0, 30.0, 35.0]
>>> forest.minutes(0, closed, np.arange(4), limit=32).tolist()
[0.0, 10.0, 30.0, inf]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import depth_first_order, dijkstra

from hourcircle.engine import Engine

SHARE = 0.5  # a cut part larger than this share of what a search reaches: search the whole network


class Change(NamedTuple):
    """Edges made slower: entries of a :class:`Forest`'s matrix and their new minutes.

    Parameters
    ----------
    entries : numpy.ndarray of int
        Positions in the matrix's data, ascending (both directions of every edge).
    minutes : numpy.ndarray of float
        The new minutes of each (``inf``: closed).
    tails, heads : numpy.ndarray of int
        The nodes each entry joins.
    """

    entries: NDArray[np.int64]
    minutes: NDArray[np.float64]
    tails: NDArray[np.int64]
    heads: NDArray[np.int64]


def _block_end(depth: NDArray[np.int32], start: int) -> int:
    """The end of the subtree that starts at ``start`` of a depth-first order (``depth``: by position).

    The first position after it no deeper than its root; looked for in growing steps, so a
    small subtree costs little.
    """
    root, low, step = depth[start], start + 1, 64
    while low < len(depth):
        high = min(low + step, len(depth))
        after = np.flatnonzero(depth[low:high] <= root)
        if after.size:
            return low + int(after[0])
        low, step = high, step * 4
    return len(depth)


def _depths(parent: NDArray[np.int32]) -> NDArray[np.int32]:
    """Each node's depth in a tree given in depth-first order (``parent``: the parent's place; the root's: 0).

    Pointer doubling: ``log2(depth)`` vectorised rounds.

    >>> _depths(np.array([0, 0, 1, 0], dtype=np.int32)).tolist()
    [0, 1, 2, 1]
    """
    depth = np.ones(len(parent), dtype=np.int32)
    if len(parent):
        depth[0] = 0
    up = parent.copy()  # each place's farthest ancestor found so far; the root's depth, 0, adds nothing
    while True:
        above = depth[up]
        if not above.any():
            return depth
        depth += above
        up = up[up]


class Forest:
    """Shortest-path trees from some origins over an undirected engine, for searching again after a change.

    Parameters
    ----------
    engine : Engine
        An undirected engine.
    origins : array_like of int
        Node numbers.
    dist, before : numpy.ndarray, optional
        The engine's :meth:`~hourcircle.engine.Engine.trees` from the origins, when already
        searched.
    reach : array_like of float, optional
        The limits most searches from each origin will have (one per origin, or a row of
        ascending limits per origin): each tree is also kept cut at each, so that searching
        within one never walks the nodes beyond.

    Raises
    ------
    ValueError
        For a directed engine.
    """

    def __init__(self, engine: Engine, origins: ArrayLike, dist: NDArray[np.float64] | None = None,
                 before: NDArray[np.int64] | None = None, reach: ArrayLike | None = None) -> None:
        if engine.directed:
            raise ValueError("a Forest needs an undirected engine")
        self.origins = np.asarray(origins, dtype=np.int64).reshape(-1)
        if dist is None or before is None:
            dist, before = engine.trees(self.origins)
        small = engine.n_nodes < np.iinfo(np.int32).max  # then predecessors fit in half the memory
        self.dist, self.before = dist, before.astype(np.int32 if small else np.int64)
        self.matrix = engine.adjacency()
        n = self.n_nodes = engine.n_nodes
        self._keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.matrix.indptr)) * n + self.matrix.indices
        self._reaches = np.full((len(self.origins), 1), np.inf) if reach is None else np.c_[reach, np.full(
            len(self.origins), np.inf)]
        self._trees: dict[tuple[int, int], tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int32]]] = {}
        self._reached: dict[tuple[int, float], int] = {}
        self._local = np.zeros(n, dtype=np.int64)  # scratch: the cut nodes' numbers in a search

    def _tree(self, k: int, bound: float) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int32]]:
        """Origin ``k``'s tree cut at the first reach not below ``bound``, in depth-first order.

        Its nodes, each node's place (-1: not in it), and the depth at each place; built on first use.
        """
        which = int(np.searchsorted(self._reaches[k], bound))
        if (k, which) not in self._trees:
            n, before = self.n_nodes, self.before[k]
            reached = np.flatnonzero((before >= 0) & (self.dist[k] <= self._reaches[k][which]))
            children = sp.csr_array((np.ones(len(reached)), (before[reached], reached)), shape=(n, n))
            order = np.asarray(depth_first_order(children, int(self.origins[k]), directed=True,
                                                 return_predecessors=False), dtype=np.int32)
            position = np.full(n, -1, dtype=np.int32)
            position[order] = np.arange(len(order), dtype=np.int32)
            parent = np.where(before[order] >= 0, position[np.maximum(before[order], 0)], 0).astype(np.int32)
            self._trees[(k, which)] = (order, position, _depths(parent))
        return self._trees[(k, which)]

    def change(self, tails: ArrayLike, heads: ArrayLike, minutes: ArrayLike) -> Change:
        """Edges made slower, as :meth:`minutes` takes them (as :meth:`Engine.with_minutes` would change them).

        Parameters
        ----------
        tails, heads : array_like of int
            Edges the engine has (either way round).
        minutes : array_like of float
            Their new minutes, not below the old (``inf`` closes an edge).

        Returns
        -------
        Change
            The entries whose minutes grow.

        Raises
        ------
        ValueError
            If an edge is not in the engine, or would get faster.
        """
        t, h = np.asarray(tails, dtype=np.int64), np.asarray(heads, dtype=np.int64)
        values = np.broadcast_to(np.asarray(minutes, dtype=np.float64), t.shape)
        t, h, values = np.concatenate([t, h]), np.concatenate([h, t]), np.concatenate([values, values])
        wanted = t * self.n_nodes + h
        where = np.searchsorted(self._keys, wanted)
        if np.any(where >= len(self._keys)) or np.any(self._keys[np.minimum(where, len(self._keys) - 1)] != wanted):
            raise ValueError("a change can only name edges the engine has")
        if np.any(values < self.matrix.data[where]):
            raise ValueError("a change can only make edges slower")
        entries, last = np.unique(where[::-1], return_index=True)  # the last value given for an entry counts
        values, t, h = values[::-1][last], t[::-1][last], h[::-1][last]
        slower = values > self.matrix.data[entries]
        return Change(entries[slower], values[slower], t[slower], h[slower])

    def minutes(self, k: int, change: Change, targets: NDArray[np.int64], limit: float | None = None,
                *, share: float | None = None) -> NDArray[np.float64] | None:
        """Minutes from origin ``k`` to the targets after a change, searching only what it cuts.

        Parameters
        ----------
        k : int
            The origin's row (in :attr:`origins`).
        change : Change
            See :meth:`change`.
        targets : numpy.ndarray of int
            Node numbers.
        limit : float, optional
            Search no farther (``inf`` beyond, as :meth:`Engine.minutes_from` with a cutoff).
        share : float, optional
            Give up (``None``) when the part to search again holds more than this share of
            the nodes within the limit (searching the whole network is then about as fast).

        Returns
        -------
        numpy.ndarray or None
            One value per target; ``None`` when given up.
        """
        bound = np.inf if limit is None else float(limit)
        dist = self.dist[k]
        found = np.where(dist[targets] <= bound, dist[targets], np.inf)
        cut = change.heads[self.before[k][change.heads] == change.tails]  # tree edges the change slows
        if not cut.size:
            return found
        order, position, depth = self._tree(k, bound)
        blocks: list[tuple[int, int]] = []  # subtrees nest or are apart: keep the outermost
        for start in np.unique(position[cut]).tolist():  # -1: cut beyond the bound
            if start < 0:
                continue
            if not blocks or start >= blocks[-1][1]:
                blocks.append((start, _block_end(depth, start)))
        if not blocks:
            return found
        affected = np.concatenate([order[start:end] for start, end in blocks])
        near = affected[dist[affected] <= bound]
        if share is not None and near.size > share * self._within(k, bound):
            return None
        firsts, lasts = np.array(blocks).T

        def inside(nodes: NDArray[np.int64]) -> NDArray[np.bool_]:
            where = position[nodes]  # -1 beyond the tree's bound: minutes there only count beyond the bound too
            if len(blocks) == 1:
                return (where >= blocks[0][0]) & (where < blocks[0][1])
            block = np.maximum(np.searchsorted(firsts, where, side="right") - 1, 0)
            within: NDArray[np.bool_] = (where >= firsts[block]) & (where < lasts[block])
            return within

        hit = inside(targets)
        found[hit] = np.inf
        again = hit & (dist[targets] <= bound)
        if near.size:
            local = self._local  # only the entries of ``near`` are written and read
            local[near] = np.arange(len(near))
            found[again] = self._search(dist, near, local, inside, change, bound)[local[targets[again]]]
        return found

    def _within(self, k: int, bound: float) -> int:
        """How many nodes origin ``k`` reaches within ``bound`` (counted once per bound)."""
        if (k, bound) not in self._reached:
            self._reached[(k, bound)] = int(np.count_nonzero(self.dist[k] <= bound))
        return self._reached[(k, bound)]

    def _search(self, dist: NDArray[np.float64], near: NDArray[np.int64], local: NDArray[np.int64],
                inside: Callable[[NDArray[np.int64]], NDArray[np.bool_]], change: Change,
                bound: float) -> NDArray[np.float64]:
        """New minutes of the cut nodes within the bound (``near``, numbered ``local``) from the nodes around them."""
        indptr, indices = self.matrix.indptr, self.matrix.indices
        starts = indptr[near].astype(np.int64)
        counts = indptr[near + 1] - starts
        entry = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        source = np.repeat(np.arange(len(near)), counts)
        other = indices[entry].astype(np.int64)
        weight = self.matrix.data[entry]
        if change.entries.size:
            j = np.minimum(np.searchsorted(change.entries, entry), len(change.entries) - 1)
            changed = change.entries[j] == entry
            weight[changed] = change.minutes[j[changed]]
        open_ = np.isfinite(weight)
        cut = inside(other)
        internal = open_ & cut & (dist[other] <= bound)
        border = open_ & ~cut  # an undirected matrix: the edge into the cut part weighs the same
        seed = np.full(len(near), np.inf)
        np.minimum.at(seed, source[border], dist[other[border]] + weight[border])
        if not internal.any():  # no way between the cut nodes: each is as near as its nearest way in
            return np.where(seed <= bound, seed, np.inf)
        seeded = np.flatnonzero(seed <= bound)
        m = len(near)
        indptr_small = np.zeros(m + 2, dtype=np.int64)
        np.cumsum(np.bincount(source[internal], minlength=m), out=indptr_small[1:m + 1])
        indptr_small[m + 1] = indptr_small[m] + len(seeded)
        graph = sp.csr_array((np.concatenate([weight[internal], seed[seeded]]),
                              np.concatenate([local[other[internal]], seeded]).astype(np.int32),
                              indptr_small.astype(np.int32)), shape=(m + 1, m + 1))
        return np.asarray(dijkstra(graph, directed=True, indices=np.array([m]), limit=bound))[0, :m]
