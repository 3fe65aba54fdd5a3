"""The Python API refuses bad arguments where a call enters it, naming the parameter.

Hostile input, third round, part 4: a wrong type is an ``ArgumentTypeError`` (a ``TypeError``
and an ``ArgumentError``, so a ``ValueError`` too), a value out of range or an unknown id an
``ArgumentError``; never an AttributeError, KeyError or TypeError from deep inside, and never a
silent wrong answer (an unknown id read as the last road node, a str read letter by letter, a
batch size of 0 giving nothing, a mistyped sweep kind giving an empty ranking).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import write_scenario

from hourcircle import Query, TravelTimes
from hourcircle.analysis import (
    Coverage,
    Results,
    analyse,
    chain_gaps,
    circle_drawing,
    circles,
    coverage,
    disrupt,
    impact,
    locate,
    missing_links,
    plant_set,
    population_bands,
    reach_bands,
    reach_drawing,
    reached_sites,
    share_within,
    sweep,
)
from hourcircle.analysis.coverage import supplier_minutes
from hourcircle.analysis.drawing import ReachDrawing
from hourcircle.analysis.locate import p_center
from hourcircle.analysis.matrix import matrix_nodes, matrix_parts
from hourcircle.analysis.reach import reached_from_many
from hourcircle.errors import ArgumentError, ArgumentTypeError
from hourcircle.maps import circle_map, reach_map
from hourcircle.output.assemble import render
from hourcircle.travel.nearest import nearest_by_category
from hourcircle.travel.removals import SWEEP_KINDS


@dataclass(frozen=True)
class World:
    """One 4-city network and what the analyses make of it, built once for the module."""

    times: TravelTimes
    query: Query
    found: Coverage
    results: Results
    drawing: ReachDrawing


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder: Path = write_scenario(tmp_path_factory.mktemp("misuse") / "scenario")
    times = TravelTimes.for_scenario(folder)
    query = Query(times)
    found = coverage(query)
    results = analyse(query, plants_wanted=1, kinds=("link", "place"))
    return World(times, query, found, results, reach_drawing(query, "a"))


TYPE, VALUE = TypeError, ArgumentError
Call = Callable[[World], Any]

# (what is called, the parameter its message must name, the exception: TYPE for a wrong type, VALUE otherwise)
MISUSES: list[tuple[str, Call, str, type[Exception]]] = [
    ("Query(None)", lambda w: Query(None), "times", TYPE),  # type: ignore[arg-type]
    ("Query(hours='4')", lambda w: Query(w.times, hours="4"), "hours", TYPE),  # type: ignore[arg-type]
    ("Query(hours=nan)", lambda w: Query(w.times, hours=float("nan")), "hours", VALUE),
    ("Query(mode=3)", lambda w: Query(w.times, mode=3), "mode", TYPE),  # type: ignore[arg-type]
    ("Query(mode=[truck])", lambda w: Query(w.times, mode=["truck"]), "mode", TYPE),  # type: ignore[arg-type]
    ("Query.on(None)", lambda w: w.query.on(None), "times", TYPE),  # type: ignore[arg-type]
    ("TravelTimes(None)", lambda w: TravelTimes(None), "network", TYPE),  # type: ignore[arg-type]
    ("TravelTimes.for_scenario(42)", lambda w: TravelTimes.for_scenario(42), "scenario", TYPE),  # type: ignore[arg-type]
    ("times.resolve(None)", lambda w: w.times.resolve(None), "text", TYPE),  # type: ignore[arg-type]
    ("times.route(None, 'x')", lambda w: w.times.route(None, "x"), "origin", TYPE),  # type: ignore[arg-type]
    ("times.route('a', 5)", lambda w: w.times.route("a", 5), "destination", TYPE),  # type: ignore[arg-type]
    ("times.route(mode=3)", lambda w: w.times.route("a", "b", 3), "mode", TYPE),  # type: ignore[arg-type]
    ("times.minutes_from(3)", lambda w: w.times.minutes_from(3), "origin", TYPE),  # type: ignore[arg-type]
    ("times.minutes_from(cutoff='60')", lambda w: w.times.minutes_from("a", cutoff="60"),  # type: ignore[arg-type]
     "cutoff", TYPE),
    ("times.minutes_from(cutoff=-1)", lambda w: w.times.minutes_from("a", cutoff=-1), "cutoff", VALUE),
    ("times.minutes_from(mode=None)", lambda w: w.times.minutes_from("a", None, 60), "mode", TYPE),  # type: ignore[arg-type]
    ("times.trip_minutes(5, ...)", lambda w: w.times.trip_minutes(5, ["b"]), "origins", TYPE),  # type: ignore[arg-type]
    ("times.trip_minutes(..., 'b')", lambda w: w.times.trip_minutes(["a"], "b"), "destinations", TYPE),
    ("times.trip_minutes(mode=None)", lambda w: w.times.trip_minutes(["a"], ["b"], None),  # type: ignore[arg-type]
     "mode", TYPE),
    ("times.positions(['a', 'zeta'])", lambda w: w.times.positions(["a", "zeta"]), "ids", VALUE),
    ("times.train_minutes(batch_size=1.5)", lambda w: w.times.train_minutes(["a"], ["c"], batch_size=1.5),  # type: ignore[arg-type]
     "batch_size", TYPE),
    ("times.removals(5)", lambda w: w.times.removals(5), "remove", TYPE),  # type: ignore[arg-type]
    ("times.removals([None])", lambda w: w.times.removals([None]), "remove", TYPE),  # type: ignore[list-item]
    ("times.without(['a'])", lambda w: w.times.without(["a"]), "removals", TYPE),  # type: ignore[list-item]
    ("times.engine(3)", lambda w: w.times.engine(3), "mode", TYPE),  # type: ignore[arg-type]
    ("times.engine_without(blocked=list)", lambda w: w.times.engine_without("truck", [True]),  # type: ignore[arg-type]
     "blocked", TYPE),
    ("times.engine_without(blocked=short)", lambda w: w.times.engine_without("truck", np.zeros(1, dtype=bool)),
     "blocked", VALUE),
    ("nearest_by_category(None)", lambda w: nearest_by_category(None), "times", TYPE),  # type: ignore[arg-type]
    ("coverage(DataFrame)", lambda w: coverage(pd.DataFrame()), "query", TYPE),  # type: ignore[arg-type]
    ("supplier_minutes(query, 'a')", lambda w: supplier_minutes(w.query, "a"), "origins", TYPE),
    ("circles(None)", lambda w: circles(None), "found", TYPE),  # type: ignore[arg-type]
    ("found.of_kind('plants')", lambda w: w.found.of_kind("plants"), "kind", VALUE),
    ("locate(None)", lambda w: locate(None), "found", TYPE),  # type: ignore[arg-type]
    ("locate(query)", lambda w: locate(w.query), "found", TYPE),  # type: ignore[arg-type]
    ("locate(top='3')", lambda w: locate(w.found, top="3"), "top", TYPE),  # type: ignore[arg-type]
    ("locate(top=True)", lambda w: locate(w.found, top=True), "top", TYPE),
    ("locate(top=2.0)", lambda w: locate(w.found, top=2.0), "top", TYPE),  # type: ignore[arg-type]
    ("plant_set(found, '2')", lambda w: plant_set(w.found, "2"), "plants", TYPE),  # type: ignore[arg-type]
    ("plant_set(found, 0)", lambda w: plant_set(w.found, 0), "plants", VALUE),
    ("plant_set(exact_cells=-1)", lambda w: plant_set(w.found, 1, exact_cells=-1), "exact_cells", VALUE),
    ("p_center(list, 1)", lambda w: p_center([[0.0]], 1), "minutes", TYPE),  # type: ignore[arg-type]
    ("p_center(k=0)", lambda w: p_center(np.zeros((2, 2)), 0), "k", VALUE),
    ("chain_gaps(query)", lambda w: chain_gaps(w.query), "found", TYPE),  # type: ignore[arg-type]
    ("missing_links(None)", lambda w: missing_links(None), "found", TYPE),  # type: ignore[arg-type]
    ("disrupt(None, ...)", lambda w: disrupt(None, ["b"]), "query", TYPE),  # type: ignore[arg-type]
    ("disrupt(query, 5)", lambda w: disrupt(w.query, 5), "remove", TYPE),  # type: ignore[arg-type]
    ("disrupt(query, [None])", lambda w: disrupt(w.query, [None]), "remove", TYPE),  # type: ignore[list-item]
    ("impact(None)", lambda w: impact(None), "table", TYPE),  # type: ignore[arg-type]
    ("sweep(None)", lambda w: sweep(None), "query", TYPE),  # type: ignore[arg-type]
    ("sweep(progress=5)", lambda w: sweep(w.query, progress=5), "progress", TYPE),  # type: ignore[arg-type]
    ("sweep(kinds=None)", lambda w: sweep(w.query, kinds=None), "kinds", TYPE),  # type: ignore[arg-type]
    ("analyse(None)", lambda w: analyse(None), "query", TYPE),  # type: ignore[arg-type]
    ("analyse(plants_wanted=0)", lambda w: analyse(w.query, plants_wanted=0), "plants_wanted", VALUE),
    ("analyse(radius_km='600')", lambda w: analyse(w.query, radius_km="600"), "radius_km", TYPE),  # type: ignore[arg-type]
    ("analyse(remove=5)", lambda w: analyse(w.query, remove=5), "remove", TYPE),  # type: ignore[arg-type]
    ("reached_sites(query, 5)", lambda w: reached_sites(w.query, 5), "origin", TYPE),  # type: ignore[arg-type]
    ("reached_sites(None, 'a')", lambda w: reached_sites(None, "a"), "query", TYPE),  # type: ignore[arg-type]
    ("reach_bands(query, None)", lambda w: reach_bands(w.query, None), "origin", TYPE),  # type: ignore[arg-type]
    ("population_bands(query, 3)", lambda w: population_bands(w.query, 3), "origin", TYPE),  # type: ignore[arg-type]
    ("share_within(query, None)", lambda w: share_within(w.query, None), "origin", TYPE),  # type: ignore[arg-type]
    ("share_within(km='600')", lambda w: share_within(w.query, "a", km="600"), "km", TYPE),  # type: ignore[arg-type]
    ("share_within(km=-1)", lambda w: share_within(w.query, "a", km=-1), "km", VALUE),
    ("reached_from_many(query, 5)", lambda w: reached_from_many(w.query, 5), "origins", TYPE),  # type: ignore[arg-type]
    ("reach_drawing(None, 'a')", lambda w: reach_drawing(None, "a"), "query", TYPE),  # type: ignore[arg-type]
    ("reach_drawing(query, None)", lambda w: reach_drawing(w.query, None), "origin", TYPE),  # type: ignore[arg-type]
    ("circle_drawing(query, 'road:a-b')", lambda w: circle_drawing(w.query, "road:a-b"), "closed_links", TYPE),
    ("matrix_nodes(None)", lambda w: matrix_nodes(None), "times", TYPE),  # type: ignore[arg-type]
    ("matrix_nodes(between=None)", lambda w: matrix_nodes(w.times, None), "between", TYPE),  # type: ignore[arg-type]
    ("matrix_nodes(between='cities')", lambda w: matrix_nodes(w.times, "cities"), "between", VALUE),
    ("matrix_parts(None, ...)", lambda w: matrix_parts(None, "truck", ["a"]), "times", TYPE),  # type: ignore[arg-type]
    ("matrix_parts(mode=3)", lambda w: matrix_parts(w.times, 3, ["a"]), "mode", TYPE),  # type: ignore[arg-type]
    ("matrix_parts(minutes=None)", lambda w: matrix_parts(w.times, "truck", ["a"], minutes=None),  # type: ignore[arg-type]
     "minutes", TYPE),
    ("matrix_parts(batch_size='2')", lambda w: matrix_parts(w.times, "truck", ["a"], batch_size="2"),  # type: ignore[arg-type]
     "batch_size", TYPE),
    ("maps.reach_map(None)", lambda w: reach_map(None), "drawing", TYPE),  # type: ignore[arg-type]
    ("maps.reach_map(query)", lambda w: reach_map(w.query), "drawing", TYPE),  # type: ignore[arg-type]
    ("maps.reach_map(basemap='osm')", lambda w: reach_map(w.drawing, basemap="osm"),  # type: ignore[arg-type]
     "basemap", TYPE),
    ("maps.circle_map(None)", lambda w: circle_map(None), "results", TYPE),  # type: ignore[arg-type]
    ("maps.circle_map(found)", lambda w: circle_map(w.found), "results", TYPE),  # type: ignore[arg-type]
    ("output.assemble.render(None)", lambda w: render(None), "results", TYPE),  # type: ignore[arg-type]
    ("render(extra={'x': 1})", lambda w: render(w.results, {"x": 1}), "extra", TYPE),  # type: ignore[dict-item]
    ("render(extra=['x'])", lambda w: render(w.results, ["x"]), "extra", TYPE),  # type: ignore[arg-type]
]


def test_the_table_is_long_enough() -> None:
    assert len(MISUSES) >= 30
    assert len({name for name, *_ in MISUSES}) == len(MISUSES)


@pytest.mark.parametrize(("call", "parameter", "expected"), [m[1:] for m in MISUSES], ids=[m[0] for m in MISUSES])
def test_a_misuse_names_its_parameter(world: World, call: Call, parameter: str, expected: type[Exception]) -> None:
    with pytest.raises(ArgumentError) as caught:
        call(world)
    error = caught.value
    assert str(error).startswith(f"{parameter}: "), str(error)
    assert error.parameter == parameter
    assert isinstance(error, ValueError)
    if expected is TYPE:
        assert isinstance(error, ArgumentTypeError) and isinstance(error, TypeError), repr(error)
        assert ", not " in error.message, error.message  # says what it got
    else:
        assert not isinstance(error, TypeError), repr(error)


# --- the tester's cases ------------------------------------------------------------------------------------


def test_unknown_ids_are_refused_naming_the_parameter_and_the_first(world: World) -> None:
    with pytest.raises(ArgumentError, match=r"^destinations: unknown id 'zeta' \(and 1 more\); give place"):
        world.times.trip_minutes(["a"], ["b", "zeta", "omega"])
    with pytest.raises(ArgumentError, match=r"^origins: unknown id 'Alpha'"):  # a name is not an id
        world.times.trip_minutes(["Alpha"], ["b"])
    with pytest.raises(ArgumentError, match=r"^origins: unknown id None"):
        world.times.trip_minutes([None], ["b"])  # type: ignore[list-item]
    with pytest.raises(ArgumentError, match=r"^nodes: unknown id 'zeta'$"):
        matrix_parts(world.times, "truck", ["a", "zeta"])  # refused when called, before any batch
    with pytest.raises(ArgumentError, match=r"^origins: unknown id 'zeta'"):
        world.times.train_minutes(["zeta"], ["c"])
    with pytest.raises(ArgumentError, match=r"^ids: unknown id 'zeta'"):
        world.times.positions(np.array(["a", "zeta"]))


def test_a_str_is_not_a_sequence_of_ids(world: World) -> None:
    with pytest.raises(TypeError, match=r"^origins: must be a sequence of ids, not a str \(for one, give \['a'\]\)"):
        world.times.trip_minutes("a", ["b"])
    with pytest.raises(TypeError, match=r"^nodes: must be a sequence of ids, not a str"):
        matrix_parts(world.times, "truck", "abc")
    with pytest.raises(TypeError, match=r"^origins: must be a sequence of str, not a str \(for one, give \['a'\]\)"):
        reached_from_many(world.query, "a")
    with pytest.raises(TypeError, match=r"^kinds: must be a sequence of str, not a str"):
        sweep(world.query, kinds="place")
    # where one text is documented as one item, it stays one
    assert disrupt(world.query, "b").equals(disrupt(world.query, ["b"]))
    assert world.times.removals("b") == world.times.removals(["b"])


def test_ids_may_come_in_any_collection(world: World) -> None:
    expected = world.times.trip_minutes(["a", "b"], ["c", "d"])
    for origins in (("a", "b"), np.array(["a", "b"]), pd.Index(["a", "b"]), pd.Series(["a", "b"]), iter(["a", "b"])):
        assert np.array_equal(world.times.trip_minutes(origins, ["c", "d"]), expected)  # type: ignore[arg-type]
    assert world.times.trip_minutes([], ["c"]).shape == (0, 1)


@pytest.mark.parametrize("call", [
    lambda w: w.times.train_minutes(["a"], ["c"], batch_size=0),
    lambda w: matrix_parts(w.times, "truck", ["a", "b"], batch_size=0),
    lambda w: reached_from_many(w.query, ["a", "b"], batch_size=0),
    lambda w: reached_from_many(w.query, ["a"], batch_size=-3),
], ids=["train_minutes", "matrix_parts", "reached_from_many", "reached_from_many negative"])
def test_a_batch_size_below_1_is_refused(world: World, call: Call) -> None:
    with pytest.raises(ArgumentError, match=r"^batch_size: must be at least 1, not -?\d"):
        call(world)


def test_a_mistyped_sweep_kind_is_refused_listing_the_kinds(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = ", ".join(SWEEP_KINDS)
    with pytest.raises(ArgumentError, match=rf"^kinds: unknown kind 'segmnet'; use some of {listed}$"):
        sweep(world.query, kinds=["segmnet"])
    import hourcircle.analysis.run as run

    monkeypatch.setattr(run, "coverage", lambda query: pytest.fail("analyse worked before checking its kinds"))
    with pytest.raises(ArgumentError, match=rf"^kinds: unknown kind 'places'; use some of {listed}$"):
        analyse(world.query, kinds=("link", "places"))


def test_numpy_numbers_are_accepted_as_python_ones(world: World) -> None:
    found, times, query = world.found, world.times, world.query
    pd.testing.assert_frame_equal(locate(found, top=np.int64(2)), locate(found, top=2))
    pd.testing.assert_frame_equal(plant_set(found, np.int32(1)), plant_set(found, 1))
    assert np.array_equal(times.train_minutes(["a", "b"], ["c"], batch_size=np.int64(1)),
                          times.train_minutes(["a", "b"], ["c"]), equal_nan=True)
    numbered = [part for _, part in matrix_parts(times, "truck", ["a", "b", "c"], batch_size=np.uint8(2))]
    assert [part.shape for part in numbered] == [(2, 3), (1, 3)]
    pd.testing.assert_frame_equal(reached_from_many(query, ["a", "b"], batch_size=np.int64(1)),
                                  reached_from_many(query, ["a", "b"]))
    assert Query(times, hours=np.int64(3)).hours == 3.0 and type(Query(times, hours=np.float32(2.5)).hours) is float
    pd.testing.assert_frame_equal(share_within(query, "a", km=np.float64(100)), share_within(query, "a", km=100))
    assert p_center(np.array([[0.0, 5.0], [5.0, 0.0]]), np.int64(1)) == p_center(np.array([[0.0, 5.0], [5.0, 0.0]]), 1)
    pd.testing.assert_series_equal(times.minutes_from("a", cutoff=np.int64(120)), times.minutes_from("a", cutoff=120))


def test_a_type_error_is_caught_as_type_value_and_argument_error(world: World) -> None:
    for family in (TypeError, ValueError, ArgumentError, ArgumentTypeError):
        with pytest.raises(family, match=r"^top: must be an integer, not str$"):
            locate(world.found, top="2")  # type: ignore[arg-type]


def test_the_command_line_shows_a_type_error_with_its_flag() -> None:
    from hourcircle.cli import _messages

    assert _messages(ArgumentTypeError("batch_size", "must be an integer, not str")) == [
        "--batch-size: must be an integer, not str"]
