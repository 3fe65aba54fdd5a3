r"""Road networks as arrays, and the geometry on them: unit vectors, nearest nodes, longitudes.

A :class:`RoadArrays` is what every road source is read into (nodes as coordinates, edges as
positions); a :class:`Snapper` finds the nearest node of points by great-circle distance.

Examples
--------
>>> roads = RoadArrays(np.arange(3), np.array([30.0, 30.0, 30.0]), np.array([120.0, 120.01, 120.03]),
...                    np.array([0, 1]), np.array([1, 2]), np.array([1.0, 2.0]))
>>> node, km = Snapper(roads.lat, roads.lon).nearest(np.array([30.001]), np.array([120.029]))
>>> node.tolist(), km.round(2).tolist()
([2], [0.15])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hourcircle.geo import EARTH_RADIUS_KM

Array = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class RoadArrays:
    """A road network as arrays.

    Parameters
    ----------
    ids : numpy.ndarray of int
        Each node's number in the source (stable across clips).
    lat, lon : numpy.ndarray
        Node coordinates (WGS-84).
    u, v : numpy.ndarray of int
        Edge ends, as positions in the node arrays.
    km : numpy.ndarray
        Edge lengths.
    """

    ids: Ints
    lat: Array
    lon: Array
    u: Ints
    v: Ints
    km: Array


def unit_vectors(lat: Array, lon: Array) -> Array:
    """Points as unit vectors from the earth's centre, so that chords order great-circle distances.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The points, in degrees.

    Returns
    -------
    numpy.ndarray
        ``(n, 3)`` array of unit vectors.

    Examples
    --------
    >>> unit_vectors(np.array([0.0, 90.0]), np.array([0.0, 0.0])).round(3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


class Snapper:
    """Nearest road nodes of points, by great-circle distance (a k-d tree on unit vectors).

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The candidate nodes.
    """

    def __init__(self, lat: Array, lon: Array) -> None:
        from scipy.spatial import cKDTree  # here: scipy.spatial is slow to import, and most commands never snap

        self._tree = cKDTree(unit_vectors(lat, lon)) if len(lat) else None

    def nearest(self, lat: Array, lon: Array) -> tuple[Ints, Array]:
        """The nearest node of each point.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.

        Returns
        -------
        tuple of numpy.ndarray
            Node positions (-1 when there are no nodes) and great-circle km.
        """
        if self._tree is None:
            return np.full(len(lat), -1, dtype=np.int64), np.full(len(lat), np.inf)
        chord, found = self._tree.query(unit_vectors(np.asarray(lat, float), np.asarray(lon, float)))
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0, 1))
        return np.asarray(found, dtype=np.int64), np.asarray(km, dtype=np.float64)


def unwrap_longitudes(lon: Array) -> NDArray[np.float64]:
    """Longitudes made continuous around their circular mean, so that 179.9 and -179.9 are neighbours.

    Parameters
    ----------
    lon : numpy.ndarray
        Degrees.

    Returns
    -------
    numpy.ndarray
        The same meridians, each within 180 degrees of the mean.

    Examples
    --------
    >>> unwrap_longitudes(np.array([179.9, -179.9])).round(1).tolist()
    [179.9, 180.1]
    """
    radians = np.radians(np.asarray(lon, dtype=np.float64))
    if radians.size == 0:
        return radians
    mean = np.degrees(np.arctan2(np.sin(radians).mean(), np.cos(radians).mean()))
    return np.asarray(mean + (np.degrees(radians) - mean + 180.0) % 360.0 - 180.0)
