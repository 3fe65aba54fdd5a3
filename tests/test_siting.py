"""Siting objectives and the ranking of places, checked on paper.

The 4-city scenario (see helpers.py): truck minutes equal road km, A-B 100, B-C 50, C-D 60
(A-C 150 through B); people A 1,000, B none, C 2,000, D none. Within 2 h (120 min) the places
with a complete circle are B (software at D, 110 min), C (60) and D (110); A is not (210).

    minutes   to B   C    D      one plant at B: farthest D 110; people within 120: A, C = 3,000
    from A    100   150  210     one plant at C: farthest A 150; people within 120: C = 2,000
         B      0    50  110     one plant at D: farthest A 210; people within 120: C = 2,000
         C     50     0   60     people-weighted mean minutes: B (1000 x 100 + 2000 x 50) / 3000 = 66.7,
         D    110    60    0     C (1000 x 150) / 3000 = 50, D (1000 x 210 + 2000 x 60) / 3000 = 110
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import PLACES, SITES, ScenarioMaker, run
from hypothesis import given, settings
from hypothesis import strategies as st

from hourcircle import Query, TravelTimes
from hourcircle.analysis.coverage import Coverage, coverage
from hourcircle.analysis.locate import default_objective, default_weight, locate, plant_set
from hourcircle.analysis.objectives import max_cover, p_median
from hourcircle.analysis.pcenter import p_center
from hourcircle.analysis.run import analyse
from hourcircle.errors import ArgumentError
from hourcircle.io.load import load_scenario
from hourcircle.output.report import findings

TOY = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])  # three places on a line: 5 and 4 apart


@pytest.fixture
def two_hours(four: Path) -> Coverage:
    return coverage(Query(TravelTimes.for_scenario(four), hours=2))


def test_the_three_objectives_on_paper(two_hours: Coverage) -> None:
    center = plant_set(two_hours, 1, objective="center")
    assert center.index.tolist() == ["b"] and center.loc["b", "farthest_place"] == "d"
    assert center.loc["b", "farthest_minutes"] == pytest.approx(110) and center["method"].iloc[0] == "exact"
    covering = plant_set(two_hours, 1, objective="coverage")
    assert covering.index.tolist() == ["b"] and covering.loc["b", "within_budget"] == pytest.approx(3000)
    median = plant_set(two_hours, 1, objective="median")
    assert median.index.tolist() == ["c"]
    assert median.loc["c", "mean_minutes"] == pytest.approx(50)
    assert median.loc["c", "within_budget"] == pytest.approx(2000)  # A is 150 min from C
    assert median["optimum_at_least_minutes"].iloc[0] == pytest.approx(50) and (median["objective"] == "median").all()
    assert covering["optimum_at_least_minutes"].isna().all()


def test_weights_by_places_count_each_place_once(two_hours: Coverage) -> None:
    by_places = plant_set(two_hours, 1, objective="coverage", weight="places")
    assert by_places.loc["b", "within_budget"] == 4  # B reaches A (100), C (50) and D (110) within 120
    assert (by_places["weight"] == "places").all()


def test_two_plants_serve_every_place(two_hours: Coverage) -> None:
    median = plant_set(two_hours, 2, objective="median")  # B and C: A 100 from B, every other 0
    assert sorted(median.index) == ["b", "c"]
    assert median["serves"].sum() == 4 and median["weight_served"].sum() == pytest.approx(3000)


def test_defaults_follow_the_scenario(make_scenario: ScenarioMaker, four: Path) -> None:
    region = load_scenario(four)
    assert default_objective(region) == "center" and default_weight(region) == "people"
    wide = load_scenario(make_scenario({"places.csv": PLACES.replace("d,Delta,丁市,West,30.0,121.5",
                                                                     "d,Delta,丁市,West,45.0,121.5"),
                                        "sites.csv": SITES.replace("d,30.0,121.5", "d,45.0,121.5")}))
    assert default_objective(wide) == "coverage"  # A to D is now about 1,680 km
    nobody = load_scenario(make_scenario({"places.csv": PLACES.replace(",1000\n", ",\n").replace(",2000\n", ",\n")}))
    assert default_weight(nobody) == "places"


def test_people_cannot_weigh_a_scenario_without_them(make_scenario: ScenarioMaker) -> None:
    folder = make_scenario({"places.csv": PLACES.replace(",1000\n", ",\n").replace(",2000\n", ",\n")})
    found = coverage(Query(TravelTimes.for_scenario(folder)))
    with pytest.raises(ArgumentError, match="weight: people: this scenario's places give no population"):
        plant_set(found, 1, weight="people")
    assert plant_set(found, 1, objective="median")["weight"].iloc[0] == "places"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"objective": "centre"}, "objective: "),
    ({"weight": "gdp"}, "weight: "),
    ({"objective": 3}, "objective: "),
])
def test_bad_objectives_are_named(two_hours: Coverage, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        plant_set(two_hours, 1, **kwargs)  # type: ignore[arg-type]


def test_the_pure_objectives_on_a_toy() -> None:
    people = np.array([1.0, 1.0, 5.0])
    assert p_center(TOY, 1) is not None and p_center(TOY, 1).chosen == [1]  # type: ignore[union-attr]
    assert max_cover(TOY, people, 1, radius=5.0).chosen == [1]  # reaches all three within 5: 7
    assert max_cover(TOY, people, 1, radius=4.0).value == 6.0  # B or C: the two of them, 1 + 5
    median = p_median(TOY, people, 1)
    assert median is not None and median.chosen == [2] and median.value == pytest.approx(13 / 7)
    assert p_median(np.array([[0.0, np.inf], [np.inf, 0.0]]), np.ones(2), 1) is None  # neither serves both
    proven = p_median(TOY, people, 1, exact_cells=0)  # the bound reaches 13 / 7: proven without the programme
    assert proven is not None and proven.method == "exact" and proven.lower == pytest.approx(13 / 7)
    assert np.isnan(max_cover(TOY, people, 1, radius=4.0, exact_cells=0).lower)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: max_cover(TOY, np.ones(2), 1, radius=4.0), "weights: must be 3 finite numbers"),
    (lambda: max_cover(TOY, np.ones(3), 4, radius=4.0), "k: asks for 4 candidates, but there are 3"),
    (lambda: max_cover(TOY, np.ones(3), 1, radius=-1.0), "radius: "),
    (lambda: p_median(TOY, np.zeros(3), 1), "weights: are all 0"),
    (lambda: p_median(TOY[0], np.ones(3), 1), "minutes: must be a two-dimensional numpy array"),
    (lambda: p_median(TOY, -np.ones(3), 1), "weights: must be 3 finite numbers of at least 0"),
])
def test_bad_matrices_are_named(call: object, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        call()  # type: ignore[operator]


matrices = st.integers(2, 7).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.integers(0, 50), min_size=n, max_size=n), min_size=n, max_size=n),
    st.lists(st.integers(0, 9), min_size=n, max_size=n), st.integers(1, n)))


@settings(max_examples=25, deadline=None)
@given(matrices)
def test_the_exact_answers_are_at_least_as_good_as_the_heuristics(case: tuple[list[list[int]], list[int], int]) -> None:
    rows, people, k = case
    minutes, weights = np.array(rows, dtype=float), np.array(people, dtype=float)
    exact, greedy = max_cover(minutes, weights, k, radius=20.0), max_cover(minutes, weights, k, radius=20.0,
                                                                           exact_cells=0)
    assert exact.method == "exact" and greedy.method == "heuristic" and exact.value >= greedy.value
    assert len(set(exact.chosen)) == k
    if weights.sum() > 0:
        best, quick = p_median(minutes, weights, k), p_median(minutes, weights, k, exact_cells=0)
        assert best is not None and quick is not None and best.value <= quick.value + 1e-9
        assert best.method == "exact" and best.lower == pytest.approx(best.value)
        assert quick.lower <= best.value + 1e-9  # the Lagrangian bound holds
        assert quick.method == "heuristic" or quick.value == pytest.approx(best.value)
        nearest = minutes[:, best.chosen].min(axis=1)
        assert best.value == pytest.approx(weights @ nearest / weights.sum())


THICK = SITES.replace("cells_b,Cells B,CellCo,battery,b,30.0,120.4,city,test\n",
                      "cells_b,Cells B,CellCo,battery,b,30.0,120.4,city,test\n"
                      "cells_c,Cells C,CellCo,battery,c,30.0,121.0,city,test\n"
                      "fab_a,Fab A,ChipCo,chips,a,30.0,120.0,city,test\n"
                      "code_c,Code C,SoftCo,software,c,30.0,121.0,city,test\n")


def test_locate_ranks_redundancy_before_speed(make_scenario: ScenarioMaker) -> None:
    """Within 2 h: B has two suppliers of every component (complete at 50 min), C only one chip maker
    within reach (A's is 150 min away) though it is complete at once; D one chip maker (C's, 60 min)."""
    found = coverage(Query(TravelTimes.for_scenario(make_scenario({"sites.csv": THICK})), hours=2))
    ranking = locate(found)
    assert ranking.index.tolist() == ["b", "c", "d", "a"]
    assert ranking.loc["b", "fewest_alternatives"] == 2 and ranking.loc["c", "fewest_alternatives"] == 1
    assert ranking.loc["c", "weakest_component"] == "chips" and ranking.loc["c", "hours_to_complete"] == 0
    assert ranking.loc["b", "weakest_component"] == "chips"  # a tie at 2: the slower nearest (50 min; software too)
    assert ranking.loc["a", "weakest_component"] == "software" and not ranking.loc["a", "complete"]


def test_the_report_names_what_decides(four: Path) -> None:
    query = Query(TravelTimes.for_scenario(four), hours=2)
    center = findings(analyse(query, plants_wanted=1, kinds=("place",)))
    assert any("**Best 1 plant site together** (p-center" in line and "the farthest place, Delta, sets that radius"
               in line for line in center)
    median = findings(analyse(query, plants_wanted=1, kinds=("place",), objective="median"))
    assert any("(p-median" in line and "Gamma; 0.8 h on average" in line for line in median)
    covering = findings(analyse(query, plants_wanted=1, kinds=("place",), objective="coverage"))
    assert any("Beta; 0.0 of 0.0 million people (100%) within 2 h of one (the optimum)" in line for line in covering)
    with pytest.raises(ArgumentError, match="objective: "):
        analyse(query, objective="middle", kinds=("place",))


def test_locate_cli(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["locate", "--plants", "1", "--objective", "median", "--hours", "2", "--format", "csv",
                          "--scenario", str(four)], capsys)
    assert status == 0 and out.splitlines()[1].startswith("c,Gamma,4,")
    status, out, err = run(["locate", "--objective", "median", "--scenario", str(four)], capsys)
    assert status == 2 and out == "" and err == ("hourcircle: error: --objective and --weight choose the best set: "
                                                 "give --plants K\n")
    status, _, err = run(["locate", "--plants", "1", "--weight", "gdp", "--scenario", str(four)], capsys)
    assert status == 2 and err.count("\n") == 1 and "Invalid value for '--weight': 'gdp'" in err
    status, _, err = run(["run", "--objective", "best", "--scenario", str(four)], capsys)
    assert status == 2 and err.count("\n") == 1 and "Invalid value for '--objective': 'best'" in err
