"""Travel-time questions on a scenario's network, answered by the compiled :class:`Engine`.

Every trip between two different nodes pays its profile's fixed minutes once (urban access
by road, stations by rail); the rest is the fastest path over the network.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> times = TravelTimes.for_scenario(bundled())
>>> r = times.route("shanghai", "hefei", "car")
>>> r.nodes[0], r.nodes[-1], 300 < r.minutes < 420
('shanghai', 'hefei', True)
>>> bool(times.reach("hefei", hours=1.0)["minutes"].max() <= 60)
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.engine import Engine
from hourcircle.errors import ArgumentError, NoRouteError
from hourcircle.io import Scenario, load_scenario
from hourcircle.names import NameIndex
from hourcircle.network import TravelNetwork, build_network
from hourcircle.settings import PROFILES, ProfileName


@dataclass(frozen=True)
class Route:
    """A fastest route: total minutes and km, the nodes passed, the links taken and their kinds
    (``road``, ``rail``, ``access``, and the estimates ``rail_estimate`` for a stop a timetable
    lacks and ``rail_feeder`` for a road leg to a station; see :mod:`hourcircle.rail_gaps`)."""

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
        return {"from": self.origin, "to": self.destination, "mode": self.mode,
                "minutes": round(self.minutes, 1), "km": round(self.km, 1),
                "route": self.nodes, "links": self.links, "kinds": self.kinds}


@dataclass
class TravelTimes:
    """Shortest-time queries on a :class:`TravelNetwork`, one engine per profile (built lazily)."""

    network: TravelNetwork
    _engines: dict[str, Engine] = field(default_factory=dict, repr=False)

    @classmethod
    def for_scenario(cls, scenario: Scenario | str | Path) -> TravelTimes:
        """Load (if a path), build the network and wrap it."""
        loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        return cls(build_network(loaded))

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.network.scenario.places, self.network.scenario.sites)

    @cached_property
    def node_ids(self) -> pd.Index:
        return self.network.nodes.index

    def resolve(self, text: str) -> str:
        """The node id a user's text names (see :mod:`hourcircle.names`)."""
        return self.names.resolve(text)

    def engine(self, mode: ProfileName) -> Engine:
        """The engine of one profile's edges."""
        if mode not in PROFILES:
            raise ArgumentError(f"unknown mode {mode!r}; use one of {', '.join(PROFILES)}")
        if not self.network.has_mode(mode):
            raise ArgumentError(f"mode {mode}: this scenario has no {mode} links")
        if mode not in self._engines:
            edges = self.network.edges.dropna(subset=[f"minutes_{mode}"])
            self._engines[mode] = Engine(self.node_ids.get_indexer(pd.Index(edges["u"])),
                                         self.node_ids.get_indexer(pd.Index(edges["v"])),
                                         edges[f"minutes_{mode}"].to_numpy(), len(self.node_ids))
        return self._engines[mode]

    def terminal_minutes(self, mode: ProfileName) -> float:
        """The fixed minutes every trip of ``mode`` pays once."""
        return self.network.scenario.travel.terminal_minutes(mode)

    def _position(self, text: str) -> tuple[str, int]:
        node = self.resolve(text)
        return node, int(self.node_ids.get_indexer(pd.Index([node]))[0])

    def minutes_from(self, origin: str, mode: ProfileName = "truck",
                     cutoff: float | None = None) -> pd.Series:
        """Minutes from ``origin`` to every node it reaches (within ``cutoff`` minutes)."""
        _, position = self._position(origin)
        fixed = self.terminal_minutes(mode)
        limit = None if cutoff is None else max(cutoff - fixed, 0.0)
        minutes = self.engine(mode).minutes_from(position, limit)
        minutes = np.where(np.arange(len(minutes)) == position, 0.0, minutes + fixed)
        keep = np.isfinite(minutes) & (minutes <= (np.inf if cutoff is None else cutoff))
        return pd.Series(minutes[keep], index=self.node_ids[keep], name="minutes").sort_values()

    def reach(self, origin: str, hours: float | None = None, mode: ProfileName = "truck") -> pd.DataFrame:
        """Sites reachable from ``origin`` within ``hours`` (default: the scenario's budget)."""
        budget = self.network.scenario.budget_hours if hours is None else hours
        if not budget > 0:
            raise ArgumentError(f"--hours must be a positive number of hours, not {budget!r}")
        minutes = self.minutes_from(origin, mode, cutoff=budget * 60)
        sites = self.network.scenario.sites
        hits = minutes[minutes.index.isin(sites.index)]
        table = sites.loc[hits.index, ["name", "company", "category", "place_id"]].assign(minutes=hits)
        order = {c: i for i, c in enumerate(self.network.scenario.product.all_categories)}
        table = table.assign(_order=table["category"].map(order)).sort_values(["_order", "minutes"])
        table.index.name = "site_id"
        return table.drop(columns="_order")

    def route(self, origin: str, destination: str, mode: ProfileName = "truck") -> Route:
        """The fastest route; :class:`NoRouteError` if the two are not connected by ``mode``."""
        source, i = self._position(origin)
        target, j = self._position(destination)
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

    def trip_minutes(self, origins: pd.Index, destinations: pd.Index, mode: ProfileName = "truck",
                     engine: Engine | None = None) -> NDArray[np.float64]:
        """Minutes (terminal minutes included) from each origin id (rows) to each destination id
        (columns), ``inf`` where there is no route; ``engine`` replaces the mode's own."""
        found = (engine or self.engine(mode)).matrix_minutes(self.node_ids.get_indexer(origins),
                                                              self.node_ids.get_indexer(destinations))
        return np.asarray(found + self.terminal_minutes(mode))

    def matrix(self, mode: ProfileName = "truck", nodes: list[str] | None = None) -> pd.DataFrame:
        """Minutes between every pair of ``nodes`` (default: all places); NaN where no route."""
        ids = list(self.network.scenario.places.index) if nodes is None else [self.resolve(n) for n in nodes]
        minutes = self.trip_minutes(pd.Index(ids), pd.Index(ids), mode)
        np.fill_diagonal(minutes, 0.0)
        minutes[~np.isfinite(minutes)] = np.nan
        return pd.DataFrame(minutes, index=pd.Index(ids, name="from"), columns=pd.Index(ids, name="to"))

    def nearest_by_category(self, mode: ProfileName = "truck",
                            cutoff: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """For every node and category: minutes to the nearest site, and that site's id.

        One multi-source sweep per category; NaN/None where none is within ``cutoff``.
        """
        fixed = self.terminal_minutes(mode)
        limit = None if cutoff is None else max(cutoff - fixed, 0.0)
        sites = self.network.scenario.sites
        minutes, nearest = {}, {}
        for category in self.network.scenario.product.all_categories:
            members = self.node_ids.get_indexer(sites.index[sites["category"] == category])
            dist, which = self.engine(mode).nearest(members, limit)
            dist = np.where(which == np.arange(len(dist)), dist, dist + fixed)
            if cutoff is not None:
                which = np.where(dist <= cutoff, which, -1)
                dist = np.where(dist <= cutoff, dist, np.inf)
            minutes[category] = np.where(np.isfinite(dist), dist, np.nan)
            nearest[category] = pd.Series(self.node_ids.to_numpy()[np.maximum(which, 0)]).where(which >= 0).to_numpy()
        return (pd.DataFrame(minutes, index=self.node_ids), pd.DataFrame(nearest, index=self.node_ids))
