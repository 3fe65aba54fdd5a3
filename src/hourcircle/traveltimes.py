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
>>> r.nodes[0], r.nodes[-1], 240 < r.minutes < 330
('shanghai', 'hefei', True)
>>> closed = times.without(times.removals(["Sutong"]))
>>> closed.route("suzhou_js", "nantong").minutes > times.route("suzhou_js", "nantong").minutes
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from hourcircle.engine import Engine, Indices, path_sums
from hourcircle.errors import ArgumentError, NoRouteError
from hourcircle.geo import project_km
from hourcircle.io import load_scenario
from hourcircle.names import NameIndex
from hourcircle.network import RIDE_KINDS, TravelNetwork, build_network
from hourcircle.profiles import PROFILES, ProfileName
from hourcircle.removals import Removal, resolve_removals
from hourcircle.scenario import Scenario

PROJECTION_LAT = 30.0  # planar km for "the nearest place" are good enough at any Chinese latitude
ROUTE_KEYS = ("from", "to", "mode", "minutes", "train_minutes", "band", "km", "parts", "legs", "estimated")


@dataclass(frozen=True, eq=False)
class Route:
    """A fastest route, door to door, with its minutes itemised.

    Parameters
    ----------
    origin, destination : str
        Node ids.
    mode : {"truck", "car", "rail"}
        The profile.
    minutes : float
        Door to door: the network's minutes plus the trip's fixed minutes.
    nodes : list of str
        The nodes passed, origin first.
    hops : pandas.DataFrame
        One row per edge taken: ``kind, name, km, minutes, estimated`` and ``to``, the node it
        ends at (a road node is described by the nearest place: ``near Wuxi``). Kinds: ``road``,
        ``access`` (a place or site to its road), ``station`` (a site to its station), ``rail``,
        and the estimates ``rail_estimate`` (a stop a timetable lacks) and ``rail_feeder`` (a road
        leg to a station); see :mod:`hourcircle.rail_gaps`.
    fixed_minutes : float
        The trip's fixed minutes: terminal minutes by road, station minutes by rail.
    boarding_minutes : float
        Paid for every train taken (rail).
    band : tuple of float
        The profile's uncertainty band (see :mod:`hourcircle.profiles`).
    """

    origin: str
    destination: str
    mode: ProfileName
    minutes: float
    nodes: list[str]
    hops: pd.DataFrame
    fixed_minutes: float = 0.0
    boarding_minutes: float = 0.0
    band: tuple[float, float] = (1.0, 1.0)

    @property
    def km(self) -> float:
        """Total km."""
        return float(self.hops["km"].sum())

    @property
    def links(self) -> list[str]:
        """The name of each edge taken (``road`` for an unnamed road)."""
        return [str(name) if isinstance(name, str) and name else str(kind)
                for name, kind in zip(self.hops["name"], self.hops["kind"], strict=True)]

    @property
    def kinds(self) -> list[str]:
        """The kind of each edge taken."""
        return self.hops["kind"].astype(str).tolist()

    @property
    def rides(self) -> int:
        """How many trains the route takes (each pays the rail profile's boarding minutes)."""
        return sum(kind in RIDE_KINDS for kind in self.kinds)

    @property
    def estimated(self) -> bool:
        """Whether any figure on the route is an estimate (a rail stop or feeder the timetable lacks)."""
        return bool(self.hops["kind"].isin(["rail_estimate", "rail_feeder"]).any())

    @property
    def train_minutes(self) -> float | None:
        """Minutes in trains (by rail; ``None`` by road): what timetables publish."""
        return self.parts()["train"] if self.mode == "rail" else None

    @property
    def minutes_band(self) -> tuple[float, float]:
        """:attr:`minutes` times the low and the high factor of the profile's band."""
        return self.minutes * self.band[0], self.minutes * self.band[1]

    def parts(self) -> dict[str, float]:
        """The route's minutes, itemised; they add up to :attr:`minutes`.

        Returns
        -------
        dict of str to float
            By road: ``driving``, ``access`` (to and from the roads), ``terminal`` (leaving
            and entering city centres), ``rest`` (a driver's stops: see
            :meth:`hourcircle.profiles.RoadProfile.with_rests`). By rail: ``train`` (in trains, timetable or estimated),
            ``boarding`` (waiting for each train), ``station`` (to, through and from stations),
            ``feeder`` (by road to a station the timetable serves), ``access`` (a site to its
            city's station).
        """
        by_kind = self.hops.groupby("kind")["minutes"].sum()

        def total(*kinds: str) -> float:
            return float(sum(by_kind.get(kind, 0.0) for kind in kinds))

        if self.mode != "rail":
            moving = total("road", "access") + self.fixed_minutes
            return {"driving": total("road"), "access": total("access"), "terminal": self.fixed_minutes,
                    "rest": rest if (rest := self.minutes - moving) > 1e-6 else 0.0}  # not float noise
        boarding = self.boarding_minutes * self.rides
        return {"train": total("rail", "rail_estimate") - boarding, "boarding": boarding,
                "station": self.fixed_minutes, "feeder": total("rail_feeder"), "access": total("station")}

    def legs(self) -> pd.DataFrame:
        """The route as legs: runs of edges of one kind and name (an unnamed road: near one place).

        Returns
        -------
        pandas.DataFrame
            ``kind, name, km, minutes, to`` per leg, ``to`` being the node where it ends; a
            train's minutes are in the train (its boarding is a part of its own, see :meth:`parts`).
        """
        in_train = self.hops["minutes"] - np.where(self.hops["kind"].isin(RIDE_KINDS), self.boarding_minutes, 0.0)
        hops = self.hops.assign(label=self.links, minutes=in_train)
        # unnamed roads are told apart by the place they pass near
        hops["where"] = hops["to"].where(hops["name"].isna() & (hops["kind"] == "road"), "")
        keys = hops[["kind", "label", "where"]]
        run = (keys != keys.shift()).any(axis=1).cumsum()
        grouped = hops.groupby(run, sort=False)
        return pd.DataFrame({"kind": grouped["kind"].first(), "name": grouped["label"].first(),
                             "km": grouped["km"].sum(), "minutes": grouped["minutes"].sum(),
                             "to": grouped["to"].last()}).reset_index(drop=True)

    def as_dict(self) -> dict[str, object]:
        """The route as JSON-ready values.

        Returns
        -------
        dict
            Keys :data:`ROUTE_KEYS`: ``minutes`` door to door, ``train_minutes`` (in trains;
            ``None`` by road), ``band`` (``minutes`` times the profile's band: ``[low, high]``),
            ``km`` (to 0.1), ``parts`` (see :meth:`parts`), ``legs`` (see :meth:`legs`) and
            ``estimated``.
        """
        legs = [{"kind": str(row["kind"]), "name": str(row["name"]), "km": round(float(row["km"]), 1),
                 "minutes": round(float(row["minutes"]), 1), "to": str(row["to"])}
                for row in self.legs().to_dict("records")]
        train = None if self.train_minutes is None else round(self.train_minutes, 1)
        band = [round(m, 1) for m in self.minutes_band]
        values = (self.origin, self.destination, self.mode, round(self.minutes, 1), train, band, round(self.km, 1),
                  {k: round(v, 1) for k, v in self.parts().items()}, legs, self.estimated)
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
        self._rows: dict[str, dict[int, NDArray[np.float64]]] = {}  # see _endpoint_rows
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

    def door_to_door(self, network_minutes: ArrayLike, mode: ProfileName) -> NDArray[np.float64]:
        """Trip minutes from network minutes: the trip's fixed minutes, and rests by road.

        Parameters
        ----------
        network_minutes : array_like
            Minutes on the network's edges (see :meth:`node_minutes`).
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        numpy.ndarray
            Door-to-door minutes (see :meth:`hourcircle.profiles.TravelSettings.trip_minutes`).
        """
        return self.scenario.travel.trip_minutes(mode, network_minutes)

    def network_limit(self, trip_limit: float, mode: ProfileName) -> float:
        """The network minutes within which a trip arrives within ``trip_limit`` (the inverse of :meth:`door_to_door`).

        Parameters
        ----------
        trip_limit : float
            Door-to-door minutes.
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        float
            Network minutes.
        """
        return self.scenario.travel.network_limit(mode, trip_limit)

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
        limit = None if cutoff is None else self.network_limit(cutoff, mode)
        minutes = self.engine(mode).minutes_from(position, limit)
        minutes = np.where(np.arange(len(minutes)) == position, 0.0, self.door_to_door(minutes, mode))
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
        rows = self._fastest_edge_rows(np.asarray(path, dtype=np.int64), mode)
        taken = self.network.edges.iloc[rows]
        hops = pd.DataFrame({"kind": taken["kind"].to_numpy(), "name": taken["name"].to_numpy(),
                             "km": taken[f"km_{mode}"].to_numpy(dtype=float),
                             "minutes": taken[f"minutes_{mode}"].to_numpy(dtype=float),
                             "estimated": taken["estimated"].to_numpy(dtype=bool),
                             "to": self._describe(np.asarray(path[1:], dtype=np.int64))})
        fixed = self.terminal_minutes(mode) if i != j else 0.0
        minutes = float(self.door_to_door(network_minutes, mode)) if i != j else 0.0
        boarding = self.scenario.travel.rail.boarding_minutes if mode == "rail" else 0.0
        return Route(source, target, mode, minutes, [str(self.node_ids[k]) for k in path], hops,
                     fixed, boarding, self.scenario.travel.band(mode))

    @cached_property
    def _place_tree(self) -> tuple[Any, NDArray[Any]]:
        places = self.scenario.places
        return (cKDTree(project_km(places["lat"], places["lon"], origin_lat=PROJECTION_LAT)),
                places["name"].astype(str).to_numpy())

    def _describe(self, positions: NDArray[np.int64]) -> list[str]:
        """Node ids, with road nodes described by the nearest place (``near Wuxi``)."""
        nodes = self.network.nodes.iloc[positions]
        labels = np.array(nodes.index.astype(str), dtype=object)
        road = (nodes["kind"] == "road").to_numpy()
        if road.any() and len(self.scenario.places):
            tree, names = self._place_tree
            near = tree.query(project_km(nodes["lat"][road], nodes["lon"][road], origin_lat=PROJECTION_LAT))[1]
            labels[road] = ["near " + name for name in names[near]]
        return [str(label) for label in labels]

    @cached_property
    def _fastest_by_pair(self) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
        """Per profile: node-pair keys, sorted, and the row of the fastest edge of each pair."""
        found: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
        for mode, arrays in self._edge_arrays.items():
            key = self._pairs[mode][0]
            order = np.lexsort((arrays.minutes, key))
            first = np.r_[True, key[order][1:] != key[order][:-1]]
            found[mode] = (key[order][first], arrays.rows[order][first])
        return found

    def _fastest_edge_rows(self, path: NDArray[np.int64], mode: ProfileName) -> NDArray[np.int64]:
        """For each hop of a node path, the row of the fastest ``mode`` edge between its two nodes."""
        return self.edges_between(path[:-1], path[1:], mode)

    def edges_between(self, tails: Indices, heads: Indices, mode: ProfileName = "truck") -> NDArray[np.int64]:
        """The fastest edge a profile may use between each of several pairs of nodes.

        Parameters
        ----------
        tails, heads : array_like of int
            Node positions, pair by pair; each pair must be joined by an edge.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.

        Returns
        -------
        numpy.ndarray
            Each pair's edge, as a row of the network's edges.
        """
        self._check_mode(mode)
        keys, rows = self._fastest_by_pair[mode]
        a, b = np.asarray(tails, dtype=np.int64), np.asarray(heads, dtype=np.int64)
        n = len(self.node_ids)
        return np.asarray(rows[np.searchsorted(keys, np.minimum(a, b) * n + np.maximum(a, b))], dtype=np.int64)

    def node_trees(self, origins: Indices, mode: ProfileName = "truck",
                   cutoff: float | None = None) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Network minutes (no terminal minutes) and shortest-path trees from origins.

        Parameters
        ----------
        origins : array_like of int
            Node positions.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.
        cutoff : float, optional
            Search no farther.

        Returns
        -------
        tuple of numpy.ndarray
            Minutes and each node's predecessor (-1: the origin, or not reached); origins by nodes.
        """
        return self.engine(mode).trees(origins, cutoff)

    def trip_minutes(self, origins: Sequence[str], destinations: Sequence[str],
                     mode: ProfileName = "truck", *, remember: bool = True) -> NDArray[np.float64]:
        """Trip minutes (terminal minutes included) between node ids.

        Parameters
        ----------
        origins, destinations : sequence of str
            Node ids.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.
        remember : bool, default True
            Keep each origin's minutes to every place and site (see Notes); ``False`` for one-off
            work on many origins, whose memory must stay bounded.

        Returns
        -------
        numpy.ndarray
            Origins (rows) by destinations (columns); ``inf`` where there is no route.

        Notes
        -----
        Between places and sites, each origin's minutes to every place and site are kept once
        searched, so that analyses asking again of the same origins search only once.
        """
        rows, columns = self.positions(origins), self.positions(destinations)
        column = self._endpoint_column[columns]
        if remember and len(columns) and (column >= 0).all():
            found = self._endpoint_rows(rows, mode)[:, column]
        else:
            found = self.engine(mode).matrix_minutes(rows, columns)
        return self.door_to_door(found, mode)

    def train_minutes(self, origins: Sequence[str], destinations: Sequence[str], *,
                      batch_size: int = 64) -> NDArray[np.float64]:
        """Minutes in trains on the fastest rail route (door to door) between node ids.

        What timetables publish: the trip's station, boarding, feeder and access minutes are
        left out (see :meth:`Route.parts`). Shortest-path trees are searched once per origin
        and summed along in compiled code (:func:`hourcircle.engine.path_sums`).

        Parameters
        ----------
        origins, destinations : sequence of str
            Node ids.
        batch_size : int, default 64
            Origins searched at once (memory: two floats per node and origin).

        Returns
        -------
        numpy.ndarray
            Origins (rows) by destinations (columns); ``nan`` where there is no rail route.
        """
        rows, columns = self.positions(origins), self.positions(destinations)
        arrays = self.edge_arrays("rail")
        edges = self.network.edges
        kind = edges["kind"].to_numpy()[arrays.rows]
        boarding = self.scenario.travel.rail.boarding_minutes
        in_train = np.where(np.isin(kind, RIDE_KINDS), arrays.minutes - boarding, 0.0)
        value_of_row = np.zeros(len(edges))
        value_of_row[arrays.rows] = in_train
        found = np.full((len(rows), len(columns)), np.nan)
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            dist, before = self.node_trees(batch, "rail")
            values = np.zeros(before.shape)
            has = before >= 0
            heads = np.broadcast_to(np.arange(before.shape[1]), before.shape)
            values[has] = value_of_row[self.edges_between(before[has], heads[has], "rail")]
            sums = path_sums(before, values)[:, columns]
            found[start:start + batch_size] = np.where(np.isfinite(dist[:, columns]), sums, np.nan)
        return found

    @cached_property
    def _endpoint_column(self) -> NDArray[np.int64]:
        """Each node's column among the places and sites (-1: a road node)."""
        column = np.full(len(self.node_ids), -1, dtype=np.int64)
        ends = np.flatnonzero((self.network.nodes["kind"] != "road").to_numpy())
        column[ends] = np.arange(len(ends))
        return column

    def _endpoint_rows(self, rows: NDArray[np.int64], mode: ProfileName) -> NDArray[np.float64]:
        """Network minutes from nodes to every place and site, searched once per origin and mode."""
        kept = self._rows.setdefault(mode, {})
        missing = np.unique([r for r in rows.tolist() if r not in kept]).astype(np.int64)
        if missing.size:
            columns = np.flatnonzero(self._endpoint_column >= 0)
            for origin, found in zip(missing.tolist(), self.engine(mode).matrix_minutes(missing, columns),
                                     strict=True):
                kept[origin] = found
        ends = int((self._endpoint_column >= 0).sum())
        return np.array([kept[r] for r in rows.tolist()], dtype=np.float64).reshape(len(rows), ends)

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
        limit = None if cutoff is None else self.network_limit(cutoff, mode)
        sites = self.scenario.sites
        minutes, nearest = {}, {}
        for category in self.scenario.product.all_categories:
            members = self.positions(sites.index[sites["category"] == category])
            dist, which = self.engine(mode).nearest(members, limit)
            dist = np.where(which == np.arange(len(dist)), dist, self.door_to_door(dist, mode))
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
        return resolve_removals(self.network, self.names, texts)

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
