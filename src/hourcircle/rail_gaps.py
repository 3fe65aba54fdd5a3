"""Rail where timetables are silent (layer 3, beside :mod:`hourcircle.network`).

Timetables miss cities, and published figures join a city to a few others only. Two
estimates fill in, marked as such on the edges they add:

- a **corridor stop** (``rail_estimate``): a place that lies on the straight line between
  two places a fast direct train joins (within :data:`CORRIDOR_KM` of it, between its ends;
  a high-speed line: the train beats :data:`FAST_KMH` over the great-circle km) is taken to
  be a stop on that line; its minutes to either end are the train's, in proportion to
  distance along the line. The shortest such line is used, and only for an end that no
  rail link already joins to the place.
- a place no rail link serves and no line passes gets a **feeder** (``rail_feeder``): a
  road leg, at the car's speed over the road network, to the nearest served place, and to the
  second nearest unless that makes the place a road shortcut between the two stations (by road
  through the place faster than by rail between them): a trip "by rail" between two stations
  never drives through a third place's feeders instead of taking a train.

Examples
--------
>>> import pandas as pd
>>> places = pd.DataFrame({"lat": [30.0, 30.0, 30.0], "lon": [120.0, 120.5, 121.0]},
...                       index=["a", "b", "c"])
>>> rail = pd.DataFrame({"u": ["a"], "v": ["c"], "minutes": [30.0]})
>>> stops = corridor_stops(places, rail)
>>> stops[["u", "v", "minutes"]].round(1).values.tolist()
[['b', 'a', 15.0], ['b', 'c', 15.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hourcircle.geo import haversine_km, project_km
from hourcircle.links import LINK_COLUMNS
from hourcircle.profiles import RoadProfile

FEEDERS = 2
FAST_KMH = 125.0  # a high-speed line: its train beats this over the great-circle km between its ends
CORRIDOR_KM = 15.0  # a place this close to a line's straight course is taken to be on it


def unserved(places: pd.DataFrame, rail: pd.DataFrame) -> pd.Index:
    """Places no rail link touches.

    Parameters
    ----------
    places : pandas.DataFrame
        Indexed by place id.
    rail : pandas.DataFrame
        Rail links with ``u`` and ``v``.

    Returns
    -------
    pandas.Index
        Their ids (none when there is no rail at all).
    """
    if rail.empty:
        return places.index[:0]
    return places.index.difference(pd.Index(pd.unique(rail[["u", "v"]].to_numpy().ravel())))


def corridor_stops(places: pd.DataFrame, rail: pd.DataFrame) -> pd.DataFrame:
    """Rail edges putting places on the fast lines that pass them, to ends not already joined.

    Parameters
    ----------
    places : pandas.DataFrame
        Indexed by place id, with ``lat`` and ``lon``.
    rail : pandas.DataFrame
        Rail links: ``u, v, minutes``.

    Returns
    -------
    pandas.DataFrame
        Two ``rail_estimate`` links (columns :data:`LINK_COLUMNS`) per place put on a line.
    """
    timed = rail.dropna(subset=["minutes"])
    if timed.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    xy = pd.DataFrame(project_km(places["lat"], places["lon"]), index=places.index, columns=["x", "y"])
    a, b = xy.loc[timed["u"]].to_numpy(), xy.loc[timed["v"]].to_numpy()
    line_km = np.asarray(haversine_km(places.loc[timed["u"], "lat"], places.loc[timed["u"], "lon"],
                                      places.loc[timed["v"], "lat"], places.loc[timed["v"], "lon"]))
    minutes = timed["minutes"].to_numpy(dtype=float)
    fast = line_km / minutes * 60 >= FAST_KMH
    joined = set(zip(rail["u"], rail["v"], strict=True)) | set(zip(rail["v"], rail["u"], strict=True))
    along = b - a
    length = np.maximum(np.einsum("ij,ij->i", along, along), 1e-9)
    rows = []
    for place, point in zip(xy.index, xy.to_numpy(), strict=True):  # places, not network nodes
        share = np.einsum("ij,ij->i", point - a, along) / length
        offset = np.linalg.norm(a + share[:, None] * along - point, axis=1)
        fits = fast & (share > 0) & (share < 1) & (offset <= CORRIDOR_KM)
        if not fits.any():
            continue
        best = int(np.flatnonzero(fits)[np.argmin(line_km[fits])])
        first, last = str(timed["u"].iloc[best]), str(timed["v"].iloc[best])
        name = f"estimated stop on the {first}-{last} line"
        for end, part in ((first, share[best]), (last, 1 - share[best])):
            if (place, end) not in joined:
                rows.append((place, end, "rail_estimate", name, np.nan, minutes[best] * part, True))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def feeders(road_km: pd.DataFrame, car: RoadProfile, rail_minutes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Road legs from unserved places to their nearest served places.

    Parameters
    ----------
    road_km : pandas.DataFrame
        Road km from each unserved place that needs a feeder (rows) to each served place
        (columns); ``inf`` where there is no road.
    car : RoadProfile
        Speed of the leg.
    rail_minutes : pandas.DataFrame, optional
        Minutes by rail between served places (rows and columns: ``road_km``'s columns).
        A place's second feeder is kept only where its two legs together take no less than
        the rail between their stations; without it, only the nearest.

    Returns
    -------
    pandas.DataFrame
        ``rail_feeder`` links (columns :data:`LINK_COLUMNS`) from every row's place to its
        nearest column by road km and, where allowed, its second nearest.

    Examples
    --------
    >>> km = pd.DataFrame({"s": [60.0, 100.0], "t": [80.0, 30.0]}, index=["x", "y"])
    >>> rail = pd.DataFrame([[0.0, 135.0], [135.0, 0.0]], index=["s", "t"], columns=["s", "t"])
    >>> from hourcircle.profiles import CAR_DEFAULT
    >>> car = CAR_DEFAULT.model_copy(update={"speed_kmh": 60.0})
    >>> feeders(km, car, rail)[["u", "v", "minutes"]].values.tolist()
    [['x', 's', 60.0], ['x', 't', 80.0], ['y', 't', 30.0]]
    """
    if road_km.empty or road_km.shape[1] == 0:
        return pd.DataFrame(columns=LINK_COLUMNS)
    km = road_km.to_numpy(dtype=float)
    k = min(FEEDERS, km.shape[1])
    closest = np.argsort(km, axis=1, kind="stable")[:, :k]
    leg_km = np.take_along_axis(km, closest, axis=1)
    keep = np.isfinite(leg_km)
    if k == 2:
        # through the place by road: its two legs; never faster than the train between their ends
        between = None if rail_minutes is None else rail_minutes.reindex(index=road_km.columns, columns=road_km.columns)
        by_rail = np.inf if between is None else between.to_numpy(dtype=float)[closest[:, 0], closest[:, 1]]
        keep[:, 1] &= leg_km.sum(axis=1) / car.speed_kmh * 60 >= by_rail
    nearest = road_km.columns.to_numpy()[closest[keep]]
    leg_km = leg_km[keep]
    return pd.DataFrame({"u": np.repeat(road_km.index.to_numpy(), k).reshape(-1, k)[keep], "v": nearest,
                         "kind": "rail_feeder", "name": [f"road to the station at {n}" for n in nearest],
                         "km": leg_km, "minutes": leg_km / car.speed_kmh * 60, "estimated": True})
