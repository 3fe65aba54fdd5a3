"""Rebuild data/china_nev/links.csv: rail links between the cities the timetable serves, and the
road patches the OpenStreetMap extract lacks.

- rail: data/sources/hsr_fastest_direct_minutes.csv (RailwayVIS timetable data, about 2020:
  the fastest direct train between two cities; both directions merged to the faster);
- road: data/sources/osm_patches.csv (the delta's: the Sutong bridge, Zhoushan's bridges) and
  data/sources/osm_patches_china.csv (Hainan's ferry).

Run: .venv/bin/python scripts/make_china_links.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
# timetable stations named after the town that is a prefecture's seat, not after the prefecture
SEATS = {"库尔勒": "巴音郭楞蒙古自治州", "乌兰浩特": "兴安盟", "锡林浩特": "锡林郭勒盟", "海拉尔": "呼伦贝尔市",
         "加格达奇": "大兴安岭地区"}
RAIL_SOURCE = ("RailwayVIS timetable data (Apache-2.0), fastest direct train about 2020; "
               "see data/README.md")


def rail_links() -> pd.DataFrame:
    places = pd.read_csv(DATA / "china_nev" / "places.csv", dtype=str)
    short = places["name_zh"].str.replace(r"(市|地区|盟|自治州)$", "", regex=True)
    ids = dict(zip(short, places["place_id"], strict=True)) | dict(zip(places["name_zh"], places["place_id"],
                                                                       strict=True))
    ids |= {town: ids[prefecture] for town, prefecture in SEATS.items()}
    trains = pd.read_csv(DATA / "sources" / "hsr_fastest_direct_minutes.csv")
    trains["a"], trains["b"] = trains["from_city_zh"].map(ids), trains["to_city_zh"].map(ids)
    unknown = set(trains.loc[trains["a"].isna(), "from_city_zh"]) | set(trains.loc[trains["b"].isna(), "to_city_zh"])
    if unknown:
        print("stations in towns that are not a prefecture's seat, left out:", ", ".join(sorted(unknown)))
    trains = trains.dropna(subset=["a", "b"])
    pair = trains[["a", "b"]].apply(sorted, axis=1, result_type="expand")
    trains["u"], trains["v"] = pair[0], pair[1]
    fastest = trains.sort_values("minutes").drop_duplicates(["u", "v"]).sort_values(["u", "v"])
    return pd.DataFrame({"from_place": fastest["u"], "to_place": fastest["v"], "mode": "rail", "km": "",
                         "minutes": fastest["minutes"].astype(str),
                         "name": "train " + fastest["train"], "source": RAIL_SOURCE})


def main() -> None:
    patches = [pd.read_csv(DATA / "sources" / name, dtype=str, keep_default_na=False)
               for name in ("osm_patches.csv", "osm_patches_china.csv")]
    links = pd.concat([*patches, rail_links()], ignore_index=True)
    links.to_csv(DATA / "china_nev" / "links.csv", index=False, lineterminator="\n")
    print(f"wrote {len(links)} links: {links['mode'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
