"""The analyses on the 4-city scenario, checked on paper (see conftest.py).

Truck minutes equal road km: A-B 100, B-C 50, C-D 60, slow A-C 200. Plant at A; battery at
B, chips at C, software at D; budget 4 h = 240 min.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ScenarioMaker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hourcircle import Query, TravelTimes
from hourcircle.analysis.coverage import Coverage, circles, coverage
from hourcircle.analysis.criticality import sweep
from hourcircle.analysis.disrupt import disrupt, impact
from hourcircle.analysis.gaps import chain_gaps, missing_links
from hourcircle.analysis.locate import locate, plant_set
from hourcircle.analysis.reach import reach_bands, reached_sites, share_within
from hourcircle.errors import ArgumentError, HourcircleError


@pytest.fixture
def times(four: Path) -> TravelTimes:
    return TravelTimes.for_scenario(four)


@pytest.fixture
def query(times: TravelTimes) -> Query:
    return Query(times)


def test_coverage_nearest_supplier_minutes_and_alternatives(query: Query) -> None:
    pairs = coverage(query).pairs.set_index(["origin", "category"])
    assert pairs.loc[("plant_a", "battery"), "minutes"] == pytest.approx(100)
    assert pairs.loc[("plant_a", "chips"), "minutes"] == pytest.approx(150)
    assert pairs.loc[("plant_a", "software"), "minutes"] == pytest.approx(210)
    assert pairs.loc[("plant_a", "software"), "nearest_site"] == "code_d"
    assert pairs.loc[("c", "battery"), "minutes"] == pytest.approx(50)
    assert set(pairs["alternatives"]) == {1}
    assert pairs.loc["plant_a", "kind"].eq("plant").all() and pairs.loc["d", "kind"].eq("place").all()


def test_circles_complete_and_hours_to_complete(times: TravelTimes, query: Query) -> None:
    summary = circles(coverage(query))
    assert summary.loc["plant_a", "complete"]
    assert summary.loc["plant_a", "hours_to_complete"] == pytest.approx(3.5)
    assert summary.loc["plant_a", "weakest"] == "software"
    assert summary.loc["c", "hours_to_complete"] == pytest.approx(1.0)
    tight = circles(coverage(Query(times, hours=3)))
    assert not tight.loc["plant_a", "complete"]
    assert tight.loc["plant_a", "hours_to_complete"] == pytest.approx(3.5)  # complete at 3.5 h
    assert tight.loc["plant_a", "covered"] == 2 and tight.loc["plant_a", "missing"] == "software"
    assert tight.loc["plant_a", "share"] == pytest.approx(2 / 3)


def test_weights_change_the_share(make_scenario: ScenarioMaker) -> None:
    toml = (make_scenario() / "scenario.toml").read_text().replace(
        'categories = ["battery", "chips", "software"]',
        'categories = ["battery", "chips", "software"]\nweights = { software = 2 }')
    summary = circles(coverage(Query(TravelTimes.for_scenario(make_scenario({"scenario.toml": toml})), hours=3)))
    assert summary.loc["plant_a", "share"] == pytest.approx(2 / 4)


@pytest.mark.parametrize("weights, message", [
    ("{ wheels = 2 }", "product.weights.wheels: 'wheels' is not one of the product's categories"),
    ("{ chips = -1 }", "product.weights.chips: must be a number from 1e-06 to 1,000,000 (got -1)"),
    ('{ chips = "x" }', "product.weights.chips: must be a number from 1e-06 to 1,000,000 (got 'x')"),
])
def test_bad_weights_are_named(make_scenario: ScenarioMaker, weights: str, message: str) -> None:
    toml = (make_scenario() / "scenario.toml").read_text().replace(
        'categories = ["battery", "chips", "software"]',
        f'categories = ["battery", "chips", "software"]\nweights = {weights}')
    with pytest.raises(HourcircleError) as error:
        TravelTimes.for_scenario(make_scenario({"scenario.toml": toml}))
    key, text = message.split(": ", 1)
    assert error.value.lines == [f"scenario.toml, key {key}: {text}"]


def test_reach_bands_count_sites_cumulatively(times: TravelTimes, query: Query) -> None:
    bands = reach_bands(query, "a")
    assert list(bands.columns) == ["<=1 h", "<=2 h", "<=3 h", "<=4 h"]
    assert bands.loc["battery"].tolist() == [0, 1, 1, 1]
    assert bands.loc["chips"].tolist() == [0, 0, 1, 1]
    assert bands.loc["software"].tolist() == [0, 0, 0, 1]
    assert bands.loc["assembly"].tolist() == [1, 1, 1, 1]
    assert list(reach_bands(Query(times, hours=1.5), "a").columns) == ["<=1 h", "<=1.5 h"]


def test_reached_sites_within_the_budget(times: TravelTimes) -> None:
    two_hours = reached_sites(Query(times, hours=2), "a")
    assert two_hours.index.tolist() == ["plant_a", "cells_b"]
    assert two_hours["minutes"].tolist() == [0.0, 100.0]
    assert set(reached_sites(Query(times, hours=2.5), "a").index) == {"plant_a", "cells_b", "fab_c"}
    assert len(reached_sites(Query(times), "a")) == 4  # the scenario's budget: 4 h


def test_share_within_km_and_hours(times: TravelTimes) -> None:
    # geodesic from A: B 38.6 km, C 96.5 km, D 144.8 km
    share = share_within(Query(times, hours=2), "plant_a", km=100)
    assert share.loc["all", "suppliers"] == 3
    assert share.loc["all", "share_km"] == pytest.approx(2 / 3, abs=1e-4)
    assert share.loc["all", "within_hours"] == 1  # only the battery at B, 100 min
    assert share.loc["software", "within_km"] == 0
    assert "within_km" not in share_within(Query(times, hours=2), "a")
    with pytest.raises(ArgumentError, match="km: must be a positive number"):
        share_within(Query(times), "a", km=float("nan"))


def test_chain_gaps_and_missing_links(times: TravelTimes) -> None:
    found = coverage(Query(times, hours=3))
    gaps = chain_gaps(found)
    assert gaps.index.tolist() == ["a"] and gaps.loc["a", "missing"] == "software"
    links = missing_links(found).set_index(["category", "place_id"])
    # a software supplier at A, B or C (within 180 min of A) completes plant_a and place a; D is 210 away
    assert links.loc[("software", "a"), ["completes_plants", "completes_places"]].tolist() == [1, 1]
    assert links.loc[("software", "c"), "completes_plants"] == 1
    assert ("software", "d") not in links.index


def test_locate_ranks_by_hours_then_redundancy_then_spread(query: Query) -> None:
    found = coverage(query)
    ranking = locate(found)
    # c completes in 1 h; b and d both in 1.83 h, 1 alternative each: d is farther from the plant
    assert ranking.index.tolist() == ["c", "d", "b", "a"]
    assert ranking["rank"].tolist() == [1, 2, 3, 4]
    assert ranking.loc["d", "nearest_plant_minutes"] == pytest.approx(210)
    assert len(locate(found, top=2)) == 2
    with pytest.raises(ArgumentError, match="top: must be at least 1, not 0"):
        locate(found, top=0)


def test_plant_set_is_the_p_center(query: Query) -> None:
    found = coverage(query)
    one = plant_set(found, 1)
    assert one.index.tolist() == ["b"]  # farthest place from B is D at 110 min; from C, A at 150
    assert one.loc["b", "farthest_minutes"] == pytest.approx(110) and one.loc["b", "serves"] == 4
    two = plant_set(found, plants=2)
    assert two["farthest_minutes"].max() <= 60
    with pytest.raises(ArgumentError, match="plants: asks for 5 plants, but only 4 places have a complete circle"):
        plant_set(found, 5)


def test_disrupt_a_link_by_name(query: Query) -> None:
    table = disrupt(query, ["R2"]).set_index(["plant", "category"])
    # without B-C, A reaches C by the slow road (200) and D after 260 min at the wheel and a
    # 20-minute rest (280 > 240): 50 + 70 minutes added
    assert table.loc[("plant_a", "chips"), "after_minutes"] == pytest.approx(200)
    assert table.loc[("plant_a", "software"), "lost"]
    assert table.loc[("plant_a", "software"), "after_minutes"] == pytest.approx(280)
    assert table.loc[("plant_a", "software"), "over_budget"] and not table["cut_off"].any()
    assert impact(table.reset_index()) == (0, 1, pytest.approx(120.0), 1)


def test_disrupt_a_place_removes_its_sites_and_routes(query: Query) -> None:
    table = disrupt(query, "Beta").set_index(["plant", "category"])  # one text is one removal
    assert np.isnan(table.loc[("plant_a", "battery"), "after_minutes"])
    assert table.loc[("plant_a", "battery"), "lost"] and table.loc[("plant_a", "software"), "lost"]
    assert table.loc[("plant_a", "battery"), "cut_off"] and table.loc[("plant_a", "software"), "over_budget"]
    # no battery supplier is left: cut off; d: 260 at the wheel + a 20-min rest, over the budget
    assert impact(table.reset_index())[:3] == (1, 1, pytest.approx(120.0))


def test_disrupt_names_unknown_and_empty_removals(query: Query) -> None:
    with pytest.raises(ArgumentError, match=r"remove: no place or site is called 'Zeta'.*no link's id or name"):
        disrupt(query, ["Zeta"])
    with pytest.raises(ArgumentError, match="remove: needs at least one"):
        disrupt(query, [])


def test_a_bridge_name_removes_every_link_across_it(times: TravelTimes) -> None:
    removal = times.removals(["slow"])[0]
    assert removal.kind == "link" and removal.links == ("road:a-c",)
    assert times.removals("road:b-c")[0].links == ("road:b-c",)


def test_sweep_ranks_the_worst_loss_first(query: Query) -> None:
    ranking = sweep(query).set_index("id")
    # pairs broken first (cut off, or over the budget), then cut off, then minutes added
    assert ranking.index[:3].tolist() == ["c", "b", "road:a-b"]
    # without Gamma, no chips supplier is left and D hangs off the network: both pairs cut off
    assert ranking.loc["c", ["pairs_cut_off", "pairs_over_budget", "cut_off"]].tolist() == [2, 0, "code_d, d"]
    # without A-B, A reaches B only round by C (250 min) and D at 260 at the wheel + a 20-minute
    # rest: battery and software over the budget, +100 +70 +120 min, nothing cut off
    assert ranking.loc["road:a-b", ["kind", "pairs_cut_off", "pairs_over_budget", "minutes_added", "cut_off"]
                       ].tolist() == ["link", 0, 2, 290, ""]
    # C-D is D's only road: software is cut off (D's sites with it), the other pairs unchanged
    assert ranking.loc["road:c-d", ["pairs_cut_off", "pairs_over_budget", "cut_off"]].tolist() == [1, 0, "code_d, d"]
    assert ranking.loc["road:a-c", "pairs_over_budget"] == 0  # the slow road is never used
    assert ranking.loc["road:a-c", "plants_rerouted"] == 0


def test_a_segment_that_is_one_places_only_road_is_its_access(query: Query) -> None:
    """criticality.access_rows: a road segment that cuts off one place's sites is that place's access.

    Named links stay links (the sweep's candidates say what they are); only unnamed segments
    are judged by what they cut off: one place's sites and centre, or more.
    """
    from hourcircle.analysis.criticality import SWEEP_COLUMNS, access_rows
    rows = pd.DataFrame([("segment", "seg:1", "road near D", 1, 0, 0.0, 1, 0, 1, "code_d, d"),
                         ("segment", "seg:2", "road near C", 2, 0, 0.0, 2, 0, 1, "code_d, d, fab_c"),
                         ("segment", "seg:3", "road near B", 0, 1, 50.0, 1, 0, 1, ""),
                         ("link", "road:c-d", "R4", 1, 0, 0.0, 1, 0, 1, "code_d, d")], columns=SWEEP_COLUMNS)
    marked = access_rows(rows, query.scenario)
    assert marked["kind"].tolist() == ["access", "segment", "segment", "link"]
    assert marked.loc[0, "name"] == "access to Delta: road near D"
    assert rows["kind"].tolist()[0] == "segment"  # the input is left alone


def test_analyses_leave_their_inputs_alone(times: TravelTimes, query: Query) -> None:
    edges = times.network.edges.copy()
    sites = times.scenario.sites.copy()
    sweep(query)
    disrupt(query, ["b"])
    pd.testing.assert_frame_equal(times.network.edges, edges)
    pd.testing.assert_frame_equal(times.scenario.sites, sites)


@pytest.mark.parametrize("hours", [0, -1, 1e-310, 0.01, float("nan"), float("inf"), 73, "4", True])
def test_a_query_refuses_budgets_that_are_not_hours(times: TravelTimes, hours: object) -> None:
    with pytest.raises(ArgumentError, match=r"^hours: must be a finite number of hours from a minute \(1/60\) to 72"):
        Query(times, hours=hours)  # type: ignore[arg-type]


def test_a_query_refuses_a_mode_the_network_lacks(make_scenario: ScenarioMaker) -> None:
    from helpers import LINKS
    times = TravelTimes.for_scenario(make_scenario({"links.csv": LINKS.replace("a,c,rail,,45,T1,test\n", "")}))
    with pytest.raises(ArgumentError, match="mode: this scenario has no rail links"):
        Query(times, mode="rail")
    with pytest.raises(ValueError, match="mode: unknown mode 'boat'"):
        Query(times, mode="boat")  # type: ignore[arg-type]


def test_a_coverage_carries_its_question(times: TravelTimes) -> None:
    found = coverage(Query(times, hours=3))
    assert isinstance(found, Coverage) and found.query.hours == 3.0
    assert locate(found)["hours_to_complete"].notna().all()
    assert set(found.of_kind("plant").pairs["origin"]) == {"plant_a"}


def test_library_errors_are_builtin_errors(query: Query) -> None:
    from hourcircle.errors import NameLookupError, NoRouteError
    assert issubclass(NameLookupError, LookupError) and issubclass(NoRouteError, LookupError)
    with pytest.raises(LookupError):
        query.times.resolve("Omega")
    with pytest.raises(ValueError):
        locate(coverage(query), top=0)


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
        query = Query(TravelTimes.for_scenario(folder))
        ranking = sweep(query)
        for _, row in ranking.iterrows():
            found = impact(disrupt(query, [row["id"]]))
            assert (row["pairs_cut_off"], row["pairs_over_budget"], row["alternatives_lost"]) == (
                found.pairs_cut_off, found.pairs_over_budget, found.alternatives_lost), row["id"]
            assert row["minutes_added"] == pytest.approx(found.minutes_added, abs=1e-6), row["id"]
