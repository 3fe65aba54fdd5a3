r"""A scenario's road network (the :class:`Roads` value), built from its ``[roads] source``.

- ``osm``: the major roads of OpenStreetMap (:mod:`hourcircle.roads.osm`), clipped to the
  scenario's area plus a margin. Road rows of ``links.csv`` are *patches*: links the extract
  lacks, joined between the two places' road nodes. Every place and site joins the nearest node
  of the largest connected piece by an access leg; points far from any road, or nearer a
  separate piece, are reported.
- ``links``: the road rows of ``links.csv`` between places are the network.
- ``inferred``: links between neighbouring places (the Gabriel graph of their triangulation).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.io import load_scenario
>>> scenario = load_scenario(bundled())
>>> roads = build_roads(scenario, scenario.travel.car.detour)
>>> roads.source, roads.joins.loc["hefei", "kind"]
('osm', 'place')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hourcircle import config
from hourcircle.errors import InputError, Problem
from hourcircle.geo import haversine_km
from hourcircle.links import is_segment, link_table, osm_node_ids, segment_ids, with_link_ids
from hourcircle.roads.arrays import Array, Ints, RoadArrays, unit_vectors
from hourcircle.roads.infrastructure import INFRASTRUCTURE_COLUMNS, edge_names, match_infrastructure
from hourcircle.roads.osm import BUNDLED_BOX, OSM_ATTRIBUTION, Box, osm_roads
from hourcircle.roads.topology import chain_segments, component_labels, gabriel_links, join_dead_ends
from hourcircle.scenario import Scenario


@dataclass(frozen=True)
class Roads:
    """A scenario's road network, and where its places and sites join it.

    Parameters
    ----------
    source : {"osm", "links", "inferred"}
        Where the roads come from.
    nodes : pandas.DataFrame
        Road nodes that are not places (``lat``, ``lon``), indexed by id (``osm:<number>``);
        empty when places are the road nodes (``links``, ``inferred``).
    edges : pandas.DataFrame
        Road links: ``u, v, kind, name, km, minutes, estimated`` and ``link``, the id a
        removal names: the segment (``seg:<n>``) or the link (``road:<from>-<to>``).
    joins : pandas.DataFrame
        One row per place and site (indexed by id): ``kind``, the road ``node`` it joins, the
        great-circle ``km`` to it, and ``note`` (empty, or why the join is doubtful).
    segments : pandas.DataFrame
        One row per segment id: ``km``, the ``lat``, ``lon`` of its middle, and ``near``, the
        nearest places.
    infrastructure : pandas.DataFrame
        Named infrastructure: ``name, kind, source, km`` and ``links``, the segment ids it
        covers.
    outline : str
        The outline the roads were clipped to, in words (empty when they were not).
    crossings : pandas.DataFrame
        The border crossings roads may pass (:func:`~hourcircle.roads.crossings.crossing_table`;
        none unless the scenario opts in).
    """

    source: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    joins: pd.DataFrame
    segments: pd.DataFrame
    infrastructure: pd.DataFrame
    outline: str = ""
    crossings: pd.DataFrame = field(default_factory=lambda: _no_crossings())

    def summary(self) -> str:
        """A few lines: where the roads come from, their size, and how far places and sites are from them.

        Returns
        -------
        str
            What ``hourcircle validate`` prints about the roads.
        """
        lines = [f"roads: {self.source}" + (f" ({OSM_ATTRIBUTION})" if self.source == "osm" else "")
                 + f", {len(self.edges)} road links, {len(self.segments)} segments"]
        if self.outline:
            lines.append(f"outline: {self.outline}")
        if len(self.crossings):
            near = self.crossings[self.crossings["in_area"].astype(bool)]
            missing = near.loc[near["edges"] == 0, "name"].astype(str).tolist()
            lines.append(f"border crossings: {len(near) - len(missing)} of the {len(near)} in the scenario's area "
                         f"joined to a road across the border ({len(self.crossings) - len(near)} listed beyond it)"
                         + (f"; no road found near {', '.join(missing)}" if missing else ""))
        if self.source == "osm":
            joined = int((self.edges["estimated"] & is_segment(self.edges["link"])).sum())
            lines.append(f"dead ends joined to a road within {config.dead_end_km:g} km: {joined}")
            km = self.joins["km"]
            lines.append(f"joined to the roads: {len(km)} places and sites, median {km.median():.1f} km, "
                         f"farthest {km.max():.1f} km ({km.idxmax()})")
        if len(self.infrastructure):
            lines.append(f"named infrastructure: {len(self.infrastructure)} bridges, tunnels and corridors")
        return "\n".join(lines)

    def notes(self) -> list[str]:
        """What is doubtful about how places and sites join the roads.

        Returns
        -------
        list of str
            One line per place or site far from the main road network, or nearer a separate piece.
        """
        return [str(note) for note in self.joins["note"] if note]


def _no_crossings() -> pd.DataFrame:
    """The crossings of roads that cross no border (:mod:`hourcircle.roads.crossings` brings shapely: imported here)."""
    from hourcircle.roads.crossings import crossing_table

    return crossing_table(None, None)


def _places_and_sites(scenario: Scenario) -> tuple[pd.Index, Array, Array, list[str]]:
    places, sites = scenario.places, scenario.sites
    ids = places.index.append(sites.index)
    lat = np.r_[places["lat"].to_numpy(float), sites["lat"].to_numpy(float)]
    lon = np.r_[places["lon"].to_numpy(float), sites["lon"].to_numpy(float)]
    return ids, lat, lon, ["place"] * len(places) + ["site"] * len(sites)


def _where(scenario: Scenario, kind: str, ident: str) -> str:
    table = "places" if kind == "place" else "sites"
    row = scenario.rows.get(table, pd.Series(dtype=int)).get(ident)
    label = scenario.files.get(table, f"{table}.csv")
    return f"{label}, row {row}" if row is not None else label


def _refuse_far(scenario: Scenario, ids: pd.Index, kinds: list[str], km: Array) -> None:
    """Refuse places and sites farther from the roads than ``[roads] max_access_km``, naming each row."""
    limit = scenario.roads.max_access_km
    problems = []
    for ident, kind, far in zip(ids, kinds, km, strict=True):
        if far > limit:
            table = "places" if kind == "place" else "sites"
            message = (f"{ident} is {far:,.0f} km from the nearest road (at most {limit:g} km: are lat and lon right? "
                       "set [roads] max_access_km to join it anyway)" if np.isfinite(far) else
                       f"{ident} lies beyond the border, where no road joins the country at a listed border crossing")
            problems.append(Problem(scenario.files.get(table, f"{table}.csv"), message,
                                    row=scenario.rows.get(table, pd.Series(dtype=int)).get(ident), column="lat"))
    if problems:
        raise InputError(problems)


def _refuse_long_inferred(scenario: Scenario, pairs: Ints) -> None:
    """Refuse inferring a road between neighbouring places farther apart than any road link runs."""
    places = scenario.places
    a, b = places.iloc[pairs[:, 0]], places.iloc[pairs[:, 1]]
    km = haversine_km(a["lat"].to_numpy(), a["lon"].to_numpy(), b["lat"].to_numpy(), b["lon"].to_numpy())
    long = np.flatnonzero(km > config.max_road_link_km)
    if long.size:
        i = int(long[np.argmax(km[long])])
        raise InputError([Problem(scenario.files.get("scenario", "scenario.toml"),
                                  f"{a.index[i]} and {b.index[i]} are {km[i]:,.0f} km apart with no place between; "
                                  f"no road is inferred longer than {config.max_road_link_km:,.0f} km: give road "
                                  "links, or use OpenStreetMap roads", key="roads.source")])


def _place_roads(scenario: Scenario) -> Roads:
    """``links`` and ``inferred``: places are the road nodes; sites join their place."""
    places, sites = scenario.places, scenario.sites
    edges = link_table(scenario.links, "road")
    if scenario.roads.source == "inferred":
        pairs = gabriel_links(places["lat"].to_numpy(), places["lon"].to_numpy())
        ids = places.index.to_numpy()
        _refuse_long_inferred(scenario, pairs)
        inferred = pd.DataFrame({"u": ids[pairs[:, 0]], "v": ids[pairs[:, 1]], "kind": "road", "name": "inferred",
                                 "km": np.nan, "minutes": np.nan, "estimated": True})
        edges = inferred if edges.empty else pd.concat([edges, inferred], ignore_index=True)
    edges = with_link_ids(edges)
    node = pd.Series(list(places.index) + list(sites["place_id"]), index=places.index.append(sites.index))
    joins = pd.DataFrame({"kind": ["place"] * len(places) + ["site"] * len(sites), "node": node, "km": 0.0,
                          "note": ""}, index=node.index)
    segments = pd.DataFrame({"km": edges["km"].to_numpy(float), "lat": np.nan, "lon": np.nan, "near": ""},
                            index=pd.Index(edges["link"], name="link"))
    return Roads(str(scenario.roads.source), pd.DataFrame(columns=["lat", "lon"]), edges, joins, segments,
                 pd.DataFrame(columns=INFRASTRUCTURE_COLUMNS))


def _osm_roads(scenario: Scenario, detour: float) -> Roads:
    """``osm``: OpenStreetMap roads, patched; places and sites join the main network.

    A patch without km is its geodesic km times ``detour`` where infrastructure is matched.
    """
    from hourcircle.roads.border import clip_to_outline, mainland_outline  # shapely: only when building
    from hourcircle.roads.crossings import border_edges, crossing_table, nearest_on_side, open_border

    ids, lat, lon, kinds = _places_and_sites(scenario)
    box = Box.around(lat, lon, scenario.roads.margin_km)
    arrays = osm_roads(box)
    outline, opened = "", None
    clipped = scenario.roads.outline == "china" or (scenario.roads.outline == "auto" and BUNDLED_BOX.holds(box))
    if scenario.crossings is not None:
        if not clipped:
            raise InputError([Problem(scenario.files.get("scenario", "scenario.toml"),
                                      "the scenario's area reaches beyond the roads the package ships, so outline "
                                      "'auto' draws no border to cross: set outline = 'china'",
                                      key="roads.border_crossings")])
        opened = open_border(arrays, mainland_outline(), scenario.crossings)
        arrays = opened.roads
        outline = (f"mainland China, {int((~opened.abroad).sum()):,} road nodes kept, {int(opened.abroad.sum()):,} "
                   f"beyond it joined at border crossings, {opened.left_out:,} left out (Hong Kong, Macau, "
                   "and offshore nodes no road joins to land)")
    elif clipped:
        arrays, left_out = clip_to_outline(arrays, mainland_outline())
        outline = (f"mainland China, {len(arrays.ids):,} road nodes kept, {left_out:,} beyond it left out "
                   "(neighbouring countries, Hong Kong and Macau)")
    if len(arrays.ids) == 0 or len(arrays.u) == 0:
        raise InputError([Problem(scenario.files.get("scenario", "scenario.toml"),
                                  f"no OpenStreetMap roads within the scenario's area ({box.south:g}..{box.north:g} N, "
                                  f"{box.west:g}..{box.east:g} E{' and mainland China' if outline else ''}); check the "
                                  "places' coordinates, or use [roads] source = 'links' or 'inferred'"
                                  + (", or outline = 'none' for roads beyond China" if outline else ""),
                                  key="roads.outline" if outline else "roads.source")])
    if opened is None:
        given = len(arrays.u)
        arrays = join_dead_ends(arrays)
        estimated = np.arange(len(arrays.u)) >= given
        abroad, crossing = np.zeros(len(arrays.ids), dtype=bool), np.full(len(arrays.u), -1)
    else:
        estimated, abroad, crossing = opened.estimated, opened.abroad, opened.crossing
    beyond = mainland_outline().abroad(lat, lon) if opened is not None else np.zeros(len(lat), dtype=bool)
    node_ids = osm_node_ids(arrays.ids.tolist())
    first, first_km = nearest_on_side(arrays, np.ones(len(arrays.ids), dtype=bool), abroad, lat, lon, beyond)
    patches = link_table(scenario.links, "road")
    where = pd.Series(first, index=ids)
    u, v = arrays.u, arrays.v
    if len(patches):
        u = np.r_[u, where[patches["u"]].to_numpy()]
        v = np.r_[v, where[patches["v"]].to_numpy()]
    labels, largest = component_labels(len(node_ids), u, v)
    main = labels == largest
    node, found_km = nearest_on_side(arrays, main, abroad, lat, lon, beyond)
    _refuse_far(scenario, ids, kinds, found_km)
    notes = []
    for ident, kind, km_main, km_any, own in zip(ids, kinds, found_km, first_km, first, strict=True):
        place = _where(scenario, kind, ident)
        if km_main > config.far_from_road_km and km_any + 1e-9 < km_main:
            notes.append(f"{place}: {ident} is {km_main:.1f} km from the main road network; the road {km_any:.1f} km "
                         f"away lies on a separate piece of {int((labels == labels[own]).sum())} nodes")
        elif km_main > config.far_from_road_km:
            notes.append(f"{place}: {ident} is {km_main:.1f} km from the nearest road")
        else:
            notes.append("")
    joins = pd.DataFrame({"kind": kinds, "node": node_ids[node], "km": found_km, "note": notes}, index=ids)
    pinned = np.zeros(len(node_ids), dtype=bool)
    pinned[node] = True
    pinned[np.r_[where[patches["u"]].to_numpy(), where[patches["v"]].to_numpy()].astype(np.int64)] = True
    segment = chain_segments(len(node_ids), arrays.u, arrays.v, pinned)
    road = pd.DataFrame({"u": node_ids[arrays.u], "v": node_ids[arrays.v], "kind": "road", "name": None,
                         "km": arrays.km, "minutes": np.nan, "estimated": estimated,
                         "link": segment_ids(segment.tolist())})
    if opened is not None and scenario.crossings is not None:
        road = border_edges(road, crossing, scenario.crossings)
    patched = with_link_ids(patches).assign(u=node_ids[where[patches["u"]].to_numpy()],
                                            v=node_ids[where[patches["v"]].to_numpy()])
    edges = pd.concat([road, patched], ignore_index=True) if len(patched) else road
    nodes = pd.DataFrame({"lat": arrays.lat, "lon": arrays.lon}, index=node_ids)
    if opened is not None:
        nodes["abroad"] = abroad
    segments = _segment_table(scenario, arrays, segment)
    patch_km = np.asarray(haversine_km(arrays.lat[u[len(arrays.u):]], arrays.lon[u[len(arrays.u):]],
                                       arrays.lat[v[len(arrays.u):]], arrays.lon[v[len(arrays.u):]]))
    patched_network = RoadArrays(arrays.ids, arrays.lat, arrays.lon, u, v,
                                 np.r_[arrays.km, patches["km"].to_numpy(float).copy()])
    patched_network.km[len(arrays.u):] = np.where(np.isnan(patched_network.km[len(arrays.u):]),
                                                  patch_km * detour,
                                                  patched_network.km[len(arrays.u):])
    infrastructure = match_infrastructure(scenario, patched_network, edges["link"].to_numpy(dtype=str), main)
    edges["name"] = edge_names(edges["link"], infrastructure).where(edges["name"].isna(), edges["name"])
    listed = scenario.crossings
    found = crossing_table(listed, opened, None if listed is None else
                           box.contains(listed["lat"].to_numpy(float), listed["lon"].to_numpy(float)))
    return Roads("osm", nodes, edges, joins, segments, infrastructure, outline, found)


def _segment_table(scenario: Scenario, arrays: RoadArrays, segment: Ints) -> pd.DataFrame:
    """Each segment's km, middle and nearest places."""
    count = int(segment.max()) + 1 if len(segment) else 0
    km = np.bincount(segment, weights=arrays.km, minlength=count)
    middle_lat = np.bincount(segment, weights=(arrays.lat[arrays.u] + arrays.lat[arrays.v]) / 2, minlength=count)
    middle_lon = np.bincount(segment, weights=(arrays.lon[arrays.u] + arrays.lon[arrays.v]) / 2, minlength=count)
    edges = np.maximum(np.bincount(segment, minlength=count), 1)
    lat, lon = middle_lat / edges, middle_lon / edges
    places = scenario.places
    k = min(2, len(places))
    names = places["name"].astype(str).to_numpy()
    labels = np.full(count, "", dtype=object)
    if k and count:
        from scipy.spatial import cKDTree  # here: scipy.spatial is slow to import

        tree = cKDTree(unit_vectors(places["lat"].to_numpy(float), places["lon"].to_numpy(float)))
        which = np.asarray(tree.query(unit_vectors(lat, lon), k=k)[1]).reshape(count, k)
        first, second = pd.Series(names[which[:, 0]]), pd.Series(names[which[:, -1]])
        labels = first.where(first == second, first + " / " + second).to_numpy(dtype=object)
    return pd.DataFrame({"km": km, "lat": lat.round(4), "lon": lon.round(4), "near": labels},
                        index=pd.Index(segment_ids(range(count)), name="link"))


def build_roads(scenario: Scenario, detour: float) -> Roads:
    """The road network of a scenario, from its ``[roads] source``.

    Parameters
    ----------
    scenario : Scenario
        Places, sites, links, infrastructure and the roads settings.
    detour : float
        Road km per geodesic km of a patch (a road row of ``links.csv`` under ``osm``) that gives
        no km, when infrastructure is matched; :func:`hourcircle.network.build_network` passes
        the car's (``scenario.travel.car.detour``). Roads read no travel profile.

    Returns
    -------
    Roads
        The network and how places and sites join it.

    Raises
    ------
    InputError
        If there are no roads in the scenario's area, or an infrastructure row's ends are far
        from any road or not joined by one.
    """
    if scenario.roads.source == "osm":
        return _osm_roads(scenario, detour)
    return _place_roads(scenario)
