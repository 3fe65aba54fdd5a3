"""Roads from OpenStreetMap on a small region of the delta: reading, caching, joining, naming, and
bad input. The region's roads are the real extract, clipped (see helpers.write_region)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import TOML, ScenarioMaker, run, write_region
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hourcircle import Query, TravelTimes, datasets, load_scenario
from hourcircle.analysis.criticality import sweep
from hourcircle.analysis.damage import Baseline
from hourcircle.analysis.disrupt import disrupt, impact
from hourcircle.errors import InputError
from hourcircle.roads.osm import Box, osm_roads, parse_scgraph
from hourcircle.roads.topology import chain_segments

SITES = """\
site_id,name,company,category,place_id,lat,lon
plant_suzhou,Plant Suzhou,Maker,assembly,suzhou_js,31.30,120.58
cells_wuxi,Cells Wuxi,CellCo,battery,wuxi,31.49,120.31
cells_jiaxing,Cells Jiaxing,CellCo,battery,jiaxing,30.75,120.76
fab_shanghai,Fab Shanghai,ChipCo,chips,shanghai,31.23,121.47
fab_nantong,Fab Nantong,ChipCo,chips,nantong,31.98,120.89
"""
JIANGYIN_BRIDGE = "Jiangyin Yangtze River Bridge,bridge,31.959,120.262,31.931,120.278,test"


@pytest.fixture
def region(tmp_path: Path) -> Path:
    return write_region(tmp_path / "region", SITES)


def test_the_extract_is_read_as_text() -> None:
    lat, lon, u, v, km = parse_scgraph("from x import y\ngraph=[{1: 2.5, 2: 1.0}, {0: 2.5}, {0: 1.0}]\n"
                                       "nodes=[[30.0, 120.0], [30.1, 120.0], [30.0, 120.1]]\nz = y(graph, nodes)\n")
    assert list(zip(u.tolist(), v.tolist(), km.tolist(), strict=True)) == [(0, 1, 2.5), (0, 2, 1.0)]
    assert lat.tolist() == [30.0, 30.1, 30.0] and lon.tolist() == [120.0, 120.0, 120.1]
    with pytest.raises(ValueError, match="not a scgraph data module"):
        parse_scgraph("graph = 1")


def test_a_clip_is_cached_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        caplog: pytest.LogCaptureFixture) -> None:
    """roads.osm.osm_roads: inside the bundled box, clipped from the package's roads, then cached."""
    monkeypatch.setattr("hourcircle.roads.osm.OSM_PACKAGE", "no-world-extract")  # never needed here
    box = Box(31.0, 120.0, 31.5, 120.5)
    first = osm_roads(box, tmp_path)
    assert len(first.ids) > 100 and box.contains(first.lat, first.lon).all()
    assert [p.name for p in tmp_path.glob("osm-*")] == [f"osm-2.0.0-v2-{box.key}"]
    monkeypatch.setattr("hourcircle.roads.osm._bundled", lambda: pytest.fail("the cache was not used"))
    again = osm_roads(box, tmp_path)
    assert np.array_equal(first.u, again.u) and np.array_equal(first.km, again.km)
    monkeypatch.undo()
    clip = next(tmp_path.glob(f"osm-2.0.0-*{box.key}"))
    (clip / "u.npy").write_bytes((clip / "u.npy").read_bytes()[:-8])  # a damaged clip is clipped again
    assert np.array_equal(osm_roads(box, tmp_path).km, first.km)
    [note] = [record.getMessage() for record in caplog.records]
    assert note.startswith(f"hourcircle: note: ignoring the cache {clip} (u.npy") and "\n" not in note
    assert np.array_equal(osm_roads(box, tmp_path).u, first.u) and len(caplog.records) == 1  # and written again


@pytest.fixture
def fake_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A two-node world extract in Paris, in place of hourcircle[world]."""
    package = tmp_path / "fake_world"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="ascii")
    (package / "world_highways.py").write_text("graph=[{1: 2.5}, {0: 2.5}]\nnodes=[[48.85, 2.35], [48.86, 2.36]]\n",
                                               encoding="ascii")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("hourcircle.roads.osm.OSM_MODULE", "fake_world")
    monkeypatch.setattr("hourcircle.roads.osm.metadata.version", lambda name: "2.0.0")
    monkeypatch.setenv("HOURCIRCLE_CACHE", str(tmp_path / "cache"))  # its roads never reach another test


@pytest.mark.usefixtures("fake_world")
def test_the_world_extract_is_read_as_text_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """roads.osm.world_arrays: beyond the bundled box, the extract's text (hourcircle[world]), parsed once."""
    paris = Box(48.5, 2.0, 49.0, 2.5)
    roads = osm_roads(paris, tmp_path / "cache")
    assert roads.lat.tolist() == [48.85, 48.86] and roads.km.tolist() == [2.5]
    monkeypatch.setattr("hourcircle.roads.osm.parse_scgraph", lambda text: pytest.fail("the world was not cached"))
    assert osm_roads(Box(48.0, 2.0, 49.0, 3.0), tmp_path / "cache").km.tolist() == [2.5]


def test_roads_beyond_the_bundled_ones_name_the_extra(make_scenario: ScenarioMaker, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """errors.MissingExtraError: one line naming hourcircle[world], exit 2."""
    monkeypatch.setattr("hourcircle.roads.osm.OSM_PACKAGE", "no-world-extract")
    places = ("place_id,name,name_zh,province,lat,lon,population\n"
              "paris,Paris,巴黎,IDF,48.857,2.352,\nlyon,Lyon,里昂,ARA,45.764,4.836,\n")
    sites = ("site_id,name,company,category,place_id,lat,lon,precision,source\n"
             "plant_a,Plant A,Maker,assembly,paris,48.857,2.352,city,test\n"
             "cells_b,Cells B,CellCo,battery,lyon,45.764,4.836,city,test\n"
             "fab_c,Fab C,ChipCo,chips,paris,48.85,2.35,site,test\n"
             "code_d,Code D,SoftCo,software,lyon,45.76,4.83,city,test\n")
    toml = TOML.replace('links = "links.csv"\n', "") + '\n[roads]\nsource = "osm"\n'
    folder = make_scenario({"places.csv": places, "sites.csv": sites, "links.csv": None, "scenario.toml": toml})
    status, _, err = run(["validate", str(folder)], capsys)
    assert status == 2 and err.count("\n") == 1 and "pip install 'hourcircle[world]'" in err, err


def test_chains_end_at_junctions_and_pinned_nodes() -> None:
    # 0 - 1 - 2 - 3 with a spur 1 - 4: node 1 is a junction; pinning 2 splits 1-2-3
    u, v = np.array([0, 1, 2, 1]), np.array([1, 2, 3, 4])
    assert chain_segments(5, u, v, np.zeros(5, dtype=bool)).tolist() == [0, 1, 1, 2]
    pinned = np.zeros(5, dtype=bool)
    pinned[2] = True
    assert chain_segments(5, u, v, pinned).tolist() == [0, 1, 2, 3]


def test_places_and_sites_join_the_main_network(region: Path) -> None:
    times = TravelTimes.for_scenario(region)
    roads = times.network.roads
    assert roads.source == "osm" and roads.notes() == []
    assert roads.joins["km"].max() < 5
    route = times.route("suzhou_js", "wuxi", "car")
    assert 40 < route.km < 80 and route.kinds[0] == route.kinds[-1] == "access"
    assert route.parts()["terminal"] == times.scenario.travel.car.terminal_minutes
    assert times.route("plant_suzhou", "fab_nantong").km > times.route("suzhou_js", "wuxi").km


def test_a_point_off_the_roads_or_on_an_island_is_reported(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    far = SITES + "cells_sea,Cells at sea,CellCo,battery,shanghai,31.0,122.9\n"
    folder = write_region(tmp_path / "region", far)
    status, out, err = run(["validate", str(folder)], capsys)
    assert status == 0, err
    warning = next(line for line in out.splitlines() if line.startswith("warning:"))
    assert warning.startswith("warning: sites.csv, row 7: cells_sea is") and "km from the nearest road" in warning


def test_a_patch_joins_an_island(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    places = ("place_id,name,name_zh,province,lat,lon\nsuzhou_js,Suzhou,苏州市,Jiangsu,31.30,120.58\n"
              "zhoushan,Zhoushan,舟山市,Zhejiang,29.985,122.207\nningbo,Ningbo,宁波市,Zhejiang,29.86,121.62\n")
    sites = ("site_id,name,company,category,place_id,lat,lon\nplant,Plant,M,assembly,ningbo,29.86,121.62\n"
             "cells,Cells,C,battery,zhoushan,29.985,122.207\nfab,Fab,F,chips,suzhou_js,31.30,120.58\n")
    alone = write_region(tmp_path / "alone", sites, files={"places.csv": places})
    status, out, _ = run(["validate", str(alone)], capsys)
    assert status == 0 and "zhoushan is" in out and "lies on a separate piece of" in out
    patch = "from_place,to_place,mode,km,minutes,name\nningbo,zhoushan,road,,,Kuahai Bridges\n"
    joined = write_region(tmp_path / "joined", sites, extra='links = "links.csv"',
                          files={"places.csv": places, "links.csv": patch})
    times = TravelTimes.for_scenario(joined)
    assert times.network.roads.notes() == []
    assert "Kuahai Bridges" in times.route("plant", "cells").links
    assert times.removals(["Kuahai"])[0].links == ("road:ningbo-zhoushan",)


def test_named_infrastructure_is_matched_and_can_be_closed(tmp_path: Path) -> None:
    infrastructure = "name,kind,lat1,lon1,lat2,lon2,source\n" + JIANGYIN_BRIDGE + "\n"
    banks = ("north_bank,North,C,battery,nantong,31.962,120.260\n"  # by either end of the bridge
             "south_bank,South,C,battery,wuxi,31.915,120.285\n")
    folder = write_region(tmp_path / "region", SITES + banks, extra='infrastructure = "infrastructure.csv"',
                          files={"infrastructure.csv": infrastructure})
    times = TravelTimes.for_scenario(folder)
    bridge = times.network.roads.infrastructure.iloc[0]
    assert bridge["name"] == "Jiangyin Yangtze River Bridge" and 2 < bridge["km"] < 6
    removal, = times.removals(["Jiangyin"])
    assert removal.links == tuple(sorted(bridge["links"])) and removal.names == ("Jiangyin Yangtze River Bridge",)
    across = times.route("north_bank", "south_bank")
    assert "Jiangyin Yangtze River Bridge" in across.links
    detour = times.without([removal]).route("north_bank", "south_bank")
    assert "Jiangyin Yangtze River Bridge" not in detour.links and detour.minutes > across.minutes + 20


@pytest.mark.parametrize(("files", "extra", "message"), [
    ({"infrastructure.csv": "name,kind,lat1,lon1,lat2,lon2\nSea Bridge,bridge,31.959,120.262,31.5,122.6\n"},
     'infrastructure = "infrastructure.csv"',
     "infrastructure.csv, row 2, column lat2: 'Sea Bridge': this end is"),
    ({"infrastructure.csv": "name,kind,lat1,lon1,lat2,lon2\nBridge,ferry,31.959,120.262,31.931,120.278\n"},
     'infrastructure = "infrastructure.csv"', "infrastructure.csv, row 2, column kind: 'ferry' is not one of"),
    ({"links.csv": "from_place,to_place,mode,km\nwuxi,atlantis,road,10\n"}, 'links = "links.csv"',
     "links.csv, row 2, column to_place: unknown place 'atlantis'"),
])
def test_bad_road_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str],
                                 extra: str, message: str) -> None:
    folder = write_region(tmp_path / "region", SITES, extra=extra, files=files)  # type: ignore[arg-type]
    status, out, err = run(["run", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("fake_world")
def test_a_misspelt_source_and_an_area_without_roads(make_scenario: ScenarioMaker,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import TOML
    folder = make_scenario({"scenario.toml": TOML + '\n[roads]\nsource = "osmm"\n'})
    status, _, err = run(["validate", str(folder)], capsys)
    assert status == 2 and "scenario.toml, key roads.source: Input should be 'osm', 'links' or 'inferred'" in err
    pacific = ("place_id,name,name_zh,province,lat,lon\na,A,甲,X,20.0,-160.0\nb,B,乙,X,20.1,-160.1\n"
               "c,C,丙,X,20.2,-160.0\nd,D,丁,X,20.0,-160.2\n")
    sites = "site_id,name,company,category,place_id,lat,lon\nplant_a,P,M,assembly,a,20.0,-160.0\n"
    folder = make_scenario({"scenario.toml": TOML.replace('links = "links.csv"\n', "") + '\n[roads]\nsource = "osm"\n',
                            "places.csv": pacific, "sites.csv": sites, "links.csv": None})
    status, _, err = run(["validate", str(folder)], capsys)
    assert status == 2 and err.count("\n") == 1 and "no OpenStreetMap roads within the scenario's area" in err


def test_infrastructure_needs_openstreetmap_roads(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    toml = TOML.replace('links = "links.csv"', 'links = "links.csv"\ninfrastructure = "infrastructure.csv"')
    folder = make_scenario({"scenario.toml": toml,
                            "infrastructure.csv": "name,kind,lat1,lon1,lat2,lon2\n" + JIANGYIN_BRIDGE + "\n"})
    with pytest.raises(InputError, match=r"key scenario\.infrastructure: an infrastructure file"):
        load_scenario(folder)


# -- on real roads, the sweep equals removing each thing and recomputing from scratch --------

@st.composite
def region_sites(draw: st.DrawFn) -> str:
    places = pd.read_csv(datasets.bundled() / "places.csv").set_index("place_id")
    rows = []
    for j, category in enumerate(["assembly", "assembly", "battery", "battery", "chips", "chips"]):
        place = draw(st.sampled_from(["shanghai", "suzhou_js", "wuxi", "changzhou", "jiaxing", "huzhou", "nantong"]))
        dlat, dlon = draw(st.floats(-0.1, 0.1)), draw(st.floats(-0.1, 0.1))
        lat, lon = places.loc[place, "lat"] + dlat, places.loc[place, "lon"] + dlon
        rows.append(f"s{j},S{j},Co,{category},{place},{lat:.4f},{lon:.4f}\n")
    return "site_id,name,company,category,place_id,lat,lon\n" + "".join(rows)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(region_sites(), st.sampled_from([0.75, 1.0, 1.5]))
def test_sweep_on_real_roads_equals_naive_recompute(sites: str, hours: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        times = TravelTimes.for_scenario(write_region(Path(folder), sites, hours=hours))
        query = Query(times)
        state = Baseline(query)
        ranking = sweep(query)
        checked = ranking if len(ranking) <= 60 else pd.concat([ranking.head(30), ranking.sample(30, random_state=1)])
        removals = {ident: removal for _, ident, _, removal in state.candidates()}
        for _, row in checked.iterrows():
            found = impact(disrupt(query, removals[row["id"]]))
            assert (row["pairs_cut_off"], row["pairs_over_budget"], row["alternatives_lost"]) == (
                found.pairs_cut_off, found.pairs_over_budget, found.alternatives_lost), row["id"]
            assert row["minutes_added"] == pytest.approx(found.minutes_added, abs=1e-6), row["id"]
        # a segment the sweep leaves out lies on no route that counts: removing it changes nothing
        swept = set(ranking["id"])
        rest = sorted(set(times.network.roads.segments.index) - swept)
        for link in np.random.default_rng(2).choice(rest, size=min(15, len(rest)), replace=False):
            assert impact(disrupt(query, times.removals([str(link)]))) == (0, 0, 0.0, 0), link
