"""Geometry for maps of real road networks: roads merged into lines, and isochrone areas.

A national road network has a quarter of a million edges: drawn one by one, a map would
weigh tens of megabytes. Here edges are merged into long lines and simplified at a tolerance
that follows the map's extent. An isochrone is the area within reach: the cells of a grid
(:data:`CELL_KM`) that reached roads pass through, one cell wider, holes filled, as polygons
(shapely).

Examples
--------
>>> import numpy as np, shapely
>>> lat, lon = np.array([30.0, 30.0, 30.0]), np.array([120.0, 120.1, 120.2])
>>> area = isochrone(lat[[0, 1]], lon[[0, 1]], lat[[1, 2]], lon[[1, 2]])
>>> area.geom_type, all(area.contains(shapely.points(lon, lat)))
('Polygon', True)
>>> lines = merged_lines(lat[[0, 1]], lon[[0, 1]], lat[[1, 2]], lon[[1, 2]], tolerance=0.001)
>>> lines.geom_type, len(lines.coords)
('LineString', 2)
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.ndimage import binary_dilation, binary_fill_holes
from shapely.geometry.base import BaseGeometry

CELL_KM = 3.0
KM_PER_DEGREE = 111.2

Array = NDArray[np.float64]


def tolerance_for(lat: Array, lon: Array) -> float:
    """A simplification tolerance (degrees) for a map spanning points: about 1/2500 of its extent.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The points the map shows.

    Returns
    -------
    float
        Degrees; at least 0.0005 (about 50 m).
    """
    extent = max(float(np.ptp(lat)) if len(lat) else 0.0, float(np.ptp(lon)) if len(lon) else 0.0)
    return max(extent / 2500, 0.0005)


def merged_lines(lat1: Array, lon1: Array, lat2: Array, lon2: Array, tolerance: float) -> BaseGeometry:
    """Road edges merged into as few lines as possible, simplified.

    Lines shorter than the tolerance are left out: they would not show at the map's scale.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : numpy.ndarray
        The edges' two ends, in degrees.
    tolerance : float
        Simplification tolerance, in degrees.

    Returns
    -------
    shapely.Geometry
        A LineString or MultiLineString in (lon, lat) order (empty when there are no edges).
    """
    if len(lat1) == 0:
        return shapely.MultiLineString()
    ends = np.stack([np.column_stack([lon1, lat1]), np.column_stack([lon2, lat2])], axis=1)
    lines = shapely.multilinestrings(np.asarray(shapely.linestrings(ends), dtype=object))
    merged = shapely.simplify(shapely.line_merge(lines), tolerance, preserve_topology=False)
    parts = shapely.get_parts(merged)
    kept = parts[shapely.length(parts) >= tolerance]  # shorter than the tolerance: not visible at this scale
    drawn = shapely.multilinestrings(kept) if len(kept) != 1 else kept[0]
    assert isinstance(drawn, BaseGeometry)
    return drawn


def isochrone(lat1: Array, lon1: Array, lat2: Array, lon2: Array, cell_km: float = CELL_KM) -> BaseGeometry:
    """The area reached along road edges: the grid cells they pass through, widened by a cell.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : numpy.ndarray
        The reached edges' two ends, in degrees.
    cell_km : float, default 3
        The grid's cell size.

    Returns
    -------
    shapely.Geometry
        A Polygon or MultiPolygon in (lon, lat) order, holes filled (empty when nothing is reached).
    """
    if len(lat1) == 0:
        return shapely.Polygon()
    middle = float(np.mean(lat1))
    scale = np.array([KM_PER_DEGREE * math.cos(math.radians(middle)), KM_PER_DEGREE])
    a, b = np.column_stack([lon1, lat1]) * scale, np.column_stack([lon2, lat2]) * scale
    steps = np.maximum(np.ceil(np.linalg.norm(b - a, axis=1) / (cell_km / 2)).astype(np.int64), 1)
    edge = np.repeat(np.arange(len(a)), steps + 1)
    first = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)  # each edge's first point
    along = (np.arange(len(edge)) - first) / np.repeat(steps, steps + 1)
    points = a[edge] + (b[edge] - a[edge]) * along[:, None]
    cells = np.floor(points / cell_km).astype(np.int64)
    low = cells.min(axis=0) - 2
    cells -= low
    grid = np.zeros(cells.max(axis=0) + 3, dtype=bool)
    grid[cells[:, 0], cells[:, 1]] = True
    grid = binary_fill_holes(binary_dilation(grid))
    filled = np.argwhere(grid)
    x, y = (filled[:, 0] + low[0]) * cell_km, (filled[:, 1] + low[1]) * cell_km
    area = shapely.simplify(shapely.coverage_union_all(shapely.box(x, y, x + cell_km, y + cell_km)), cell_km / 2)
    degrees: BaseGeometry = shapely.transform(area, lambda xy: xy / scale)
    return degrees
