"""The report and the tables of a run, on the 4-city scenario (answers on paper: see helpers.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import ScenarioMaker

from hourcircle import Query, TravelTimes
from hourcircle.analysis.run import Results, analyse
from hourcircle.output.assemble import render
from hourcircle.output.formats import geojson, neutralise, to_csv
from hourcircle.output.report import findings, markdown, tables


@pytest.fixture
def results(four: Path) -> Results:
    return analyse(Query(TravelTimes.for_scenario(four), hours=3), plants_wanted=1, remove=["R2"])


def test_findings_say_what_the_tables_say(results: Results) -> None:
    lines = findings(results)
    # 3.5 h against 3 h: the default band (0.65 to 1.4) could turn it
    assert lines[0] == ("**Plants:** 0 of 1 have every component within 3 h (1 of 1 marginal either way). "
                        "Not complete: Plant A (`plant_a`) lacks software, complete at 3.50 h — marginal "
                        "(likely 2.3-4.9 h).")
    assert lines[1].startswith("**Marginal** means the model's uncertainty could turn the answer: truck minutes")
    # without B-C, chips are at 200 min (over 3 h) and software at 280 (over it before): +50 +70
    assert ("**Removing R2:** pushes 1 plant-component pair over 3 h (`plant_a`: chips), +120 min to nearest "
            "suppliers over the pairs still reachable, 1 alternative lost.") in lines
    assert any(line.startswith("**Best 1 plant site together** (p-center: the farthest place as near as possible): "
                               "Beta; every place within 1.8 h of one (the optimum); the farthest place, Delta, sets")
               for line in lines)


def test_critical_findings_say_what_is_cut_off_and_list_only_removals_with_an_effect(results: Results) -> None:
    lines = findings(results)
    # C-D is Delta's only road: out of 3 h anyway (210 min), but cut off all the same
    [links] = [line for line in lines if line.startswith("**Most critical links:**")]
    assert links.endswith("R4 (`road:c-d`): cuts `code_d`, `d` off.")
    assert "R3 slow" not in links  # the slow road changes nothing: not listed
    [places] = [line for line in lines if line.startswith("**Most critical places:**")]
    assert "Gamma (`c`): cuts `code_d`, `d` off, 1 plant-component pair with no supplier reachable" in places
    assert "+0 min" not in "\n".join(lines)
    calm = results.critical.assign(pairs_cut_off=0, pairs_over_budget=0, minutes_added=0.0, alternatives_lost=0,
                                   cut_off="")
    quiet = findings(dataclasses.replace(results, critical=calm))
    assert ("**Most critical links:** none of the 4 swept changes any plant's circle (nothing cut off, no pair "
            "over the budget, no minute added, no alternative lost).") in quiet


def test_a_removal_that_changes_nothing_says_so(four: Path) -> None:
    found = analyse(Query(TravelTimes.for_scenario(four), hours=3), remove=["R3 slow"], kinds=("link",))
    assert ("**Removing R3 slow:** changes nothing: every plant reaches the same suppliers in the same minutes."
            in findings(found))


def test_access_roads_are_ranked_apart_and_the_report_says_so(results: Results) -> None:
    row = {"kind": "access", "id": "seg:9", "name": "access to Delta: road near Delta", "pairs_cut_off": 1,
           "pairs_over_budget": 0, "minutes_added": 0.0, "alternatives_lost": 1, "plants_removed": 0,
           "plants_rerouted": 1, "cut_off": "code_d"}
    critical = pd.concat([results.critical, pd.DataFrame([row])], ignore_index=True)
    lines = findings(dataclasses.replace(results, critical=critical))
    [access] = [line for line in lines if line.startswith("**Most critical access roads")]
    assert "not a chokepoint of the network, so ranked apart from the road segments" in access
    assert access.endswith("access to Delta: road near Delta (`seg:9`): cuts `code_d` off, 1 plant-component "
                           "pair with no supplier reachable, 1 alternative lost.")


def test_circles_are_robust_or_marginal_by_the_scenario_band(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    narrow = TOML.replace("terminal_minutes = 0", "terminal_minutes = 0\nband = [0.9, 1.1]", 1)
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": narrow}))
    # plant A: battery at 100 min, chips at 150, software at 210 (on paper); budget 3.5 h = 210 min
    found = analyse(Query(times, hours=3.5), plants_wanted=1)
    pairs = found.coverage.pairs.set_index(["origin", "category"]).loc["plant_a"]
    assert pairs["certainty"].to_dict() == {"battery": "robust", "chips": "robust", "software": "marginal"}
    assert pairs.loc["software", ["minutes_low", "minutes_high"]].tolist() == pytest.approx([189.0, 231.0])
    plant = found.plants.loc["plant_a"]
    assert (plant["complete"], plant["certainty"]) == (True, "marginal")
    assert (plant["hours_low"], plant["hours_high"]) == pytest.approx((3.15, 3.85))
    assert "Complete but marginal: Plant A (`plant_a`) at 3.50 h" in findings(found)[0]
    # with 4 h, 210 min x 1.1 = 231 is still within: robust
    assert analyse(Query(times, hours=4), plants_wanted=1).plants.loc["plant_a", "certainty"] == "robust"


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
