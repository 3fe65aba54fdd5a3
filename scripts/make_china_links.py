"""Rebuild data/china_nev/links.csv: rail links between the cities the timetable serves, and the
road patches the OpenStreetMap extract lacks.

- rail: data/sources/hsr_fastest_direct_minutes.csv and the delta's
  hsr_fastest_direct_minutes_yrd.csv (RailwayVIS timetable data, about 2020: the fastest direct
  train between two cities), updated by dated published figures: the delta's and the national
  ones (see rail_sources.py);
- road: data/sources/osm_patches.csv (the delta's: the Sutong bridge, Zhoushan's bridges) and
  data/sources/osm_patches_china.csv (Hainan's ferry).

Run: .venv/bin/python scripts/make_china_links.py [--fit-only FILE]
``--fit-only FILE`` writes instead the links the held-out national figures are scored on (built
without them; benchmarks/calibrate_rail.py makes these itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from rail_sources import DATA, DELTA_FIGURES, NATIONAL_FIGURES
from rail_sources import rail_links as rail_rows

# timetable stations named after the town that is a prefecture's seat, not after the prefecture
SEATS = {"库尔勒": "巴音郭楞蒙古自治州", "乌兰浩特": "兴安盟", "锡林浩特": "锡林郭勒盟", "海拉尔": "呼伦贝尔市",
         "加格达奇": "大兴安岭地区"}


def rail_links(held_out: bool = True) -> pd.DataFrame:
    places = pd.read_csv(DATA / "china_nev" / "places.csv", dtype=str)
    timetables = ("hsr_fastest_direct_minutes.csv", "hsr_fastest_direct_minutes_yrd.csv")
    return rail_rows(places, timetables, SEATS, (DELTA_FIGURES, NATIONAL_FIGURES), new_lines=True, held_out=held_out)


def china_links(held_out: bool = True) -> pd.DataFrame:
    """The national scenario's links.csv: road patches, then rail (``held_out=False``: without the
    held-out national figures, the links those are scored on)."""
    patches = [pd.read_csv(DATA / "sources" / name, dtype=str, keep_default_na=False)
               for name in ("osm_patches.csv", "osm_patches_china.csv")]
    return pd.concat([*patches, rail_links(held_out)], ignore_index=True)


def main() -> None:
    fit_only = "--fit-only" in sys.argv
    out = Path(sys.argv[sys.argv.index("--fit-only") + 1]) if fit_only else DATA / "china_nev" / "links.csv"
    links = china_links(held_out=not fit_only)
    links.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {len(links)} links: {links['mode'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
