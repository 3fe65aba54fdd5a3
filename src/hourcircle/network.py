"""Build the multi-modal travel network of a scenario.

Nodes are places, sites and road nodes; edges are the roads of :mod:`hourcircle.roads`, an
access leg from every place and site to the road node it joins (road modes), a station leg
from every site to its place (rail), rail links between places, and rail estimates for
places no timetable serves (:mod:`hourcircle.rail_gaps`). Each edge carries its minutes for
every profile that may use it (``minutes_truck``, ``minutes_car``, ``minutes_rail``; NaN
where it may not).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.io import load_scenario
>>> net = build_network(load_scenario(bundled()))
>>> net.nodes.loc["hefei", "kind"]
'place'
>>> set(net.edges["kind"]) >= {"road", "rail", "access", "station"}
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from hourcircle import rail_gaps
from hourcircle.geo import haversine_km
from hourcircle.links import link_table, with_link_ids
from hourcircle.profiles import CAR_LIMIT_KMH, PROFILES, TRUCK_LIMIT_KMH, ProfileName, RoadProfile, TravelSettings
from hourcircle.roads.build import Roads, build_roads
from hourcircle.roads.terrain import density_term, in_mountains, road_density
from hourcircle.scenario import Scenario

if TYPE_CHECKING:
    import networkx as nx

ROAD_KINDS = ("road", "access", "border")  # border: a road edge across the border at a crossing, which pays its wait
RAIL_KINDS = ("rail", "rail_estimate", "rail_feeder", "station")
RIDE_KINDS = ("rail", "rail_estimate")  # edges in a train: each is a ride, and pays its boarding
FEEDER_SEARCH_KM = 400.0  # how far a feeder looks for a station by road


@dataclass(frozen=True)
class TravelNetwork:
    """A scenario's network as ``nodes`` and ``edges`` tables.

    The tables are the source of truth for computation; :attr:`graph` is the same network
    as a ``networkx.MultiGraph``, for inspection and drawing, built when first asked for.

    Parameters
    ----------
    scenario : Scenario
        What the network was built from.
    nodes : pandas.DataFrame
        Places, sites and road nodes, indexed by id: ``kind, name, category, place_id, lat, lon``.
    edges : pandas.DataFrame
        ``u, v, kind, name, km, minutes, estimated, link``, ``geodesic_km`` and, per profile,
        ``minutes_<profile>`` and ``km_<profile>`` (NaN where the profile may not use it).
    roads : Roads
        Where the roads came from, how places and sites join them, segments and named
        infrastructure.
    """

    scenario: Scenario
    nodes: pd.DataFrame
    edges: pd.DataFrame
    roads: Roads

    @cached_property
    def graph(self) -> nx.MultiGraph[str]:
        """The network as a networkx ``MultiGraph``: node and edge attributes from the tables."""
        import networkx as nx

        graph: nx.MultiGraph[str] = nx.MultiGraph(name=self.scenario.name)
        graph.add_nodes_from((str(node), {str(k): v for k, v in attrs.items()})
                             for node, attrs in zip(self.nodes.index, self.nodes.to_dict("records"), strict=True))
        for row in self.edges.to_dict("records"):
            graph.add_edge(str(row["u"]), str(row["v"]), **{str(k): v for k, v in row.items() if k not in ("u", "v")})
        return graph

    def has_mode(self, mode: ProfileName) -> bool:
        """Whether any link serves a profile.

        Parameters
        ----------
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        bool
            True when a road link (for truck and car) or a rail link (for rail) exists.
        """
        return ("rail" if mode == "rail" else "road") in self._kinds

    @cached_property
    def link_ids(self) -> frozenset[str]:
        """Every link id a removal may name (``road:a-b``, ``rail:a-b``, ``seg:12``)."""
        return frozenset(self.edges["link"].dropna().astype(str))

    @cached_property
    def _kinds(self) -> frozenset[str]:
        return frozenset(self.edges["kind"].astype(str).unique())

    @cached_property
    def ends(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Every edge's two ends (``u``, ``v``) as positions in :attr:`nodes` (stored with a cached network).

        Examples
        --------
        >>> from hourcircle.datasets import bundled
        >>> from hourcircle.io import load_scenario
        >>> net = build_network(load_scenario(bundled()))
        >>> u, v = net.ends
        >>> bool((net.nodes.index[u] == net.edges["u"]).all())
        True
        """
        index = self.nodes.index
        return (np.asarray(index.get_indexer(pd.Index(self.edges["u"])), dtype=np.int64),
                np.asarray(index.get_indexer(pd.Index(self.edges["v"])), dtype=np.int64))

    def without(self, blocked: NDArray[np.bool_], places: Collection[str] = (),
                sites: Collection[str] = ()) -> TravelNetwork:
        """The network with edges, places and sites taken out (node positions are kept).

        Parameters
        ----------
        blocked : numpy.ndarray of bool
            One flag per row of :attr:`edges`: the edges to drop.
        places, sites : collection of str
            Ids to drop from the scenario (their nodes stay, without the dropped edges).

        Returns
        -------
        TravelNetwork
            A new network; this one is unchanged.
        """
        scenario = dataclasses.replace(self.scenario, places=self.scenario.places.drop(index=list(places)),
                                       sites=self.scenario.sites.drop(index=list(sites)))
        reduced = TravelNetwork(scenario, self.nodes, self.edges[~blocked].reset_index(drop=True), self.roads)
        reduced.__dict__["_kinds"] = self._kinds  # a mode whose every link is closed is still the network's
        reduced.__dict__["ends"] = tuple(end[~blocked] for end in self.ends)  # the same nodes
        return reduced


def _node_table(scenario: Scenario, roads: Roads) -> pd.DataFrame:
    places = scenario.places.assign(kind="place", category=None, place_id=scenario.places.index)
    sites = scenario.sites.assign(kind="site")
    road = roads.nodes.assign(kind="road", name=None, category=None, place_id=None)
    columns = ["kind", "name", "category", "place_id", "lat", "lon"]
    nodes = pd.concat([places[columns], sites[columns], road[columns]])
    nodes.index.name = "node"
    return nodes


def _legs(scenario: Scenario, roads: Roads) -> pd.DataFrame:
    """Access legs (place or site to its road node) and station legs (site to its place)."""
    joins = roads.joins[roads.joins.index != roads.joins["node"]]
    access = pd.DataFrame({"u": joins.index, "v": joins["node"].to_numpy(), "kind": "access", "name": "access",
                           "km": np.nan, "minutes": np.nan, "estimated": True})
    sites = scenario.sites
    station = pd.DataFrame({"u": sites.index, "v": sites["place_id"].to_numpy(), "kind": "station",
                            "name": "to the station", "km": np.nan, "minutes": np.nan, "estimated": True})
    return pd.concat([access, station], ignore_index=True)


@dataclass(frozen=True)
class Terrain:
    """What the land says about each edge's speed (see :mod:`hourcircle.roads.terrain`).

    Parameters
    ----------
    mountain : numpy.ndarray of bool
        Road edges in a mountain province.
    density : numpy.ndarray
        Road edges' :func:`~hourcircle.roads.terrain.density_term` (0 for other edges).
    """

    mountain: NDArray[np.bool_]
    density: NDArray[np.float64]

    @classmethod
    def of(cls, edges: pd.DataFrame, nodes: pd.DataFrame, places: pd.DataFrame) -> Terrain:
        """The terrain of ``edges``' road edges.

        Parameters
        ----------
        edges : pandas.DataFrame
            ``u, v, kind, km``.
        nodes : pandas.DataFrame
            ``lat, lon`` of every node, indexed by id.
        places : pandas.DataFrame
            The scenario's places (``lat, lon, province``).

        Returns
        -------
        Terrain
            One value per edge.
        """
        road = np.flatnonzero((edges["kind"].to_numpy() == "road") & edges["km"].notna().to_numpy())
        ends = [nodes.loc[edges[end].to_numpy()[road], ["lat", "lon"]].to_numpy(dtype=np.float64)
                for end in ("u", "v")]
        lat, lon = (ends[0][:, 0] + ends[1][:, 0]) / 2, (ends[0][:, 1] + ends[1][:, 1]) / 2
        mountain, density = np.zeros(len(edges), dtype=bool), np.zeros(len(edges))
        mountain[road] = in_mountains(lat, lon, places)
        density[road] = density_term(road_density(lat, lon, edges["km"].to_numpy(dtype=np.float64)[road]))
        return cls(mountain, density)

    def factor(self, road: RoadProfile, limit_kmh: float) -> NDArray[np.float64]:
        """Each edge's minutes per km relative to the profile's speed: at most ``limit_kmh`` anywhere.

        Parameters
        ----------
        road : RoadProfile
            Its ``speed_kmh``, ``mountain_slowdown`` and ``density_speedup``.
        limit_kmh : float
            The legal limit; an edge is never faster than it (nor than the profile's speed).

        Returns
        -------
        numpy.ndarray
            ``1 + mountain_slowdown * mountain - density_speedup * density``, bounded.
        """
        factor = 1 + road.mountain_slowdown * self.mountain - road.density_speedup * self.density
        return np.asarray(np.maximum(factor, min(1.0, road.speed_kmh / limit_kmh)), dtype=np.float64)


def _profile_minutes(edges: pd.DataFrame, travel: TravelSettings, terrain: Terrain | None = None) -> pd.DataFrame:
    """Add ``minutes_<profile>`` and ``km_<profile>`` columns.

    NaN where a profile does not use the edge; km not given are geodesic km times the detour
    (straight for rail links). Road edges' minutes are scaled by their ``terrain``
    (:meth:`Terrain.factor`); a ``border`` edge's ``minutes`` are its crossing's wait, paid on
    top of driving it.
    """
    out = edges.copy()
    kind = out["kind"].to_numpy()
    terrain = terrain or Terrain(np.zeros(len(out), dtype=bool), np.zeros(len(out)))
    given_km = out["km"].to_numpy(dtype=np.float64)
    given_minutes = out["minutes"].to_numpy(dtype=np.float64)
    geodesic = out["geodesic_km"].to_numpy(dtype=np.float64)
    leg = np.isin(kind, ("access", "station"))
    for name in PROFILES:
        road = travel.road(name)
        km = np.where(np.isnan(given_km), geodesic * road.detour, given_km)
        access = km / road.access_speed_kmh * 60
        if name == "rail":
            km = np.where(kind == "rail", np.where(np.isnan(given_km), geodesic, given_km), km)
            along = km / travel.rail.speed_kmh * 60
            # every ride pays its boarding (so that a ride through an estimated stop is no cheaper
            # than the direct train it was estimated from)
            boarding = np.where(np.isin(kind, RIDE_KINDS), travel.rail.boarding_minutes, 0.0)
            by_train = np.where(np.isnan(given_minutes), along, given_minutes) + boarding
            moving = np.where(kind == "rail_feeder", given_minutes, by_train)
        else:
            factor = terrain.factor(road, TRUCK_LIMIT_KMH if name == "truck" else CAR_LIMIT_KMH)
            driving = km / road.speed_kmh * 60 * factor
            moving = np.where(np.isnan(given_minutes), driving, given_minutes)
            moving = np.where(kind == "border", driving + given_minutes, moving)  # a crossing's wait, on top
        minutes = np.where(leg, access, moving)
        usable = np.isin(kind, RAIL_KINDS if name == "rail" else ROAD_KINDS)
        out[f"minutes_{name}"] = np.where(usable, minutes, np.nan)
        out[f"km_{name}"] = np.where(usable, km, np.nan)
    return out


def _with_geodesic(edges: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    ends = [nodes.loc[edges[end], ["lat", "lon"]].to_numpy(dtype=np.float64) for end in ("u", "v")]
    return edges.assign(geodesic_km=haversine_km(ends[0][:, 0], ends[0][:, 1], ends[1][:, 0], ends[1][:, 1]))


def _road_km(nodes: pd.DataFrame, edges: pd.DataFrame, detour: float, origins: pd.Index,
             targets: pd.Index) -> pd.DataFrame:
    """Road km (access legs included) from origin places to target places.

    Searched no farther than :data:`FEEDER_SEARCH_KM`.
    """
    if origins.empty or targets.empty:
        return pd.DataFrame(index=origins, columns=targets, dtype=float)
    road = edges[edges["kind"].isin(ROAD_KINDS)]
    km = road["km"].fillna(road["geodesic_km"] * detour).to_numpy(dtype=np.float64)
    return _shortest(nodes.index, road, km, origins, targets, limit=FEEDER_SEARCH_KM)


def _rail_minutes(rides: pd.DataFrame, served: pd.Index, travel: TravelSettings) -> pd.DataFrame:
    """Minutes by rail alone (rides and their boarding) between served places."""
    minutes = _profile_minutes(rides, travel)["minutes_rail"].to_numpy(dtype=np.float64)
    ends = pd.Index(pd.unique(rides[["u", "v"]].to_numpy().ravel())).union(served)
    return _shortest(ends, rides, minutes, served, served)


def _shortest(ends: pd.Index, edges: pd.DataFrame, weights: NDArray[np.float64], origins: pd.Index,
              targets: pd.Index, limit: float = np.inf) -> pd.DataFrame:
    """Least sums of ``weights`` over ``edges`` (``u``-``v``, either way; labels of ``ends``), origins x targets."""
    u, v = ends.get_indexer(pd.Index(edges["u"])), ends.get_indexer(pd.Index(edges["v"]))
    n = len(ends)
    graph = sp.coo_array((np.r_[weights, weights], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    found = dijkstra(graph, indices=ends.get_indexer(origins), limit=limit)
    return pd.DataFrame(np.atleast_2d(found)[:, ends.get_indexer(targets)], index=origins, columns=targets)


def build_network(scenario: Scenario) -> TravelNetwork:
    """The travel network of a scenario.

    Parameters
    ----------
    scenario : Scenario
        Places, sites, links, roads settings and profiles.

    Returns
    -------
    TravelNetwork
        Nodes and edges with minutes per profile.

    Raises
    ------
    InputError
        If the roads cannot be built (see :func:`hourcircle.roads.build.build_roads`).
    """
    roads = build_roads(scenario, scenario.travel.car.detour)
    nodes = _node_table(scenario, roads)
    road = _with_geodesic(pd.concat([roads.edges, _legs(scenario, roads)], ignore_index=True), nodes)
    rail_links = link_table(scenario.links, "rail")
    rail = _with_geodesic(with_link_ids(rail_links), nodes) if len(rail_links) else rail_links
    stops = rail_gaps.corridor_stops(scenario.places, rail)
    unserved = rail_gaps.unserved(scenario.places, rail)
    needing, served = unserved.difference(pd.Index(stops["u"])), scenario.places.index.difference(unserved)
    stops = _with_geodesic(stops.assign(link=None), nodes) if len(stops) else stops
    rides = [part for part in (rail, stops) if len(part)]
    by_rail = _rail_minutes(pd.concat(rides), served, scenario.travel) if rides else None
    feeders = rail_gaps.feeders(_road_km(nodes, road, scenario.travel.car.detour, needing, served), scenario.travel.car,
                                by_rail)
    feeders = _with_geodesic(feeders.assign(link=None), nodes) if len(feeders) else feeders
    edges = pd.concat([road, *rides, *([feeders] if len(feeders) else [])], ignore_index=True)
    edges["link"] = edges["link"].where(edges["kind"].isin(["road", "rail", "border"]), None)
    terrain = Terrain.of(edges, nodes, scenario.places)
    return TravelNetwork(scenario, nodes, _profile_minutes(edges, scenario.travel, terrain), roads)
