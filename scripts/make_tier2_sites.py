"""Add the tier-2 battery-material sites to the bundled scenarios' sites.csv and site_evidence.csv.

Reads data/sources/collected/tier2_sites.csv (one row per company plant for cathode, anode,
separator, electrolyte, lithium salts and copper foil, each with its source URL, a quote and the
source's date) and writes its rows into data/yrd_nev/ (the delta's 41 cities) and
data/china_nev/ (every city), replacing the tier-2 rows an earlier run wrote; the other sites
are kept as they are. Run it after scripts/make_china_sites.py, which rebuilds the national
sites from the delta's.

Two collected rows are left out because the sample check (sources/collected/VERIFY.md, 3.4)
found that their page does not place the plant in the city given: Tianmu Xiandao's anode
plant in Liyang (Changzhou), and Changyuan Lithium's cathode plant in Changsha.

No stored source gives a plant's own coordinates, so each site sits at its district's or
county's centre when the source names one that GeoNames knows within 100 km of the city seat,
and at the city seat otherwise: precision = city either way. A status other than running is
written in brackets after the name, as in the other sites.

Run: .venv/bin/python scripts/make_tier2_sites.py
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from make_china_sites import COLUMNS, EVIDENCE, district_points, located, read, slug

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CATEGORIES = ("cathode", "anode", "separator", "electrolyte", "lithium_salt", "copper_foil")
DROPPED = {("anode", "天目先导", "changzhou"): "VERIFY.md row 37: the page does not place production in Liyang",
           ("cathode", "长远锂科", "changsha"): "VERIFY.md row 103: the page names no city"}
STATUS = {"running": "", "under_construction": " [under construction]", "planned": " [planned]"}


def tier2_rows() -> list[tuple[dict[str, str], dict[str, str]]]:
    """The collected rows as (site, evidence) rows, at their district or city seat."""
    places = {row["place_id"]: row for row in read(DATA / "china_nev" / "places.csv")}
    points = district_points()
    ids: Counter[str] = Counter()
    out = []
    for row in read(DATA / "sources" / "collected" / "tier2_sites.csv"):
        if (row["category"], row["company_zh"], row["place_id"]) in DROPPED:
            continue
        place = places[row["place_id"]]
        ident = f"{'_'.join(slug(row['company']).split('_')[:2])}_{place['place_id']}_{row['category']}"
        ids[ident] += 1
        ident = ident if ids[ident] == 1 else f"{ident}_{ids[ident]}"
        lat, lon = located(row, (float(place["lat"]), float(place["lon"])), points)
        site = {"site_id": ident, "name": row["site_name"] + STATUS[row["status"]], "company": row["company"],
                "category": row["category"], "place_id": place["place_id"], "lat": f"{lat:.6f}", "lon": f"{lon:.6f}",
                "precision": "city", "source": row["source"]}
        dated = "" if row["source_date"] in ("", "undated") else f" (source dated {row['source_date']})"
        evidence = {"site_id": ident, "company": row["company"], "company_zh": row["company_zh"],
                    "source": row["source"], "evidence": row["evidence"] + dated}
        out.append((site, evidence))
    return out


def write(folder: Path, rows: list[tuple[dict[str, str], dict[str, str]]]) -> int:
    """Replace a scenario's tier-2 rows with ``rows`` (those in its places); the count written."""
    known = {row["place_id"] for row in read(folder / "places.csv")}
    mine = [pair for pair in rows if pair[0]["place_id"] in known]
    sites = [r for r in read(folder / "sites.csv") if r["category"] not in CATEGORIES]
    kept = {r["site_id"] for r in sites}
    evidence = [r for r in read(folder / "site_evidence.csv") if r["site_id"] in kept]
    for name, table, columns in (("sites.csv", sites + [s for s, _ in mine], COLUMNS),
                                 ("site_evidence.csv", evidence + [e for _, e in mine], EVIDENCE)):
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(table)
    return len(mine)


def main() -> None:
    rows = tier2_rows()
    for scenario in ("yrd_nev", "china_nev"):
        written = write(DATA / scenario, rows)
        categories = Counter(s["category"] for s, _ in rows if s["place_id"] in
                             {r["place_id"] for r in read(DATA / scenario / "places.csv")})
        print(f"{scenario}: {written} tier-2 sites {dict(categories)}")


if __name__ == "__main__":
    main()
