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

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial import Delaunay, QhullError, cKDTree

from hourcircle.geo import haversine_km, project_km
from hourcircle.io import Scenario
from hourcircle.settings import PROFILES, ProfileName, TravelSettings

ROAD_KINDS = ("road", "access")
RAIL_KINDS = ("rail", "rail_estimate", "rail_feeder", "access")
CORRIDOR_KM = 20.0
EDGE_COLUMNS = ["u", "v", "kind", "name", "km", "geodesic_km", "minutes", "estimated"]


@dataclass(frozen=True)
class TravelNetwork:
    """A scenario's network: ``nodes`` and ``edges`` tables plus the networkx ``graph``.

    The tables are the source of truth for computation; ``graph`` is the same network as a
    ``networkx.MultiGraph`` for inspection and drawing.
    """

    scenario: Scenario
    nodes: pd.DataFrame
    edges: pd.DataFrame
    graph: nx.MultiGraph

    def has_mode(self, mode: ProfileName) -> bool:
        """Whether any link serves ``mode`` (rail needs rail links)."""
        kinds = set(self.edges["kind"])
        return "rail" in kinds if mode == "rail" else bool(kinds & {"road"})


def _node_table(scenario: Scenario) -> pd.DataFrame:
    places = scenario.places.assign(kind="place", category=None, place_id=scenario.places.index)
    sites = scenario.sites.assign(kind="site")
    columns = ["kind", "name", "category", "place_id", "lat", "lon"]
    nodes = pd.concat([places[columns], sites[columns]])
    nodes.index.name = "node"
    return nodes


def gabriel_links(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.int64]:
    """Pairs (i, j) of a road-like graph over points: the Gabriel graph of their Delaunay
    triangulation (an edge stays when no other point lies in the circle on it as diameter).

    It is connected and planar, and drops the long hull edges a triangulation adds.
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
    return pairs[nearest >= radius * (1 - 1e-9)].astype(np.int64)


def _inferred_road_links(places: pd.DataFrame) -> pd.DataFrame:
    pairs = gabriel_links(places["lat"].to_numpy(), places["lon"].to_numpy())
    ids = places.index.to_numpy()
    return pd.DataFrame({"u": ids[pairs[:, 0]], "v": ids[pairs[:, 1]], "kind": "road",
                         "name": "inferred", "km": np.nan, "minutes": np.nan, "estimated": True})


def _given_links(scenario: Scenario) -> pd.DataFrame:
    """The scenario's links; road links are inferred when it gives none."""
    columns = ["u", "v", "kind", "name", "km", "minutes", "estimated"]
    given = pd.DataFrame(columns=columns)
    if scenario.links is not None and not scenario.links.empty:
        given = scenario.links.rename(columns={"from_place": "u", "to_place": "v", "mode": "kind"})
        given = given.assign(estimated=given["km"].isna() & given["minutes"].isna())[columns]
    if not (given["kind"] == "road").any():
        inferred = _inferred_road_links(scenario.places)
        given = inferred if given.empty else pd.concat([given, inferred], ignore_index=True)
    return given


def _rail_connectors(scenario: Scenario, rail: pd.DataFrame,
                     travel: TravelSettings) -> pd.DataFrame:
    """Rail edges for places no rail link serves.

    A place within ``CORRIDOR_KM`` of a rail link's straight line (and between its ends) is
    put on that line, its minutes interpolated by distance (``rail_estimate``); any other
    joins the nearest served place by road at the car's speed (``rail_feeder``).
    """
    places = scenario.places
    served = pd.Index(pd.unique(rail[["u", "v"]].to_numpy().ravel()))
    unserved = places.index.difference(served)
    if rail.empty or unserved.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    xy = pd.DataFrame(project_km(places["lat"], places["lon"]), index=places.index, columns=["x", "y"])
    a = xy.loc[rail["u"]].to_numpy()
    b = xy.loc[rail["v"]].to_numpy()
    span = b - a
    length2 = np.maximum((span**2).sum(axis=1), 1e-9)
    minutes = rail["minutes"].to_numpy()
    rows = []
    for place in unserved:
        p = xy.loc[place].to_numpy()
        t = ((p - a) * span).sum(axis=1) / length2
        off = np.linalg.norm(a + t[:, None] * span - p, axis=1)
        fits = (t > 0.05) & (t < 0.95) & (off <= CORRIDOR_KM) & np.isfinite(minutes)
        if fits.any():
            best = np.flatnonzero(fits)[np.argmin(np.sqrt(length2[fits]))]
            name = f"estimated on the {rail['u'].iloc[best]}-{rail['v'].iloc[best]} line"
            for end, share in ((rail["u"].iloc[best], t[best]), (rail["v"].iloc[best], 1 - t[best])):
                rows.append((place, end, "rail_estimate", name, np.nan, minutes[best] * share))
            continue
        km = haversine_km(places.loc[place, "lat"], places.loc[place, "lon"],
                          places.loc[served, "lat"], places.loc[served, "lon"])
        nearest = served[int(np.argmin(km))]
        road_km = float(km.min()) * travel.car.detour
        rows.append((place, nearest, "rail_feeder", f"road to the station at {nearest}", road_km,
                     road_km / travel.car.speed_kmh * 60))
    out = pd.DataFrame(rows, columns=["u", "v", "kind", "name", "km", "minutes"])
    return out.assign(estimated=True)


def _access_legs(scenario: Scenario) -> pd.DataFrame:
    sites = scenario.sites
    return pd.DataFrame({"u": sites.index, "v": sites["place_id"].to_numpy(), "kind": "access",
                         "name": "access", "km": np.nan, "minutes": np.nan, "estimated": True})


def _profile_minutes(edges: pd.DataFrame, travel: TravelSettings) -> pd.DataFrame:
    """Add ``minutes_<profile>`` columns (NaN where a profile does not use the edge)."""
    out = edges.copy()
    for name in PROFILES:
        kinds = RAIL_KINDS if name == "rail" else ROAD_KINDS
        usable = out["kind"].isin(kinds)
        road = travel.road(name)
        km = out["km"].fillna(out["geodesic_km"] * road.detour)
        access = km / road.access_speed_kmh * 60
        if name == "rail":
            along = out["km"].fillna(out["geodesic_km"]) / travel.rail.speed_kmh * 60
            rail = out["minutes"].fillna(along) + travel.rail.transfer_minutes
            minutes = np.where(out["kind"] == "access", access,
                               np.where(out["kind"] == "rail_feeder", out["minutes"], rail))
        else:
            minutes = np.where(out["kind"] == "access", access,
                               out["minutes"].fillna(km / road.speed_kmh * 60))
        out[f"minutes_{name}"] = np.where(usable, minutes, np.nan)
    return out


def build_network(scenario: Scenario) -> TravelNetwork:
    """The travel network of ``scenario`` (links as given, or inferred when there are none)."""
    nodes = _node_table(scenario)
    links = _given_links(scenario)
    rail = links[links["kind"] == "rail"]
    parts = [links, _rail_connectors(scenario, rail, scenario.travel), _access_legs(scenario)]
    edges = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    edges["geodesic_km"] = haversine_km(nodes.loc[edges["u"], "lat"], nodes.loc[edges["u"], "lon"],
                                        nodes.loc[edges["v"], "lat"], nodes.loc[edges["v"], "lon"])
    edges = _profile_minutes(edges, scenario.travel)
    graph = nx.MultiGraph(name=scenario.name)
    graph.add_nodes_from((node, attrs) for node, attrs in zip(nodes.index, nodes.to_dict("records"),
                                                              strict=True))
    graph.add_edges_from((row.pop("u"), row.pop("v"), key, row)
                         for key, row in enumerate(edges.to_dict("records")))
    return TravelNetwork(scenario, nodes, edges, graph)
