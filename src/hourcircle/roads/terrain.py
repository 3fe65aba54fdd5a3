"""What the land around a road says about its speed: mountain provinces, and how dense the roads are.

An edge is *in the mountains* when the place nearest its middle lies in one of
:data:`MOUNTAIN_PROVINCES` (the south-western and north-western plateaus and ranges: Tibet,
Qinghai, Sichuan, Chongqing, Yunnan, Guizhou, Gansu). Expressways there are built for 80 km/h in
long stretches of tunnels, bridges and grades; the car profile's ``mountain_slowdown`` makes their
minutes per km longer (fitted by :mod:`hourcircle.calibration`).

An edge's *road density* is the road km per km² of the grid cell (:data:`CELL_DEGREES` of
latitude and longitude) its middle lies in: dense where the plains are built up and the
expressways many, sparse in deserts and mountains. :func:`density_term` is its log distance
from :data:`DENSITY_REFERENCE`; the profile's ``density_speedup`` makes dense roads faster and
sparse ones slower by that term.

Examples
--------
>>> places = pd.DataFrame({"province": ["Sichuan", "Jiangsu"], "lat": [30.6, 32.0], "lon": [104.1, 118.8]})
>>> in_mountains(np.array([30.5, 31.9]), np.array([104.0, 118.9]), places).tolist()
[True, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.roads.arrays import Array, Snapper

MOUNTAIN_PROVINCES = frozenset({"Tibet", "Qinghai", "Sichuan", "Chongqing", "Yunnan", "Guizhou", "Gansu"})
CELL_DEGREES = 0.5
DENSITY_REFERENCE = 0.2  # road km per km2: about the median road edge's (the Chinese extract)
DENSITY_LIMITS = (0.02, 0.8)  # densities beyond these count as these
KM_PER_DEGREE = 111.2


def road_density(lat: Array, lon: Array, km: Array) -> Array:
    """Road km per km² of the grid cell each edge's middle lies in (the edges given are the roads).

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Edge middles.
    km : numpy.ndarray
        Edge lengths.

    Returns
    -------
    numpy.ndarray
        One density per edge.

    Examples
    --------
    >>> lat, lon = np.array([30.1, 30.2, 35.0]), np.array([120.1, 120.2, 100.0])
    >>> road_density(lat, lon, np.array([100.0, 200, 50])).round(4).tolist()  # 300 km in 2,673 km2; 50 in 2,532
    [0.1123, 0.1123, 0.0198]
    """
    if not len(km):
        return np.zeros(0)
    row, column = np.floor(lat / CELL_DEGREES), np.floor(lon / CELL_DEGREES)
    _, cell = np.unique(np.column_stack([row, column]), axis=0, return_inverse=True)
    total = np.bincount(cell.ravel(), weights=km)[cell.ravel()]
    middle = np.radians((row + 0.5) * CELL_DEGREES)
    area = (CELL_DEGREES * KM_PER_DEGREE) ** 2 * np.cos(middle)
    return np.asarray(total / area, dtype=np.float64)


def density_term(density: Array) -> Array:
    """``log10(density / DENSITY_REFERENCE)``, the density clipped to :data:`DENSITY_LIMITS`.

    Parameters
    ----------
    density : numpy.ndarray
        Road km per km².

    Returns
    -------
    numpy.ndarray
        Positive where roads are denser than the reference.

    Examples
    --------
    >>> density_term(np.array([0.2, 2.0, 0.002])).round(2).tolist()
    [0.0, 0.6, -1.0]
    """
    return np.asarray(np.log10(np.clip(density, *DENSITY_LIMITS) / DENSITY_REFERENCE), dtype=np.float64)


def in_mountains(lat: Array, lon: Array, places: pd.DataFrame) -> NDArray[np.bool_]:
    """Whether each point's nearest place lies in a mountain province.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The points (edge middles).
    places : pandas.DataFrame
        ``lat, lon`` and, optionally, ``province`` (without it nothing is in the mountains).

    Returns
    -------
    numpy.ndarray of bool
        One flag per point.
    """
    if "province" not in places or places.empty or not len(lat):
        return np.zeros(len(lat), dtype=bool)
    mountain = places["province"].isin(MOUNTAIN_PROVINCES).to_numpy(dtype=bool)
    nearest, _ = Snapper(places["lat"].to_numpy(dtype=np.float64),
                         places["lon"].to_numpy(dtype=np.float64)).nearest(lat, lon)
    return np.asarray(mountain[nearest], dtype=bool)
