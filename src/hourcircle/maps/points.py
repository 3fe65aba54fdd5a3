"""Points that share a place: sites spread on a ring around their city, and city names by zoom.

Most sites are placed at their city's centre (city precision), so a city's sites would stack on
one dot. Each site that shares its point with others gets its place on a ring (:func:`rings`);
the page draws the ring in screen pixels around the true point, so it stays the same size at
every zoom, and from the zoom at which city names show pushes apart markers of nearby points
that still overlap (a few pixels, at most 60), so that every site can be hovered. City names
are permanent labels from the zoom at which most cities stand clear of their nearest neighbour
(:func:`label_zoom`).

Examples
--------
>>> rings(np.array([31.8, 31.8, 30.0]), np.array([117.2, 117.2, 120.0]))
[[0, 2], [1, 2], None]
"""

from __future__ import annotations

from typing import Any

import folium
import numpy as np
import pandas as pd

from hourcircle.maps.assets import script_json
from hourcircle.maps.basemap import Basemap
from hourcircle.maps.layers import Script

LABEL_GAP_PX = 45  # a city's name shows once most cities are this far from their nearest neighbour
SAME_POINT_DEG = 1e-4  # points closer than this (about 10 m) share a point


def rings(lat: np.ndarray, lon: np.ndarray) -> list[list[int] | None]:
    """Each point's place on the ring of the points it shares its position with.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Degrees.

    Returns
    -------
    list
        ``[k, n]``: the k-th (from 0) of n points at that position, in the given order; None
        for a point alone.
    """
    keys = pd.DataFrame({"lat": np.round(np.asarray(lat, dtype=np.float64) / SAME_POINT_DEG),
                         "lon": np.round(np.asarray(lon, dtype=np.float64) / SAME_POINT_DEG)})
    groups = keys.groupby(["lat", "lon"], sort=False)
    k, n = groups.cumcount().to_numpy(), groups["lat"].transform("size").to_numpy()
    return [[int(a), int(b)] if b > 1 else None for a, b in zip(k, n, strict=True)]


def label_zoom(lat: np.ndarray, lon: np.ndarray) -> int:
    """The zoom from which city names show: most cities stand clear of their nearest neighbour.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The cities, degrees.

    Returns
    -------
    int
        The least zoom (5 to 10) at which the median distance to the nearest other city is at
        least :data:`LABEL_GAP_PX` pixels (Web Mercator, 256-pixel tiles).

    Examples
    --------
    >>> label_zoom(np.array([31.0, 31.0]), np.array([117.0, 117.8]))  # 0.8 degree apart: 36 px at 6, 73 at 7
    7
    """
    lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    if len(lat) < 2:
        return 5
    x = np.radians(lon)
    y = np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85, 85)) / 2))
    gaps = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(gaps, np.inf)
    nearest = float(np.median(gaps.min(axis=1)))  # in radians of Mercator: 256 * 2**z / (2 pi) px each
    for zoom in range(5, 11):
        if nearest * 256 * 2**zoom / (2 * np.pi) >= LABEL_GAP_PX:
            return zoom
    return 10


def place_labels(fmap: folium.Map, places: pd.DataFrame, basemap: Basemap) -> None:
    """Add the cities' names as labels that show from :func:`label_zoom` up.

    Parameters
    ----------
    fmap : folium.Map
        The map, changed in place.
    places : pandas.DataFrame
        With ``name``, ``lat`` and ``lon``.
    basemap : Basemap
        Where points are drawn (GCJ-02 on Gaode tiles).
    """
    lat, lon = basemap.shift(places["lat"].to_numpy(), places["lon"].to_numpy())
    points: list[list[Any]] = [[round(float(a), 6), round(float(b), 6), str(name)]
                               for a, b, name in zip(lat, lon, places["name"], strict=True)]
    fmap.add_child(Script(f"hourcircleLabels({{map}}, {script_json(points)}, {label_zoom(lat, lon)});"))
