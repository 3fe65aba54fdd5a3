"""Add the national road figures to data/calibration/road_pairs.csv.

data/sources/road_pairs_national_collected.csv holds published road km and drive times between
prefecture-level cities beyond the delta, each with its source and a short paraphrase of it.
They are appended to the delta's rows with place ids of data/china_nev/places.csv and a role:
times of bus timetables are ``excluded`` (a bus is not a car), every third city pair (in order
of their ids) is ``holdout``, the rest ``fit``. Rows added before are replaced, so running it
twice gives the same file.

Run: .venv/bin/python scripts/make_calibration_pairs.py
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
COLUMNS = ["from_place", "to_place", "role", "km", "drive_minutes", "source", "evidence"]
MARK = "national: "  # the evidence of an added row starts so


def main() -> None:
    with (DATA / "china_nev" / "places.csv").open(encoding="utf-8") as handle:
        ids = {row["name_zh"]: row["place_id"] for row in csv.DictReader(handle)}
    path = DATA / "calibration" / "road_pairs.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["evidence"].startswith(MARK)]
    with (DATA / "sources" / "road_pairs_national_collected.csv").open(encoding="utf-8") as handle:
        collected = list(csv.DictReader(handle))
    pairs = sorted({tuple(sorted((ids[r["from_zh"]], ids[r["to_zh"]]))) for r in collected})
    holdout = set(pairs[2::3])
    for row in collected:
        a, b = ids[row["from_zh"]], ids[row["to_zh"]]
        role = "holdout" if tuple(sorted((a, b))) in holdout else "fit"
        minutes = row["drive_minutes"]
        note = ""
        if row["vehicle"] == "bus" and minutes:
            if not row["km"]:
                role = "excluded"
            minutes, note = "", f" Bus time {row['drive_minutes']} min not used (a bus is not a car)."
        rows.append({"from_place": a, "to_place": b, "role": role, "km": row["km"], "drive_minutes": minutes,
                     "source": row["source"],
                     "evidence": f"{MARK}{row['evidence']}{note} (source date: {row['source_date'] or 'none'})"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{path.relative_to(DATA.parent)}: {len(rows)} rows, {len(collected)} of them national")


if __name__ == "__main__":
    main()
