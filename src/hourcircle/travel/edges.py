"""A network's edges by profile, as arrays: node-pair keys, the fastest edge of each pair, closures.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> edges = TravelTimes.for_scenario(bundled()).edges
>>> truck = edges.arrays("truck")
>>> bool((edges.between(truck.tails[:3], truck.heads[:3], "truck") == truck.rows[:3]).all())
True
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.engine import Indices
from hourcircle.links import pair_keys
from hourcircle.network import TravelNetwork
from hourcircle.profiles import ProfileName
from hourcircle.travel.removals import Removal

FEW_PAIRS = 100_000  # node pairs a first call of EdgeIndex.between looks up without sorting every edge


class EdgeArrays(NamedTuple):
    """The edges one profile may use, as arrays.

    Parameters
    ----------
    rows : numpy.ndarray
        Their positions in the network's ``edges`` table.
    tails, heads : numpy.ndarray
        Node positions of their ends.
    minutes : numpy.ndarray
        Their minutes for the profile.
    """

    rows: NDArray[np.int64]
    tails: NDArray[np.int64]
    heads: NDArray[np.int64]
    minutes: NDArray[np.float64]



class Groups:
    """Where each key occurs, by sorting once (no Python loop over the keys).

    Parameters
    ----------
    keys : numpy.ndarray
        Keys, one per position (numbers or strings; missing values never match).
    positions : numpy.ndarray, optional
        Labels for the positions (default: 0, 1, ...).

    Examples
    --------
    >>> groups = Groups(np.array(["a", "b", "a"]))
    >>> groups.of("a").tolist(), groups.of("z").tolist()
    ([0, 2], [])
    """

    def __init__(self, keys: NDArray[np.generic], positions: NDArray[np.int64] | None = None) -> None:
        labels = np.arange(len(keys), dtype=np.int64) if positions is None else np.asarray(positions, dtype=np.int64)
        values = np.asarray(keys)
        if values.dtype == object:  # text ids with missing values: compared as text, missing as ""
            values = np.where(pd.isna(values), "", values).astype(str)
        order = np.argsort(values, kind="stable")
        self._keys, self._labels = values[order], labels[order]

    def of(self, key: int | str) -> NDArray[np.int64]:
        """The positions of one key, in the order they were given.

        Parameters
        ----------
        key : int or str
            A key.

        Returns
        -------
        numpy.ndarray
            Its positions (empty if it never occurs).
        """
        if isinstance(key, str) and not key:
            return self._labels[:0]
        low, high = np.searchsorted(self._keys, key, side="left"), np.searchsorted(self._keys, key, side="right")
        return self._labels[low:high]


class EdgeIndex:
    """The edges of a network by profile, and the lookups over them (built on first use).

    Parameters
    ----------
    network : TravelNetwork
        The network.
    node_ids : pandas.Index
        Every node's id; a node's position here is its number in the engines.
    """

    def __init__(self, network: TravelNetwork, node_ids: pd.Index) -> None:
        self.network, self.node_ids = network, node_ids
        self._arrays: dict[str, EdgeArrays] = {}
        self._pairs: dict[str, tuple[NDArray[np.int64], Groups]] = {}
        self._fastest: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
        self._asked: set[str] = set()  # profiles asked once for the edges between pairs (see between)

    @cached_property
    def _ends(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Node positions of every edge's two ends (one lookup for all profiles)."""
        if self.node_ids is self.network.nodes.index:
            return self.network.ends  # stored with a cached network
        edges = self.network.edges
        return (np.asarray(self.node_ids.get_indexer(pd.Index(edges["u"])), dtype=np.int64),
                np.asarray(self.node_ids.get_indexer(pd.Index(edges["v"])), dtype=np.int64))

    def arrays(self, mode: ProfileName) -> EdgeArrays:
        """The edges a profile may use, as arrays.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        EdgeArrays
            Rows in the network's ``edges``, end positions and minutes.
        """
        if mode not in self._arrays:
            minutes = self.network.edges[f"minutes_{mode}"].to_numpy(dtype=np.float64)
            rows = np.flatnonzero(~np.isnan(minutes))
            tails, heads = self._ends
            self._arrays[mode] = EdgeArrays(rows, tails[rows], heads[rows], minutes[rows])
        return self._arrays[mode]

    def parallel_minutes(self, mode: ProfileName, closed: NDArray[np.bool_]) -> NDArray[np.float64]:
        """For each closed edge of a profile, the minutes of the fastest open edge between its ends.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.
        closed : numpy.ndarray of bool
            One flag per edge of the profile (see :meth:`arrays`).

        Returns
        -------
        numpy.ndarray
            One value per closed edge; ``inf`` where no open edge joins its ends.
        """
        if mode not in self._pairs:
            arrays = self.arrays(mode)
            key = pair_keys(arrays.tails, arrays.heads, len(self.node_ids))
            self._pairs[mode] = (key, Groups(key))
        key, by_pair = self._pairs[mode]
        minutes = self.arrays(mode).minutes
        return np.array([min((minutes[i] for i in by_pair.of(k).tolist() if not closed[i]), default=np.inf)
                         for k in key[closed].tolist()], dtype=np.float64)

    def between(self, tails: Indices, heads: Indices, mode: ProfileName) -> NDArray[np.int64]:
        """The fastest edge a profile may use between each of several pairs of nodes.

        Parameters
        ----------
        tails, heads : array_like of int
            Node positions, pair by pair; each pair must be joined by an edge.
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        numpy.ndarray
            Each pair's edge, as a row of the network's edges.
        """
        t, h = np.asarray(tails, dtype=np.int64), np.asarray(heads, dtype=np.int64)
        if mode in self._fastest:
            keys, rows = self._fastest[mode]
        elif mode not in self._asked and len(t) <= FEW_PAIRS:  # a first question (a route): its nodes' edges only
            self._asked.add(mode)
            ends = np.zeros(len(self.node_ids), dtype=bool)
            ends[t], ends[h] = True, True
            keys, rows = self._fastest_edges(mode, ends)
        else:  # asked again: every pair's fastest edge, sorted once
            keys, rows = self._fastest[mode] = self._fastest_edges(mode)
        return np.asarray(rows[np.searchsorted(keys, pair_keys(t, h, len(self.node_ids)))], dtype=np.int64)

    def _fastest_edges(self, mode: ProfileName, ends: NDArray[np.bool_] | None = None
                       ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Node-pair keys, sorted, and the row of the fastest edge of each pair (the first of equals).

        ``ends`` keeps only the edges both of whose ends it marks.
        """
        arrays = self.arrays(mode)
        key, rows, minutes = pair_keys(arrays.tails, arrays.heads, len(self.node_ids)), arrays.rows, arrays.minutes
        if ends is not None:
            kept = ends[arrays.tails] & ends[arrays.heads]
            key, rows, minutes = key[kept], rows[kept], minutes[kept]
        order = np.lexsort((minutes, key))
        key = key[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        return key[first], rows[order][first]

    @cached_property
    def _by_link(self) -> Groups:
        return Groups(self.network.edges["link"].to_numpy())

    @cached_property
    def _by_node(self) -> Groups:
        edges = self.network.edges
        rows = np.arange(len(edges))
        return Groups(np.r_[edges["u"].to_numpy(dtype=str), edges["v"].to_numpy(dtype=str)], np.r_[rows, rows])

    def blocked(self, removals: Iterable[Removal]) -> NDArray[np.bool_]:
        """The edges removals take away: their links, and every edge touching their places and sites.

        Parameters
        ----------
        removals : iterable of Removal
            What is taken out.

        Returns
        -------
        numpy.ndarray of bool
            One flag per row of the network's edges.
        """
        mask = np.zeros(len(self.network.edges), dtype=bool)
        for removal in removals:
            for link in removal.links:
                mask[self._by_link.of(link)] = True
            for node in (*removal.places, *removal.sites):
                mask[self._by_node.of(node)] = True
        return mask
