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

import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.engine import Engine
from hourcircle.errors import ArgumentError, NoRouteError
from hourcircle.netcache import load_or_build_network
from hourcircle.network import TravelNetwork
from hourcircle.profiles import PROFILES, ProfileName
from hourcircle.scenario import Scenario
from hourcircle.travel.memo import EndpointMinutes
from hourcircle.travel.nodes import NodeIndex
from hourcircle.travel.removals import Removal, resolve_removals
from hourcircle.travel.route import Route
from hourcircle.travel.trains import train_minutes


class TravelTimes(NodeIndex):
    """Shortest-time queries on a :class:`TravelNetwork`, one engine per profile (built lazily).

    Parameters
    ----------
    network : TravelNetwork
        The network to search.
    closure : tuple of (TravelTimes, numpy.ndarray), optional
        The times this one derives from and the edges closed in it: its engines are theirs with
        those edges' weights changed (see :meth:`without`).

    Examples
    --------
    >>> from hourcircle.datasets import bundled
    >>> times = TravelTimes.for_scenario(bundled())
    >>> times.resolve("合肥"), bool(times.minutes_from("hefei", cutoff=60).max() <= 60)
    ('hefei', True)
    """

    def __init__(self, network: TravelNetwork, *,
                 closure: tuple[TravelTimes, NDArray[np.bool_]] | None = None) -> None:
        super().__init__(network)
        self._engines: dict[str, Engine] = {}
        self._closure = closure  # (the times it was derived from, their closed edges): see without()

    @classmethod
    def for_scenario(cls, scenario: Scenario | str | Path) -> TravelTimes:
        """Load a scenario (if given a path), build its network (or read it from the cache) and wrap it.

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
        ArgumentTypeError
            (parameter ``scenario``) for anything but a scenario or a path.
        """
        check.instance("scenario", scenario, (Scenario, str, os.PathLike),
                       what="a Scenario, or its folder as a str or pathlib.Path")
        return cls(load_or_build_network(scenario))

    def _check_mode(self, mode: ProfileName) -> None:
        check.instance("mode", mode, str, what=f"one of {', '.join(PROFILES)}")
        if mode not in PROFILES:
            raise ArgumentError("mode", f"unknown mode {mode!r}; use one of {', '.join(PROFILES)}")
        if not self.network.has_mode(mode):
            raise ArgumentError("mode", f"this scenario has no {mode} links")

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
            if self._closure is not None:
                parent, blocked = self._closure
                self._engines[mode] = parent.engine_without(mode, blocked)
            else:
                arrays = self.edges.arrays(mode)
                self._engines[mode] = Engine(arrays.tails, arrays.heads, arrays.minutes, len(self.node_ids))
        return self._engines[mode]

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

        Raises
        ------
        ArgumentError
            (parameter ``origin``, ``mode`` or ``cutoff``) for an argument of the wrong type, an
            unknown mode, or a cutoff below 0.
        NameLookupError
            If the origin names nothing, or several places.
        """
        node = self.names.resolve(check.text("origin", origin))
        self._check_mode(mode)
        if cutoff is not None:
            check.number("cutoff", cutoff, at_least=0, what="a number of minutes of at least 0")
        position = int(self._positions("origin", [node])[0])
        limit = None if cutoff is None else self.scenario.travel.network_limit(mode, cutoff)
        minutes = self.engine(mode).minutes_from(position, limit)
        minutes = np.where(np.arange(len(minutes)) == position, 0.0, self.scenario.travel.trip_minutes(mode, minutes))
        keep = np.isfinite(minutes) & (minutes <= (np.inf if cutoff is None else cutoff))
        return pd.Series(minutes[keep], index=self.node_ids[keep], name="minutes").sort_values()

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

        Raises
        ------
        ArgumentError
            (parameter ``origins``, ``destinations`` or ``mode``) for an unknown id (names are not
            ids: see :meth:`resolve`), a str instead of a sequence, or an unknown mode.

        Notes
        -----
        Between places and sites, each origin's minutes to every place and site are kept once
        searched, so that analyses asking again of the same origins search only once (and
        ``remember=False`` still reads what is kept).
        """
        rows, columns = self._positions("origins", origins), self._positions("destinations", destinations)
        self._check_mode(mode)
        column = self._memo.column[columns]
        if len(columns) and (column >= 0).all() and (remember or self._memo.has(rows, mode)):
            found = self._memo.rows(rows, mode)[:, column]
        else:
            found = self.engine(mode).matrix_minutes(rows, columns)
        return self.scenario.travel.trip_minutes(mode, found)

    def remember(self, origins: Sequence[str], mode: ProfileName = "truck") -> None:
        """Search from origins now and keep their minutes to every place and site.

        What :meth:`trip_minutes` does on first use; a caller that searches from many origins
        in parts can show its progress.

        Parameters
        ----------
        origins : sequence of str
            Node ids.
        mode : {"truck", "car", "rail"}, default "truck"
            The profile.

        Raises
        ------
        ArgumentError
            (parameter ``origins`` or ``mode``) as for :meth:`trip_minutes`.
        """
        rows = self._positions("origins", origins)
        self._check_mode(mode)
        self._memo.rows(rows, mode)

    def removals(self, texts: str | Iterable[str]) -> tuple[Removal, ...]:
        """Resolve what a user names for removal (see :mod:`hourcircle.travel.removals`).

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

        Raises
        ------
        ArgumentTypeError
            (parameter ``removals``) for anything but a collection of :class:`Removal`.
        """
        removals = tuple(check.items("removals", removals, Removal, what="a sequence of Removal"))
        blocked = self.edges.blocked(removals)
        network = self.network.without(blocked, {p for r in removals for p in r.places},
                                       {s for r in removals for s in r.sites})
        return TravelTimes(network, closure=(self, blocked))

    @cached_property
    def _memo(self) -> EndpointMinutes:
        return EndpointMinutes((self.network.nodes["kind"] != "road").to_numpy(), self.engine)

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

        Raises
        ------
        ArgumentError
            (parameter ``mode`` or ``blocked``) for an unknown mode, or flags that are not one
            bool per edge.
        """
        self._check_mode(mode)
        check.instance("blocked", blocked, np.ndarray, what="a numpy array of bool")
        if blocked.dtype != np.bool_ or blocked.shape != (len(self.network.edges),):
            raise ArgumentError("blocked", f"must hold one bool per edge ({len(self.network.edges)}), "
                                           f"not {blocked.dtype} of shape {blocked.shape}")
        arrays = self.edges.arrays(mode)
        closed = blocked[arrays.rows]
        if not closed.any():
            return self.engine(mode)
        return self.engine(mode).with_minutes(arrays.tails[closed], arrays.heads[closed],
                                              self.edges.parallel_minutes(mode, closed))

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
        ArgumentError
            (parameter ``origin``, ``destination`` or ``mode``) for an argument of the wrong
            type, or an unknown mode.
        """
        source = self.names.resolve(check.text("origin", origin))
        target = self.names.resolve(check.text("destination", destination))
        self._check_mode(mode)
        i, j = (int(k) for k in self._positions("origin", [source, target]))
        found = self.engine(mode).route(i, j)
        if found is None:
            raise NoRouteError(f"no {mode} route from {source} to {target}")
        network_minutes, path = found
        steps = np.asarray(path, dtype=np.int64)
        taken = self.network.edges.iloc[self.edges.between(steps[:-1], steps[1:], mode)]
        hops = pd.DataFrame({"kind": taken["kind"].to_numpy(), "name": taken["name"].to_numpy(),
                             "km": taken[f"km_{mode}"].to_numpy(dtype=float),
                             "minutes": taken[f"minutes_{mode}"].to_numpy(dtype=float),
                             "estimated": taken["estimated"].to_numpy(dtype=bool),
                             "to": self._labels.describe(steps[1:]),
                             "border_minutes": np.where(taken["kind"].to_numpy() == "border",
                                                        taken["minutes"].to_numpy(dtype=float), 0.0)})
        fixed = self.scenario.travel.terminal_minutes(mode) if i != j else 0.0
        minutes = float(self.scenario.travel.trip_minutes(mode, network_minutes)) if i != j else 0.0
        boarding = self.scenario.travel.rail.boarding_minutes if mode == "rail" else 0.0
        return Route(source, target, mode, minutes, [str(self.node_ids[k]) for k in path], hops,
                     fixed, boarding, self.scenario.travel.band(mode), borders=self.scenario.crossings is not None)

    def train_minutes(self, origins: Sequence[str], destinations: Sequence[str], *,
                      batch_size: int = 64) -> NDArray[np.float64]:
        """Minutes in trains on the fastest rail route (door to door) between node ids.

        What timetables publish (see :func:`hourcircle.travel.trains.train_minutes`).

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

        Raises
        ------
        ArgumentError
            (parameter ``origins``, ``destinations`` or ``batch_size``) for an unknown id, a str
            instead of a sequence, or a batch size below 1; (``mode``) if the network has no rail.
        """
        rows, columns = self._positions("origins", origins), self._positions("destinations", destinations)
        size = check.count("batch_size", batch_size)
        self._check_mode("rail")
        return train_minutes(self.engine("rail"), self.edges, self.network.edges["kind"].to_numpy(),
                             self.scenario.travel.rail.boarding_minutes, rows, columns, batch_size=size)
