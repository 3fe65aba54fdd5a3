"""`hourcircle run` end to end, on a region other than the bundled one, and the sweep's law.

The Pearl River Delta scenario is built from the bundled prefecture table (real city seats)
with no links file, so its roads are inferred; its sites are test fixtures, not facts.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from conftest import ScenarioMaker, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hourcircle import TravelTimes, datasets
from hourcircle.analysis.disrupt import disrupt, impact, sweep

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
    assert "**Plants:**" in out
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


@pytest.mark.parametrize("args, message", [
    (["run", "--hours", "0"], "--hours"),
    (["locate", "--top", "0"], "--top"),
    (["locate", "--plants", "0"], "--plants"),
    (["disrupt", "--remove", "atlantis"], "--remove: no place or site is called 'atlantis'"),
    (["disrupt", "--remove", "Suzhou"], "--remove 'Suzhou' is ambiguous: suzhou_js"),
    (["disrupt"], "give --remove ID (one or more) or --sweep"),
    (["disrupt", "--sweep", "--remove", "hefei"], "give --remove ID (one or more) or --sweep"),
])
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(args, capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_disrupt_cli_names_what_it_removed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["disrupt", "--remove", "Hangzhou Bay Bridge"], capsys)
    assert status == 0
    assert "road:jiaxing-ningbo, road:shanghai-ningbo" in out and "alternatives lost" in out


def test_reach_cli_prints_bands_and_the_share_within_a_radius(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["reach", "nio_hefei_f1", "--hours", "4", "--km", "600"], capsys)
    assert status == 0
    assert "<=1 h  <=2 h  <=3 h  <=4 h" in out
    assert "within 600 km (geodesic) and 4 h" in out and "share_km" in out


def test_locate_and_sweep_cli(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["locate", "--top", "3", "--format", "csv"], capsys)
    assert status == 0 and len(out.strip().splitlines()) == 4
    status, out, _ = run(["disrupt", "--sweep", "--top", "5", "--format", "csv"], capsys)
    assert status == 0 and out.splitlines()[0].startswith("kind,id,name,pairs_broken")


# -- the sweep equals removing each element and recomputing from scratch ---------------------

@st.composite
def small_regions(draw: st.DrawFn) -> dict[str, str]:
    n = draw(st.integers(4, 9))
    coords = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=n, max_size=n, unique=True))
    places = "place_id,name,name_zh,province,lat,lon\n" + "".join(
        f"p{i},P{i},市{i},X,{30 + y / 20:.3f},{118 + x / 20:.3f}\n" for i, (x, y) in enumerate(coords))
    categories = ["assembly", "battery", "chips"]
    k = draw(st.integers(3, 8))
    rows = []
    for j in range(k):
        place = draw(st.integers(0, n - 1))
        x, y = coords[place]
        rows.append(f"s{j},S{j},Co,{categories[j % 3]},p{place},{30 + y / 20:.3f},{118 + x / 20:.3f}\n")
    budget = draw(st.sampled_from([0.5, 1.0, 1.5]))
    toml = (f'[scenario]\nname = "random"\nbudget_hours = {budget}\n\n[product]\nname = "x"\n'
            'plant_category = "assembly"\ncategories = ["battery", "chips"]\n')
    return {"scenario.toml": toml, "places.csv": places,
            "sites.csv": "site_id,name,company,category,place_id,lat,lon\n" + "".join(rows)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_regions())
def test_sweep_equals_naive_recompute(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        times = TravelTimes.for_scenario(folder)
        ranking = sweep(times)
        for _, row in ranking.iterrows():
            lost, added, alternatives = impact(disrupt(times, [row["id"]]))
            assert (row["pairs_broken"], row["alternatives_lost"]) == (lost, alternatives), row["id"]
            assert row["minutes_added"] == pytest.approx(added, abs=1e-6), row["id"]
