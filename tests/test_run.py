"""`hourcircle run` end to end, on a region other than the bundled one, and the CLI's analyses.

The Pearl River Delta scenario is built from the bundled prefecture table (real city seats)
with no links file, so its roads are inferred; its sites are test fixtures, not facts.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import ScenarioMaker, run

from hourcircle import datasets

PRD = ["Guangzhou", "Shenzhen", "Zhuhai", "Foshan", "Jiangmen", "Zhaoqing", "Huizhou", "Dongguan", "Zhongshan"]
PRD_SITES = [  # (site_id, name, company, category, city)
    ("gac_aion", "GAC Aion plant", "GAC", "assembly", "Guangzhou"),
    ("byd_shenzhen", "BYD Pingshan plant", "BYD", "assembly", "Shenzhen"),
    ("xpeng_zhaoqing", "XPeng Zhaoqing plant", "XPeng", "assembly", "Zhaoqing"),
    ("cells_huizhou", "=HYPERLINK(\"x\") cells", "CellCo", "battery", "Huizhou"),
    ("cells_zhaoqing", "Cells Zhaoqing", "CellCo", "battery", "Zhaoqing"),
    ("chips_shenzhen", "Chips Shenzhen", "ChipCo", "chips", "Shenzhen"),
    ("code_guangzhou", "Code Guangzhou", "SoftCo", "software", "Guangzhou"),
]


def prd_scenario(folder: Path) -> Path:
    """Nine Pearl River Delta cities from data/china_prefectures.csv, no links.csv."""
    with (datasets.data_root() / "china_prefectures.csv").open(encoding="utf-8") as handle:
        rows = {row["name_en"]: row for row in csv.DictReader(handle) if row["province_zh"] == "广东省"}
    places = io.StringIO()
    writer = csv.writer(places, lineterminator="\n")
    writer.writerow(["place_id", "name", "name_zh", "province", "lat", "lon"])
    for city in PRD:
        row = rows[city]
        writer.writerow([city.lower(), city, row["name_zh"], "Guangdong", row["lat"], row["lon"]])
    sites = io.StringIO()
    writer = csv.writer(sites, lineterminator="\n")
    writer.writerow(["site_id", "name", "company", "category", "place_id", "lat", "lon"])
    for site_id, name, company, category, city in PRD_SITES:
        writer.writerow([site_id, name, company, category, city.lower(), rows[city]["lat"], rows[city]["lon"]])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "places.csv").write_text(places.getvalue(), encoding="utf-8")
    (folder / "sites.csv").write_text(sites.getvalue(), encoding="utf-8")
    (folder / "scenario.toml").write_text(
        '[scenario]\nname = "Pearl River Delta test"\nbudget_hours = 2.0\n\n'
        '[product]\nname = "car"\nplant_category = "assembly"\ncategories = ["battery", "chips", "software"]\n',
        encoding="utf-8")
    return folder


def test_run_on_another_region_with_inferred_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = prd_scenario(tmp_path / "prd")
    status, out, err = run(["run", str(scenario), "--out", str(tmp_path / "out")], capsys)
    assert status == 0, err
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"report.md", "plants.csv", "places.csv", "critical.csv", "sites.geojson", "places.geojson"} <= set(written)
    assert out.startswith("- Plants: ")  # plain text on the terminal
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Pearl River Delta test: 2-hour industry circles by truck")
    sites = json.loads((tmp_path / "out" / "sites.geojson").read_text(encoding="utf-8"))
    assert len(sites["features"]) == len(PRD_SITES)
    plant = next(f for f in sites["features"] if f["properties"]["site_id"] == "gac_aion")
    assert isinstance(plant["properties"]["complete"], bool)
    critical = (tmp_path / "out" / "critical.csv").read_text(encoding="utf-8")
    assert "road:" in critical  # inferred links are swept too


def test_run_output_is_deterministic_and_formula_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = prd_scenario(tmp_path / "prd")
    for out in ("one", "two"):
        assert run(["run", str(scenario), "--out", str(tmp_path / out)], capsys)[0] == 0
    for name in ("report.md", "plants.csv", "critical.csv", "circle_pairs.csv", "places.geojson"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    cells = (tmp_path / "one" / "critical.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in cells and ",=HYPERLINK" not in cells


def test_run_into_a_file_is_refused_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.write_text("mine", encoding="utf-8")
    status, _, err = run(["run", "--out", str(target)], capsys)
    assert status == 2 and err.count("\n") == 1 and "--out" in err and "is a file" in err
    assert target.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_failed_run_leaves_no_partial_files(make_scenario: ScenarioMaker, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = make_scenario({"sites.csv": "site_id,name,company,category,place_id,lat,lon\nx,X,Y,assembly,zz,30,120\n"})
    status, _, err = run(["run", str(bad), "--out", str(tmp_path / "out")], capsys)
    assert status == 2 and "unknown place 'zz'" in err
    assert not (tmp_path / "out").exists()
    assert not any(p.name.startswith(".out") for p in tmp_path.iterdir())


def test_disrupt_cli_names_what_it_removed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["disrupt", "--remove", "Hangzhou Bay Bridge"], capsys)
    assert status == 0
    assert "removed 'Hangzhou Bay Bridge': Hangzhou Bay Bridge (1 link)" in out and "alternatives lost" in out


def test_disrupt_cli_says_in_one_line_when_nothing_changed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["disrupt", "--remove", "Sutong"], capsys)
    assert status == 0 and "DataFrame" not in out
    assert out.splitlines() == [
        "removed 'Sutong': G15 Sutong Yangtze River Bridge (1 link)",
        "nothing changed: every plant reaches the same suppliers in the same minutes (115 plant-component pairs), "
        "and every chain through the tiers holds"]


def test_disrupt_cli_tells_cut_off_from_over_the_budget(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # without Beta: no battery supplier is left (cut off); software at 280 min is over 4 h
    status, out, _ = run(["disrupt", "--remove", "Beta", "--scenario", str(four)], capsys)
    lines = out.splitlines()
    assert status == 0 and lines[1] == ("1 plant-component pairs cut off (no supplier reachable), 1 pushed over the "
                                        "budget; +120 min to nearest suppliers over the pairs still reachable; "
                                        "2 alternatives lost")
    rows = {line.split()[1]: line.split() for line in lines[5:]}  # after the header and its rule
    assert rows["battery"][:4] == ["plant_a", "battery", "cut", "off"] and rows["battery"][-3:] == ["-", "-", "1"]
    assert rows["software"][2:5] == ["over", "budget", "code_d"]


def test_a_plants_only_road_is_ranked_as_its_access_not_as_network(capsys: pytest.CaptureFixture[str]) -> None:
    """damage.Baseline and criticality.access_rows on the delta: SAIC-VW Yizheng's plant has one road."""
    import pandas as pd

    from hourcircle import Query, TravelTimes, datasets
    from hourcircle.analysis.criticality import SWEEP_COLUMNS, access_rows
    from hourcircle.analysis.damage import Baseline
    query = Query(TravelTimes.for_scenario(datasets.bundled()))
    roads = query.times.network.roads
    node = roads.joins.loc["saic_vw_yizheng", "node"]
    [segment] = {str(link) for link in roads.edges.loc[(roads.edges["u"] == node) | (roads.edges["v"] == node), "link"]}
    found = Baseline(query).damage(query.times.removals(segment)[0])
    assert (found.pairs_cut_off, found.pairs_over_budget, found.cut_off) == (5, 0, "saic_vw_yizheng")
    row = access_rows(pd.DataFrame([("segment", segment, "road near Yangzhou", *found)], columns=SWEEP_COLUMNS),
                      query.scenario).iloc[0]
    assert (row["kind"], row["name"]) == ("access", "access to Yangzhou: road near Yangzhou")
    status, out, _ = run(["disrupt", "--remove", segment], capsys)
    assert status == 0 and out.splitlines()[1].startswith("5 plant-component pairs cut off (no supplier reachable)")


def test_the_sweep_table_keeps_one_number_format_per_column(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """output.tables.text_table: minutes whole (290, 0), never 0.00 beside 290."""
    status, out, _ = run(["disrupt", "--sweep", "--scenario", str(four)], capsys)
    header, *rows = out.splitlines()
    end = header.index("minutes_added") + len("minutes_added")  # numbers are right-aligned under their name
    minutes = [row[:end].split()[-1] for row in rows[1:]]
    assert status == 0 and "290" in minutes and all("." not in m for m in minutes), minutes


def test_reach_cli_prints_bands_and_the_share_within_a_radius(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["reach", "nio_hefei_f1", "--hours", "4", "--km", "600"], capsys)
    assert status == 0
    assert "<=1 h  <=2 h  <=3 h  <=4 h" in out
    assert "within 600 km (geodesic) and 4 h" in out and "share_km" in out


def test_locate_and_sweep_cli(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["locate", "--top", "3", "--format", "csv"], capsys)
    assert status == 0 and len(out.strip().splitlines()) == 4
    status, out, _ = run(["disrupt", "--sweep", "--top", "5", "--format", "csv", "--scenario", str(four)], capsys)
    assert status == 0 and out.splitlines()[0].startswith("kind,id,name,pairs_cut_off,pairs_over_budget")
