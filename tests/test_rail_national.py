"""The national rail network: sourced figures, the fixed hold-out rule, new lines, Hainan's ring."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hourcircle import datasets, load_scenario
from hourcircle.rail_calibration import error_summary, pair_role, region_of, score_figures
from hourcircle.travel.times import TravelTimes

SOURCES = datasets.data_root() / "sources"
FIGURES = SOURCES / "rail_times_published_national.csv"
LINKS = datasets.data_root() / "china_nev" / "links.csv"
DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")
QUOTED = re.compile(r"[\u4e00-\u9fff]|'|\"")  # the exact words: Chinese text, or an English quote


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))  # the links' build scripts


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return pd.read_csv(FIGURES, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return pd.read_csv(LINKS, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def national() -> TravelTimes:
    return TravelTimes.for_scenario(load_scenario(datasets.locate("china")))


def test_every_figure_has_places_source_date_quote_and_confidence(figures: pd.DataFrame) -> None:
    places = set(pd.read_csv(datasets.bundled("china_nev") / "places.csv")["place_id"])
    assert len(figures) >= 130
    assert set(figures["from_place"]) | set(figures["to_place"]) <= places
    assert figures["source"].str.match(r"^https?://").all()
    assert figures["date"].str.match(DATE).all() and (figures["date"].str[:4] <= "2025").all()
    assert figures["evidence"].str.contains(QUOTED).all()
    assert set(figures["kind"]) == {"fastest", "typical"}
    assert set(figures["confidence"]) == {"high", "medium", "low"}
    assert (pd.to_numeric(figures["minutes"]) > 0).all()


def test_the_sample_check_rows_are_gone(figures: pd.DataFrame) -> None:
    """Stations far from the seat (Changbaishan for Yanbian, Rongcheng for Weihai ...) stand for no prefecture."""
    far = "长白山|荣成|茂县|黄龙九寨|敦煌|凤凰古城|磨憨|龙川西|黄梅东|从江|盘州"
    assert not figures["stations"].str.contains(far).any()
    heyuan = figures[(figures["from_place"] == "heyuan") & (figures["to_place"] == "shenzhen")]
    assert heyuan["minutes"].tolist() == ["50"]


def test_every_new_rail_link_has_a_source_a_date_and_a_quote(figures: pd.DataFrame, links: pd.DataFrame) -> None:
    """Links from the national figures and estimates (the delta's older rows paraphrase their sources)."""
    rail = links[links["mode"] == "rail"]
    assert (rail["source"] != "").all()
    estimates = pd.read_csv(SOURCES / "rail_estimates_national.csv", dtype=str)
    urls = set(figures["source"]) | set(estimates["source"])
    cites = rail["source"].map(lambda text: any(text.startswith(url + " (") for url in urls))
    new = rail[cites | rail["name"].str.startswith("estimated")]
    assert len(new) > 100
    assert new["name"].str.contains(r"\((?:published )?\d{4}(?:-\d{2}){0,2}\)$").all()
    assert new["source"].str.contains(r"https?://").all()
    assert new["source"].str.contains(QUOTED).all()


def test_held_out_figures_build_links_only_in_the_shipped_network(figures: pd.DataFrame, links: pd.DataFrame) -> None:
    """Users get every figure; the links the held-out ones are scored on never saw them."""
    from make_china_links import china_links

    held = figures[[pair_role(a, b) == "holdout" for a, b in zip(figures["from_place"], figures["to_place"],
                                                                  strict=True)]]
    assert 0.2 < len(held) / len(figures) < 0.45
    shipped, scored_on = (table[table["mode"] == "rail"]["source"] for table in (links, china_links(held_out=False)))
    for evidence in held["evidence"]:
        assert not scored_on.str.contains(evidence, regex=False).any(), evidence
    used = sum(shipped.str.contains(evidence, regex=False).any() for evidence in held["evidence"])
    assert used > len(held) / 2


def test_stops_follow_the_railway_a_train_runs_on_not_a_straight_line() -> None:
    """An L-shaped railway a - corner - b: the town at its corner is a stop, pro rata by railway km;
    the town on the straight line from a to b, 48 km from any railway, is not."""
    from rail_sources import route_stops

    lat = np.array([30.0, 30.0, 30.0, 30.5, 31.0])
    lon = np.array([120.0, 120.5, 121.0, 121.0, 121.0])
    km = np.array([48.2, 48.2, 55.6, 55.6])
    rails = {"lat": lat, "lon": lon, "u": np.arange(4), "v": np.arange(1, 5), "km": km}
    places = pd.DataFrame({"place_id": ["a", "corner_town", "b", "straight_town"], "lat": [30.0, 30.02, 31.0, 30.5],
                           "lon": [120.0, 121.0, 121.0, 120.5]})
    figures = pd.DataFrame({"from_place": ["a"], "to_place": ["b"], "minutes": ["100"], "date": ["2024"],
                            "source": ["https://example.org"], "evidence": ["a to b 100 min"]})
    stops = route_stops(places, figures, rails)
    assert sorted(zip(stops["u"], stops["v"], stops["minutes"], strict=True)) == [
        ("a", "corner_town", 46), ("b", "corner_town", 54)]  # 96.4 and 111.2 of 207.6 railway km
    # a course longer than 350 km/h could run in the figure's minutes is not the train's
    assert route_stops(places, figures.assign(minutes="30"), rails).empty


def test_pair_role_is_symmetric_and_holds_out_about_a_third() -> None:
    ids = [f"p{i}" for i in range(60)]
    roles = [pair_role(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    assert all(pair_role(a, b) == pair_role(b, a) for a, b in itertools.pairwise(ids))
    assert 0.28 < roles.count("holdout") / len(roles) < 0.38
    assert region_of("Heilongjiang") == "north-east" and region_of("Atlantis") == "other"


def test_hainan_cities_have_rail_with_minutes_in_trains(national: TravelTimes) -> None:
    ring = ["haikou", "nada", "sanya"]
    minutes = national.train_minutes(ring, ring)
    off_diagonal = minutes[~np.eye(3, dtype=bool)]
    assert np.isfinite(off_diagonal).all() and (off_diagonal > 30).all()
    assert 80 <= minutes[0, 2] <= 125  # Haikou - Sanya: published 82-90 minutes (held out)
    assert national.route("haikou", "nada", "rail").estimated  # no figure found: worked out


@pytest.mark.parametrize(("a", "b", "published"), [
    ("fuzhou_fj", "xiamen", 55), ("guangzhou", "zhanjiang", 92), ("xian", "tongchuan", 27),
    ("nanning", "guiyang", 173), ("beijing", "harbin", 292), ("nanchang", "jingdezhen", 49),
    ("shenyang", "baishan", 83), ("chongqing", "luzhou", 26), ("weifang", "yantai", 78), ("lhasa", "bayi", 209),
    ("lanzhou", "zhongwei", 102), ("bazhong", "nanchong", 48), ("meizhou", "shenzhen", 96),
    ("hechi", "nanning", 60),  # feeder-only before the second pass
])
def test_new_lines_run_at_their_published_minutes(national: TravelTimes, a: str, b: str, published: int) -> None:
    model = float(national.train_minutes([a], [b])[0, 0])
    assert abs(model - published) <= 0.1 * published


def test_new_lines_are_faster_than_the_2020_timetable(national: TravelTimes) -> None:
    """Lines opened since 2020 no longer run at 2020's conventional trains' speed (Fuzhou - Xiamen was 1h20+)."""
    route = national.route("fuzhou_fj", "xiamen", "rail")
    assert any("published 2023" in str(name) for name in route.hops["name"])


def test_score_and_summary_by_role_period_and_region(national: TravelTimes) -> None:
    figures = pd.DataFrame({"from_place": ["fuzhou_fj", "haikou"], "to_place": ["xiamen", "sanya"],
                            "minutes": ["55", "83"], "kind": ["fastest", "fastest"], "date": ["2023-09-27", "2017"]})
    scored = score_figures(national, figures)
    assert scored["role"].tolist() == ["fit", "holdout"]
    assert scored["period"].tolist() == ["2021-2025", "<=2020"]
    assert scored["region"].tolist() == ["east", "south-central"]
    summary = error_summary(scored).set_index(["role", "period", "region"])
    assert summary.loc[("fit", "2021-2025", "all"), "mdape_pct"] == 0.0
    assert summary.loc[("holdout", "<=2020", "south-central"), "figures"] == 1
