"""Roads beyond the border, joined to the country only at official land border crossings.

With ``[roads] border_crossings`` a national network keeps the extract's roads abroad too. The
country's roads (the nodes :func:`~hourcircle.roads.border.clip_to_outline` keeps) and the
roads abroad are each a network of their own, their dead ends joined apart, so the country's
roads are exactly those of a scenario without crossings. An edge of the extract with one end
in the country and the other abroad joins them only where its straight line (as the extract
draws it) passes within ``within_km`` of a listed crossing (default :data:`WITHIN_KM`); every
other such edge is cut. A trip pays the crossing's minutes on each crossing edge it takes.

Examples
--------
A road from Mengla over the Mohan crossing into Laos, and a track across the border 55 km
west of it: the road stays, the track is cut.

>>> roads = RoadArrays(np.arange(4), np.array([21.30, 21.10, 21.60, 21.50]),
...                    np.array([101.70, 101.66, 101.20, 101.15]), np.array([0, 2]), np.array([1, 3]),
...                    np.array([25.0, 20.0]))
>>> mohan = pd.DataFrame({"name": ["Mohan-Boten"], "lat": [21.19], "lon": [101.685], "minutes": [120.0]})
>>> from hourcircle.roads.border import mainland_outline
>>> opened = open_border(roads, mainland_outline(), mohan)
>>> opened.roads.ids.tolist(), opened.abroad.tolist(), opened.crossing.tolist()
([0, 2, 1, 3], [False, False, True, True], [0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from hourcircle.roads.arrays import Ints, RoadArrays, Snapper
from hourcircle.roads.border import KM_PER_DEGREE, Outline, in_the_country
from hourcircle.roads.topology import join_dead_ends

WITHIN_KM = 5.0  # a road edge crossing the border within this of a listed crossing passes there


@dataclass(frozen=True)
class OpenBorder:
    """A network inside the country and abroad, joined at border crossings.

    Parameters
    ----------
    roads : RoadArrays
        The country's nodes (in the extract's order), then those abroad; the edges: the
        country's (dead ends joined), those abroad (dead ends joined), then the crossing edges.
    abroad : numpy.ndarray of bool
        Per node: beyond the border.
    estimated : numpy.ndarray of bool
        Per edge: a join between a dead end and a near node, not a road of the extract.
    crossing : numpy.ndarray of int
        Per edge: the row of the crossings table it crosses at, or -1.
    left_out : int
        Nodes of the extract in neither (Hong Kong, Macau, offshore nodes no road joins to land).
    """

    roads: RoadArrays
    abroad: NDArray[np.bool_]
    estimated: NDArray[np.bool_]
    crossing: Ints
    left_out: int

    def edges_per_crossing(self, count: int) -> Ints:
        """How many road edges cross the border at each of ``count`` crossings (0: no road found).

        Parameters
        ----------
        count : int
            Rows of the crossings table.

        Returns
        -------
        numpy.ndarray of int
            One count per crossing.
        """
        return np.bincount(self.crossing[self.crossing >= 0], minlength=count).astype(np.int64)


def _part(roads: RoadArrays, keep: NDArray[np.bool_]) -> RoadArrays:
    """The nodes kept and the edges between them, dead ends joined."""
    position = np.cumsum(keep) - 1
    edges = keep[roads.u] & keep[roads.v]
    part = RoadArrays(roads.ids[keep], roads.lat[keep], roads.lon[keep], position[roads.u[edges]],
                      position[roads.v[edges]], roads.km[edges])
    return join_dead_ends(part)


def chord_km(lat1: NDArray[np.float64], lon1: NDArray[np.float64], lat2: NDArray[np.float64],
             lon2: NDArray[np.float64], lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
    """Km from each point to each straight edge, on a plane around the point (edges by points).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : numpy.ndarray
        The edges' ends (``m`` each).
    lat, lon : numpy.ndarray
        The points (``n`` each).

    Returns
    -------
    numpy.ndarray
        ``(m, n)`` km.

    Examples
    --------
    >>> chord_km(np.array([0.0]), np.array([-1.0]), np.array([0.0]), np.array([1.0]),
    ...          np.array([0.1, 0.0]), np.array([0.0, 2.0])).round(1).tolist()
    [[11.1, 111.2]]
    """
    scale = np.cos(np.radians(lat))[None, :] * KM_PER_DEGREE
    ax, ay = (lon1[:, None] - lon[None, :]) * scale, (lat1[:, None] - lat[None, :]) * KM_PER_DEGREE
    bx, by = (lon2[:, None] - lon[None, :]) * scale, (lat2[:, None] - lat[None, :]) * KM_PER_DEGREE
    dx, dy = bx - ax, by - ay
    length = np.maximum(dx * dx + dy * dy, 1e-12)
    t = np.clip(-(ax * dx + ay * dy) / length, 0.0, 1.0)
    return np.asarray(np.hypot(ax + t * dx, ay + t * dy), dtype=np.float64)


def _crossing_of(roads: RoadArrays, edges: Ints, crossings: pd.DataFrame) -> Ints:
    """For each edge across the border, the nearest crossing within its reach, or -1."""
    if not len(edges) or not len(crossings):
        return np.full(len(edges), -1, dtype=np.int64)
    u, v = roads.u[edges], roads.v[edges]
    km = chord_km(roads.lat[u], roads.lon[u], roads.lat[v], roads.lon[v],
                  crossings["lat"].to_numpy(np.float64), crossings["lon"].to_numpy(np.float64))
    reach = (pd.to_numeric(crossings["within_km"]).fillna(WITHIN_KM).to_numpy(np.float64)
             if "within_km" in crossings else np.full(len(crossings), WITHIN_KM))
    nearest = np.argmin(km, axis=1)
    near = km[np.arange(len(edges)), nearest] <= reach[nearest]
    return np.where(near, nearest, -1).astype(np.int64)


def open_border(roads: RoadArrays, outline: Outline, crossings: pd.DataFrame) -> OpenBorder:
    """A network's roads in the country and abroad, joined only at listed border crossings.

    Parameters
    ----------
    roads : RoadArrays
        The extract's roads of a scenario's area.
    outline : Outline
        The country (:func:`~hourcircle.roads.border.mainland_outline`).
    crossings : pandas.DataFrame
        ``lat, lon`` of each crossing point, and optionally ``within_km``.

    Returns
    -------
    OpenBorder
        The joined network, which nodes are abroad, and which edges cross where.
    """
    country = in_the_country(roads, outline)
    abroad = ~outline.keeps(roads.lat, roads.lon) & ~shapely.contains_xy(outline.left_out, roads.lon, roads.lat)
    inside, beyond = _part(roads, country), _part(roads, abroad)
    across = np.flatnonzero((country[roads.u] & abroad[roads.v]) | (abroad[roads.u] & country[roads.v]))
    crossing = _crossing_of(roads, across, crossings)
    across, crossing = across[crossing >= 0], crossing[crossing >= 0]
    position = np.where(country, np.cumsum(country) - 1, len(inside.ids) + np.cumsum(abroad) - 1)
    shift = len(inside.ids)
    joined = RoadArrays(np.r_[inside.ids, beyond.ids], np.r_[inside.lat, beyond.lat], np.r_[inside.lon, beyond.lon],
                        np.r_[inside.u, beyond.u + shift, position[roads.u[across]]].astype(np.int64),
                        np.r_[inside.v, beyond.v + shift, position[roads.v[across]]].astype(np.int64),
                        np.r_[inside.km, beyond.km, roads.km[across]])
    given = (int((country[roads.u] & country[roads.v]).sum()), int((abroad[roads.u] & abroad[roads.v]).sum()))
    estimated = np.r_[np.arange(len(inside.u)) >= given[0], np.arange(len(beyond.u)) >= given[1],
                      np.zeros(len(across), dtype=bool)]
    return OpenBorder(joined, np.r_[np.zeros(len(inside.ids), dtype=bool), np.ones(len(beyond.ids), dtype=bool)],
                      estimated, np.r_[np.full(len(inside.u) + len(beyond.u), -1), crossing].astype(np.int64),
                      int((~country & ~abroad).sum()))


CROSSING_COLUMNS = ["name", "name_zh", "neighbour", "lat", "lon", "minutes", "in_area", "edges"]


def crossing_table(crossings: pd.DataFrame | None, opened: OpenBorder | None,
                   in_area: NDArray[np.bool_] | None = None) -> pd.DataFrame:
    """Each listed crossing, its minutes, and how many road edges cross there (0: no road found).

    Parameters
    ----------
    crossings : pandas.DataFrame or None
        The scenario's crossings (``None``: none).
    opened : OpenBorder or None
        The network joined at them.
    in_area : numpy.ndarray of bool, optional
        Per crossing: within the scenario's area (default: all).

    Returns
    -------
    pandas.DataFrame
        :data:`CROSSING_COLUMNS`, one row per crossing (none without crossings).
    """
    if crossings is None or opened is None:
        return pd.DataFrame({column: pd.Series(dtype=float if column in ("lat", "lon", "minutes") else object)
                             for column in CROSSING_COLUMNS}).astype({"edges": np.int64, "in_area": bool})
    table = crossings.reindex(columns=CROSSING_COLUMNS[:5]).reset_index(drop=True)
    for column in ("name_zh", "neighbour"):
        table[column] = table[column].fillna("").astype(str)
    return table.assign(lat=table["lat"].astype(float), lon=table["lon"].astype(float),
                        minutes=crossings["minutes"].to_numpy(dtype=np.float64),
                        in_area=np.ones(len(table), dtype=bool) if in_area is None else np.asarray(in_area, dtype=bool),
                        edges=opened.edges_per_crossing(len(table)))


def border_edges(road: pd.DataFrame, crossing: Ints, crossings: pd.DataFrame) -> pd.DataFrame:
    """Road edges that cross the border become ``border`` edges: the crossing's name and minutes.

    Parameters
    ----------
    road : pandas.DataFrame
        Road edges: ``kind, name, minutes``, ...
    crossing : numpy.ndarray of int
        Per edge: the crossing's row, or -1.
    crossings : pandas.DataFrame
        ``name``, ``minutes`` (the minutes a trip pays there).

    Returns
    -------
    pandas.DataFrame
        The edges, those across the border changed (``minutes`` is the wait, paid on top of
        driving: see :func:`hourcircle.network.build_network`).
    """
    at = crossing >= 0
    out = road.copy()
    out.loc[at, "kind"] = "border"
    out.loc[at, "name"] = crossings["name"].astype(str).to_numpy()[crossing[at]]
    out.loc[at, "minutes"] = crossings["minutes"].to_numpy(dtype=np.float64)[crossing[at]]
    return out


def nearest_on_side(roads: RoadArrays, usable: NDArray[np.bool_], abroad: NDArray[np.bool_],
                    lat: NDArray[np.float64], lon: NDArray[np.float64],
                    beyond: NDArray[np.bool_]) -> tuple[Ints, NDArray[np.float64]]:
    """The nearest usable node on each point's own side of the border, and its km (inf: none).

    A place in the country joins a road in the country, a place abroad a road abroad, so a trip
    between two places of one country never crosses the border to reach the roads.

    Parameters
    ----------
    roads : RoadArrays
        The network.
    usable : numpy.ndarray of bool
        Nodes points may join.
    abroad : numpy.ndarray of bool
        Nodes beyond the border.
    lat, lon : numpy.ndarray
        The points.
    beyond : numpy.ndarray of bool
        Points beyond the border.

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        Node positions and great-circle km.
    """
    node, km = np.zeros(len(lat), dtype=np.int64), np.full(len(lat), np.inf)
    for side in (False, True):
        points = beyond == side
        candidates = np.flatnonzero(usable & (abroad == side))
        if points.any() and candidates.size:
            found, found_km = Snapper(roads.lat[candidates], roads.lon[candidates]).nearest(lat[points], lon[points])
            node[points], km[points] = candidates[found], found_km
    return node, km
