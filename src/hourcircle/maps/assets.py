r"""What every map page carries: Leaflet, the page's style, and the page's script.

Leaflet is inlined for offline use; the script builds tooltips, popups and legends from data
with ``textContent``.

Examples
--------
>>> print(script_json({"name": "</script><b>"}))
{"name":"\u003c/script\u003e\u003cb\u003e"}
>>> javascript, css = leaflet_inline()
>>> "L.map" in javascript or "Map" in javascript, "leaflet-container" in css
(True, True)
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import folium
import xstatic.pkg.leaflet as leaflet_package
from branca.element import Element, Figure

LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@{version}/dist/leaflet.{ext}"

# Builds tooltips and popups from [label, value] rows with textContent (never innerHTML).
SCRIPT = """
window.hourcircle = {sites: 0, spread: []};
function hourcircleLayout(map) {
  // Sites sharing a point go on a ring of screen pixels around it; then, from the zoom at which city
  // names show (cities stand clear), markers that still overlap are pushed apart (at most MOVE px
  // from where they belong), so that each can be hovered. Redone at every zoom, so the rings keep
  // their size and markers return home as the map zooms in; zoomed far out, only the rings.
  var items = window.hourcircle.spread, MOVE = 60;
  var lay = function () {
    var zoom = map.getZoom();
    var home = items.map(function (it) {
      var at = map.project(it.at, zoom), k = it.ring[0], n = it.ring[1];
      if (n > 1) {
        var radius = Math.max(18, n * 17 / (2 * Math.PI)), angle = 2 * Math.PI * k / n - Math.PI / 2;
        at = at.add([radius * Math.cos(angle), radius * Math.sin(angle)]);
      }
      return [at.x, at.y];
    });
    var pts = home.map(function (p) { return [p[0], p[1]]; });
    var size = function (i) { return items[i].marker.options.radius + items[i].marker.options.weight / 2; };
    var cell = 2 * Math.max.apply(null, items.map(function (it, i) { return size(i); }).concat([1])) + 2;
    var passes = window.hourcircle.labelZoom > zoom ? 0 : 40;
    for (var pass = 0; pass < passes; pass++) {
      var grid = {}, moved = false;
      pts.forEach(function (p, i) {
        var key = Math.floor(p[0] / cell) + ':' + Math.floor(p[1] / cell);
        (grid[key] = grid[key] || []).push(i);
      });
      pts.forEach(function (p, i) {
        var gx = Math.floor(p[0] / cell), gy = Math.floor(p[1] / cell);
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            (grid[(gx + dx) + ':' + (gy + dy)] || []).forEach(function (j) {
              if (j <= i) { return; }
              var q = pts[j], need = size(i) + size(j) + 2;
              var ex = q[0] - p[0], ey = q[1] - p[1], d = Math.sqrt(ex * ex + ey * ey);
              if (d >= need) { return; }
              if (d < 1e-6) { ex = Math.cos(2.4 * (i + j)); ey = Math.sin(2.4 * (i + j)); d = 1; }
              var push = (need - d) / 2 / d;
              p[0] -= ex * push; p[1] -= ey * push; q[0] += ex * push; q[1] += ey * push;
              moved = true;
            });
          }
        }
      });
      pts.forEach(function (p, i) {  // never far from home
        var ex = p[0] - home[i][0], ey = p[1] - home[i][1], d = Math.sqrt(ex * ex + ey * ey);
        if (d > MOVE) { p[0] = home[i][0] + ex * MOVE / d; p[1] = home[i][1] + ey * MOVE / d; }
      });
      if (!moved) { break; }
    }
    items.forEach(function (it, i) { it.marker.setLatLng(map.unproject(L.point(pts[i][0], pts[i][1]), zoom)); });
    map.fire('hclayout');  // for what is drawn from the markers (the explorer's links to a picked plant)
  };
  lay();
  map.on('zoomend viewreset', lay);
}
function hourcircleLabels(map, points, fromZoom) {
  // city names as labels (text, never HTML) that show from a zoom up and never catch the mouse
  if (!map.getPane('hc_labels')) {
    map.createPane('hc_labels');
    map.getPane('hc_labels').style.zIndex = 450;
    map.getPane('hc_labels').style.pointerEvents = 'none';
  }
  var labels = L.layerGroup(points.map(function (p) {
    var text = document.createElement('span');
    text.textContent = p[2];
    return L.marker([p[0], p[1]], {pane: 'hc_labels', interactive: false, keyboard: false,
      icon: L.divIcon({className: 'hc-place-label', html: text, iconSize: null, iconAnchor: [-11, 8]})});
  }));
  var show = function () {
    if (map.getZoom() >= fromZoom) { labels.addTo(map); } else { labels.remove(); }
  };
  show();
  map.on('zoomend', show);
  window.hourcircle.labelZoom = fromZoom;
}
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
.hc-place-label {font: 600 12px sans-serif; color: #222; white-space: nowrap; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;}
.hc-title {position: absolute; top: 10px; left: 50px; z-index: 1000; background: rgba(255,255,255,0.92);
  padding: 4px 10px; font: bold 14px sans-serif; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);}
"""


def script_json(value: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (no tag or entity can close it).

    Parameters
    ----------
    value : object
        JSON-ready data (no NaN).

    Returns
    -------
    str
        Compact JSON with ``<``, ``>``, ``&`` and line separators escaped.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


@cache
def leaflet_inline() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS from the installed ``xstatic-leaflet`` package.

    Returns
    -------
    tuple of str
        The JavaScript (safe inside ``<script>``) and the CSS (images inlined as data URIs).
    """
    folder = Path(leaflet_package.BASE_DIR)
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    return script.replace("</script", "<\\/script"), css


def figure(fmap: folium.Map) -> Figure:
    """The page a folium map is drawn on.

    Parameters
    ----------
    fmap : folium.Map
        The map.

    Returns
    -------
    branca.element.Figure
        Its root element.
    """
    root = fmap.get_root()
    assert isinstance(root, Figure)
    return root


def use_leaflet_only(fmap: folium.Map, inline: bool = True) -> folium.Map:
    """Load only Leaflet (folium also links jQuery, Bootstrap and icon fonts from CDNs).

    Parameters
    ----------
    fmap : folium.Map
        The map, changed in place.
    inline : bool, default True
        Embed Leaflet from the installed package, so the page needs no network; else link
        it from a CDN.

    Returns
    -------
    folium.Map
        The same map.
    """
    version = str(leaflet_package.VERSION)
    fmap.default_js = [] if inline else [("leaflet", LEAFLET_CDN.format(version=version, ext="js"))]
    fmap.default_css = [] if inline else [("leaflet_css", LEAFLET_CDN.format(version=version, ext="css"))]
    if inline:
        script, css = leaflet_inline()
        header = figure(fmap).header
        header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
        header.add_child(Element(f"<script>{script}</script>"), name="leaflet_inline")
    return fmap
