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

from pathlib import Path

import numpy as np
import pandas as pd

from hourcircle.geo import haversine_km, project_km
from hourcircle.rail_calibration import pair_role

DATA = Path(__file__).resolve().parents[1] / "data"
DELTA_FIGURES = "rail_times_published.csv"
NATIONAL_FIGURES = "rail_times_published_national.csv"  # split by the fixed hold-out rule
ESTIMATES = "rail_estimates_national.csv"  # where no figure was found: estimated from published ones
LINE_KM = 15.0  # a place this close to the straight course of a line opened since 2020 is taken as a stop on it
FAST_KMH = 125.0  # such a line: its fastest train beats this over the great-circle km between its ends
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
    opened since 2020 that the national figures describe (line_stops), and add the estimates of
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
        stops = line_stops(places, usable_figures(NATIONAL_FIGURES, held_out))
        best = _with_estimates(best, stops, replace_timetable=True)
        best = _with_estimates(best, estimated_rail(), replace_timetable=False)
    return _as_links(best)


def line_stops(places: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Estimated rides between places on the lines opened since 2020, from those lines' published figures.

    A figure dated 2021 or later of the fastest train between A and B whose speed over the
    great-circle km beats FAST_KMH describes a line; a place within LINE_KM of its straight
    course, between its ends, is taken to be a stop on it, with the train's minutes pro rata by
    distance along the course (as hourcircle.rail_gaps does for places no link serves). Per place
    and end, the shortest such line is used.
    """
    rows = figures[(figures["kind"] == "fastest") & (figures["date"].str[:4] >= "2021")]
    rows = rows[rows["from_place"].isin(places["place_id"]) & rows["to_place"].isin(places["place_id"])]
    where = places.set_index("place_id")[["lat", "lon"]].astype(float)
    xy = pd.DataFrame(project_km(where["lat"], where["lon"]), index=where.index, columns=["x", "y"])
    found = []
    for row in rows.itertuples(index=False):  # a few hundred figures, each against every place
        a, b = xy.loc[row.from_place].to_numpy(), xy.loc[row.to_place].to_numpy()
        line_km = float(haversine_km(*where.loc[row.from_place], *where.loc[row.to_place]))
        minutes = float(row.minutes)
        if line_km / minutes * 60 < FAST_KMH:
            continue
        along = b - a
        share = (xy.to_numpy() - a) @ along / (along @ along)
        offset = np.linalg.norm(a + share[:, None] * along - xy.to_numpy(), axis=1)
        on = (share > 0) & (share < 1) & (offset <= LINE_KM) & ~xy.index.isin([row.from_place, row.to_place])
        for place, part in zip(xy.index[on], share[on], strict=True):
            name = f"estimated stop on the {row.from_place}-{row.to_place} line (published {row.date})"
            source = (f"Estimated: {place} lies within {LINE_KM:g} km of the straight course of the line, "
                      f"{part:.2f} of the way; minutes pro rata by distance from {row.source} ({row.date}): "
                      f"{row.evidence}")
            for end, fraction in ((row.from_place, part), (row.to_place, 1 - part)):
                found.append((place, end, round(minutes * fraction), line_km, name, source))
    stops = pd.DataFrame(found, columns=["a", "b", "minutes", "line_km", "name", "source"])
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


def _with_estimates(best: pd.DataFrame, estimates: pd.DataFrame, *, replace_timetable: bool) -> pd.DataFrame:
    """Add estimates for pairs nothing joins; with replace_timetable, also where one beats a 2020 timetable train."""
    estimates = _best(estimates)
    joined = best.set_index(["u", "v"])
    keys = pd.MultiIndex.from_frame(estimates[["u", "v"]])
    known = keys.isin(joined.index)
    beaten = np.zeros(len(estimates), dtype=bool)
    if replace_timetable and known.any():
        current = joined.reindex(keys)
        beaten = (known & current["name"].str.endswith("(timetable about 2020)").fillna(False).to_numpy()
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
