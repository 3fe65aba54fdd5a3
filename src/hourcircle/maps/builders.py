"""The two maps: what one origin reaches, and the circles of a run.

Examples
--------
>>> import hourcircle
>>> from hourcircle.analysis.drawing import reach_drawing
>>> query = hourcircle.Query(hourcircle.TravelTimes.for_scenario(hourcircle.datasets.bundled()), hours=2)
>>> html = reach_map(reach_drawing(query, "hefei"))
>>> '<script src="http' in html or '<link rel="stylesheet" href="http' in html
False
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, cast

import folium
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from branca.element import Element
from shapely.geometry.base import BaseGeometry

from hourcircle import _checks as check
from hourcircle import datasets
from hourcircle.analysis.drawing import CircleDrawing, ReachDrawing, RoadNetwork, Segments
from hourcircle.analysis.reach import band_edges, band_labels
from hourcircle.analysis.run import Results
from hourcircle.maps import shapes
from hourcircle.maps.assets import SCRIPT, STYLE, figure, script_json, use_leaflet_only
from hourcircle.maps.basemap import Basemap
from hourcircle.maps.layers import GeoLayer, Script, cell, legend
from hourcircle.maps.points import place_labels, rings
from hourcircle.maps.tier_popups import tier_legend, tier_popups, tier_style
from hourcircle.scenario import Scenario

CANVAS_ABOVE = 2000  # sites: more than this are drawn on a canvas, not as SVG elements
# categories avoid the greens, oranges and reds that mark time bands and completeness
CATEGORY_COLOURS = ["#1f3c88", "#17becf", "#9467bd", "#e377c2", "#8c564b", "#bcbd22", "#393b79", "#7f7f7f",
                    "#00a087", "#5b4a9b"]
BAND_COLOURS = ["#1a9850", "#66bd63", "#a6d96a", "#fdae61", "#f46d43", "#d73027", "#a50026", "#67001f"]
OUT_OF_REACH = "#9e9e9e"
ROAD_ATTRIBUTION = "Roads © OpenStreetMap contributors, ODbL (via scgraph-data)"

def category_label(category: str) -> str:
    """English and Chinese name of a category (English only when unknown).

    Parameters
    ----------
    category : str
        A category id.

    Returns
    -------
    str
        ``id 中文`` (Chinese names from ``data/categories.csv``).

    Examples
    --------
    >>> category_label("battery")
    'battery 动力电池'
    """
    chinese = datasets.category_names().get(category)
    return f"{category} {chinese}" if chinese else category


def _new_map(basemap: Basemap, lat: np.ndarray, lon: np.ndarray, title: str, n_sites: int) -> folium.Map:
    """A map framing the points, with the page's assets, a title box and the background."""
    (centre_lat,), (centre_lon,) = basemap.shift([float(np.mean(lat))], [float(np.mean(lon))])
    fmap = folium.Map(location=[centre_lat, centre_lon], zoom_start=7, tiles=None, control_scale=True,
                      prefer_canvas=n_sites > CANVAS_ABOVE)
    use_leaflet_only(fmap, inline=basemap.offline)
    root = figure(fmap)
    root.header.add_child(Element(f"<style>{STYLE}</style><script>{SCRIPT}</script>"), name="hourcircle")
    root.html.add_child(Element(f'<div class="hc-title">{html.escape(title)}</div>'))
    root.title = html.escape(title)  # the page's template puts it in <title> as it is
    basemap.draw(fmap, lat, lon)
    south, north = basemap.shift([float(lat.min()), float(lat.max())], [float(lon.min()), float(lon.max())])
    fmap.fit_bounds([[float(south[0]), float(north[0])], [float(south[1]), float(north[1])]])
    return fmap


def _category_colours(scenario: Scenario) -> dict[str, str]:
    return {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(scenario.product.all_categories)}


def _site_rows(scenario: Scenario, sites: pd.DataFrame, minutes: pd.Series | None) -> list[list[list[Any]]]:
    places = scenario.places
    rows = []
    for site_id, site in sites.iterrows():
        place = places.loc[site["place_id"]]
        row = [["Company 公司", site["company"]], ["Category 类别", category_label(str(site["category"]))],
               ["City 城市", f"{place['name']} {place['name_zh']}"], ["Site id", site_id]]
        if minutes is not None:
            row.append(["Minutes 分钟", cell(minutes.get(site_id))])
        if "precision" in site and isinstance(site["precision"], str):
            row.append(["Located at 位置精度", site["precision"]])
        rows.append(row)
    return rows


def _site_layers(fmap: folium.Map, scenario: Scenario, sites: pd.DataFrame, basemap: Basemap,
                 minutes: pd.Series | None = None, popups: dict[str, list[list[Any]]] | None = None) -> None:
    """One toggleable layer per category, in the product's order; sites sharing a point on a ring around it."""
    colours = _category_colours(scenario)
    radius = 4 if len(sites) > CANVAS_ABOVE else 6
    ring = dict(zip(sites.index, rings(sites["lat"].to_numpy(), sites["lon"].to_numpy()), strict=True))
    for category in scenario.product.all_categories:
        part = sites[sites["category"] == category]
        if part.empty:
            continue
        rows = _site_rows(scenario, part, minutes)
        if popups:
            rows = [row + popups.get(str(site_id), []) for row, site_id in zip(rows, part.index, strict=True)]
        is_plant = category == scenario.product.plant_category
        style = {"colour": colours[category], "radius": radius + (2 if is_plant else 0), "stroke": "#222",
                 "weight": 1.5 if is_plant else 1}
        tier = tier_style(scenario.product.tier(category))
        style |= {k: v for k, v in tier.items() if k != "radius_change"}
        style["radius"] += tier.get("radius_change", 0)
        rows = [row + ([["Drawn 绘制", f"beside its point, shared by {ring[s][1]} sites"]] if ring[s] else [])
                for row, s in zip(rows, part.index, strict=True)]
        features = basemap.point_features(part, [str(n) for n in part["name"]], rows, [style] * len(part))
        for feature, site_id in zip(features, part.index, strict=True):
            feature["properties"]["spread"] = ring[site_id] or [0, 1]
        name = f"{tier_legend(scenario.product, category)}{category_label(category)} ({len(part)})"
        has_popup = popups is not None and any(str(s) in popups for s in part.index)
        fmap.add_child(GeoLayer(name, features, popup=has_popup, counts_sites=True, css_class="hc-site"))


def _link_features(links: pd.DataFrame, basemap: Basemap, colour_of: Any, rows_of: Any) -> list[dict[str, Any]]:
    """One line per link (rows with ``name`` and their ends ``lat1, lon1, lat2, lon2``)."""
    features = []
    for _, edge in links.iterrows():
        style = colour_of(edge)
        if style is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
            basemap.point(float(edge["lat1"]), float(edge["lon1"])),
            basemap.point(float(edge["lat2"]), float(edge["lon2"]))]},
            "properties": {"title": str(edge["name"]), "rows": rows_of(edge), "style": style}})
    return features


def _shape_feature(geometry: BaseGeometry, basemap: Basemap, style: dict[str, Any], title: str = "",
                   rows: list[list[Any]] | None = None) -> dict[str, Any] | None:
    """A GeoJSON feature of a shapely geometry (lon, lat; 4 decimals, about 10 m), as drawn."""
    if geometry.is_empty:
        return None
    rounded = shapely.geometry.mapping(shapely.set_precision(geometry, 1e-4))
    return {"type": "Feature", "geometry": basemap.geometry(json.loads(json.dumps(rounded))),
            "properties": {"title": title, "rows": rows or [], "style": style}}


def _osm_attribution(fmap: folium.Map) -> None:
    fmap.add_child(Script(f"{{map}}.attributionControl.addAttribution({script_json(ROAD_ATTRIBUTION)});"))


def _finish(fmap: folium.Map) -> str:
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.add_child(Script("hourcircleLayout({map}); window.hourcircle.ready = true;"))
    rendered: str = figure(fmap).render()
    # folium names elements with random hex ids: number them in order so the file is reproducible
    ids: dict[str, str] = {}
    return re.sub(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])",
                  lambda m: ids.setdefault(m.group(0), f"{len(ids) + 1:04d}"), rendered)


def _reached_roads(fmap: folium.Map, ends: Segments, far: np.ndarray, edges: list[float],
                   labels: list[str], basemap: Basemap) -> None:
    """The area reached in each hourly band (filled, the widest first) and the roads reached, coloured by band."""
    colours = [BAND_COLOURS[min(i, len(BAND_COLOURS) - 1)] for i in range(len(edges))]
    areas = []
    for i in reversed(range(len(edges))):
        within = far <= edges[i] + 1e-9
        area = shapes.isochrone(*ends.pick(within))
        style = {"colour": colours[i], "weight": 1, "opacity": 0.6, "fill": True, "fillColour": colours[i],
                 "fillOpacity": 0.18}
        feature = _shape_feature(area, basemap, style, f"Reached {labels[i]} 可达范围")
        if feature:
            areas.append(feature)
    fmap.add_child(GeoLayer("area reached 可达范围", areas, interactive=False))
    tolerance = shapes.tolerance_for(np.r_[ends[0], ends[2]], np.r_[ends[1], ends[3]])
    lines = []
    band = np.searchsorted(np.asarray(edges) + 1e-9, far)
    for i in range(len(edges)):
        part = band == i
        feature = _shape_feature(shapes.merged_lines(*ends.pick(part), tolerance=tolerance), basemap,
                                 {"colour": colours[i], "weight": 2, "opacity": 0.9})
        if feature:
            lines.append(feature)
    fmap.add_child(GeoLayer("roads reached 道路", lines, interactive=False))
    _osm_attribution(fmap)


def reach_map(drawing: ReachDrawing, *, basemap: Basemap | None = None) -> str:
    """A map of what one origin reaches within the budget.

    Parameters
    ----------
    drawing : ReachDrawing
        One origin's search (:func:`~hourcircle.analysis.drawing.reach_drawing`).
    basemap : Basemap, optional
        The background (default: the bundled offline basemap).

    Returns
    -------
    str
        HTML: links and places coloured by hourly band, reached sites coloured by category
        (one layer each), the origin marked.

    Raises
    ------
    ArgumentTypeError
        (parameter ``drawing`` or ``basemap``) for a drawing that is not a
        :class:`~hourcircle.analysis.drawing.ReachDrawing`, or a basemap that is not a
        :class:`~hourcircle.maps.basemap.Basemap`.
    """
    check.instance("drawing", drawing, ReachDrawing,
                   what="a ReachDrawing (from hourcircle.analysis.reach_drawing)")
    check.instance("basemap", basemap, (Basemap, type(None)))
    basemap = basemap or Basemap()
    mode, budget, scenario, node = drawing.mode, drawing.hours, drawing.scenario, drawing.origin
    minutes = drawing.nodes["minutes"]
    edges = [60 * e for e in band_edges(budget)]
    labels = band_labels(budget)

    def band(value: float | None) -> str:
        if value is None or not np.isfinite(value) or value > edges[-1] + 1e-9:
            return OUT_OF_REACH
        return BAND_COLOURS[min(int(np.searchsorted(edges, value - 1e-9)), len(BAND_COLOURS) - 1)]

    places = scenario.places
    sites = scenario.sites
    reached = sites[sites.index.isin(minutes.index[minutes <= budget * 60 + 1e-9])]
    title = f"{node}: {budget:g}-hour reach by {mode}"
    seen = drawing.nodes[minutes <= budget * 60 + 1e-9]  # frame what is reached
    fmap = _new_map(basemap, seen["lat"].to_numpy(dtype=np.float64), seen["lon"].to_numpy(dtype=np.float64),
                    title, len(reached))

    def link_style(edge: pd.Series) -> dict[str, Any]:
        colour = band(edge["minutes"])
        return {"colour": colour, "weight": 4 if colour != OUT_OF_REACH else 1.5}

    def link_rows(edge: pd.Series) -> list[list[Any]]:
        return [["From 起", edge["u"]], ["To 止", edge["v"]], ["Minutes at far end 分钟", cell(edge["minutes"])]]

    if drawing.roads is not None:
        _reached_roads(fmap, drawing.roads.segments, drawing.roads.minutes, edges, labels, basemap)
    else:
        fmap.add_child(GeoLayer("links 线路", _link_features(drawing.links, basemap, link_style, link_rows)))
    place_rows = [[["Chinese 中文", p["name_zh"]], ["Province 省", p["province"]],
                   ["Minutes 分钟", cell(minutes.get(pid))]] for pid, p in places.iterrows()]
    place_styles = [{"colour": band(minutes.get(pid)), "radius": 5, "stroke": "#333"} for pid in places.index]
    fmap.add_child(GeoLayer("places 城市", basemap.point_features(places, [str(n) for n in places["name"]],
                                                                  place_rows, place_styles)))
    where = pd.DataFrame({"lat": [drawing.origin_lat], "lon": [drawing.origin_lon]})
    origin_feature = basemap.point_features(where, [f"Origin 起点: {drawing.origin_name}"],
                                            [[["Id", node]]], [{"colour": "#000", "radius": 10, "stroke": "#fff",
                                                                "weight": 3, "opacity": 1}])
    fmap.add_child(GeoLayer("origin 起点", origin_feature))  # under the sites, which ring around it
    _site_layers(fmap, scenario, reached, basemap, minutes)
    place_labels(fmap, places, basemap)
    colours = _category_colours(scenario)
    entries = [(BAND_COLOURS[i], f"reached {label}", False) for i, label in enumerate(labels[:len(BAND_COLOURS)])]
    entries.append((OUT_OF_REACH, f"beyond {budget:g} h", False))
    entries += [(colours[c], category_label(c), False) for c in scenario.product.all_categories]
    legend(fmap, f"{mode} minutes from {drawing.origin_name}", entries)
    return _finish(fmap)


def _all_roads(fmap: folium.Map, roads: RoadNetwork, basemap: Basemap) -> None:
    """Every road, merged and simplified; named infrastructure with its name; closed links dashed red."""
    ends = roads.segments
    tolerance = shapes.tolerance_for(np.r_[ends[0], ends[2]], np.r_[ends[1], ends[3]])
    everything = _shape_feature(shapes.merged_lines(*ends, tolerance=tolerance), basemap,
                                {"colour": "#777", "weight": 1, "opacity": 0.55})
    fmap.add_child(GeoLayer("roads 道路", [everything] if everything else [], interactive=False))
    named = []
    for crossing in roads.named:
        style = {"colour": "#1f3c88" if crossing.kind != "corridor" else "#4a6fa5",
                 "weight": 3 if crossing.kind != "corridor" else 1.5, "opacity": 0.7}
        feature = _shape_feature(shapes.merged_lines(*ends.pick(crossing.edges), tolerance=tolerance / 4),
                                 basemap, style, crossing.name,
                                 [["Kind 类型", crossing.kind], ["km 公里", cell(crossing.km)]])
        if feature:
            named.append(feature)
    if named:
        fmap.add_child(GeoLayer("named infrastructure 桥隧与走廊", named, show=len(named) <= 300))
    if roads.closed.any():
        feature = _shape_feature(shapes.merged_lines(*ends.pick(roads.closed), tolerance=tolerance / 4),
                                 basemap, {"colour": "#e00000", "weight": 4, "dash": "8 6", "opacity": 1},
                                 "closed 中断", [["Status 状态", "disrupted 中断"]])
        fmap.add_child(GeoLayer("closed 中断", [feature] if feature else []))
    _osm_attribution(fmap)


def network_layers(fmap: folium.Map, drawing: CircleDrawing, basemap: Basemap) -> None:
    """The network a circle map shows: every road (or road link) and rail link, closed links dashed red.

    Parameters
    ----------
    fmap : folium.Map
        The map, changed in place.
    drawing : CircleDrawing
        The network (:func:`~hourcircle.analysis.drawing.circle_drawing`).
    basemap : Basemap
        The background (where coordinates are shifted).
    """
    def link_style(edge: pd.Series) -> dict[str, Any]:
        if edge["closed"]:
            return {"colour": "#e00000", "weight": 4, "dash": "8 6", "opacity": 1}
        return {"colour": "#555" if edge["kind"] == "road" else "#7b3294", "weight": 2, "opacity": 0.6}

    def link_rows(edge: pd.Series) -> list[list[Any]]:
        rows = [["Link id", edge["link"]], ["Mode", edge["kind"]],
                ["Truck minutes 卡车分钟", cell(edge["minutes_truck"])]]
        return rows + ([["Status 状态", "disrupted 中断"]] if edge["closed"] else [])

    for kind in ("road", "rail"):
        if kind == "road" and drawing.roads is not None:
            _all_roads(fmap, drawing.roads, basemap)
            continue
        features = _link_features(drawing.links[drawing.links["kind"] == kind], basemap, link_style, link_rows)
        if features:
            name = "road links 公路" if kind == "road" else "rail links 铁路"
            fmap.add_child(GeoLayer(name, features, show=kind == "road"))  # timetable pairs: many lines


MARGINAL_STROKE = "#6a3d9a"


def _certainty_row(circle: pd.Series) -> list[Any]:
    """A popup row: robust, or marginal with the band of its hours to complete."""
    if circle["certainty"] != "marginal":
        return ["Certainty 确定性", "robust 稳健"]
    return ["Certainty 确定性", f"marginal 边缘 (likely {circle['hours_low']:.1f}-{circle['hours_high']:.1f} h)"]


def _certainty_style(circle: pd.Series) -> dict[str, Any]:
    """A marginal circle's outline is thick, dashed and purple; a robust one's thin and grey."""
    if circle["certainty"] == "marginal":
        return {"stroke": MARGINAL_STROKE, "weight": 3, "dash": "4 3"}
    return {"stroke": "#333", "weight": 1}


def circle_map(results: Results, *, basemap: Basemap | None = None) -> str:
    """A map of a run's circles.

    Parameters
    ----------
    results : Results
        A run; the network it draws is ``results.drawing``
        (:func:`~hourcircle.analysis.drawing.circle_drawing`, computed on first use).
    basemap : Basemap, optional
        The background (default: the bundled offline basemap).

    Returns
    -------
    str
        HTML: places coloured by circle completeness, sites by category (one layer each, plants
        with their circle table), links with their names, links the run removed dashed red.

    Raises
    ------
    ArgumentTypeError
        (parameter ``results`` or ``basemap``) for results that are not
        :class:`~hourcircle.analysis.run.Results`, or a basemap that is not a
        :class:`~hourcircle.maps.basemap.Basemap`.
    """
    check.instance("results", results, Results, what="Results (from hourcircle.analysis.analyse)")
    check.instance("basemap", basemap, (Basemap, type(None)))
    basemap = basemap or Basemap()
    drawing = results.drawing
    scenario = drawing.scenario
    places = scenario.places
    title = f"{scenario.name}: {drawing.hours:g}-hour circles by {drawing.mode}"
    fmap = _new_map(basemap, places["lat"].to_numpy(), places["lon"].to_numpy(), title, len(scenario.sites))
    network_layers(fmap, drawing, basemap)
    circle = results.places
    budget = drawing.hours

    def place_colour(row: pd.Series) -> str:
        hours = row["hours_to_complete"]
        if row["complete"]:
            return "#1a9850"
        if np.isfinite(hours) and hours <= budget + 1:
            return "#fdae61"
        return "#d73027"

    place_rows = [[["Chinese 中文", p["name_zh"]], ["Complete 完整", cell(p["complete"])],
                   ["Hours to complete 补全所需小时", cell(p["hours_to_complete"])], _certainty_row(p),
                   ["Missing 缺少", p["missing"] or None],
                   ["Fewest alternatives 最少备选", cell(p["fewest_alternatives"])]]
                  for _, p in circle.iterrows()]
    place_styles = [{"colour": place_colour(p), "radius": 9, "opacity": 0.55} | _certainty_style(p)
                    for _, p in circle.iterrows()]
    located = places.loc[circle.index]
    fmap.add_child(GeoLayer("places by circle 城市产业圈", basemap.point_features(
        located, [str(n) for n in located["name"]], place_rows, place_styles), popup=True))
    pairs = results.coverage.of_kind("plant").pairs
    popups: dict[str, list[list[Any]]] = {}
    for plant, group in pairs.groupby("origin", sort=False):
        summary = cast(pd.Series, results.plants.loc[plant])
        rows: list[list[Any]] = [["Complete 完整", cell(summary["complete"])],
                                 ["Hours to complete 补全所需小时", cell(summary["hours_to_complete"])],
                                 _certainty_row(summary)]
        rows += [[category_label(str(r["category"])), f"{cell(r['nearest_site'])}: {cell(r['minutes'])} min, "
                  f"{int(r['alternatives'])} within {budget:g} h"] for _, r in group.iterrows()]
        popups[str(plant)] = rows
    for site, rows in tier_popups(results).items():
        popups[site] = popups.get(site, []) + rows
    _site_layers(fmap, scenario, scenario.sites, basemap, popups=popups)
    place_labels(fmap, located, basemap)
    colours = _category_colours(scenario)
    entries = [("#1a9850", f"complete within {budget:g} h", False),
               ("#fdae61", f"complete within {budget + 1:g} h", False),
               ("#d73027", "incomplete", False),
               (MARGINAL_STROKE, "marginal (within the model's error) 边缘", True)]
    entries += [(colours[c], tier_legend(scenario.product, c) + category_label(c), False)
                for c in scenario.product.all_categories]
    if results.disrupted_links:
        entries.append(("#e00000", "disrupted link", True))
    legend(fmap, "Circle completeness 产业圈完整度", entries)
    return _finish(fmap)
