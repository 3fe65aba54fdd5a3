"""Rail for places that no rail link serves (layer 3, beside :mod:`hourcircle.network`).

Timetables miss cities: the bundled one has no train at 17 of 41. Each such place gets one
of two estimates, marked as such on the edges they add:

- a **corridor stop** (``rail_estimate``): a place on the road route between two places that a
  fast direct train joins (``FAST_KMH`` over the road km) is taken to be a stop on that line;
  its minutes to either end are the train's, in proportion to road km. The shortest such line
  is used.
- otherwise a **feeder** (``rail_feeder``): a road leg, at the car's speed over the road
  network, to each of the two nearest served places.

Examples
--------
>>> import pandas as pd
>>> places = pd.DataFrame({"lat": [30.0, 30.0, 30.0], "lon": [120.0, 120.5, 121.0]},
...                       index=["a", "b", "c"])
>>> road = pd.DataFrame({"u": ["a", "b"], "v": ["b", "c"], "km": [50.0, 50.0]})
>>> rail = pd.DataFrame({"u": ["a"], "v": ["c"], "minutes": [30.0]})
>>> stops = corridor_stops(places, road, rail)
>>> stops[["u", "v", "minutes"]].values.tolist()
[['b', 'a', 15.0], ['b', 'c', 15.0]]
>>> from hourcircle.settings import CAR_DEFAULT
>>> feeders(places, road, rail, CAR_DEFAULT, stops).empty
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from hourcircle.settings import RoadProfile

FEEDERS = 2
FAST_KMH = 150.0  # a high-speed line: its train beats this over the road km between its ends
LINK_COLUMNS = ["u", "v", "kind", "name", "km", "minutes", "estimated"]  # a table of links, as the network adds them


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


def _road_graph(places: pd.DataFrame, road: pd.DataFrame) -> sp.csr_array:
    ids = places.index
    u, v = ids.get_indexer(pd.Index(road["u"])), ids.get_indexer(pd.Index(road["v"]))
    km = road["km"].to_numpy(dtype=np.float64)
    return sp.coo_array((np.r_[km, km], (np.r_[u, v], np.r_[v, u])), shape=(len(ids), len(ids))).tocsr()


def corridor_stops(places: pd.DataFrame, road: pd.DataFrame, rail: pd.DataFrame) -> pd.DataFrame:
    """Rail edges putting unserved places on the fast lines whose road route passes them.

    Parameters
    ----------
    places : pandas.DataFrame
        Indexed by place id, with ``lat`` and ``lon``.
    road : pandas.DataFrame
        Road links: ``u, v, km`` (km already estimated where not given).
    rail : pandas.DataFrame
        Rail links: ``u, v, minutes``.

    Returns
    -------
    pandas.DataFrame
        Two ``rail_estimate`` links (columns :data:`LINK_COLUMNS`) per place put on a line.
    """
    missing = unserved(places, rail)
    timed = rail.dropna(subset=["minutes"])
    if missing.empty or timed.empty or road.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    ids = places.index
    a, b = ids.get_indexer(pd.Index(timed["u"])), ids.get_indexer(pd.Index(timed["v"]))
    starts = np.unique(a)
    dist, pred = dijkstra(_road_graph(places, road), directed=True, indices=starts, return_predecessors=True)
    row = {int(s): k for k, s in enumerate(starts)}  # place -> row of dist and pred
    wanted = set(ids.get_indexer(missing).tolist())
    best: dict[int, tuple[float, int, int, float, float]] = {}  # place -> (line km, a, b, share, minutes)
    for first, last, minutes in zip(a.tolist(), b.tolist(), timed["minutes"].astype(float), strict=True):
        from_first, back = dist[row[first]], pred[row[first]]
        line_km = float(from_first[last])
        if not np.isfinite(line_km) or line_km / minutes * 60 < FAST_KMH:
            continue
        node = int(back[last])
        while node >= 0 and node != first:
            if node in wanted and line_km < best.get(node, (np.inf,))[0]:
                best[node] = (line_km, first, last, float(from_first[node]) / line_km, minutes)
            node = int(back[node])
    rows = []
    for node, (_, first, last, share, minutes) in sorted(best.items()):
        name = f"estimated stop on the {ids[first]}-{ids[last]} line"
        rows.append((ids[node], ids[first], "rail_estimate", name, np.nan, minutes * share, True))
        rows.append((ids[node], ids[last], "rail_estimate", name, np.nan, minutes * (1 - share), True))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def feeders(places: pd.DataFrame, road: pd.DataFrame, rail: pd.DataFrame, car: RoadProfile,
            stops: pd.DataFrame | None = None) -> pd.DataFrame:
    """Road legs from unserved places to their nearest served places.

    Parameters
    ----------
    places : pandas.DataFrame
        Indexed by place id.
    road : pandas.DataFrame
        Road links: ``u, v, km``.
    rail : pandas.DataFrame
        Rail links: ``u, v``.
    car : RoadProfile
        Speed of the leg.
    stops : pandas.DataFrame, optional
        Corridor stops already added (their places need no feeder).

    Returns
    -------
    pandas.DataFrame
        ``rail_feeder`` links (columns :data:`LINK_COLUMNS`), over the road network, from every
        unserved place but the stops to its ``FEEDERS`` nearest served places by road km.
    """
    served = places.index.difference(unserved(places, rail))
    missing = unserved(places, rail).difference(pd.Index([] if stops is None else stops["u"]))
    if missing.empty or road.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    origins = places.index.get_indexer(missing)
    km = dijkstra(_road_graph(places, road), directed=True, indices=origins)[:, places.index.get_indexer(served)]
    k = min(FEEDERS, len(served))
    closest = np.argsort(km, axis=1)[:, :k]
    road_km = np.take_along_axis(km, closest, axis=1).ravel()
    reachable = np.isfinite(road_km)
    nearest = served[closest.ravel()][reachable]
    road_km = road_km[reachable]
    return pd.DataFrame({"u": np.repeat(missing, k)[reachable], "v": nearest, "kind": "rail_feeder",
                         "name": [f"road to the station at {n}" for n in nearest], "km": road_km,
                         "minutes": road_km / car.speed_kmh * 60, "estimated": True})
