"""The analyses on the 4-city scenario, checked on paper (see conftest.py).

Truck minutes equal road km: A-B 100, B-C 50, C-D 60, slow A-C 200. Plant at A; battery at
B, chips at C, software at D; budget 4 h = 240 min.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ScenarioMaker

from hourcircle import TravelTimes
from hourcircle.analysis.coverage import circles, coverage
from hourcircle.analysis.disrupt import disrupt, impact, resolve_removals, sweep
from hourcircle.analysis.gaps import chain_gaps, missing_links
from hourcircle.analysis.locate import locate, plant_set
from hourcircle.analysis.reach import reach_bands, share_within
from hourcircle.errors import ArgumentError, HourcircleError


@pytest.fixture
def times(four: Path) -> TravelTimes:
    return TravelTimes.for_scenario(four)


def test_coverage_nearest_supplier_minutes_and_alternatives(times: TravelTimes) -> None:
    pairs = coverage(times).set_index(["origin", "category"])
    assert pairs.loc[("plant_a", "battery"), "minutes"] == pytest.approx(100)
    assert pairs.loc[("plant_a", "chips"), "minutes"] == pytest.approx(150)
    assert pairs.loc[("plant_a", "software"), "minutes"] == pytest.approx(210)
    assert pairs.loc[("plant_a", "software"), "nearest_site"] == "code_d"
    assert pairs.loc[("c", "battery"), "minutes"] == pytest.approx(50)
    assert set(pairs["alternatives"]) == {1}
    assert pairs.loc["plant_a", "kind"].eq("plant").all() and pairs.loc["d", "kind"].eq("place").all()


def test_circles_complete_and_hours_to_complete(times: TravelTimes) -> None:
    summary = circles(coverage(times))
    assert summary.loc["plant_a", "complete"]
    assert summary.loc["plant_a", "hours_to_complete"] == pytest.approx(3.5)
    assert summary.loc["plant_a", "weakest"] == "software"
    assert summary.loc["c", "hours_to_complete"] == pytest.approx(1.0)
    tight = circles(coverage(times, hours=3))
    assert not tight.loc["plant_a", "complete"]
    assert tight.loc["plant_a", "hours_to_complete"] == pytest.approx(3.5)  # complete at 3.5 h
    assert tight.loc["plant_a", "covered"] == 2 and tight.loc["plant_a", "missing"] == "software"
    assert tight.loc["plant_a", "share"] == pytest.approx(2 / 3)


def test_weights_change_the_share(make_scenario: ScenarioMaker) -> None:
    toml = (make_scenario() / "scenario.toml").read_text().replace(
        'categories = ["battery", "chips", "software"]',
        'categories = ["battery", "chips", "software"]\nweights = { software = 2 }')
    summary = circles(coverage(TravelTimes.for_scenario(make_scenario({"scenario.toml": toml})), hours=3))
    assert summary.loc["plant_a", "share"] == pytest.approx(2 / 4)


@pytest.mark.parametrize("weights, message", [
    ("{ wheels = 2 }", "product.weights.wheels: 'wheels' is not one of the product's categories"),
    ("{ chips = -1 }", "product.weights.chips: must be a positive number (got -1)"),
    ('{ chips = "x" }', "product.weights.chips: must be a positive number (got 'x')"),
])
def test_bad_weights_are_named(make_scenario: ScenarioMaker, weights: str, message: str) -> None:
    toml = (make_scenario() / "scenario.toml").read_text().replace(
        'categories = ["battery", "chips", "software"]',
        f'categories = ["battery", "chips", "software"]\nweights = {weights}')
    with pytest.raises(HourcircleError) as error:
        TravelTimes.for_scenario(make_scenario({"scenario.toml": toml}))
    key, text = message.split(": ", 1)
    assert error.value.lines == [f"scenario.toml, key {key}: {text}"]


def test_reach_bands_count_sites_cumulatively(times: TravelTimes) -> None:
    bands = reach_bands(times, "a", hours=4)
    assert list(bands.columns) == ["<=1 h", "<=2 h", "<=3 h", "<=4 h"]
    assert bands.loc["battery"].tolist() == [0, 1, 1, 1]
    assert bands.loc["chips"].tolist() == [0, 0, 1, 1]
    assert bands.loc["software"].tolist() == [0, 0, 0, 1]
    assert bands.loc["assembly"].tolist() == [1, 1, 1, 1]
    assert list(reach_bands(times, "a", hours=1.5).columns) == ["<=1 h", "<=1.5 h"]


def test_share_within_km_and_hours(times: TravelTimes) -> None:
    # geodesic from A: B 38.6 km, C 96.5 km, D 144.8 km
    share = share_within(times, "plant_a", km=100, hours=2)
    assert share.loc["all", "suppliers"] == 3
    assert share.loc["all", "share_km"] == pytest.approx(2 / 3, abs=1e-4)
    assert share.loc["all", "within_hours"] == 1  # only the battery at B, 100 min
    assert share.loc["software", "within_km"] == 0
    with pytest.raises(ArgumentError, match="give --km, --hours or both"):
        share_within(times, "a")


def test_chain_gaps_and_missing_links(times: TravelTimes) -> None:
    pairs = coverage(times, hours=3)
    gaps = chain_gaps(pairs)
    assert gaps.index.tolist() == ["a"] and gaps.loc["a", "missing"] == "software"
    links = missing_links(times, pairs, hours=3).set_index(["category", "place_id"])
    # a software supplier at A, B or C (within 180 min of A) completes plant_a and place a; D is 210 away
    assert links.loc[("software", "a"), ["completes_plants", "completes_places"]].tolist() == [1, 1]
    assert links.loc[("software", "c"), "completes_plants"] == 1
    assert ("software", "d") not in links.index


def test_locate_ranks_by_hours_then_redundancy_then_spread(times: TravelTimes) -> None:
    ranking = locate(times)
    # c completes in 1 h; b and d both in 1.83 h, 1 alternative each: d is farther from the plant
    assert ranking.index.tolist() == ["c", "d", "b", "a"]
    assert ranking["rank"].tolist() == [1, 2, 3, 4]
    assert ranking.loc["d", "nearest_plant_minutes"] == pytest.approx(210)
    assert len(locate(times, top=2)) == 2
    with pytest.raises(ArgumentError, match="--top must be at least 1"):
        locate(times, top=0)


def test_plant_set_is_the_p_center(times: TravelTimes) -> None:
    one = plant_set(times, 1)
    assert one.index.tolist() == ["b"]  # farthest place from B is D at 110 min; from C, A at 150
    assert one.loc["b", "farthest_minutes"] == pytest.approx(110) and one.loc["b", "serves"] == 4
    two = plant_set(times, 2)
    assert two["farthest_minutes"].max() <= 60
    with pytest.raises(ArgumentError, match="only 4 places have a complete circle"):
        plant_set(times, 5)


def test_disrupt_a_link_by_name(times: TravelTimes) -> None:
    table = disrupt(times, ["R2"]).set_index(["plant", "category"])
    # without B-C, A reaches C by the slow road (200) and D at 260 > 240
    assert table.loc[("plant_a", "chips"), "after_minutes"] == pytest.approx(200)
    assert table.loc[("plant_a", "software"), "lost"]
    assert impact(table.reset_index()) == (1, pytest.approx(100.0), 1)


def test_disrupt_a_place_removes_its_sites_and_routes(times: TravelTimes) -> None:
    table = disrupt(times, ["Beta"]).set_index(["plant", "category"])
    assert np.isnan(table.loc[("plant_a", "battery"), "after_minutes"])
    assert table.loc[("plant_a", "battery"), "lost"] and table.loc[("plant_a", "software"), "lost"]
    assert impact(table.reset_index())[:2] == (2, pytest.approx(100.0))


def test_disrupt_names_unknown_and_empty_removals(times: TravelTimes) -> None:
    with pytest.raises(ArgumentError, match=r"--remove: no place or site is called 'Zeta'.*no link's id or name"):
        disrupt(times, ["Zeta"])
    with pytest.raises(ArgumentError, match="needs at least one"):
        disrupt(times, [])


def test_a_bridge_name_removes_every_link_across_it(times: TravelTimes) -> None:
    removal = resolve_removals(times, ["slow"])[0]
    assert removal.kind == "link" and removal.links == ("road:a-c",)
    assert resolve_removals(times, ["road:b-c"])[0].links == ("road:b-c",)


def test_sweep_ranks_the_worst_loss_first(times: TravelTimes) -> None:
    ranking = sweep(times)
    top = ranking.iloc[0]
    # without A-B, A reaches B only round by C (250 min): battery and software fall out, +250 min
    assert (top["kind"], top["id"], top["pairs_broken"], top["minutes_added"]) == ("link", "road:a-b", 2, 250)
    assert ranking.iloc[1]["id"] == "b"  # Beta: the same two pairs, +100 min
    assert ranking.set_index("id").loc["road:a-c", "pairs_broken"] == 0  # the slow road is never used
    assert ranking.set_index("id").loc["road:a-c", "plants_rerouted"] == 0


def test_analyses_leave_their_inputs_alone(times: TravelTimes) -> None:
    edges = times.network.edges.copy()
    sites = times.network.scenario.sites.copy()
    sweep(times)
    disrupt(times, ["b"])
    pd.testing.assert_frame_equal(times.network.edges, edges)
    pd.testing.assert_frame_equal(times.network.scenario.sites, sites)
