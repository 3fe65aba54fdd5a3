"""Rail links from their sources, shared by make_links.py (the delta) and make_china_links.py.

The base is a RailwayVIS timetable extract (fastest direct train between two cities about
2020, both directions merged to the faster). Published in-train times of
data/sources/rail_times_published.csv (the delta's) and, for the national scenario,
data/sources/rail_times_published_national.csv (each with its source and date; only the figures
the fixed hold-out rule keeps for fitting: hourcircle.rail_calibration.pair_role) update it, pair by pair
(both directions): a pair's figure is the fastest of the base and the published *fastest*
figures dated 2020 or later (lines opened since make trains faster; a slower newer figure is
another service); where there is neither, the fastest of the older published fastest figures;
where there is none of those either, the lowest *typical* figure (a rounded or single-train
time, named so). Each link's name says which it is and when.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hourcircle.rail_calibration import pair_role

DATA = Path(__file__).resolve().parents[1] / "data"
DELTA_FIGURES = "rail_times_published.csv"
NATIONAL_FIGURES = "rail_times_published_national.csv"  # split by the fixed hold-out rule
RAIL_SOURCE = ("RailwayVIS timetable data (Apache-2.0), fastest direct train about 2020; "
               "see data/README.md")


def _sorted_pair(a: pd.Series, b: pd.Series) -> tuple[pd.Series, pd.Series]:
    pair = pd.concat([a, b], axis=1).apply(sorted, axis=1, result_type="expand")
    return pair[0], pair[1]


def rail_links(places: pd.DataFrame, timetables: tuple[str, ...], seats: dict[str, str] | None = None,
               published: tuple[str, ...] = (DELTA_FIGURES,)) -> pd.DataFrame:
    """Rail rows of links.csv for the places given.

    places: a places.csv table; timetables: files of data/sources/ (from_city_zh, to_city_zh,
    minutes, train); seats: timetable station towns that stand for a prefecture; published:
    files of dated published figures (data/sources/).
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
    figures = pd.concat([published_rail(name) for name in published], ignore_index=True)
    figures = figures[figures["u"].isin(places["place_id"]) & figures["v"].isin(places["place_id"])]
    return _fastest_per_pair(pd.concat([base, figures], ignore_index=True))


def fit_figures(name: str) -> pd.DataFrame:
    """The rows of a published-figures file that may build links: all of the delta's file (its
    checks are data/calibration/rail_pairs.csv), the fit side of the national file's split."""
    rows = pd.read_csv(DATA / "sources" / name, dtype={"date": str, "train": str})
    if name != NATIONAL_FIGURES:
        return rows
    roles = [pair_role(a, b) for a, b in zip(rows["from_place"], rows["to_place"], strict=True)]
    return rows[[role == "fit" for role in roles]].reset_index(drop=True)


def published_rail(name: str = DELTA_FIGURES) -> pd.DataFrame:
    """Published figures as candidates: rank 0 (recent fastest) beats 1 (older fastest) beats 2 (typical)."""
    rows = fit_figures(name)
    u, v = _sorted_pair(rows["from_place"], rows["to_place"])
    fastest = rows["kind"] == "fastest"
    recent = rows["date"].str[:4].astype(int) >= 2020
    kind = fastest.map({True: "fastest", False: "typical"})
    label = ("train " + rows["train"] + ", " + kind).fillna(kind + " train") + " (published " + rows["date"] + ")"
    return pd.DataFrame({"u": u, "v": v, "minutes": rows["minutes"],
                         "rank": (~fastest) * 2 + (fastest & ~recent) * 1, "name": label,
                         "source": rows["source"] + " (" + rows["date"] + "): " + rows["evidence"]})


def _fastest_per_pair(candidates: pd.DataFrame) -> pd.DataFrame:
    best = candidates.sort_values(["rank", "minutes"]).drop_duplicates(["u", "v"]).sort_values(["u", "v"])
    return pd.DataFrame({"from_place": best["u"], "to_place": best["v"], "mode": "rail", "km": "",
                         "minutes": best["minutes"].astype(int).astype(str), "name": best["name"],
                         "source": best["source"]})
