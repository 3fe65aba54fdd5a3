"""The planners' accessibility measures, checked on paper.

The 4-city scenario by car (see helpers.py): 120 km/h on the road links' km, so A-B 50 min,
B-C 25, C-D 30, A-C 75 (through B), A-D 105; by rail A-C 45 min. People A 1,000, B none,
C 2,000, D none (3,000 in all).

    WATT (h)     A: C 75 min -> 1.25          B: (1000 x 50 + 2000 x 25) / 3000 = 33.3 min
                 C: A 75 -> 1.25              D: (1000 x 105 + 2000 x 30) / 3000 = 55 min
    potential    A: 2000 / 75 = 26.67         B: 1000 / 50 + 2000 / 25 = 100
                 C: 1000 / 75 = 13.33         D: 1000 / 105 + 2000 / 30 = 76.19
    daily (1 h)  A: itself, 1/3               B: A and C, 1;  C: itself, 2/3;  D: C, 2/3
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import LINKS, PLACES, ScenarioMaker, run

from hourcircle import Query, TravelTimes
from hourcircle.analysis.access import access_measures, accessibility
from hourcircle.analysis.run import analyse
from hourcircle.errors import ArgumentError
from hourcircle.output.access import access_section
from hourcircle.output.report import markdown, tables


@pytest.fixture
def times(four: Path) -> TravelTimes:
    return TravelTimes.for_scenario(four)


def test_the_measures_by_car_on_paper(times: TravelTimes) -> None:
    table = accessibility(times, modes=["car"], day_hours=1)
    assert table.columns.tolist() == ["name", "people", "watt_hours_car", "potential_car", "daily_share_car"]
    assert table["watt_hours_car"].tolist() == pytest.approx([1.25, 100 / 3 / 60, 1.25, 55 / 60])
    assert table["potential_car"].tolist() == pytest.approx([2000 / 75, 100, 1000 / 75, 1000 / 105 + 2000 / 30])
    assert table["daily_share_car"].tolist() == pytest.approx([1 / 3, 1, 2 / 3, 2 / 3])


def test_rail_and_road_side_by_side(times: TravelTimes) -> None:
    table = accessibility(times)  # car and rail by default, measure by measure
    assert [c for c in table.columns if c.startswith("watt")] == ["watt_hours_car", "watt_hours_rail"]
    assert table.columns.get_loc("watt_hours_rail") + 1 == table.columns.get_loc("potential_car")
    assert table.loc["a", "watt_hours_rail"] == pytest.approx(0.75)  # C by the 45-minute train
    assert table.loc["a", "potential_rail"] == pytest.approx(2000 / 45)


def test_the_decay_and_the_day_are_the_users(times: TravelTimes) -> None:
    flat = accessibility(times, modes=["car"], decay=0)  # no decay: the people of the other places reached
    assert flat["potential_car"].tolist() == pytest.approx([2000, 3000, 1000, 3000])
    whole_day = accessibility(times, modes=["car"], day_hours=2)
    assert (whole_day["daily_share_car"] == 1).all()


def test_places_without_people_count_one_each(make_scenario: ScenarioMaker) -> None:
    folder = make_scenario({"places.csv": PLACES.replace(",1000\n", ",\n").replace(",2000\n", ",\n")})
    table = accessibility(TravelTimes.for_scenario(folder), modes=["car"], day_hours=1)
    assert table.loc["a", "watt_hours_car"] == pytest.approx((50 + 75 + 105) / 3 / 60)
    assert table.loc["a", "daily_share_car"] == pytest.approx(2 / 4)  # itself and B


def test_unreachable_places_add_nothing() -> None:
    minutes = np.array([[0.0, 30.0, np.inf], [30.0, 0.0, np.nan], [np.inf, np.nan, 0.0]])
    measured = access_measures(minutes, np.array([1.0, 1.0, 2.0]), day_minutes=60.0)
    assert measured["watt_hours"][0] == pytest.approx(0.5) and np.isnan(measured["watt_hours"][2])
    assert measured["potential"].tolist() == pytest.approx([1 / 30, 1 / 30, 0.0])
    assert measured["daily_share"].tolist() == pytest.approx([0.5, 0.5, 0.5])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: access_measures(np.zeros((2, 3)), np.ones(2)), "minutes: must be a square numpy array"),
    (lambda: access_measures(np.zeros((2, 2)), np.zeros(2)), "people: must be 2 finite numbers"),
    (lambda: access_measures(np.zeros((2, 2)), np.ones(2), decay=6), "decay: must be a power from 0 to 5"),
    (lambda: access_measures(np.zeros((2, 2)), np.ones(2), day_minutes=float("nan")), "day_minutes: "),
])
def test_bad_arguments_are_named(call: object, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        call()  # type: ignore[operator]


def test_modes_are_checked(times: TravelTimes, make_scenario: ScenarioMaker) -> None:
    with pytest.raises(ArgumentError, match="modes: "):
        accessibility(times, modes=["boat"])  # type: ignore[list-item]
    with pytest.raises(ArgumentError, match="modes: give one or more modes"):
        accessibility(times, modes=[])
    no_rail = TravelTimes.for_scenario(make_scenario({"links.csv": LINKS.replace("a,c,rail,,45,T1,test\n", "")}))
    assert accessibility(no_rail).columns.tolist()[2] == "watt_hours_car"  # rail left out by default
    with pytest.raises(ArgumentError, match="mode: this scenario has no rail links"):
        accessibility(no_rail, modes=["rail"])


def test_the_run_writes_and_reports_them(times: TravelTimes) -> None:
    results = analyse(Query(times), kinds=("place",))
    assert isinstance(results.access, pd.DataFrame)
    pd.testing.assert_frame_equal(tables(results)["access.csv"], accessibility(times))
    report = markdown(results, ["access.csv"])
    assert "## Accessibility: the planners' measures, by mode" in report
    section = access_section(results.access)[2]
    assert "Beta 0.56, Delta 0.92, Alpha 1.25" in section  # car WATT, best first (to 2 decimals)
    assert access_section(None) == []


def test_access_cli(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["access", "--mode", "car", "--day-hours", "1", "--format", "csv", "--scenario", str(four)],
                         capsys)
    assert status == 0
    assert out.splitlines()[0] == "place_id,name,people,watt_hours_car,potential_car,daily_share_car"
    assert out.splitlines()[2].startswith("b,Beta,0")
    status, out, err = run(["access", "--decay", "nan", "--scenario", str(four)], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1 and "--decay" in err
    status, out, err = run(["access", "--day-hours", "0", "--scenario", str(four)], capsys)
    assert status == 2 and err.count("\n") == 1 and "--day-hours" in err
