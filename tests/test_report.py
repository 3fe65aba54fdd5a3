"""The report and the tables of a run, on the 4-city scenario (answers on paper: see helpers.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hourcircle import Query, TravelTimes
from hourcircle.analysis.run import Results, analyse
from hourcircle.report import findings, geojson, markdown, neutralise, render, tables, to_csv


@pytest.fixture
def results(four: Path) -> Results:
    return analyse(Query(TravelTimes.for_scenario(four), hours=3), plants_wanted=1, remove=["R2"])


def test_findings_say_what_the_tables_say(results: Results) -> None:
    lines = findings(results)
    assert lines[0] == ("**Plants:** 0 of 1 have every component within 3 h. Not complete: Plant A (`plant_a`) "
                        "lacks software, complete at 3.50 h.")
    assert any(line.startswith("**Removing R2:** 1 plant-component pair fall outside 3 h") for line in lines)
    assert any(line.startswith("**Best 1 plant sites together** (p-center): Beta") for line in lines)


def test_the_report_starts_with_the_findings_and_lists_its_files(results: Results) -> None:
    files = render(results, {"map.html": "<html></html>"})
    report = files["report.md"]
    assert report.startswith("# four cities: 3-hour industry circles by truck\n")
    section = report.split("## Findings\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert section == "\n".join(f"- {line}" for line in findings(results))
    assert "- `map.html`" in report and "- `disruption.csv`" in report
    assert markdown(results, ["x"]).endswith("## Files\n\n- `x`\n")


def test_every_table_becomes_a_csv(results: Results) -> None:
    found = tables(results)
    assert {"circle_pairs.csv", "plants.csv", "places.csv", "critical.csv", "plant_set.csv",
            "disruption.csv"} <= set(found)
    pairs = pd.read_csv(pd.io.common.StringIO(render(results)["circle_pairs.csv"]))
    assert pairs.loc[(pairs["origin"] == "plant_a") & (pairs["category"] == "chips"), "minutes"].item() == 150


def test_csv_is_rounded_and_formula_safe() -> None:
    frame = pd.DataFrame({"name": ["=SUM(A1)", "+1", "-x", "@y", "ok"], "minutes": [1.23456] * 5})
    text = to_csv(frame.set_index("name"))
    assert text.splitlines() == ["name,minutes", "'=SUM(A1),1.235", "'+1,1.235", "'-x,1.235", "'@y,1.235",
                                 "ok,1.235"]
    assert neutralise(frame)["minutes"].tolist() == [1.23456] * 5


def test_geojson_points_are_lon_lat_with_clean_properties() -> None:
    points = pd.DataFrame({"lat": [30.0], "lon": [120.0], "n": [float("nan")], "ok": [True]}, index=["a"])
    feature = json.loads(geojson(points, "place_id"))["features"][0]
    assert feature["geometry"]["coordinates"] == [120.0, 30.0]
    assert feature["properties"] == {"place_id": "a", "n": None, "ok": True}


def test_the_files_of_a_run_are_reproducible(results: Results, four: Path) -> None:
    again = analyse(Query(TravelTimes.for_scenario(four), hours=3), plants_wanted=1, remove=["R2"])
    assert render(results) == render(again)
