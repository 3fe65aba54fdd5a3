"""Travel-time questions on a scenario's network, answered by the compiled :class:`Engine`.

Every trip between two different nodes pays its profile's fixed minutes once (urban access
by road, stations by rail); the rest is the fastest path over the network.
:meth:`TravelTimes.without` answers the same questions with places, sites or links taken
out, which is how disruption is computed.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> times = TravelTimes.for_scenario(bundled())
>>> r = times.route("shanghai", "hefei", "car")
>>> r.nodes[0], r.nodes[-1], 300 < r.minutes < 420
('shanghai', 'hefei', True)
>>> closed = times.without(times.removals(["Sutong"]))
>>> closed.route("suzhou_js", "nantong").minutes > times.route("suzhou_js", "nantong").minutes
True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.engine import Engine, Indices
from hourcircle.errors import ArgumentError, NoRouteError
from hourcircle.io import Scenario, load_scenario
from hourcircle.names import NameIndex
from hourcircle.network import TravelNetwork, build_network
from hourcircle.removals import Removal, resolve_removals
from hourcircle.settings import PROFILES, ProfileName

ROUTE_KEYS = ("from", "to", "mode", "minutes", "km", "route", "links", "kinds")


@dataclass(frozen=True)
class Route:
    """A fastest route.

    Parameters
    ----------
    origin, destination : str
        Node ids.
    mode : {"truck", "car", "rail"}
        The profile.
    minutes, km : float
        Totals (terminal or station minutes included).
    nodes : list of str
        The nodes passed, origin first.
    links : list of str
        The name of each edge taken.
    kinds : list of str
        Each edge's kind: ``road``, ``rail``, ``access``, or the estimates ``rail_estimate``
        (a stop a timetable lacks) and ``rail_feeder`` (a road leg to a station); see
        :mod:`hourcircle.rail_gaps`.
    """

    origin: str
    destination: str
    mode: ProfileName
    minutes: float
    km: float
    nodes: list[str]
    links: list[str]
    kinds: list[str]

    @property
    def rides(self) -> int:
        """How many trains the route takes (each pays the rail profile's boarding minutes)."""
        return sum(kind == "rail" for kind in self.kinds)

    def as_dict(self) -> dict[str, object]:
        """The route as JSON-ready values.

        Returns
        -------
        dict
            Keys :data:`ROUTE_KEYS`; minutes and km to 0.1.
        """
        values = (self.origin, self.destination, self.mode, round(self.minutes, 1), round(self.km, 1),
                  self.nodes, self.links, self.kinds)
        return dict(zip(ROUTE_KEYS, values, strict=True))

    @staticmethod
    def missing(origin: str, destination: str, mode: ProfileName) -> dict[str, object]:
        """What :meth:`as_dict` says when there is no route: the same keys, empty.

        Parameters
        ----------
        origin, destination : str
            Node ids.
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        dict
            Keys :data:`ROUTE_KEYS`; all but ``from``, ``to`` and ``mode`` are ``None``.
        """
        return dict.fromkeys(ROUTE_KEYS) | {"from": origin, "to": destination, "mode": mode}


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


class TravelTimes:
    """Shortest-time queries on a :class:`TravelNetwork`, one engine per profile (built lazily).

    Parameters
    ----------
    network : TravelNetwork
        The network to search.

    Examples
    --------
    >>> from hourcircle.datasets import bundled
    >>> times = TravelTimes.for_scenario(bundled())
    >>> times.resolve("合肥"), bool(times.minutes_from("hefei", cutoff=60).max() <= 60)
    ('hefei', True)
    """

    def __init__(self, network: TravelNetwork) -> None:
        self.network = network
        self._engines: dict[str, Engine] = {}
        self._derived: tuple[TravelTimes, NDArray[np.bool_]] | None = None  # (parent, its closed edges)

    @classmethod
    def for_scenario(cls, scenario: Scenario | str | Path) -> TravelTimes:
        """Load a scenario (if given a path), build its network and wrap it.

        Parameters
        ----------
        scenario : Scenario, str or pathlib.Path
            A scenario, or its folder.

        Returns
        -------
        TravelTimes
            Ready for questions; engines are built on first use.

        Raises
        ------
        InputError
            If the scenario's files have problems.
        """
        loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        return cls(build_network(loaded))

    @property
    def scenario(self) -> Scenario:
        """The scenario the network was built from."""
        return self.network.scenario

    @cached_property
    def names(self) -> NameIndex:
        """Resolves the scenario's place and site names."""
        return NameIndex(self.scenario.places, self.scenario.sites)

    @cached_property
    def node_ids(self) -> pd.Index:
        """Every node's id; a node's position here is its number in the engines."""
        return self.network.nodes.index

    def resolve(self, text: str) -> str:
        """The node id a user's text names (see :mod:`hourcircle.names`).

        Parameters
        ----------
        text : str
            A place or site id or name.

        Returns
        -------
        str
            The id.

        Raises
        ------
        NameLookupError
            If the text names nothing, or several places.
        """
        return self.names.resolve(text)

    def positions(self, ids: Iterable[str]) -> NDArray[np.int64]:
        """Node positions (engine numbers) of node ids.

        Parameters
        ----------
        ids : iterable of str
            Node ids.

        Returns
        -------
        numpy.ndarray
            One position per id (-1 for an unknown id).
        """
        return np.asarray(self.node_ids.get_indexer(pd.Index(list(ids))), dtype=np.int64)

    def _check_mode(self, mode: ProfileName) -> None:
        if mode not in PROFILES:
            raise ArgumentError("mode", f"unknown mode {mode!r}; use one of {', '.join(PROFILES)}")
        if not self.network.has_mode(mode):
            raise ArgumentError("mode", f"this scenario has no {mode} links")

    @cached_property
    def _edge_arrays(self) -> dict[str, EdgeArrays]:
        arrays: dict[str, EdgeArrays] = {}
        for mode in PROFILES:
            column = self.network.edges[f"minutes_{mode}"]
            used = self.network.edges[column.notna()]
            arrays[mode] = EdgeArrays(np.flatnonzero(column.notna().to_numpy()), self.positions(used["u"]),
                                      self.positions(used["v"]), column.dropna().to_numpy(dtype=np.float64))
        return arrays

    def edge_arrays(self, mode: ProfileName) -> EdgeArrays:
        """The edges a profile may use, as arrays.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        EdgeArrays
            Rows in :attr:`network` ``.edges``, end positions and minutes.
        """
        self._check_mode(mode)
        return self._edge_arrays[mode]

    def engine(self, mode: ProfileName) -> Engine:
        """The engine of one profile's edges.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        Engine
            Built on first use, then kept.

        Raises
        ------
        ArgumentError
            (parameter ``mode``) for an unknown profile, or one the network has no links for.
        """
        self._check_mode(mode)
        if mode not in self._engines:
            if self._derived is not None:
                parent, blocked = self._derived
                self._engines[mode] = parent.engine_without(mode, blocked)
            else:
                arrays = self._edge_arrays[mode]
                self._engines[mode] = Engine(arrays.tails, arrays.heads, arrays.minutes, len(self.node_ids))
        return self._engines[mode]

    def engine_without(self, mode: ProfileName, blocked: NDArray[np.bool_]) -> Engine:
        """The engine of a profile with some edges closed (cheap: only the weights are copied).

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.
        blocked : numpy.ndarray of bool
            One flag per row of the network's edges: the edges to close.

        Returns
        -------
        Engine
            Where each closed edge takes the minutes of the fastest open edge between the same
            two nodes, or is gone when there is none.
        """
        arrays = self.edge_arrays(mode)
        closed = blocked[arrays.rows]
        if not closed.any():
            return self.engine(mode)
        return self.engine(mode).with_minutes(arrays.tails[closed], arrays.heads[closed],
                                              self._parallel_minutes(mode, closed))

    @cached_property
    def _pairs(self) -> dict[str, tuple[NDArray[np.int64], dict[object, list[int]]]]:
        """Per profile: each edge's unordered node-pair key, and the edges of each pair."""
        found: dict[str, tuple[NDArray[np.int64], dict[object, list[int]]]] = {}
        n = len(self.node_ids)
        for mode, arrays in self._edge_arrays.items():
            key = np.minimum(arrays.tails, arrays.heads) * n + np.maximum(arrays.tails, arrays.heads)
            found[mode] = (key, group_positions(key))
        return found

    def _parallel_minutes(self, mode: ProfileName, closed: NDArray[np.bool_]) -> NDArray[np.float64]:
        """For each closed edge (of the profile's), the fastest open edge between its ends."""
        key, by_pair = self._pairs[mode]
        minutes = self._edge_arrays[mode].minutes
        return np.array([min((minutes[i] for i in by_pair[k] if not closed[i]), default=np.inf)
                         for k in key[closed].tolist()], dtype=np.float64)

    def terminal_minutes(self, mode: ProfileName) -> float:
        """The fixed minutes every trip of a profile pays once.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        float
            Terminal minutes by road, station minutes by rail.
        """
        return self.scenario.travel.terminal_minutes(mode)

    def node_minutes(self, origins: Indices, mode: ProfileName = "truck", *,
                     blocked: NDArray[np.bool_] | None = None, cutoff: float | None = None) -> NDArray[np.float64]:
        """Network minutes (no terminal minutes) from origins to every node.

        Parameters
        ----------
        origins : array_like of int
            Node positions (see :meth:`positions`).
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.
        blocked : numpy.ndarray of bool, optional
            Edges to close (one flag per row of the network's edges).
        cutoff : float, optional
            Search no farther than this many minutes.

        Returns
        -------
        numpy.ndarray
            Origins (rows) by nodes (columns); ``inf`` beyond the cutoff or unreachable.
        """
        engine = self.engine(mode) if blocked is None else self.engine_without(mode, blocked)
        return engine.minutes_from_many(origins, cutoff)

    def minutes_from(self, origin: str, mode: ProfileName = "truck",
                     cutoff: float | None = None) -> pd.Series:
        """Trip minutes from one place or site to every node it reaches.

        Parameters
        ----------
        origin : str
            A place or site id or name.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.
        cutoff : float, optional
            Keep only nodes within this many trip minutes.

        Returns
        -------
        pandas.Series
            Minutes by node id, fastest first (the origin itself at 0).
        """
        position = int(self.positions([self.resolve(origin)])[0])
        fixed = self.terminal_minutes(mode)
        limit = None if cutoff is None else max(cutoff - fixed, 0.0)
        minutes = self.engine(mode).minutes_from(position, limit)
        minutes = np.where(np.arange(len(minutes)) == position, 0.0, minutes + fixed)
        keep = np.isfinite(minutes) & (minutes <= (np.inf if cutoff is None else cutoff))
        return pd.Series(minutes[keep], index=self.node_ids[keep], name="minutes").sort_values()

    def route(self, origin: str, destination: str, mode: ProfileName = "truck") -> Route:
        """The fastest route between two places or sites.

        Parameters
        ----------
        origin, destination : str
            Place or site ids or names.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.

        Returns
        -------
        Route
            Minutes, km, nodes and links.

        Raises
        ------
        NoRouteError
            If the two are not connected by ``mode``.
        NameLookupError
            If a name names nothing, or several places.
        """
        source, target = self.resolve(origin), self.resolve(destination)
        i, j = (int(k) for k in self.positions([source, target]))
        found = self.engine(mode).route(i, j)
        if found is None:
            raise NoRouteError(f"no {mode} route from {source} to {target}")
        network_minutes, path = found
        ids = [str(self.node_ids[k]) for k in path]
        taken = self._fastest_edges(ids, mode)
        minutes = network_minutes + (self.terminal_minutes(mode) if i != j else 0.0)
        return Route(source, target, mode, minutes, float(taken[f"km_{mode}"].sum()), ids,
                     taken["name"].astype(str).tolist(), taken["kind"].astype(str).tolist())

    def _fastest_edges(self, ids: list[str], mode: ProfileName) -> pd.DataFrame:
        """For each hop of a path, the fastest ``mode`` edge between its two nodes (one join)."""
        column = f"minutes_{mode}"
        edges = self.network.edges.dropna(subset=[column])
        ends = np.sort(edges[["u", "v"]].to_numpy(dtype=str), axis=1)
        keyed = edges.assign(a=ends[:, 0], b=ends[:, 1]).sort_values(column).drop_duplicates(["a", "b"])
        hops = np.sort(np.array(list(itertools.pairwise(ids)), dtype=str).reshape(-1, 2), axis=1)
        return pd.DataFrame({"a": hops[:, 0], "b": hops[:, 1]}).merge(keyed, on=["a", "b"], how="left")

    def trip_minutes(self, origins: Sequence[str], destinations: Sequence[str],
                     mode: ProfileName = "truck") -> NDArray[np.float64]:
        """Trip minutes (terminal minutes included) between node ids.

        Parameters
        ----------
        origins, destinations : sequence of str
            Node ids.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.

        Returns
        -------
        numpy.ndarray
            Origins (rows) by destinations (columns); ``inf`` where there is no route.
        """
        found = self.engine(mode).matrix_minutes(self.positions(origins), self.positions(destinations))
        return np.asarray(found + self.terminal_minutes(mode))

    def matrix(self, mode: ProfileName = "truck", nodes: Sequence[str] | None = None) -> pd.DataFrame:
        """Trip minutes between every pair of places (or of the nodes given).

        Parameters
        ----------
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.
        nodes : sequence of str, optional
            Place or site ids or names (default: every place).

        Returns
        -------
        pandas.DataFrame
            ``from`` (rows) by ``to`` (columns), zero on the diagonal, NaN where no route.
        """
        ids = list(self.scenario.places.index) if nodes is None else [self.resolve(n) for n in nodes]
        minutes = self.trip_minutes(ids, ids, mode)
        np.fill_diagonal(minutes, 0.0)
        minutes[~np.isfinite(minutes)] = np.nan
        return pd.DataFrame(minutes, index=pd.Index(ids, name="from"), columns=pd.Index(ids, name="to"))

    def nearest_by_category(self, mode: ProfileName = "truck",
                            cutoff: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """For every node and category: minutes to the nearest site, and that site's id.

        One multi-source search per category.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.
        cutoff : float, optional
            Trip minutes beyond which a site does not count.

        Returns
        -------
        tuple of pandas.DataFrame
            Minutes (NaN: none within the cutoff) and site ids (None), nodes by categories.
        """
        fixed = self.terminal_minutes(mode)
        limit = None if cutoff is None else max(cutoff - fixed, 0.0)
        sites = self.scenario.sites
        minutes, nearest = {}, {}
        for category in self.scenario.product.all_categories:
            members = self.positions(sites.index[sites["category"] == category])
            dist, which = self.engine(mode).nearest(members, limit)
            dist = np.where(which == np.arange(len(dist)), dist, dist + fixed)
            if cutoff is not None:
                which = np.where(dist <= cutoff, which, -1)
                dist = np.where(dist <= cutoff, dist, np.inf)
            minutes[category] = np.where(np.isfinite(dist), dist, np.nan)
            nearest[category] = pd.Series(self.node_ids.to_numpy()[np.maximum(which, 0)]).where(which >= 0).to_numpy()
        return (pd.DataFrame(minutes, index=self.node_ids), pd.DataFrame(nearest, index=self.node_ids))

    def removals(self, texts: str | Iterable[str]) -> tuple[Removal, ...]:
        """Resolve what a user names for removal (see :mod:`hourcircle.removals`).

        Parameters
        ----------
        texts : str or iterable of str
            Place or site ids or names, link ids, or parts of link names.

        Returns
        -------
        tuple of Removal
            One per text.

        Raises
        ------
        ArgumentError
            (parameter ``remove``) for a text that names nothing, or several places.
        """
        return resolve_removals(self.scenario, self.network.edges, self.names, texts)

    @cached_property
    def _edges_by_link(self) -> dict[object, list[int]]:
        return group_positions(self.network.edges["link"].to_numpy())

    @cached_property
    def _edges_by_node(self) -> dict[object, list[int]]:
        edges = self.network.edges
        rows = np.arange(len(edges))
        return group_positions(np.r_[edges["u"].to_numpy(), edges["v"].to_numpy()], np.r_[rows, rows])

    def blocked_edges(self, removals: Iterable[Removal]) -> NDArray[np.bool_]:
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
                mask[self._edges_by_link.get(link, [])] = True
            for node in (*removal.places, *removal.sites):
                mask[self._edges_by_node.get(node, [])] = True
        return mask

    def without(self, removals: Iterable[Removal]) -> TravelTimes:
        """The same questions with places, sites or links taken out.

        Parameters
        ----------
        removals : iterable of Removal
            What to take out (see :meth:`removals`).

        Returns
        -------
        TravelTimes
            Over a network without those edges, places and sites; its engines are this one's
            with the closed edges' weights changed, not rebuilt. This one is unchanged.
        """
        removals = tuple(removals)
        blocked = self.blocked_edges(removals)
        network = self.network.without(blocked, {p for r in removals for p in r.places},
                                       {s for r in removals for s in r.sites})
        derived = TravelTimes(network)
        derived._derived = (self, blocked)
        return derived


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
