"""Rebuild the links files of data/yrd_nev/ from their curated sources.

- links.csv (the bundled scenario, on OpenStreetMap roads): road patches for what the extract
  lacks (data/sources/osm_patches.csv), and the rail links;
- links_schematic.csv (scenario_schematic.toml, the curated city-to-city road network): road
  rows from data/sources/road_links.csv (expressway corridors, named crossings, published km
  where found), and the same rail links.

Rail rows come from data/sources/hsr_fastest_direct_minutes_yrd.csv (fastest direct train
between two cities, both directions merged to the faster).

Run: python scripts/make_links.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
RAIL_SOURCE = ("RailwayVIS timetable data (Apache-2.0), fastest direct train about 2020; "
               "see data/README.md")


def road_links() -> pd.DataFrame:
    road = pd.read_csv(DATA / "sources" / "road_links.csv", dtype=str, keep_default_na=False)
    name = road["name"].where(road["crossing"] == "", road["name"] + " / " + road["crossing"])
    km_note = road["km"].map(lambda km: "km published" if km else "km not published: estimated as geodesic x detour")
    return pd.DataFrame({"from_place": road["from_place"], "to_place": road["to_place"], "mode": "road",
                         "km": road["km"], "minutes": "", "name": name,
                         "source": km_note + "; " + road["source"]})


def rail_links() -> pd.DataFrame:
    places = pd.read_csv(DATA / "yrd_nev" / "places.csv", dtype=str)
    ids = dict(zip(places["name_zh"].str.removesuffix("市"), places["place_id"], strict=True))
    trains = pd.read_csv(DATA / "sources" / "hsr_fastest_direct_minutes_yrd.csv")
    trains["a"] = trains["from_city_zh"].map(ids)
    trains["b"] = trains["to_city_zh"].map(ids)
    pair = trains[["a", "b"]].apply(sorted, axis=1, result_type="expand")
    trains["u"], trains["v"] = pair[0], pair[1]
    fastest = trains.sort_values("minutes").drop_duplicates(["u", "v"]).sort_values(["u", "v"])
    return pd.DataFrame({"from_place": fastest["u"], "to_place": fastest["v"], "mode": "rail", "km": "",
                         "minutes": fastest["minutes"].astype(str),
                         "name": "train " + fastest["train"], "source": RAIL_SOURCE})


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
