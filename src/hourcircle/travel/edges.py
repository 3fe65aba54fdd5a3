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
from hourcircle.profiles import PROFILES, ProfileName
from hourcircle.travel.removals import Removal


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



def group_positions(keys: NDArray[np.generic], positions: NDArray[np.int64] | None = None) -> dict[object, list[int]]:
    """Where each key occurs.

    Parameters
    ----------
    keys : numpy.ndarray
        Keys, one per position.
    positions : numpy.ndarray, optional
        Labels for the positions (default: 0, 1, ...).

    Returns
    -------
    dict
        Key to the list of its positions.

    Examples
    --------
    >>> group_positions(np.array(["a", "b", "a"]))
    {'a': [0, 2], 'b': [1]}
    """
    found: dict[object, list[int]] = {}
    labels = np.arange(len(keys)) if positions is None else positions
    for key, position in zip(keys.tolist(), labels.tolist(), strict=True):
        found.setdefault(key, []).append(position)
    return found



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

    def _positions(self, ids: pd.Series) -> NDArray[np.int64]:
        return np.asarray(self.node_ids.get_indexer(pd.Index(ids)), dtype=np.int64)

    @cached_property
    def _arrays(self) -> dict[str, EdgeArrays]:
        arrays: dict[str, EdgeArrays] = {}
        for mode in PROFILES:
            column = self.network.edges[f"minutes_{mode}"]
            used = self.network.edges[column.notna()]
            arrays[mode] = EdgeArrays(np.flatnonzero(column.notna().to_numpy()), self._positions(used["u"]),
                                      self._positions(used["v"]), column.dropna().to_numpy(dtype=np.float64))
        return arrays

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
        return self._arrays[mode]

    @cached_property
    def _pairs(self) -> dict[str, tuple[NDArray[np.int64], dict[object, list[int]]]]:
        """Per profile: each edge's unordered node-pair key, and the edges of each pair."""
        found: dict[str, tuple[NDArray[np.int64], dict[object, list[int]]]] = {}
        for mode, arrays in self._arrays.items():
            key = pair_keys(arrays.tails, arrays.heads, len(self.node_ids))
            found[mode] = (key, group_positions(key))
        return found

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
        key, by_pair = self._pairs[mode]
        minutes = self._arrays[mode].minutes
        return np.array([min((minutes[i] for i in by_pair[k] if not closed[i]), default=np.inf)
                         for k in key[closed].tolist()], dtype=np.float64)

    @cached_property
    def _fastest_by_pair(self) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
        """Per profile: node-pair keys, sorted, and the row of the fastest edge of each pair."""
        found: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
        for mode, arrays in self._arrays.items():
            key = self._pairs[mode][0]
            order = np.lexsort((arrays.minutes, key))
            first = np.r_[True, key[order][1:] != key[order][:-1]]
            found[mode] = (key[order][first], arrays.rows[order][first])
        return found

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
        keys, rows = self._fastest_by_pair[mode]
        return np.asarray(rows[np.searchsorted(keys, pair_keys(tails, heads, len(self.node_ids)))], dtype=np.int64)

    @cached_property
    def _by_link(self) -> dict[object, list[int]]:
        return group_positions(self.network.edges["link"].to_numpy())

    @cached_property
    def _by_node(self) -> dict[object, list[int]]:
        edges = self.network.edges
        rows = np.arange(len(edges))
        return group_positions(np.r_[edges["u"].to_numpy(), edges["v"].to_numpy()], np.r_[rows, rows])

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
                mask[self._by_link.get(link, [])] = True
            for node in (*removal.places, *removal.sites):
                mask[self._by_node.get(node, [])] = True
        return mask
