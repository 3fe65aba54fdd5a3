"""Travel times on the 4-city scenario, checked on paper (see conftest.py)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from helpers import LINKS, ScenarioMaker, place_matrix

from hourcircle import Query, TravelTimes, build_network, load_scenario
from hourcircle.analysis.reach import reached_sites
from hourcircle.errors import ArgumentError, NameLookupError, NoRouteError
from hourcircle.geo import haversine_km
from hourcircle.roads.topology import gabriel_links
from hourcircle.travel.nearest import nearest_by_category

C_TO_D_KM = float(haversine_km(30.0, 121.0, 30.0, 121.5))  # the network's bulk distance


@pytest.fixture
def times(four: Path) -> TravelTimes:
    return TravelTimes.for_scenario(four)


def test_truck_takes_the_faster_of_two_roads(times: TravelTimes) -> None:
    route = times.route("a", "c", "truck")
    assert route.minutes == pytest.approx(150.0)
    assert route.km == pytest.approx(150.0)
    assert route.nodes == ["a", "b", "c"] and route.links == ["R1", "R2"]
    assert times.route("a", "d").minutes == pytest.approx(210.0)


def test_car_is_twice_as_fast_here(times: TravelTimes) -> None:
    assert times.route("Alpha", "丁市", "car").minutes == pytest.approx(105.0)


def test_rail_uses_the_timetable_corridor_stops_and_road_feeders(times: TravelTimes) -> None:
    assert times.route("a", "c", "rail").minutes == pytest.approx(45.0)
    # b has no train but lies on the straight course of the fast a-c line (96.5 great-circle km
    # in 45 min, 129 km/h): a stop 0.4 of the way along, as b lies at 120.4 E between 120 and 121
    a_to_b = times.route("a", "b", "rail")
    assert a_to_b.minutes == pytest.approx(45.0 * 0.4, rel=1e-3)
    assert (a_to_b.links, a_to_b.kinds, a_to_b.rides) == (["estimated stop on the a-c line"], ["rail_estimate"], 1)
    # d is on no line: a road feeder over the 60 road km to c, at the car's 120 km/h
    a_to_d = times.route("a", "d", "rail")
    assert a_to_d.minutes == pytest.approx(45.0 + 30.0)
    assert a_to_d.kinds == ["rail", "rail_feeder"] and a_to_d.rides == 1


def test_a_place_without_trains_is_never_a_road_shortcut_between_two_stations(make_scenario: ScenarioMaker) -> None:
    from helpers import LINKS
    # a slow a-c train (96.5 great-circle km in 500 min: no line to put stops on); b and d have
    # no train. Through b by road, a to c takes 50 + 25 min at the car's 120 km/h: b keeps only
    # its nearest feeder (c, 50 road km against 100 to a), so a to c by rail rides the train.
    links = LINKS.replace("a,c,rail,,45,T1,test", "a,c,rail,,500,T1 slow,test")
    times = TravelTimes.for_scenario(make_scenario({"links.csv": links}))
    a_to_c = times.route("a", "c", "rail")
    assert (a_to_c.minutes, a_to_c.kinds) == (pytest.approx(500.0), ["rail"])
    b_to_a = times.route("b", "a", "rail")
    assert b_to_a.kinds == ["rail_feeder", "rail"] and b_to_a.minutes == pytest.approx(25.0 + 500.0)
    # with a train slower than the road through b no more, b keeps both feeders
    fast = TravelTimes.for_scenario(make_scenario({"links.csv": links.replace(",500,", ",70,")}))
    assert fast.route("b", "a", "rail").kinds == ["rail_feeder"] and fast.route("a", "c", "rail").kinds == ["rail"]


def test_terminal_and_station_minutes_are_paid_once_a_trip(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    toml = TOML.replace("terminal_minutes = 0", "terminal_minutes = 15", 1).replace(
        "station_minutes = 0", "station_minutes = 30")
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": toml}))
    assert times.route("a", "d", "truck").minutes == pytest.approx(225.0)
    assert times.route("a", "a", "truck").minutes == 0.0
    assert times.route("a", "c", "rail").minutes == pytest.approx(75.0)
    assert times.minutes_from("a", "truck")["d"] == pytest.approx(225.0)


def test_nearest_site_of_each_category_from_every_node(times: TravelTimes) -> None:
    minutes, nearest = nearest_by_category(times, "truck")
    assert minutes.loc["a"].to_dict() == {"assembly": 0.0, "battery": 100.0, "chips": 150.0, "software": 210.0}
    assert nearest.loc["d", "battery"] == "cells_b"
    capped, which = nearest_by_category(times, "truck", cutoff=120)
    assert np.isnan(capped.loc["a", "chips"]) and pd.isna(which.loc["a", "chips"])


def test_matrix_is_symmetric_with_a_zero_diagonal(times: TravelTimes) -> None:
    matrix = place_matrix(times, "truck")
    assert matrix.loc["a", "d"] == pytest.approx(210.0)
    assert np.allclose(matrix.to_numpy(), matrix.to_numpy().T)
    assert np.all(np.diag(matrix.to_numpy()) == 0)


def test_sites_join_their_place_by_an_access_leg(make_scenario: ScenarioMaker) -> None:
    from helpers import SITES
    sites = SITES.replace("cells_b,Cells B,CellCo,battery,b,30.0,120.4", "cells_b,Cells B,CellCo,battery,b,30.1,120.4")
    times = TravelTimes.for_scenario(make_scenario({"sites.csv": sites}))
    access = float(haversine_km(30.0, 120.4, 30.1, 120.4))  # detour 1, 60 km/h: a km a minute
    assert times.route("a", "cells_b").minutes == pytest.approx(100.0 + access, rel=1e-3)


def test_a_disconnected_place_has_no_route(make_scenario: ScenarioMaker) -> None:
    times = TravelTimes.for_scenario(make_scenario({"links.csv": LINKS.replace("c,d,road,60,,R4,test\n", "")}))
    with pytest.raises(NoRouteError, match="no truck route from a to d"):
        times.route("a", "d")
    assert "d" not in times.minutes_from("a").index


def test_unknown_and_ambiguous_names_and_modes(times: TravelTimes) -> None:
    with pytest.raises(NameLookupError, match="no place or site is called 'Omega'"):
        times.route("Omega", "a")
    with pytest.raises(ArgumentError, match="mode: unknown mode 'boat'"):
        times.engine("boat")  # type: ignore[arg-type]


def test_the_networkx_graph_holds_every_edge_with_its_minutes(times: TravelTimes) -> None:
    graph = times.network.graph
    assert isinstance(graph, nx.MultiGraph)
    assert graph.number_of_nodes() == 8
    road = [d for _, _, d in graph.edges(data=True) if d["kind"] == "road"]
    assert sorted(d["minutes_truck"] for d in road) == [50.0, 60.0, 100.0, 200.0]


def test_links_are_inferred_when_none_are_given(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    folder = make_scenario({"scenario.toml": TOML.replace('links = "links.csv"\n', ""), "links.csv": None})
    network = build_network(load_scenario(folder))
    road = network.edges[network.edges["kind"] == "road"]
    assert sorted(zip(road["u"], road["v"], strict=True)) == [("a", "b"), ("b", "c"), ("c", "d")]
    assert not network.has_mode("rail")
    times = TravelTimes(network)
    with pytest.raises(ArgumentError, match="mode: this scenario has no rail links"):
        times.route("a", "b", "rail")
    assert times.route("a", "d").minutes == pytest.approx(3 * C_TO_D_KM)  # detour 1, 1 km/min


def test_gabriel_links_drop_long_hull_edges_and_stay_connected() -> None:
    rng = np.random.default_rng(7)
    lat, lon = 30 + rng.random(300), 120 + rng.random(300)
    pairs = gabriel_links(lat, lon)
    graph = nx.Graph(pairs.tolist())
    assert nx.is_connected(graph) and graph.number_of_nodes() == 300
    assert graph.number_of_edges() < 3 * 300  # planar, sparser than the triangulation
    assert gabriel_links(np.array([30.0]), np.array([120.0])).shape == (0, 2)
    assert gabriel_links(np.array([30.0, 30.0]), np.array([120.0, 121.0])).tolist() == [[0, 1]]


def test_a_budget_below_the_terminal_minutes_reaches_only_the_origin(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    toml = TOML.replace("terminal_minutes = 0", "terminal_minutes = 15", 1)
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": toml}))
    # even the plant in the same city is a trip, and every trip pays its 15 terminal minutes
    assert times.minutes_from("a", cutoff=10).to_dict() == {"a": 0.0}
    assert reached_sites(Query(times, hours=0.1), "a").empty
    assert reached_sites(Query(times, hours=0.25), "a").index.tolist() == ["plant_a"]
    minutes, nearest = nearest_by_category(times, cutoff=10)
    assert np.isnan(minutes.loc["a", "assembly"]) and pd.isna(nearest.loc["a", "assembly"])
    assert minutes.loc["plant_a", "assembly"] == 0.0 and nearest.loc["plant_a", "assembly"] == "plant_a"


def test_without_closes_links_places_and_sites_and_leaves_the_original(times: TravelTimes) -> None:
    closed = times.without(times.removals(["R2"]))
    assert closed.route("a", "c").minutes == pytest.approx(200.0)  # the slow road
    assert times.route("a", "c").minutes == pytest.approx(150.0)
    no_beta = times.without(times.removals("Beta"))
    assert "cells_b" not in no_beta.scenario.sites.index and "b" not in no_beta.scenario.places.index
    assert no_beta.route("a", "d").minutes == pytest.approx(280.0)  # round b: a-c slow, c-d, a rest
    assert "cells_b" in times.scenario.sites.index


def test_a_closed_edge_keeps_a_parallel_one(make_scenario: ScenarioMaker) -> None:
    links = LINKS + "a,b,road,150,,R1 old,test\n"
    times = TravelTimes.for_scenario(make_scenario({"links.csv": links}))
    closed = times.without(times.removals(["road:a-b"]))  # the first a-b link, 100 km
    assert closed.route("a", "b").minutes == pytest.approx(150.0)


def test_rail_minutes_in_trains_apart_from_door_to_door(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    toml = TOML.replace("station_minutes = 0", "station_minutes = 30").replace("boarding_minutes = 0",
                                                                              "boarding_minutes = 10")
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": toml}))
    # a -> d: train a-c 45 min (+10 boarding), feeder c-d 30 min, stations 30: door to door 115
    route = times.route("a", "d", "rail")
    assert route.minutes == pytest.approx(115.0) and route.train_minutes == pytest.approx(45.0)
    assert route.parts() == pytest.approx({"train": 45.0, "boarding": 10.0, "station": 30.0, "feeder": 30.0,
                                           "access": 0.0})
    assert route.legs()["minutes"].tolist()[0] == pytest.approx(45.0)  # the train leg: in the train
    as_json = route.as_dict()
    assert (as_json["minutes"], as_json["train_minutes"]) == (115.0, 45.0)
    # b is an estimated stop 0.4 along the a-c line: 18 min in the train
    found = times.train_minutes(["a", "b", "fab_c"], ["a", "b", "c", "d", "code_d"])
    assert found == pytest.approx(np.array([[0, 18, 45, 45, 45], [18, 0, 27, 27, 27], [45, 27, 0, 0, 0]]))
    assert times.route("a", "d", "truck").train_minutes is None


def test_trucks_rest_20_minutes_after_each_4_hours_at_the_wheel(make_scenario: ScenarioMaker) -> None:
    # truck at 30 km/h: a-b 200 min, a-c 300 min (one rest: 320), a-d 420 min (one rest: 440)
    from helpers import TOML
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": TOML.replace("speed_kmh = 60",
                                                                                 "speed_kmh = 30", 1)}))
    assert times.route("a", "b").minutes == pytest.approx(200.0)
    route = times.route("a", "c")
    assert route.minutes == pytest.approx(320.0) and route.parts()["rest"] == pytest.approx(20.0)
    assert times.trip_minutes(["a"], ["b", "c", "d"]) == pytest.approx(np.array([[200.0, 320.0, 440.0]]))
    assert times.minutes_from("a")[["b", "c", "d"]].tolist() == pytest.approx([200.0, 320.0, 440.0])
    # a budget that ends inside the rest reaches no farther than the rest's start
    assert "c" not in times.minutes_from("a", cutoff=310).index
    assert "c" in times.minutes_from("a", cutoff=320).index
    assert times.route("a", "c", "car").parts()["rest"] == 0.0  # the car profile has no rests by default


def test_trips_longer_than_a_days_driving_wait_out_the_daily_rest(make_scenario: ScenarioMaker) -> None:
    """driving.DrivingRule through the truck profile: 8 h at the wheel in 24 h, one driver by default.

    At 10 km/h, a-b is 600 min at the wheel: 480 on day one (with a 20-min break, 500 min), then
    the daily rest to minute 1440, then 120 min: 1560. a-c 900: 1440 + 420 + one break = 1880.
    a-d 1260: two whole days and 300 min with one break: 2880 + 320 = 3200. A two-driver team
    relieves each other (no breaks) and drives 960 min a day: 600, 900, and 1440 + 300 = 1740.
    """
    from helpers import TOML
    slow = TOML.replace("speed_kmh = 60", "speed_kmh = 10", 1)
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": slow}))
    assert times.trip_minutes(["a"], ["b", "c", "d"]) == pytest.approx(np.array([[1560.0, 1880.0, 3200.0]]))
    route = times.route("a", "d")
    assert route.minutes == pytest.approx(3200.0) and route.parts()["rest"] == pytest.approx(3200.0 - 1260.0)
    # a budget of 1.5 days reaches 480 + 480 min at the wheel at most: b and c, not d
    assert sorted(set(times.minutes_from("a", cutoff=2160).index) & {"b", "c", "d"}) == ["b", "c"]
    team = slow.replace("terminal_minutes = 0\n", "terminal_minutes = 0\ndrivers = 2\n", 1)
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": team}))
    assert times.trip_minutes(["a"], ["b", "c", "d"]) == pytest.approx(np.array([[600.0, 900.0, 1740.0]]))
    assert times.scenario.travel.network_limit("truck", 1740.0) == pytest.approx(1260.0)


def test_the_band_scales_every_route_and_is_a_scenario_setting(make_scenario: ScenarioMaker) -> None:
    from helpers import TOML
    toml = TOML.replace("terminal_minutes = 0", "terminal_minutes = 0\nband = [0.5, 2.0]", 1)
    times = TravelTimes.for_scenario(make_scenario({"scenario.toml": toml}))
    route = times.route("a", "c")
    assert route.minutes_band == pytest.approx((75.0, 300.0)) and route.as_dict()["band"] == [75.0, 300.0]


def test_road_nodes_are_described_by_their_nearest_place_as_a_k_d_tree_finds_it() -> None:
    from scipy.spatial import cKDTree

    from hourcircle import datasets
    from hourcircle.geo import project_km
    from hourcircle.travel.route import PROJECTION_LAT, NodeLabels

    times = TravelTimes.for_scenario(datasets.bundled())
    nodes, places = times.network.nodes, times.scenario.places
    road = np.flatnonzero((nodes["kind"] == "road").to_numpy())
    tree = cKDTree(project_km(places["lat"], places["lon"], origin_lat=PROJECTION_LAT))
    nearest = tree.query(project_km(nodes["lat"].iloc[road], nodes["lon"].iloc[road], origin_lat=PROJECTION_LAT))[1]
    described = NodeLabels(nodes, places).describe(np.r_[road, times.positions(["hefei"])])
    assert described[:-1] == ["near " + name for name in places["name"].astype(str).to_numpy()[nearest]]
    assert described[-1] == "hefei" and len(road) > 1024  # more than one batch of road nodes


def test_the_edges_between_pairs_are_the_same_asked_once_or_again(make_scenario: ScenarioMaker) -> None:
    from hourcircle.travel.edges import EdgeIndex

    times = TravelTimes.for_scenario(make_scenario())
    rng = np.random.default_rng(7)
    for mode in ("truck", "car", "rail"):
        arrays = times.edges.arrays(mode)
        pick = rng.permutation(len(arrays.rows))
        tails, heads = arrays.heads[pick], arrays.tails[pick]  # either way round
        first = EdgeIndex(times.network, times.node_ids)  # the first question sorts only its nodes' edges
        assert first.between(tails, heads, mode).tolist() == first.between(tails, heads, mode).tolist()
        minutes = times.network.edges[f"minutes_{mode}"].to_numpy()
        found = first.between(tails, heads, mode)
        assert np.isin(found, arrays.rows).all()
        for k, row in enumerate(found.tolist()):  # the fastest of the edges joining each pair, the first of equals
            joining = arrays.rows[((arrays.tails == tails[k]) & (arrays.heads == heads[k]))
                                  | ((arrays.tails == heads[k]) & (arrays.heads == tails[k]))]
            fastest = joining[minutes[joining] == minutes[joining].min()]
            assert row == fastest[0]


def test_a_few_ids_are_found_as_many_are(times: TravelTimes) -> None:
    from hourcircle import _checks as check

    ids = list(times.node_ids[::-1])
    for compare in (True, False):
        assert (check.positions("ids", times.node_ids, ids[:3], compare=compare).tolist()
                == times.node_ids.get_indexer(ids[:3]).tolist())
        assert (check.positions("ids", times.node_ids, ids, compare=compare).tolist()
                == times.node_ids.get_indexer(ids).tolist())
        with pytest.raises(ArgumentError, match="unknown id 'zeta'"):
            check.positions("ids", times.node_ids, ["a", "zeta"], compare=compare)
    assert [times.positions(ids[:2]).tolist() for _ in range(6)] == [times.node_ids.get_indexer(ids[:2]).tolist()] * 6
