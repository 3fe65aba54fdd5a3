"""Mainland China's outline: which road nodes of the extract lie in the country.

The bundled roads are a box (15..54 N, 73..135.5 E) and so carry the roads of eleven
neighbours. A national network keeps only the nodes inside the outline of the 31 provinces
of the bundled basemap (``data/basemap/china.geojson``), and those just outside that roads
join to a node inside: within :data:`SLACK_KM` of the outline anywhere, or within
:data:`COAST_KM` of its coast and nearer the coast than any land border. The outline is drawn
to about 2 km, so ports, bridges and islands would otherwise be lost, while a neighbour's coast
stays out (its roads reach China only across a land border). Hong Kong and Macau are left out:
each is a customs territory of its own, crossed as a border, and neither is one of the
prefecture-level units of the bundled scenarios. A scenario may open the border at official
land crossings (:mod:`hourcircle.roads.crossings`).

Examples
--------
>>> outline = mainland_outline()
>>> outline.keeps(np.array([31.23, 40.10, 22.30]), np.array([121.47, 124.40, 114.17])).tolist()
[True, False, False]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, MultiLineString, Polygon, shape
from shapely.ops import unary_union

from hourcircle.roads.arrays import Array, RoadArrays
from hourcircle.roads.topology import component_labels

SLACK_KM = 1.0  # the outline's drawing error that is forgiven anywhere (Dandong's riverside seat lies 0.3 km out)
COAST_KM = 60.0  # how far off the outline's coast a node may still belong to the country (Yangshan port: 30 km)
KM_PER_DEGREE = 111.2
COAST_ENDS = ((124.15, 39.75), (108.05, 21.50))  # the Yalu and Beilun river mouths: where land borders meet the sea
INLAND = (121.9, 31.0)  # a point near the coast (Shanghai): tells the coastal arc from the land border
SEPARATE_TERRITORIES = {  # about 1 km: Hong Kong north of it follows the Shenzhen River, Macau leaves Hengqin out
    "Hong Kong": ((113.82, 22.14), (113.82, 22.45), (113.93, 22.51), (114.03, 22.505), (114.09, 22.535),
                  (114.16, 22.56), (114.23, 22.555), (114.30, 22.58), (114.50, 22.50), (114.50, 22.13)),
    "Macau": ((113.528, 22.215), (113.555, 22.218), (113.60, 22.175), (113.60, 22.105), (113.556, 22.105),
              (113.556, 22.15), (113.535, 22.19)),
}


@dataclass(frozen=True)
class Outline:
    """A country's land, its coast and its land borders.

    Parameters
    ----------
    land : shapely geometry
        The provinces together.
    coast, border : shapely geometry
        The outline's sea shore (islands included) and its land borders.
    left_out : shapely geometry
        Territories inside or off the outline that are not part of the network.
    """

    land: shapely.Geometry
    coast: shapely.Geometry
    border: shapely.Geometry
    left_out: shapely.Geometry

    def keeps(self, lat: Array, lon: Array) -> NDArray[np.bool_]:
        """Which points may belong to the country: inside, or off its coast (not a neighbour's land).

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.

        Returns
        -------
        numpy.ndarray of bool
            One flag per point.
        """
        lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        inside = shapely.contains_xy(self.land, lon, lat)
        off = np.flatnonzero(~inside)
        if off.size:
            points = shapely.points(lon[off], lat[off])
            to_coast = shapely.distance(self.coast, points) * KM_PER_DEGREE
            to_border = shapely.distance(self.border, points) * KM_PER_DEGREE
            near = shapely.distance(self.land, points) * KM_PER_DEGREE <= SLACK_KM
            inside[off] = near | ((to_coast <= COAST_KM) & (to_coast < to_border))
        return inside & ~shapely.contains_xy(self.left_out, lon, lat)

    def abroad(self, lat: Array, lon: Array) -> NDArray[np.bool_]:
        """Which points lie in a neighbouring country: beyond the outline, and nearer its land border than its coast.

        A point far out to sea (an island's seat) is not abroad, nor are Hong Kong and Macau.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.

        Returns
        -------
        numpy.ndarray of bool
            One flag per point.

        Examples
        --------
        >>> mainland_outline().abroad(np.array([21.18, 16.83, 22.30]), np.array([101.67, 112.33, 114.17])).tolist()
        [True, False, False]
        """
        lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        out = ~self.keeps(lat, lon) & ~shapely.contains_xy(self.left_out, lon, lat)
        off = np.flatnonzero(out)
        if off.size:
            points = shapely.points(lon[off], lat[off])
            out[off] = shapely.distance(self.border, points) <= shapely.distance(self.coast, points)
        return out


def _nearest(ring: NDArray[np.float64], point: tuple[float, float]) -> int:
    return int(np.argmin(np.hypot(ring[:, 0] - point[0], ring[:, 1] - point[1])))


@lru_cache(maxsize=1)
def mainland_outline() -> Outline:
    """Mainland China's outline, from the bundled basemap's provinces (read once).

    Returns
    -------
    Outline
        Its land, coast, land borders, and Hong Kong and Macau left out.
    """
    from hourcircle.datasets import data_root

    features = json.loads((data_root() / "basemap" / "china.geojson").read_text(encoding="utf-8"))["features"]
    land = unary_union([shape(feature["geometry"]) for feature in features
                        if feature["properties"].get("kind") == "province"]).buffer(0)
    pieces = sorted(getattr(land, "geoms", [land]), key=lambda piece: -piece.area)
    ring = np.asarray(pieces[0].exterior.coords)
    first, last = sorted(_nearest(ring, end) for end in COAST_ENDS)
    one, other = ring[first:last + 1], np.vstack([ring[last:], ring[:first + 1]])
    near = np.asarray(INLAND)
    coastal, border = ((one, other) if np.hypot(*(one - near).T).min() < np.hypot(*(other - near).T).min()
                       else (other, one))
    coast = MultiLineString([LineString(coastal)] + [LineString(piece.exterior.coords) for piece in pieces[1:]])
    left_out = unary_union([Polygon(corners) for corners in SEPARATE_TERRITORIES.values()])
    return Outline(land, coast, LineString(border), left_out)


def in_the_country(roads: RoadArrays, outline: Outline) -> NDArray[np.bool_]:
    """Which nodes of a road network belong to the country: inside its outline, or off its coast and joined to it.

    Parameters
    ----------
    roads : RoadArrays
        A network.
    outline : Outline
        The country.

    Returns
    -------
    numpy.ndarray of bool
        One flag per node (see :func:`clip_to_outline`).
    """
    keep = outline.keeps(roads.lat, roads.lon)
    inside = shapely.contains_xy(outline.land, roads.lon, roads.lat)
    joined = keep[roads.u] & keep[roads.v]
    labels = component_labels(len(keep), roads.u[joined], roads.v[joined])[0]
    return np.asarray(keep & np.isin(labels, labels[inside & keep]))  # off the coast: only what a road joins to land


def clip_to_outline(roads: RoadArrays, outline: Outline) -> tuple[RoadArrays, int]:
    """The nodes of a road network that an outline keeps, the edges between them, and how many left.

    Parameters
    ----------
    roads : RoadArrays
        A network.
    outline : Outline
        The country.

    Returns
    -------
    tuple of (RoadArrays, int)
        The network inside, and the number of nodes left out.

    Examples
    --------
    Shanghai's two nodes stay, with the Yangshan port 30 km out at sea that a bridge joins to
    them; Sinuiju (across the Yalu) and a buoy at sea with no road to land leave:

    >>> roads = RoadArrays(np.arange(5), np.array([31.2, 31.3, 30.62, 40.1, 30.0]),
    ...                    np.array([121.4, 121.5, 122.07, 124.4, 123.0]), np.array([0, 1, 2]),
    ...                    np.array([1, 2, 3]), np.array([15.0, 40.0, 1000.0]))
    >>> inside, left = clip_to_outline(roads, mainland_outline())
    >>> inside.ids.tolist(), inside.u.tolist(), inside.v.tolist(), left
    ([0, 1, 2], [0, 1], [1, 2], 2)
    """
    keep = in_the_country(roads, outline)
    position = np.cumsum(keep) - 1
    edges = keep[roads.u] & keep[roads.v]
    clipped = RoadArrays(roads.ids[keep], roads.lat[keep], roads.lon[keep], position[roads.u[edges]],
                         position[roads.v[edges]], roads.km[edges])
    return clipped, int((~keep).sum())
