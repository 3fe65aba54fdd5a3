"""Build the multi-modal travel network of a scenario.

Nodes are places and sites; edges are road and rail links between places, inferred road
links when a scenario gives none, rail feeders for places without a station, and an access
leg from every site to its place. Each edge carries its minutes for every profile that may
use it (``minutes_truck``, ``minutes_car``, ``minutes_rail``; missing where it may not).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.io import load_scenario
>>> net = build_network(load_scenario(bundled()))
>>> net.graph.nodes["hefei"]["kind"]
'place'
>>> set(net.edges["kind"]) >= {"road", "rail", "access"}
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
from numpy.typing import NDArray
from scipy.spatial import Delaunay, QhullError, cKDTree

from hourcircle import rail_gaps
from hourcircle.geo import haversine_km, project_km
from hourcircle.io import Scenario
from hourcircle.rail_gaps import LINK_COLUMNS
from hourcircle.settings import PROFILES, ProfileName, TravelSettings

if TYPE_CHECKING:
    import networkx as nx

ROAD_KINDS = ("road", "access")
RAIL_KINDS = ("rail", "rail_estimate", "rail_feeder", "access")


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
        Places and sites, indexed by id: ``kind, name, category, place_id, lat, lon``.
    edges : pandas.DataFrame
        ``u, v, kind, name, km, minutes, estimated, link``, ``geodesic_km`` and, per profile,
        ``minutes_<profile>`` and ``km_<profile>`` (NaN where the profile may not use it).
    """

    scenario: Scenario
    nodes: pd.DataFrame
    edges: pd.DataFrame

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
        return bool((self.edges["kind"] == ("rail" if mode == "rail" else "road")).any())

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
        return TravelNetwork(scenario, self.nodes, self.edges[~blocked].reset_index(drop=True))


def _node_table(scenario: Scenario) -> pd.DataFrame:
    places = scenario.places.assign(kind="place", category=None, place_id=scenario.places.index)
    sites = scenario.sites.assign(kind="site")
    columns = ["kind", "name", "category", "place_id", "lat", "lon"]
    nodes = pd.concat([places[columns], sites[columns]])
    nodes.index.name = "node"
    return nodes


def gabriel_links(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.int64]:
    """Pairs (i, j) of a road-like graph over points: the Gabriel graph of their triangulation.

    An edge of the Delaunay triangulation stays when no other point lies in the circle on it
    as diameter. The graph is connected and planar, and drops the long hull edges a triangulation adds.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The points, in degrees.

    Returns
    -------
    numpy.ndarray
        ``(m, 2)`` array of point positions, one row per link.
    """
    xy = project_km(lat, lon)
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


def _inferred_road_links(places: pd.DataFrame) -> pd.DataFrame:
    pairs = gabriel_links(places["lat"].to_numpy(), places["lon"].to_numpy())
    ids = places.index.to_numpy()
    return pd.DataFrame({"u": ids[pairs[:, 0]], "v": ids[pairs[:, 1]], "kind": "road",
                         "name": "inferred", "km": np.nan, "minutes": np.nan, "estimated": True})


def _given_links(scenario: Scenario) -> pd.DataFrame:
    """The scenario's links; road links are inferred when it gives none."""
    given = pd.DataFrame(columns=LINK_COLUMNS)
    if scenario.links is not None and not scenario.links.empty:
        given = scenario.links.rename(columns={"from_place": "u", "to_place": "v", "mode": "kind"})
        given = given.assign(estimated=given["km"].isna() & given["minutes"].isna())[LINK_COLUMNS]
    if not (given["kind"] == "road").any():
        inferred = _inferred_road_links(scenario.places)
        given = inferred if given.empty else pd.concat([given, inferred], ignore_index=True)
    return given


def _access_legs(scenario: Scenario) -> pd.DataFrame:
    sites = scenario.sites
    return pd.DataFrame({"u": sites.index, "v": sites["place_id"].to_numpy(), "kind": "access",
                         "name": "access", "km": np.nan, "minutes": np.nan, "estimated": True})


def _profile_minutes(edges: pd.DataFrame, travel: TravelSettings) -> pd.DataFrame:
    """Add ``minutes_<profile>`` and ``km_<profile>`` columns.

    NaN where a profile does not use the edge; km not given are geodesic km times the detour
    (straight for rail links).
    """
    out = edges.copy()
    kind = out["kind"].to_numpy()
    given_km = out["km"].to_numpy(dtype=np.float64)
    given_minutes = out["minutes"].to_numpy(dtype=np.float64)
    geodesic = out["geodesic_km"].to_numpy(dtype=np.float64)
    for name in PROFILES:
        road = travel.road(name)
        km = np.where(np.isnan(given_km), geodesic * road.detour, given_km)
        access = km / road.access_speed_kmh * 60
        if name == "rail":
            km = np.where(kind == "rail", np.where(np.isnan(given_km), geodesic, given_km), km)
            along = km / travel.rail.speed_kmh * 60
            # a timetable ride pays its boarding; an estimated stop is part of a ride on its line
            boarding = np.where(kind == "rail", travel.rail.boarding_minutes, 0.0)
            by_train = np.where(np.isnan(given_minutes), along, given_minutes) + boarding
            moving = np.where(kind == "rail_feeder", given_minutes, by_train)
        else:
            moving = np.where(np.isnan(given_minutes), km / road.speed_kmh * 60, given_minutes)
        minutes = np.where(kind == "access", access, moving)
        usable = np.isin(kind, RAIL_KINDS if name == "rail" else ROAD_KINDS)
        out[f"minutes_{name}"] = np.where(usable, minutes, np.nan)
        out[f"km_{name}"] = np.where(usable, km, np.nan)
    return out


def _with_geodesic(edges: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    ends = [nodes.loc[edges[end], ["lat", "lon"]].to_numpy() for end in ("u", "v")]
    return edges.assign(geodesic_km=haversine_km(ends[0][:, 0], ends[0][:, 1], ends[1][:, 0], ends[1][:, 1]))


def _with_link_ids(edges: pd.DataFrame) -> pd.DataFrame:
    """Name every road and rail link ``mode:from-to`` (``#2`` on a repeat) so a user can remove it.

    Derived edges (estimated stops, feeders, access legs) get none.
    """
    given = edges["kind"].isin(["road", "rail"])
    ids = edges["kind"] + ":" + edges["u"].astype(str) + "-" + edges["v"].astype(str)
    repeat = ids.groupby(ids).cumcount()
    ids = ids.where(repeat == 0, ids + "#" + (repeat + 1).astype(str))
    return edges.assign(link=ids.where(given, None))


def build_network(scenario: Scenario) -> TravelNetwork:
    """The travel network of a scenario.

    Parameters
    ----------
    scenario : Scenario
        Places, sites, links (or none: road links are then inferred) and profiles.

    Returns
    -------
    TravelNetwork
        Nodes and edges with minutes per profile.
    """
    nodes = _node_table(scenario)
    links = _with_geodesic(_given_links(scenario), nodes)
    rail = links[links["kind"] == "rail"]
    road = links[links["kind"] == "road"]
    road = road.assign(km=road["km"].fillna(road["geodesic_km"] * scenario.travel.car.detour))
    stops = rail_gaps.corridor_stops(scenario.places, road, rail)
    added = [stops, rail_gaps.feeders(scenario.places, road, rail, scenario.travel.car, stops), _access_legs(scenario)]
    edges = pd.concat([links, *(_with_geodesic(p, nodes) for p in added if not p.empty)], ignore_index=True)
    return TravelNetwork(scenario, nodes, _profile_minutes(_with_link_ids(edges), scenario.travel))
