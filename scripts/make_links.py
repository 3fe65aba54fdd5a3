"""Rebuild the links files of data/yrd_nev/ from their curated sources.

- links.csv (the bundled scenario, on OpenStreetMap roads): road patches for what the extract
  lacks (data/sources/osm_patches.csv), and the rail links;
- links_schematic.csv (scenario_schematic.toml, the curated city-to-city road network): road
  rows from data/sources/road_links.csv (expressway corridors, named crossings, published km
  where found), and the same rail links.

Rail rows: see rail_sources.py (a 2020 timetable, updated by dated published figures).

Run: python scripts/make_links.py
"""

from __future__ import annotations

import pandas as pd
from rail_sources import DATA
from rail_sources import rail_links as rail_rows


def road_links() -> pd.DataFrame:
    road = pd.read_csv(DATA / "sources" / "road_links.csv", dtype=str, keep_default_na=False)
    name = road["name"].where(road["crossing"] == "", road["name"] + " / " + road["crossing"])
    km_note = road["km"].map(lambda km: "km published" if km else "km not published: estimated as geodesic x detour")
    return pd.DataFrame({"from_place": road["from_place"], "to_place": road["to_place"], "mode": "road",
                         "km": road["km"], "minutes": "", "name": name,
                         "source": km_note + "; " + road["source"]})


def rail_links() -> pd.DataFrame:
    return rail_rows(pd.read_csv(DATA / "yrd_nev" / "places.csv", dtype=str), ("hsr_fastest_direct_minutes_yrd.csv",))


def patches() -> pd.DataFrame:
    return pd.read_csv(DATA / "sources" / "osm_patches.csv", dtype=str, keep_default_na=False)


def main() -> None:
    rail = rail_links()
    for name, road in (("links.csv", patches()), ("links_schematic.csv", road_links())):
        links = pd.concat([road, rail], ignore_index=True)
        links.to_csv(DATA / "yrd_nev" / name, index=False, lineterminator="\n")
        print(f"wrote {len(links)} links to {name}: {links['mode'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
