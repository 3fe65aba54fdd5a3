"""Rail minutes in trains against published figures, nationally and in the delta.

National: every figure of data/sources/rail_times_published_national.csv is put on one side of
the fixed hold-out rule (hourcircle.rail_calibration.pair_role, fixed before any figure was used).
The shipped national scenario uses them all; the figures are scored on the same scenario with
links built from the ``fit`` figures only (scripts/make_china_links.py --fit-only), so that a
``holdout`` figure is predicted from the others, as a line no figure describes would be. Each
figure's pair is routed and its minutes in trains compared with the published ones: median
absolute percentage error by role, period (figures dated 2021-2025 or up to 2020) and region.

Delta: minutes in trains on the delta scenario against data/calibration/rail_pairs.csv (figures
that build no link), held-out rows, as benchmarks/calibrate.py reports them; and the same
figures on the national scenario.

Run: .venv/bin/python benchmarks/calibrate_rail.py [--links FILE | --shipped] [--table]
``--links FILE`` scores the national scenario with another links.csv (for example an earlier
commit's: ``git show REV:data/china_nev/links.csv > FILE``), to compare before and after;
``--shipped`` with the shipped links (held-out figures then build links too).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from hourcircle import datasets, load_scenario
from hourcircle.calibration import mdape, score_rail
from hourcircle.rail_calibration import error_summary, score_figures
from hourcircle.travel.times import TravelTimes


def national_scenario(links: Path | None) -> TravelTimes:
    """The national scenario, with its links from ``links`` (default: those built from fit figures only)."""
    folder = datasets.bundled("china_nev")
    if "--shipped" in sys.argv:
        return TravelTimes.for_scenario(load_scenario(folder))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "china_nev"
        shutil.copytree(folder, copy)
        if links is None:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
            from make_china_links import china_links

            china_links(held_out=False).to_csv(copy / "links.csv", index=False, lineterminator="\n")
        else:
            shutil.copy(links, copy / "links.csv")
        return TravelTimes.for_scenario(load_scenario(copy))


def main() -> None:
    links = Path(sys.argv[sys.argv.index("--links") + 1]) if "--links" in sys.argv else None
    figures = pd.read_csv(datasets.data_root() / "sources" / "rail_times_published_national.csv", dtype=str)
    times = national_scenario(links)
    scored = score_figures(times, figures)
    with pd.option_context("display.width", 200, "display.max_rows", None, "display.max_colwidth", 30):
        if "--table" in sys.argv:
            print(scored[["from_place", "to_place", "kind", "date", "role", "region", "minutes", "model",
                          "error_pct"]].to_string(), end="\n\n")
        print("all published national figures:")
        print(error_summary(scored).to_string(index=False), end="\n\n")
        print("fastest-train figures only:")
        print(error_summary(scored[scored["kind"] == "fastest"]).to_string(index=False), end="\n\n")
    pairs = pd.read_csv(datasets.data_root() / "calibration" / "rail_pairs.csv")
    fastest = {tuple(sorted(pair)) for pair in pairs.loc[pairs["kind"] == "fastest", ["from_place", "to_place"]]
               .to_numpy(str)}
    for label, scenario in (("delta", load_scenario(datasets.bundled())), ("national", times.scenario)):
        table = score_rail(scenario, pairs).table
        held = table[table["role"] == "holdout"]
        quick = table[[tuple(sorted(pair)) in fastest for pair in table[["from_place", "to_place"]].to_numpy(str)]]
        print(f"delta figures (data/calibration/rail_pairs.csv) on the {label} scenario: held out "
              f"{mdape(held['model'], held['published']):.1f}% ({len(held)}), fastest-train figures "
              f"{mdape(quick['model'], quick['published']):.1f}% ({len(quick)})")


if __name__ == "__main__":
    main()
