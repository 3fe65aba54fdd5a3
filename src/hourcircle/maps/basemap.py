"""The map's background and coordinate system: the bundled offline basemap, or tiles.

Offline (the default) the background is a bundled outline of provinces and the Yangtze. With
tiles (``osm``, ``carto``, ``gaode``, ``tianditu``; they need the network) the page loads them
instead; Gaode tiles are in GCJ-02 coordinates, so on them every drawn coordinate is shifted
from WGS-84 to GCJ-02.

Examples
--------
>>> Basemap().point(31.2323, 121.4691)
[121.4691, 31.2323]
>>> Basemap("gaode", offline=False).point(31.2323, 121.4691) != [121.4691, 31.2323]
True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from hourcircle import config, datasets
from hourcircle.errors import ArgumentError
from hourcircle.geo import wgs84_to_gcj02
from hourcircle.maps.layers import GeoLayer, Script

TILES = config.TILES


EAST_CHINA = (112.0, 26.0, 124.0, 37.5)  # the box east_china.geojson covers: lon, lat, lon, lat


@cache
def outline_features(national: bool = False) -> list[dict[str, Any]]:
    """The bundled offline basemap (WGS-84).

    Parameters
    ----------
    national : bool, default False
        Every province of mainland China (``china.geojson``), instead of east China's provinces
        and the Yangtze (``east_china.geojson``, finer).

    Returns
    -------
    list of dict
        GeoJSON features with a ``kind`` property (``province`` or ``river``).
    """
    path = datasets.data_root() / "basemap" / ("china.geojson" if national else "east_china.geojson")
    collection = json.loads(path.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = collection["features"]
    return features


LAND = {"colour": "#8a8a8a", "weight": 1, "opacity": 0.9, "fill": True, "fillColour": "#f4f1ea", "fillOpacity": 1}
RIVER = {"colour": "#3a7bd5", "weight": 1.5, "opacity": 0.8}
NEIGHBOURS = "#e6e3dc"  # land beyond mainland China, a shade darker than the country


def _neighbours() -> list[dict[str, Any]]:
    """Land beyond mainland China (``neighbours.geojson``: Natural Earth's land, less the country)."""
    path = datasets.data_root() / "basemap" / "neighbours.geojson"
    features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    return features


@cache
def seamless_features(national: bool = False) -> list[dict[str, Any]]:
    """The offline background as drawn: land fills without outlines, then borders and rivers as lines.

    East China's finer outlines are clipped to a box; around them (and a little under them, so no
    seam shows) the national outlines fill the rest of the country, so a map zoomed or framed
    beyond the box shows no straight edge. The box's edges are nobody's border and are not drawn.
    Under everything, the land beyond mainland China (a shade darker), so no land shows as sea.

    Parameters
    ----------
    national : bool, default False
        Only the national outlines (see :func:`outline_features`).

    Returns
    -------
    list of dict
        GeoJSON features (WGS-84) with a ``style`` property.

    Examples
    --------
    >>> [f["geometry"]["type"] for f in seamless_features(True)][-1]
    'MultiLineString'
    """
    box = shapely.geometry.box(*EAST_CHINA)
    edge = box.exterior.buffer(1e-6)

    def shape(feature: dict[str, Any]) -> Any:
        return shapely.geometry.shape(feature["geometry"])

    country = [shape(f) for f in outline_features(True)]
    east = [] if national else outline_features(False)
    fine = [shape(f) for f in east if f["properties"].get("kind") != "river"]
    rivers = [f["geometry"] for f in east if f["properties"].get("kind") == "river"]
    outside = [part.difference(box) for part in country] if fine else country
    under = [part.difference(box.buffer(-0.05)) for part in country] if fine else country  # no seam at the edge
    borders = shapely.union_all([part.boundary for part in outside + fine]).difference(edge)
    fills = [part for part in under + fine if not part.is_empty]
    beyond = [shape(f) for f in _neighbours()]
    land = {key: value for key, value in LAND.items() if key.startswith("fill")} | {"outline": False}
    features = [{"type": "Feature", "geometry": shapely.geometry.mapping(part),
                 "properties": {"style": land | {"fillColour": NEIGHBOURS}}} for part in beyond]
    features += [{"type": "Feature", "geometry": shapely.geometry.mapping(shapely.set_precision(part, 1e-4)),
                  "properties": {"style": land}} for part in fills]
    features.append({"type": "Feature", "geometry": shapely.geometry.mapping(shapely.set_precision(borders, 1e-4)),
                     "properties": {"style": {k: LAND[k] for k in ("colour", "weight", "opacity")}}})
    features += [{"type": "Feature", "geometry": river, "properties": {"style": RIVER}} for river in rivers]
    plain: list[dict[str, Any]] = json.loads(json.dumps(features))  # plain lists, as JSON reads them
    return plain


@dataclass(frozen=True)
class Basemap:
    """Where the map's background comes from.

    Parameters
    ----------
    tiles : {"none", "osm", "carto", "gaode", "tianditu"}
        ``none``: the bundled basemap; otherwise a tile provider.
    offline : bool
        Inline everything; tiles need ``offline=False``.
    key : str, optional
        A Tianditu key (else :func:`hourcircle.config.tianditu`: ``$TIANDITU_KEY``).

    Raises
    ------
    ArgumentError
        (parameter ``tiles``) for unknown tiles, tiles offline, or Tianditu without a key: a
        basemap is checked once, when made.

    Examples
    --------
    >>> Basemap("osm")
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: tiles: osm loads tiles from the network; go online...
    """

    tiles: str = "none"
    offline: bool = True
    key: str | None = None

    def __post_init__(self) -> None:
        """Check that the combination can work."""
        if self.tiles not in TILES:
            raise ArgumentError("tiles", f"{self.tiles!r} is not one of {', '.join(TILES)}")
        if self.offline and self.tiles != "none":
            raise ArgumentError("tiles", f"{self.tiles} loads tiles from the network; go online, "
                                "or use none for the bundled offline basemap")
        if self.tiles == "tianditu" and not (self.key or config.tianditu()):
            raise ArgumentError("tiles", f"tianditu needs a Tianditu key: set {config.TIANDITU_KEY_VARIABLE}")

    def shift(self, lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates as drawn: GCJ-02 on Gaode tiles, WGS-84 otherwise.

        Parameters
        ----------
        lat, lon : array_like
            WGS-84 degrees.

        Returns
        -------
        tuple of numpy.ndarray
            Latitudes and longitudes as drawn.
        """
        if self.tiles == "gaode":
            return wgs84_to_gcj02(lat, lon)
        return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)

    def point(self, lat: float, lon: float) -> list[float]:
        """One point as drawn, in GeoJSON order.

        Parameters
        ----------
        lat, lon : float
            WGS-84 degrees.

        Returns
        -------
        list of float
            ``[lon, lat]`` rounded to 6 decimals.
        """
        la, lo = self.shift([lat], [lon])
        return [round(float(lo[0]), 6), round(float(la[0]), 6)]

    def point_features(self, frame: pd.DataFrame, titles: Sequence[str], rows: Sequence[list[list[Any]]],
                       styles: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """GeoJSON point features, one per row of a table.

        Parameters
        ----------
        frame : pandas.DataFrame
            With ``lat`` and ``lon``.
        titles : sequence of str
            Each feature's title.
        rows : sequence of list
            Each feature's ``[label, value]`` rows.
        styles : sequence of dict
            Each feature's style.

        Returns
        -------
        list of dict
            The features, coordinates as drawn.
        """
        lat, lon = self.shift(frame["lat"].to_numpy(), frame["lon"].to_numpy())
        return [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]},
                 "properties": {"title": title, "rows": row, "style": style}}
                for x, y, title, row, style in zip(lon, lat, titles, rows, styles, strict=True)]

    def geometry(self, geometry: dict[str, Any]) -> dict[str, Any]:
        """A GeoJSON geometry as drawn.

        Parameters
        ----------
        geometry : dict
            A WGS-84 GeoJSON geometry.

        Returns
        -------
        dict
            The same geometry, shifted to GCJ-02 on Gaode tiles.
        """
        if self.tiles != "gaode":
            return geometry

        def move(coords: Any) -> Any:
            if isinstance(coords[0], int | float):  # a position
                lat, lon = wgs84_to_gcj02([coords[1]], [coords[0]])
                return [float(lon[0]), float(lat[0])]
            if isinstance(coords[0][0], int | float):  # a line or ring of positions
                array = np.asarray(coords, dtype=np.float64)
                lat, lon = wgs84_to_gcj02(array[:, 1], array[:, 0])
                return np.column_stack([lon, lat]).tolist()
            return [move(part) for part in coords]

        return {"type": geometry["type"], "coordinates": move(geometry["coordinates"])}

    def draw(self, fmap: folium.Map, lat: Any = (), lon: Any = ()) -> None:
        """Add the background to a map.

        Parameters
        ----------
        fmap : folium.Map
            The map, changed in place.
        lat, lon : array_like
            The points the map shows: beyond east China, the offline basemap is the national one.
        """
        basemap = self
        if basemap.tiles == "none":
            fmap.add_child(Script("{map}.createPane('hc_base'); {map}.getPane('hc_base').style.zIndex = 250;"))
            features = []
            lat_a, lon_a = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
            west, south, east, north = EAST_CHINA
            national = bool(len(lat_a)) and not bool(((lon_a >= west) & (lon_a <= east) & (lat_a >= south)
                                                      & (lat_a <= north)).all())
            for feature in seamless_features(national):
                features.append({"type": "Feature", "geometry": basemap.geometry(feature["geometry"]),
                                 "properties": feature["properties"]})
            fmap.add_child(Script("{map}.getContainer().style.background = '#dbe8f3';"))
            fmap.add_child(GeoLayer("basemap", features, pane="hc_base", interactive=False, control=False))
            return
        if basemap.tiles == "tianditu":
            key = basemap.key or config.tianditu() or ""
            for layer, name in (("vec", "Tianditu 天地图"), ("cva", "Tianditu labels 注记")):
                url = (f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                       f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
                       f"&TILECOL={{x}}&tk={key}")
                folium.TileLayer(url, name=name, attr="&copy; 天地图 Tianditu", subdomains="01234567",
                                 overlay=layer == "cva").add_to(fmap)
            return
        provider = {"osm": "OpenStreetMap.Mapnik", "carto": "CartoDB.Positron", "gaode": "Gaode.Normal"}[basemap.tiles]
        folium.TileLayer(provider, name=basemap.tiles).add_to(fmap)
