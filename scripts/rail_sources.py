"""Rail links from their sources, shared by make_links.py (the delta) and make_china_links.py.

The base is a RailwayVIS timetable extract (fastest direct train between two cities about
2020, both directions merged to the faster). Published in-train times of
data/sources/rail_times_published.csv (the delta's) and, for the national scenario,
data/sources/rail_times_published_national.csv (each with its source and date; all of them in the
shipped links, only the figures the fixed hold-out rule keeps for fitting,
hourcircle.rail_calibration.pair_role, in the links the held-out figures are scored on) update it, pair by pair
(both directions): a pair's figure is the fastest of the base and the published *fastest*
figures dated 2020 or later (lines opened since make trains faster; a slower newer figure is
another service); where there is neither, the fastest of the older published fastest figures;
where there is none of those either, the lowest *typical* figure (a rounded or single-train
time, named so). Each link's name says which it is and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from hourcircle.geo import haversine_km
from hourcircle.rail_calibration import pair_role
from hourcircle.roads.arrays import Snapper

DATA = Path(__file__).resolve().parents[1] / "data"
DELTA_FIGURES = "rail_times_published.csv"
NATIONAL_FIGURES = "rail_times_published_national.csv"  # split by the fixed hold-out rule
ESTIMATES = "rail_estimates_national.csv"  # where no figure was found: estimated from published ones
RAILWAYS = "osm_railways_china.npz"  # OpenStreetMap's railways (course only): scripts/make_bundled_rails.py
STATION_KM = 15.0  # a seat this close to a railway has a station on it
ON_LINE_KM = 10.0  # a seat this close to the railway a train runs on is taken to be one of its stops
# China's top operating speed: 'the maximum speed of bullet trains ... 350 kilometers per hour'
# (Xinhua, 2017-09-21: http://english.www.gov.cn/news/top_news/2017/09/21/content_281475874794796.htm)
TOP_KMH = 350.0
COURSE_DETOUR = 1.5  # a train's railway is at most this many times the great-circle km between its ends
RAIL_SOURCE = ("RailwayVIS timetable data (Apache-2.0), fastest direct train about 2020; "
               "see data/README.md")


def _sorted_pair(a: pd.Series, b: pd.Series) -> tuple[pd.Series, pd.Series]:
    pair = pd.concat([a, b], axis=1).apply(sorted, axis=1, result_type="expand")
    return pair[0], pair[1]


def rail_links(places: pd.DataFrame, timetables: tuple[str, ...], seats: dict[str, str] | None = None,
               published: tuple[str, ...] = (DELTA_FIGURES,), new_lines: bool = False,
               held_out: bool = True) -> pd.DataFrame:
    """Rail rows of links.csv for the places given.

    places: a places.csv table; timetables: files of data/sources/ (from_city_zh, to_city_zh,
    minutes, train); seats: timetable station towns that stand for a prefecture; published:
    files of dated published figures (data/sources/); new_lines: also put places on the lines
    the national figures' trains run on (route_stops), and add the estimates of
    data/sources/rail_estimates_national.csv where nothing else joins a pair; held_out: use the
    national figures the hold-out rule keeps for checking too (False: the links they are scored on).
    """
    short = places["name_zh"].str.replace(r"(市|地区|盟|自治州)$", "", regex=True)
    ids = dict(zip(short, places["place_id"], strict=True)) | dict(zip(places["name_zh"], places["place_id"],
                                                                       strict=True))
    ids |= {town: ids[prefecture] for town, prefecture in (seats or {}).items()}
    trains = pd.concat([pd.read_csv(DATA / "sources" / name) for name in timetables], ignore_index=True)
    trains["a"], trains["b"] = trains["from_city_zh"].map(ids), trains["to_city_zh"].map(ids)
    unknown = set(trains.loc[trains["a"].isna(), "from_city_zh"]) | set(trains.loc[trains["b"].isna(), "to_city_zh"])
    if unknown and seats is not None:
        print("stations in towns that are not a prefecture's seat, left out:", ", ".join(sorted(unknown)))
    trains = trains.dropna(subset=["a", "b"])
    u, v = _sorted_pair(trains["a"], trains["b"])
    base = pd.DataFrame({"u": u, "v": v, "minutes": trains["minutes"], "rank": 0,
                         "name": "train " + trains["train"] + " (timetable about 2020)", "source": RAIL_SOURCE})
    figures = pd.concat([published_rail(name, held_out) for name in published], ignore_index=True)
    figures = figures[figures["u"].isin(places["place_id"]) & figures["v"].isin(places["place_id"])]
    best = _best(pd.concat([base, figures], ignore_index=True))
    if new_lines:
        stops = route_stops(places, usable_figures(NATIONAL_FIGURES, held_out))
        best = _with_estimates(best, stops, replace_timetable=True, published=figures)
        best = _with_estimates(best, estimated_rail(), replace_timetable=False)
    return _as_links(best)


def route_stops(places: pd.DataFrame, figures: pd.DataFrame,
                rails: Mapping[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Estimated rides between places on the railway each published train runs on.

    A published figure between A and B is taken to run on the shortest railway between the
    two seats (OpenStreetMap's course, data/sources/osm_railways_china.npz; each seat within
    STATION_KM of a railway, the course at most COURSE_DETOUR times the great-circle km and
    short enough for the train to cover it at TOP_KMH at most: else it runs another way). A
    place whose seat lies within ON_LINE_KM of that course, between its ends, is taken to be a
    stop on it, with the train's minutes pro rata by railway km. Per place and end, the
    shortest such course is used. ``rails`` (``lat, lon`` per node, ``u, v, km`` per edge)
    defaults to the bundled railways.
    """
    rails = rails if rails is not None else dict(np.load(DATA / "sources" / RAILWAYS))
    n = len(rails["lat"])
    km = rails["km"].astype(np.float64)
    graph = sp.coo_array((np.r_[km, km], (np.r_[rails["u"], rails["v"]], np.r_[rails["v"], rails["u"]])),
                         shape=(n, n)).tocsr()
    track_lat, track_lon = rails["lat"].astype(np.float64), rails["lon"].astype(np.float64)
    where = places.set_index("place_id")[["lat", "lon"]].astype(float)
    seat_lat, seat_lon = where["lat"].to_numpy(), where["lon"].to_numpy()
    station, gap = Snapper(track_lat, track_lon).nearest(seat_lat, seat_lon)
    station = pd.Series(np.where(gap <= STATION_KM, station, -1), index=where.index)
    rows = figures[figures["from_place"].isin(where.index) & figures["to_place"].isin(where.index)]
    rows = rows[(station.loc[rows["from_place"]].to_numpy() >= 0) & (station.loc[rows["to_place"]].to_numpy() >= 0)]
    origins = np.unique(station.loc[rows["from_place"]].to_numpy())
    along, before = dijkstra(graph, indices=origins, return_predecessors=True)
    found = []
    for row in rows.itertuples(index=False):  # a few hundred figures, each walked along its course
        i, end = int(np.searchsorted(origins, station[row.from_place])), int(station[row.to_place])
        line_km = float(along[i, end])
        direct = float(haversine_km(*where.loc[row.from_place], *where.loc[row.to_place]))
        minutes = float(row.minutes)
        if not 0 < line_km <= COURSE_DETOUR * direct or line_km / minutes * 60 > TOP_KMH:
            continue
        course = [end]
        while course[-1] != origins[i]:
            course.append(int(before[i, course[-1]]))
        course_at = np.array(course)
        at, near = Snapper(track_lat[course_at], track_lon[course_at]).nearest(seat_lat, seat_lon)
        share = np.where(near <= ON_LINE_KM, along[i, course_at[at]] / line_km, np.nan)
        on = (share > 0) & (share < 1) & ~where.index.isin([row.from_place, row.to_place])
        name = f"estimated stop on the {row.from_place}-{row.to_place} line (published {row.date})"
        for place, part in zip(where.index[on], share[on], strict=True):
            source = (f"Estimated: {place}'s seat lies within {ON_LINE_KM:g} km of the railway the train runs on "
                      f"(OpenStreetMap's course, ODbL, via scgraph-data 2.0.0), {part:.2f} of its {line_km:.0f} "
                      f"km; minutes pro rata by railway km from {row.source} ({row.date}): {row.evidence}")
            for end_place, fraction in ((row.from_place, part), (row.to_place, 1 - part)):
                found.append((place, end_place, max(1, round(minutes * fraction)), line_km, name, source))
    stops = pd.DataFrame(found, columns=["a", "b", "minutes", "line_km", "name", "source"])
    if stops.empty:
        return pd.DataFrame(columns=["u", "v", "minutes", "rank", "name", "source"])
    stops = stops.sort_values(["line_km", "minutes"]).drop_duplicates(["a", "b"])
    u, v = _sorted_pair(stops["a"], stops["b"])
    return pd.DataFrame({"u": u, "v": v, "minutes": stops["minutes"], "rank": 3, "name": stops["name"],
                         "source": stops["source"]})


def estimated_rail() -> pd.DataFrame:
    """Estimated rides of data/sources/rail_estimates_national.csv (each says how it was worked out)."""
    rows = pd.read_csv(DATA / "sources" / ESTIMATES, dtype=str)
    u, v = _sorted_pair(rows["from_place"], rows["to_place"])
    return pd.DataFrame({"u": u, "v": v, "minutes": rows["minutes"].astype(float), "rank": 3,
                         "name": "estimated from published figures (" + rows["date"] + ")",
                         "source": rows["source"] + " (" + rows["date"] + "): " + rows["evidence"]})


def _with_estimates(best: pd.DataFrame, estimates: pd.DataFrame, *, replace_timetable: bool,
                    published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add estimates for pairs nothing joins; with replace_timetable, also where one beats a 2020 timetable
    train on a pair no published figure describes (``published``: their ``u, v``)."""
    estimates = _best(estimates)
    joined = best.set_index(["u", "v"])
    keys = pd.MultiIndex.from_frame(estimates[["u", "v"]])
    known = keys.isin(joined.index)
    beaten = np.zeros(len(estimates), dtype=bool)
    if replace_timetable and known.any():
        current = joined.reindex(keys)
        described = keys.isin(pd.MultiIndex.from_frame(published[["u", "v"]])) if published is not None else False
        beaten = (known & ~described & current["name"].str.endswith("(timetable about 2020)").fillna(False).to_numpy()
                  & (estimates["minutes"].to_numpy(dtype=float) < current["minutes"].to_numpy(dtype=float)))
    take = estimates[~known | beaten]
    kept = best[~pd.MultiIndex.from_frame(best[["u", "v"]]).isin(pd.MultiIndex.from_frame(take[["u", "v"]]))]
    return pd.concat([kept, take], ignore_index=True)


def usable_figures(name: str, held_out: bool = True) -> pd.DataFrame:
    """The rows of a published-figures file that may build links: all of the delta's file (its
    checks are data/calibration/rail_pairs.csv); all of the national file, or without the
    held-out side of its split (``held_out=False``: the links the held-out figures are scored on)."""
    rows = pd.read_csv(DATA / "sources" / name, dtype={"date": str, "train": str})
    if name != NATIONAL_FIGURES or held_out:
        return rows
    roles = [pair_role(a, b) for a, b in zip(rows["from_place"], rows["to_place"], strict=True)]
    return rows[[role == "fit" for role in roles]].reset_index(drop=True)


def published_rail(name: str = DELTA_FIGURES, held_out: bool = True) -> pd.DataFrame:
    """Published figures as candidates: rank 0 (recent fastest) beats 1 (older fastest) beats 2 (typical)."""
    rows = usable_figures(name, held_out)
    u, v = _sorted_pair(rows["from_place"], rows["to_place"])
    fastest = rows["kind"] == "fastest"
    recent = rows["date"].str[:4].astype(int) >= 2020
    kind = fastest.map({True: "fastest", False: "typical"})
    label = ("train " + rows["train"] + ", " + kind).fillna(kind + " train") + " (published " + rows["date"] + ")"
    return pd.DataFrame({"u": u, "v": v, "minutes": rows["minutes"],
                         "rank": (~fastest) * 2 + (fastest & ~recent) * 1, "name": label,
                         "source": rows["source"] + " (" + rows["date"] + "): " + rows["evidence"]})


def _best(candidates: pd.DataFrame) -> pd.DataFrame:
    return candidates.sort_values(["rank", "minutes"]).drop_duplicates(["u", "v"]).reset_index(drop=True)


def _as_links(best: pd.DataFrame) -> pd.DataFrame:
    best = best.sort_values(["u", "v"])
    return pd.DataFrame({"from_place": best["u"], "to_place": best["v"], "mode": "rail", "km": "",
                         "minutes": best["minutes"].astype(int).astype(str), "name": best["name"],
                         "source": best["source"]})
