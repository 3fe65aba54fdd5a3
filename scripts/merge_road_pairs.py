"""Merge the national road collection into data/calibration/road_pairs.csv and split it by the fixed rule.

Rows of data/sources/collected/road_pairs_national.csv are appended, except those its spot-check
(VERIFY.md, section 1.4) drops: implausible against the great-circle distance, forecasts, or pages
not found again. Expressway lengths (kind ``expressway_only``) are kept as ``excluded``: they are
line lengths, not city-to-city distances. Every row not excluded then gets its role from
hourcircle.calibration.split (a hash of the pair's id, one pair in three held out).

Run once: .venv/bin/python scripts/merge_road_pairs.py (idempotent: collected rows already in the
file are not appended again).
"""

from __future__ import annotations

import pandas as pd

from hourcircle import datasets
from hourcircle.calibration.split import roles

DROPPED = {7, 13, 18, 19, 20, 37, 43, 49, 51, 53, 58, 59, 62, 64, 65, 105, 107, 109, 115}  # data-row numbers
COLUMNS = ["from_place", "to_place", "role", "km", "drive_minutes", "source", "evidence", "source_date",
           "confidence", "kind"]


def main() -> None:
    root = datasets.data_root()
    target = root / "calibration" / "road_pairs.csv"
    current = pd.read_csv(target, dtype=str, keep_default_na=False)
    current = current.assign(**{c: current.get(c, d) for c, d in
                                (("source_date", "undated"), ("confidence", "ungraded"), ("kind", "door_to_door"))})
    collected = pd.read_csv(root / "sources" / "collected" / "road_pairs_national.csv", dtype=str,
                            keep_default_na=False)
    collected = collected[~(collected.index + 1).isin(DROPPED)]
    expressway = collected["kind"].eq("expressway_only")
    collected = collected.assign(
        role=expressway.map({True: "excluded", False: "fit"}),
        evidence="collected 2026: " + collected["evidence"].astype(str)
        + expressway.map({True: " [excluded: an expressway's length, not city to city]", False: ""}))
    new = collected[~collected["source"].isin(current["source"])]
    merged = pd.concat([current, new], ignore_index=True)[COLUMNS]
    merged["role"] = roles(merged)
    merged.to_csv(target, index=False)
    print(f"{len(new)} rows appended; {merged['role'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
