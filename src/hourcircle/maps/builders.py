"""Maps people open in a browser: reachability and circle maps (folium and Leaflet).

This is the only module that imports folium. Every map is one HTML file:

- ``offline=True`` (the default) inlines Leaflet's JavaScript and CSS from the installed
  ``xstatic-leaflet`` package and draws a light basemap of provinces and the Yangtze from
  bundled GeoJSON, so the file opens with no network at all;
- ``tiles`` picks a tile basemap instead (``osm``, ``carto``, ``gaode``, ``tianditu``; these
  need the network, so ``offline=False``). Gaode tiles are in GCJ-02 coordinates, so with
  them every drawn coordinate is shifted from WGS-84 to GCJ-02.

Sites, places and links are GeoJSON layers drawn by a small script that builds every tooltip
and popup with ``textContent``: user text is shown as text and never runs. Many sites are
drawn on a canvas instead of as SVG elements.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.traveltimes import TravelTimes
>>> html = reach_map(TravelTimes.for_scenario(bundled()), "hefei", hours=2)
>>> '<script src="http' in html or '<link rel="stylesheet" href="http' in html
False
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
import xstatic.pkg.leaflet as leaflet_package
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from jinja2 import Template

from hourcircle import datasets
from hourcircle.analysis.coverage import budget_minutes
from hourcircle.analysis.reach import band_edges, band_labels
from hourcircle.analysis.run import Results
from hourcircle.errors import ArgumentError
from hourcircle.geo import wgs84_to_gcj02
from hourcircle.io import Scenario
from hourcircle.settings import ProfileName
from hourcircle.traveltimes import TravelTimes

TILES = ("none", "osm", "carto", "gaode", "tianditu")
TIANDITU_KEY_VARIABLE = "TIANDITU_KEY"
CANVAS_ABOVE = 2000  # sites: more than this are drawn on a canvas, not as SVG elements
CATEGORY_ZH = {"assembly": "整车", "battery": "动力电池", "chips": "芯片", "software": "软件",
               "e_motor": "电驱动", "die_casting": "一体化压铸"}
# categories avoid the greens, oranges and reds that mark time bands and completeness
CATEGORY_COLOURS = ["#1f3c88", "#17becf", "#9467bd", "#e377c2", "#8c564b", "#bcbd22", "#393b79", "#7f7f7f",
                    "#00a087", "#5b4a9b"]
BAND_COLOURS = ["#1a9850", "#66bd63", "#a6d96a", "#fdae61", "#f46d43", "#d73027", "#a50026", "#67001f"]
OUT_OF_REACH = "#9e9e9e"
LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@{version}/dist/leaflet.{ext}"

# Builds tooltips and popups from [label, value] rows with textContent (never innerHTML).
SCRIPT = """
window.hourcircle = {sites: 0};
function hourcircleTable(title, rows) {
  var box = document.createElement('div');
  var head = document.createElement('b');
  head.textContent = title;
  box.appendChild(head);
  var table = document.createElement('table');
  table.className = 'hc-table';
  rows.forEach(function (row) {
    var tr = table.insertRow();
    row.forEach(function (cell, i) {
      var td = tr.insertCell();
      td.textContent = cell === null ? '-' : String(cell);
      if (i === 0) { td.className = 'hc-label'; }
    });
  });
  box.appendChild(table);
  return box;
}
function hourcircleLegend(map, title, entries) {
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var box = L.DomUtil.create('div', 'hc-legend');
    var head = document.createElement('b');
    head.textContent = title;
    box.appendChild(head);
    entries.forEach(function (entry) {
      var line = document.createElement('div');
      var swatch = document.createElement('span');
      swatch.className = 'hc-swatch' + (entry[2] ? ' hc-dash' : '');
      swatch.style.background = entry[2] ? 'none' : entry[0];
      swatch.style.borderColor = entry[0];
      line.appendChild(swatch);
      line.appendChild(document.createTextNode(entry[1]));
      box.appendChild(line);
    });
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
}
"""

STYLE = """
.hc-legend {background: rgba(255,255,255,0.92); padding: 6px 9px; font: 12px/1.5 sans-serif;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 260px;}
.hc-swatch {display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -2px;
  border: 2px solid; border-radius: 50%; box-sizing: border-box;}
.hc-dash {border-style: dashed; border-radius: 0; height: 4px; vertical-align: 2px;}
.hc-table {border-collapse: collapse; font: 12px sans-serif; margin-top: 3px;}
.hc-table td {padding: 1px 6px 1px 0; vertical-align: top;}
.hc-label {color: #555;}
.hc-title {position: absolute; top: 10px; left: 50px; z-index: 1000; background: rgba(255,255,255,0.92);
  padding: 4px 10px; font: bold 14px sans-serif; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);}
"""


def _json(value: Any) -> str:
    """JSON safe to place inside a <script> element (no tag or entity can close it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes 是" if value else "no 否"
    if isinstance(value, (float, np.floating)):
        return round(float(value), 2)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return str(value)


def category_label(category: str) -> str:
    """English and Chinese name of a category (English only when unknown).

    >>> category_label("battery")
    'battery 动力电池'
    """
    chinese = CATEGORY_ZH.get(category)
    return f"{category} {chinese}" if chinese else category


class _GeoLayer(Layer):
    """A GeoJSON layer drawn by :data:`SCRIPT`: points as circle markers, lines as polylines;
    each feature's ``title``/``rows`` become its tooltip (or popup)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            pane: {{ this.pane_json }},
            interactive: {{ this.interactive }},
            pointToLayer: function (feature, latlng) {
                var s = feature.properties.style;
                return L.circleMarker(latlng, {radius: s.radius, color: s.stroke || s.colour, weight: s.weight || 1,
                    fillColor: s.colour, fillOpacity: s.opacity || 0.85, className: {{ this.class_json }},
                    pane: {{ this.pane_json }}});
            },
            style: function (feature) {
                if (feature.geometry.type === 'Point') { return {}; }
                var s = feature.properties.style;
                return {color: s.colour, weight: s.weight || 2, opacity: s.opacity || 0.9,
                        dashArray: s.dash || null, fill: s.fill || false, fillColor: s.fillColour || s.colour,
                        fillOpacity: s.fillOpacity || 0};
            },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (!p.title) { return; }
                var content = function () { return hourcircleTable(p.title, p.rows || []); };
                if ({{ this.popup }}) { layer.bindPopup(content, {maxWidth: 420}); }
                layer.bindTooltip(content, {sticky: feature.geometry.type !== 'Point'});
            }
        });
        {% if this.counts_sites %}window.hourcircle.sites += {{ this.get_name() }}.getLayers().length;{% endif %}
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)

    def __init__(self, name: str, features: list[dict[str, Any]], *, pane: str = "overlayPane",
                 popup: bool = False, interactive: bool = True, counts_sites: bool = False,
                 control: bool = True, css_class: str = "", show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "hc_layer"
        self.data = _json({"type": "FeatureCollection", "features": features})
        self.pane_json = _json(pane)
        self.popup = "true" if popup else "false"
        self.interactive = "true" if interactive else "false"
        self.counts_sites = counts_sites
        self.class_json = _json(css_class)


class _Script(MacroElement):
    """Raw script lines run after the map exists (``{map}`` is replaced by its variable)."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "{{ this.code.replace('{map}', this._parent.get_name()) }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.code = code


@dataclass(frozen=True)
class Basemap:
    """Where the map's background comes from."""

    tiles: str = "none"
    offline: bool = True
    key: str | None = None

    def check(self) -> Basemap:
        """Raise :class:`ArgumentError` for a combination that cannot work."""
        if self.tiles not in TILES:
            raise ArgumentError(f"--tiles {self.tiles!r}: use one of {', '.join(TILES)}")
        if self.offline and self.tiles != "none":
            raise ArgumentError(f"--tiles {self.tiles} loads tiles from the network; add --online, "
                                "or use --tiles none for the bundled offline basemap")
        if self.tiles == "tianditu" and not (self.key or os.environ.get(TIANDITU_KEY_VARIABLE)):
            raise ArgumentError(f"--tiles tianditu needs a Tianditu key: set {TIANDITU_KEY_VARIABLE}")
        return self

    def shift(self, lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates as drawn: GCJ-02 on Gaode tiles, WGS-84 otherwise."""
        if self.tiles == "gaode":
            return wgs84_to_gcj02(lat, lon)
        return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)


@cache
def _leaflet_inline() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS from the installed package (images inlined as data URIs)."""
    folder = Path(leaflet_package.BASE_DIR)
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    return script.replace("</script", "<\\/script"), css


@cache
def _basemap_features() -> list[dict[str, Any]]:
    path = datasets.data_root() / "basemap" / "east_china.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = collection["features"]
    return features


def _figure(fmap: folium.Map) -> Figure:
    root = fmap.get_root()
    assert isinstance(root, Figure)
    return root


def use_leaflet_only(fmap: folium.Map, inline: bool = True) -> folium.Map:
    """Load only Leaflet (folium also links jQuery, Bootstrap and icon fonts from CDNs); with
    ``inline``, embed it from the installed package so the page needs no network."""
    version = str(leaflet_package.VERSION)
    fmap.default_js = [] if inline else [("leaflet", LEAFLET_CDN.format(version=version, ext="js"))]
    fmap.default_css = [] if inline else [("leaflet_css", LEAFLET_CDN.format(version=version, ext="css"))]
    if inline:
        script, css = _leaflet_inline()
        header = _figure(fmap).header
        header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
        header.add_child(Element(f"<script>{script}</script>"), name="leaflet_inline")
    return fmap


def _shift_geometry(geometry: dict[str, Any], basemap: Basemap) -> dict[str, Any]:
    if basemap.tiles != "gaode":
        return geometry

    def move(coords: Any) -> Any:
        array = np.asarray(coords, dtype=np.float64)
        if array.ndim == 1:
            lat, lon = wgs84_to_gcj02([array[1]], [array[0]])
            return [float(lon[0]), float(lat[0])]
        if array.ndim == 2:
            lat, lon = wgs84_to_gcj02(array[:, 1], array[:, 0])
            return np.column_stack([lon, lat]).tolist()
        return [move(part) for part in coords]

    return {"type": geometry["type"], "coordinates": move(geometry["coordinates"])}


def _new_map(basemap: Basemap, lat: np.ndarray, lon: np.ndarray, title: str, n_sites: int) -> folium.Map:
    basemap.check()
    (centre_lat,), (centre_lon,) = basemap.shift([float(np.mean(lat))], [float(np.mean(lon))])
    fmap = folium.Map(location=[centre_lat, centre_lon], zoom_start=7, tiles=None, control_scale=True,
                      prefer_canvas=n_sites > CANVAS_ABOVE)
    use_leaflet_only(fmap, inline=basemap.offline)
    root = _figure(fmap)
    root.header.add_child(Element(f"<style>{STYLE}</style><script>{SCRIPT}</script>"), name="hourcircle")
    root.html.add_child(Element(f'<div class="hc-title">{html.escape(title)}</div>'))
    root.title = title
    _add_background(fmap, basemap)
    south, north = basemap.shift([float(lat.min()), float(lat.max())], [float(lon.min()), float(lon.max())])
    fmap.fit_bounds([[float(south[0]), float(north[0])], [float(south[1]), float(north[1])]])
    return fmap


def _add_background(fmap: folium.Map, basemap: Basemap) -> None:
    if basemap.tiles == "none":
        fmap.add_child(_Script("{map}.createPane('hc_base'); {map}.getPane('hc_base').style.zIndex = 250;"))
        features = []
        for feature in _basemap_features():
            kind = feature["properties"].get("kind")
            style = ({"colour": "#3a7bd5", "weight": 1.5, "opacity": 0.8} if kind == "river" else
                     {"colour": "#8a8a8a", "weight": 1, "opacity": 0.9, "fill": True, "fillColour": "#f4f1ea",
                      "fillOpacity": 1})
            features.append({"type": "Feature", "geometry": _shift_geometry(feature["geometry"], basemap),
                             "properties": {"style": style}})
        fmap.add_child(_Script("{map}.getContainer().style.background = '#dbe8f3';"))
        fmap.add_child(_GeoLayer("basemap", features, pane="hc_base", interactive=False, control=False))
        return
    if basemap.tiles == "tianditu":
        key = basemap.key or os.environ.get(TIANDITU_KEY_VARIABLE, "")
        for layer, name in (("vec", "Tianditu 天地图"), ("cva", "Tianditu labels 注记")):
            url = (f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                   f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
                   f"&TILECOL={{x}}&tk={key}")
            folium.TileLayer(url, name=name, attr="&copy; 天地图 Tianditu", subdomains="01234567",
                             overlay=layer == "cva").add_to(fmap)
        return
    provider = {"osm": "OpenStreetMap.Mapnik", "carto": "CartoDB.Positron", "gaode": "Gaode.Normal"}[basemap.tiles]
    folium.TileLayer(provider, name=basemap.tiles).add_to(fmap)


def _point(lat: float, lon: float, basemap: Basemap) -> list[float]:
    la, lo = basemap.shift([lat], [lon])
    return [round(float(lo[0]), 6), round(float(la[0]), 6)]


def _point_features(frame: pd.DataFrame, basemap: Basemap, titles: Sequence[str], rows: Sequence[list[list[Any]]],
                    styles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    lat, lon = basemap.shift(frame["lat"].to_numpy(), frame["lon"].to_numpy())
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]},
             "properties": {"title": title, "rows": row, "style": style}}
            for x, y, title, row, style in zip(lon, lat, titles, rows, styles, strict=True)]


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
            row.append(["Minutes 分钟", _cell(minutes.get(site_id))])
        if "precision" in site and isinstance(site["precision"], str):
            row.append(["Located at 位置精度", site["precision"]])
        rows.append(row)
    return rows


def _site_layers(fmap: folium.Map, scenario: Scenario, sites: pd.DataFrame, basemap: Basemap,
                 minutes: pd.Series | None = None, popups: dict[str, list[list[Any]]] | None = None) -> None:
    """One toggleable layer per category, in the product's order."""
    colours = _category_colours(scenario)
    radius = 4 if len(sites) > CANVAS_ABOVE else 6
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
        features = _point_features(part, basemap, [str(n) for n in part["name"]], rows, [style] * len(part))
        name = f"{category_label(category)} ({len(part)})"
        fmap.add_child(_GeoLayer(name, features, popup=bool(popups) and is_plant, counts_sites=True,
                                 css_class="hc-site"))


def _link_features(times: TravelTimes, mode: ProfileName, basemap: Basemap,
                   colour_of: Any, rows_of: Any) -> list[dict[str, Any]]:
    edges = times.network.edges
    kinds = ["rail"] if mode == "rail" else ["road"]
    links = edges[edges["kind"].isin(kinds)]
    nodes = times.network.nodes
    features = []
    for _, edge in links.iterrows():
        a, b = nodes.loc[edge["u"]], nodes.loc[edge["v"]]
        style = colour_of(edge)
        if style is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
            _point(float(a["lat"]), float(a["lon"]), basemap), _point(float(b["lat"]), float(b["lon"]), basemap)]},
            "properties": {"title": str(edge["name"]), "rows": rows_of(edge), "style": style}})
    return features


def _legend(fmap: folium.Map, title: str, entries: list[tuple[str, str, bool]]) -> None:
    fmap.add_child(_Script(f"hourcircleLegend({{map}}, {_json(title)}, {_json(entries)});"))


def _finish(fmap: folium.Map) -> str:
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.add_child(_Script("window.hourcircle.ready = true;"))
    rendered: str = _figure(fmap).render()
    # folium names elements with random hex ids: number them in order so the file is reproducible
    ids: dict[str, str] = {}
    return re.sub(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])",
                  lambda m: ids.setdefault(m.group(0), f"{len(ids) + 1:04d}"), rendered)


def reach_map(times: TravelTimes, origin: str, hours: float | None = None, mode: ProfileName = "truck",
              basemap: Basemap | None = None) -> str:
    """HTML of what ``origin`` reaches: links and places coloured by hourly band, reached sites
    coloured by category (one layer each), the origin marked."""
    basemap = (basemap or Basemap()).check()
    scenario = times.network.scenario
    budget = budget_minutes(times, hours) / 60
    node = times.resolve(origin)
    minutes = times.minutes_from(node, mode)
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
    fmap = _new_map(basemap, places["lat"].to_numpy(), places["lon"].to_numpy(), title, len(reached))

    def link_style(edge: pd.Series) -> dict[str, Any]:
        far = max(minutes.get(edge["u"], np.inf), minutes.get(edge["v"], np.inf))
        colour = band(far)
        return {"colour": colour, "weight": 4 if colour != OUT_OF_REACH else 1.5}

    def link_rows(edge: pd.Series) -> list[list[Any]]:
        return [["From 起", edge["u"]], ["To 止", edge["v"]], ["Minutes at far end 分钟",
                _cell(max(minutes.get(edge["u"], np.inf), minutes.get(edge["v"], np.inf)))]]

    fmap.add_child(_GeoLayer("links 线路", _link_features(times, mode, basemap, link_style, link_rows)))
    place_rows = [[["Chinese 中文", p["name_zh"]], ["Province 省", p["province"]],
                   ["Minutes 分钟", _cell(minutes.get(pid))]] for pid, p in places.iterrows()]
    place_styles = [{"colour": band(minutes.get(pid)), "radius": 5, "stroke": "#333"} for pid in places.index]
    fmap.add_child(_GeoLayer("places 城市", _point_features(places, basemap, [str(n) for n in places["name"]],
                                                          place_rows, place_styles)))
    _site_layers(fmap, scenario, reached, basemap, minutes)
    where = times.network.nodes.loc[node]
    origin_feature = _point_features(pd.DataFrame([where]), basemap, [f"Origin 起点: {where['name']}"],
                                     [[["Id", node]]], [{"colour": "#000", "radius": 10, "stroke": "#fff",
                                                         "weight": 3, "opacity": 1}])
    fmap.add_child(_GeoLayer("origin 起点", origin_feature))
    colours = _category_colours(scenario)
    entries = [(BAND_COLOURS[i], f"reached {label}", False) for i, label in enumerate(labels[:len(BAND_COLOURS)])]
    entries.append((OUT_OF_REACH, f"beyond {budget:g} h", False))
    entries += [(colours[c], category_label(c), False) for c in scenario.product.all_categories]
    _legend(fmap, f"{mode} minutes from {where['name']}", entries)
    return _finish(fmap)


def circle_map(results: Results, basemap: Basemap | None = None, disrupted: Sequence[str] = ()) -> str:
    """HTML of a run: places coloured by circle completeness, sites by category (one layer each,
    plants with their circle table), links with their names, ``disrupted`` link ids dashed red."""
    basemap = (basemap or Basemap()).check()
    times = results.times
    scenario = times.network.scenario
    places = scenario.places
    title = f"{scenario.name}: {results.hours:g}-hour circles by {results.mode}"
    fmap = _new_map(basemap, places["lat"].to_numpy(), places["lon"].to_numpy(), title, len(scenario.sites))
    gone = set(disrupted)

    def link_style(edge: pd.Series) -> dict[str, Any]:
        if edge["link"] in gone:
            return {"colour": "#e00000", "weight": 4, "dash": "8 6", "opacity": 1}
        return {"colour": "#555" if edge["kind"] == "road" else "#7b3294", "weight": 2, "opacity": 0.6}

    def link_rows(edge: pd.Series) -> list[list[Any]]:
        rows = [["Link id", edge["link"]], ["Mode", edge["kind"]],
                ["Truck minutes 卡车分钟", _cell(edge["minutes_truck"])]]
        return rows + ([["Status 状态", "disrupted 中断"]] if edge["link"] in gone else [])

    for mode in ("truck", "rail"):
        features = _link_features(times, mode, basemap, link_style, link_rows)
        if features:
            name = "road links 公路" if mode == "truck" else "rail links 铁路"
            fmap.add_child(_GeoLayer(name, features, show=mode == "truck"))  # timetable pairs: many lines
    circle = results.places
    budget = results.hours

    def place_colour(row: pd.Series) -> str:
        hours = row["hours_to_complete"]
        if row["complete"]:
            return "#1a9850"
        if np.isfinite(hours) and hours <= budget + 1:
            return "#fdae61"
        return "#d73027"

    place_rows = [[["Chinese 中文", p["name_zh"]], ["Complete 完整", _cell(p["complete"])],
                   ["Hours to complete 补全所需小时", _cell(p["hours_to_complete"])],
                   ["Missing 缺少", p["missing"] or None],
                   ["Fewest alternatives 最少备选", _cell(p["fewest_alternatives"])]]
                  for _, p in circle.iterrows()]
    place_styles = [{"colour": place_colour(p), "radius": 9, "stroke": "#333", "opacity": 0.55}
                    for _, p in circle.iterrows()]
    located = places.loc[circle.index]
    fmap.add_child(_GeoLayer("places by circle 城市产业圈", _point_features(
        located, basemap, [str(n) for n in located["name"]], place_rows, place_styles), popup=True))
    pairs = results.pairs[results.pairs["kind"] == "plant"]
    popups: dict[str, list[list[Any]]] = {}
    for plant, group in pairs.groupby("origin", sort=False):
        summary = results.plants.loc[plant]
        rows: list[list[Any]] = [["Complete 完整", _cell(summary["complete"])],
                                 ["Hours to complete 补全所需小时", _cell(summary["hours_to_complete"])]]
        rows += [[category_label(str(r["category"])), f"{_cell(r['nearest_site'])}: {_cell(r['minutes'])} min, "
                  f"{int(r['alternatives'])} within {budget:g} h"] for _, r in group.iterrows()]
        popups[str(plant)] = rows
    _site_layers(fmap, scenario, scenario.sites, basemap, popups=popups)
    colours = _category_colours(scenario)
    entries = [("#1a9850", f"complete within {budget:g} h", False),
               ("#fdae61", f"complete within {budget + 1:g} h", False),
               ("#d73027", "incomplete", False)]
    entries += [(colours[c], category_label(c), False) for c in scenario.product.all_categories]
    if gone:
        entries.append(("#e00000", "disrupted link", True))
    _legend(fmap, "Circle completeness 产业圈完整度", entries)
    return _finish(fmap)
