"""Rebuild data/china_nev/links.csv: rail links between the cities the timetable serves, and the
road patches the OpenStreetMap extract lacks.

- rail: data/sources/hsr_fastest_direct_minutes.csv and the delta's
  hsr_fastest_direct_minutes_yrd.csv (RailwayVIS timetable data, about 2020: the fastest direct
  train between two cities), updated by dated published figures: the delta's and the fit side of
  the national ones (see rail_sources.py);
- road: data/sources/osm_patches.csv (the delta's: the Sutong bridge, Zhoushan's bridges) and
  data/sources/osm_patches_china.csv (Hainan's ferry).

Run: .venv/bin/python scripts/make_china_links.py
"""

from __future__ import annotations

import pandas as pd
from rail_sources import DATA, DELTA_FIGURES, NATIONAL_FIGURES
from rail_sources import rail_links as rail_rows

# timetable stations named after the town that is a prefecture's seat, not after the prefecture
SEATS = {"库尔勒": "巴音郭楞蒙古自治州", "乌兰浩特": "兴安盟", "锡林浩特": "锡林郭勒盟", "海拉尔": "呼伦贝尔市",
         "加格达奇": "大兴安岭地区"}


def rail_links() -> pd.DataFrame:
    places = pd.read_csv(DATA / "china_nev" / "places.csv", dtype=str)
    timetables = ("hsr_fastest_direct_minutes.csv", "hsr_fastest_direct_minutes_yrd.csv")
    return rail_rows(places, timetables, SEATS, (DELTA_FIGURES, NATIONAL_FIGURES), new_lines=True)


def main() -> None:
    patches = [pd.read_csv(DATA / "sources" / name, dtype=str, keep_default_na=False)
               for name in ("osm_patches.csv", "osm_patches_china.csv")]
    links = pd.concat([*patches, rail_links()], ignore_index=True)
    links.to_csv(DATA / "china_nev" / "links.csv", index=False, lineterminator="\n")
    print(f"wrote {len(links)} links: {links['mode'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
