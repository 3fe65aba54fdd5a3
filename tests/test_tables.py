"""Tables and findings for people: flat, named, one number format per column, the same bytes anywhere."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import tabulate
from helpers import ScenarioMaker, run

from hourcircle import Query, TravelTimes
from hourcircle.analysis.run import analyse
from hourcircle.output.assemble import render
from hourcircle.output.formats import to_csv
from hourcircle.output.prose import bullets, joined, listed, plain_findings
from hourcircle.output.report import findings
from hourcircle.output.tables import decimals, markdown_table, text_table
from hourcircle.output.workbook import workbook

PAIRS = pd.DataFrame({"plant": ["byd_changzhou", "geely_ningbo"], "category": ["chips", "e_motor"],
                      "before_minutes": [67.47, 1045.395], "after_minutes": [67.47, 1100.0],
                      "people": [153941532.0, 8.6e7], "hours": [1.792, 0.5], "lost": [False, True]}
                     ).set_index(["plant", "category"])


def test_a_multi_index_becomes_named_columns_never_tuples() -> None:
    table = markdown_table(PAIRS)
    header, _, first, _ = table.splitlines()
    assert [cell.strip() for cell in header.split("|")[1:4]] == ["plant", "category", "before\\_minutes"]
    assert "(" not in table and "\\\\" not in table  # no tuple cells, no doubled escapes
    assert first.startswith("| byd\\_changzhou | chips    |")
    assert to_csv(PAIRS).splitlines()[0] == "plant,category,before_minutes,after_minutes,people,hours,lost"


def test_an_unnamed_row_number_index_is_not_a_column() -> None:
    links = pd.DataFrame({"category": ["software", "chips", "battery"], "n": [1, 2, 3]}).iloc[[2, 0]]
    assert markdown_table(links).splitlines()[0] == "| category | n |"
    assert to_csv(links) == "category,n\nbattery,3\nsoftware,1\n"
    assert text_table(links).splitlines()[0] == "category  n"


def test_numbers_have_separators_and_one_format_per_column() -> None:
    rows = [line.split("|")[3:8] for line in markdown_table(PAIRS).splitlines()[2:]]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["67", "67", "153,941,532", "1.79", "no"],
        ["1,045", "1,100", "86,000,000", "0.50", "yes"]]
    assert "e+" not in markdown_table(PAIRS) and "e+" not in text_table(PAIRS)
    assert decimals("km", pd.Series([1.25, 45.0])) == 1 and decimals("km", pd.Series([1.25, 450.0])) == 0
    assert decimals("share_within_600km", pd.Series([1.0, 0.97])) == 2


def test_an_id_repeated_as_name_is_shown_once() -> None:
    critical = pd.DataFrame({"id": ["G2 bridge", "G3 tunnel"], "name": ["G2 bridge", "G3 tunnel"],
                             "before": ["x", "y"], "after": ["x", "y"], "pairs_broken": [1, 0]}).set_index("id")
    assert markdown_table(critical).splitlines()[0].split() == [
        "|", "id", "|", "before", "|", "after", "|", "pairs\\_broken", "|"]  # before = after is kept
    named = critical.assign(name=["Bridge", "Tunnel"])
    assert "name" in markdown_table(named).splitlines()[0]


def test_wide_characters_are_padded_the_same_with_or_without_wcwidth(monkeypatch: pytest.MonkeyPatch) -> None:
    places = pd.DataFrame({"name": ["Hefei", "Ma'anshan"], "name_zh": ["合肥市", "马鞍山市"], "n": [1, 22]})
    expected = ("| name      | name\\_zh |  n |\n"
                "|:----------|:---------|---:|\n"
                "| Hefei     | 合肥市   |  1 |\n"
                "| Ma'anshan | 马鞍山市 | 22 |")
    assert markdown_table(places) == expected
    for mode in (True, False):  # what tabulate would do either way changes nothing
        monkeypatch.setattr(tabulate, "WIDE_CHARS_MODE", mode)
        assert markdown_table(places) == expected
    monkeypatch.setitem(sys.modules, "wcwidth", None)  # as if the optional package were not installed
    assert markdown_table(places) == expected
    assert text_table(places).splitlines()[2] == "Hefei      合肥市     1"


def test_long_findings_are_lists_and_plain_on_the_terminal() -> None:
    assert listed("Not complete", ["a", "b"]) == " Not complete: a; b."
    line = joined("**Plants:** 0 of 4.", listed("Not complete", [f"P{i} lacks e\\_motor" for i in range(4)]),
                  listed("Complete but marginal", ["Q"]))
    assert line.splitlines() == ["**Plants:** 0 of 4. Complete but marginal: Q.", "- Not complete (4):",
                                 "  - P0 lacks e\\_motor", "  - P1 lacks e\\_motor", "  - P2 lacks e\\_motor",
                                 "  - P3 lacks e\\_motor"]
    assert bullets([line, "**B:** `b`"]).splitlines()[1:3] == ["  - Not complete (4):", "    - P0 lacks e\\_motor"]
    text = plain_findings([line, "**B:** `b`"])
    assert text.splitlines()[0] == "- Plants: 0 of 4. Complete but marginal: Q."
    assert text.splitlines()[2] == "    - P0 lacks e_motor" and text.splitlines()[-1] == "- B: b"


def test_missing_links_name_the_circle_they_complete(make_scenario: ScenarioMaker) -> None:
    # in 3 h plant A reaches battery (100 min) and chips (150), not software (210): one at A completes it
    results = analyse(Query(TravelTimes.for_scenario(make_scenario()), hours=3), plants_wanted=1)
    links = results.missing_links
    row = links[(links["category"] == "software") & (links["place_id"] == "a")].iloc[0]
    assert row["completes_plants"] == 1 and "plant_a" in row["completes"].split(", ")
    line = next(line for line in findings(results) if line.startswith("**Missing links:**"))
    assert "would complete 1 plant" in line and "Plant A" in line


def test_the_workbook_has_numbers_in_number_formats() -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook("t", ["**A:** x:\n- `one`"], {"pairs.csv": PAIRS})))
    assert [c.value for c in book["findings"]["A"]] == ["finding", "A: x:", "  - one"]
    sheet = book["pairs"]
    assert [c.value for c in sheet[1]] == ["plant", "category", "before_minutes", "after_minutes", "people",
                                           "hours", "lost"]
    cells = {c.column_letter: c for c in sheet[3]}
    assert (cells["C"].value, cells["C"].number_format) == (1045.395, "#,##0")
    assert (cells["E"].value, cells["E"].number_format) == (86000000, "#,##0")
    assert (cells["F"].value, cells["F"].number_format) == (0.5, "#,##0.0")  # hours: one decimal
    assert cells["G"].value is True and cells["A"].value == "geely_ningbo"
    shares = openpyxl.load_workbook(io.BytesIO(workbook("t", [], {"s.csv": pd.DataFrame({"share": [0.97]})})))
    assert shares["s"]["A2"].number_format == "0%"


def test_run_prints_plain_text_and_the_report_reads(four: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["run", "--scenario", str(four), "--hours", "3", "--remove", "R2", "--out",
                          str(tmp_path / "out")], capsys)
    assert status == 0 and out.startswith("- Plants: 0 of 1 have every component within 3 h")
    assert "**" not in out and "\\_" not in out and "`" not in out
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    disruption = report.split("## Disruption: R2 removed\n\n", 1)[1].splitlines()
    assert disruption[0].startswith("| plant    | category |")
    assert "('" not in report and "e+0" not in report


def test_reports_are_the_same_bytes_with_or_without_wcwidth(four: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = analyse(Query(TravelTimes.for_scenario(four), hours=3), plants_wanted=1)
    with_it = render(results)
    monkeypatch.setitem(sys.modules, "wcwidth", None)
    monkeypatch.setattr(tabulate, "wcwidth", None, raising=False)
    monkeypatch.setattr(tabulate, "WIDE_CHARS_MODE", False)
    without = render(results)
    assert with_it == without
    assert "| a         | Alpha | 甲市     | East     |" in with_it["report.md"]
