"""Rebuild data/china_nev/sites.csv and site_evidence.csv: the national NEV supply-chain sites.

- Every site of the Yangtze River Delta dataset (data/yrd_nev/), as it is;
- the sites collected for the rest of China (data/sources/china_nev_sites_collected.csv: one
  row per company plant, with its source URL and a short paraphrase of what the source says),
  but those the delta dataset already has (same company, category and city).

No collected source gives a plant's own coordinates, so each collected site sits at its
district's centre when the source names a district that GeoNames knows within 100 km of the
city seat, and at the city seat otherwise (precision = city either way). A status other than
running (under construction, announced, suspended) is written in brackets after the name, as
in the delta dataset.

Run: .venv/bin/python scripts/make_china_sites.py
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from hourcircle.geo import haversine_km

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
COLUMNS = ["site_id", "name", "company", "category", "place_id", "lat", "lon", "precision", "source"]
EVIDENCE = ["site_id", "company", "company_zh", "source", "evidence"]
SUFFIXES = ("经济技术开发区", "高新技术产业开发区", "开发区", "新区", "自治县", "县", "区", "市")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def status(text: str) -> str:
    """The source's status in a word: running, under construction, announced or suspended."""
    for word in ("under construction", "announced", "suspended"):
        if text.startswith(word):
            return word
    return "running"


def district_points() -> dict[str, list[tuple[float, float]]]:
    """GeoNames places by each of their Chinese names, without an administrative suffix."""
    found: dict[str, list[tuple[float, float]]] = {}
    for row in read(DATA / "sources" / "geonames_cn_cities15000.csv"):
        for name in row["names_zh"].split("|"):
            found.setdefault(strip(name), []).append((float(row["latitude"]), float(row["longitude"])))
    return found


def strip(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def located(row: dict[str, str], seat: tuple[float, float],
            points: dict[str, list[tuple[float, float]]]) -> tuple[float, float]:
    for candidate in points.get(strip(row["district_zh"]), []) if row["district_zh"] else []:
        if float(haversine_km(seat[0], seat[1], candidate[0], candidate[1])) <= 100:
            return candidate
    return seat


def main() -> None:
    places = {row["name_zh"]: row for row in read(DATA / "china_nev" / "places.csv")}
    delta = read(DATA / "yrd_nev" / "sites.csv")
    evidence = read(DATA / "yrd_nev" / "site_evidence.csv")
    seen = {(slug(r["company"]).split("_")[0], r["category"], r["place_id"]) for r in delta}
    points = district_points()
    ids = Counter(r["site_id"] for r in delta)
    sites = [{k: r.get(k, "") for k in COLUMNS} for r in delta]
    skipped = 0
    for row in read(DATA / "sources" / "china_nev_sites_collected.csv"):
        place = places[row["city_zh"]]
        key = (slug(row["company"]).split("_")[0], row["category"], place["place_id"])
        if key in seen:
            skipped += 1
            continue
        seen.add(key)
        ident = f"{'_'.join(slug(row['company']).split('_')[:2])}_{place['place_id']}_{row['category']}"
        ids[ident] += 1
        if ids[ident] > 1:
            ident = f"{ident}_{ids[ident]}"
        lat, lon = located(row, (float(place["lat"]), float(place["lon"])), points)
        state = status(row["status"])
        name = row["site_name"] + ("" if state == "running" else f" [{state}]")
        sites.append({"site_id": ident, "name": name, "company": row["company"], "category": row["category"],
                      "place_id": place["place_id"], "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "precision": "city",
                      "source": row["source"]})
        evidence.append({"site_id": ident, "company": row["company"], "company_zh": row["company_zh"],
                         "source": row["source"],
                         "evidence": row["evidence"] + (f" (source dated {row['source_date']})"
                                                        if row["source_date"] else "")})
    for name, rows, columns in (("sites.csv", sites, COLUMNS), ("site_evidence.csv", evidence, EVIDENCE)):
        with (DATA / "china_nev" / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    categories = Counter(r["category"] for r in sites)
    province_of = {p["place_id"]: p["province"] for p in places.values()}
    provinces = {province_of[r["place_id"]] for r in sites}
    print(f"wrote {len(sites)} sites ({len(delta)} from the delta dataset, {skipped} collected rows it already had): "
          f"{dict(categories)}; {len(provinces)} provinces")


if __name__ == "__main__":
    main()
