"""The layers hourcircle draws: GeoJSON features, legends and raw script steps.

Tooltips and popups are built from ``[label, value]`` rows by the page's script, as text,
never as HTML.

Examples
--------
>>> cell(float("nan")), cell(True), cell(2.345)
(None, 'yes 是', 2.35)
"""

from __future__ import annotations

import html
from typing import Any

import folium
import numpy as np
from branca.element import MacroElement
from folium.map import Layer
from jinja2 import Template

from hourcircle.maps.assets import script_json


def cell(value: Any) -> Any:
    """A value as a tooltip shows it.

    Parameters
    ----------
    value : object
        A table cell.

    Returns
    -------
    object
        None for missing or infinite numbers, "yes 是"/"no 否" for booleans, floats to 0.01,
        ints as ints, anything else as text.
    """
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes 是" if value else "no 否"
    if isinstance(value, (float, np.floating)):
        return round(float(value), 2)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return str(value)


class GeoLayer(Layer):
    """A GeoJSON layer: points as circle markers, lines and polygons as paths.

    Each feature's ``title`` and ``rows`` become its tooltip (or popup), and ``style`` its look
    (``outline: false`` draws a shape's fill alone); a point with ``spread`` (``[k, n]``, see
    :func:`hourcircle.maps.points.rings`) is drawn k-th of n on a small ring around its position,
    and apart from the other points with ``spread`` (the page's ``hourcircleLayout``).

    Parameters
    ----------
    name : str
        The layer's name in the layer control.
    features : list of dict
        GeoJSON features.
    pane : str, default "overlayPane"
        The Leaflet pane to draw in.
    popup : bool, default False
        Also open the table as a popup on click.
    interactive : bool, default True
        Whether features react to the mouse.
    counts_sites : bool, default False
        Count the features in ``window.hourcircle.sites`` (for tests).
    control : bool, default True
        List the layer in the layer control.
    css_class : str, default ""
        Class of point markers.
    show : bool, default True
        Shown when the page opens.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            pane: {{ this.pane_json }},
            interactive: {{ this.interactive }},
            pointToLayer: function (feature, latlng) {
                var s = feature.properties.style;
                var marker = L.circleMarker(latlng, {radius: s.radius, color: s.stroke || s.colour,
                    weight: s.weight || 1, dashArray: s.dash || null, fillColor: s.colour,
                    fillOpacity: s.opacity || 0.85, className: {{ this.class_json }},
                    pane: {{ this.pane_json }}});
                if (feature.properties.spread) {
                    window.hourcircle.spread.push({marker: marker, at: latlng, ring: feature.properties.spread});
                }
                return marker;
            },
            style: function (feature) {
                if (feature.geometry.type === 'Point') { return {}; }
                var s = feature.properties.style;
                return {stroke: s.outline !== false, color: s.colour, weight: s.weight || 2, opacity: s.opacity || 0.9,
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
        super().__init__(name=html.escape(name), overlay=True, control=control, show=show)  # set as HTML
        self._name = "hc_layer"
        self.data = script_json({"type": "FeatureCollection", "features": features})
        self.pane_json = script_json(pane)
        self.popup = "true" if popup else "false"
        self.interactive = "true" if interactive else "false"
        self.counts_sites = counts_sites
        self.class_json = script_json(css_class)


class Script(MacroElement):
    """Raw script lines run after the map exists.

    Parameters
    ----------
    code : str
        JavaScript; ``{map}`` is replaced by the map's variable.
    """

    _template = Template("{% macro script(this, kwargs) %}"
                         "{{ this.code.replace('{map}', this._parent.get_name()) }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.code = code


def legend(fmap: folium.Map, title: str, entries: list[tuple[str, str, bool]]) -> None:
    """Add a legend box (drawn as text by the page's script).

    Parameters
    ----------
    fmap : folium.Map
        The map, changed in place.
    title : str
        The legend's heading.
    entries : list of (str, str, bool)
        Colour, label and whether the swatch is a dashed line.
    """
    fmap.add_child(Script(f"hourcircleLegend({{map}}, {script_json(title)}, {script_json(entries)});"))
