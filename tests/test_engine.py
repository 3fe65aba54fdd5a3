"""The compiled engine: hand-checked answers and laws that must hold on any network."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hourcircle.engine import Engine

# 0 --10-- 1 --5-- 2 --6-- 3, with a slow 0 --20-- 2 and a parallel faster 1 --4-- 2
TAILS = [0, 1, 0, 2, 1]
HEADS = [1, 2, 2, 3, 2]
MINUTES = [10.0, 5.0, 20.0, 6.0, 4.0]


def test_hand_checked_minutes_and_route() -> None:
    engine = Engine(TAILS, HEADS, MINUTES, 5)
    assert engine.minutes_from(0).tolist() == [0.0, 10.0, 14.0, 20.0, np.inf]
    assert engine.minutes_from(3).tolist() == [20.0, 10.0, 6.0, 0.0, np.inf]
    assert engine.minutes_from(0, cutoff=15).tolist() == [0.0, 10.0, 14.0, np.inf, np.inf]
    assert engine.route(0, 3) == (20.0, [0, 1, 2, 3])
    assert engine.route(0, 4) is None


def test_nearest_of_a_group_names_the_source() -> None:
    engine = Engine(TAILS, HEADS, MINUTES, 5)
    minutes, which = engine.nearest([0, 3])
    assert minutes.tolist() == [0.0, 10.0, 6.0, 0.0, np.inf]
    assert which.tolist() == [0, 0, 3, 3, -1]
    minutes, which = engine.nearest([], cutoff=5)
    assert np.isinf(minutes).all() and (which == -1).all()


def test_directed_edges_and_travel_toward_sources() -> None:
    engine = Engine([0, 1], [1, 2], [1.0, 2.0], 3, directed=True)
    assert engine.minutes_from(2).tolist() == [np.inf, np.inf, 0.0]
    minutes, _ = engine.nearest([2])  # minutes *to* node 2
    assert minutes.tolist() == [3.0, 2.0, 0.0]


def test_zero_minute_edges_are_edges() -> None:
    engine = Engine([0], [1], [0.0], 2)
    assert engine.minutes_from(0).tolist() == [0.0, 0.0]


def test_matrix_in_batches_equals_one_batch() -> None:
    engine = Engine(TAILS, HEADS, MINUTES, 5)
    whole = engine.matrix_minutes([0, 1, 2, 3], [3, 0])
    assert np.array_equal(whole, engine.matrix_minutes([0, 1, 2, 3], [3, 0], batch=1))
    assert whole.tolist() == [[20.0, 0.0], [10.0, 10.0], [6.0, 14.0], [0.0, 20.0]]


def test_the_engine_matches_networkx() -> None:
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(TAILS, HEADS, MINUTES, strict=True), weight="minutes")
    graph.add_node(4)
    engine = Engine(TAILS, HEADS, MINUTES, 5)
    expected = nx.single_source_dijkstra_path_length(graph, 0, weight="minutes")
    assert {i: m for i, m in enumerate(engine.minutes_from(0)) if np.isfinite(m)} == expected


@pytest.mark.parametrize("bad", [
    dict(tails=[0], heads=[5], minutes=[1.0]),
    dict(tails=[0], heads=[1], minutes=[-1.0]),
    dict(tails=[0], heads=[1], minutes=[np.nan]),
    dict(tails=[0, 1], heads=[1], minutes=[1.0]),
])
def test_bad_arrays_are_refused(bad: dict[str, list[float]]) -> None:
    with pytest.raises(ValueError):
        Engine(bad["tails"], bad["heads"], bad["minutes"], 2)


@st.composite
def networks(draw: st.DrawFn) -> tuple[int, list[int], list[int], list[float]]:
    n = draw(st.integers(2, 12))
    m = draw(st.integers(1, 30))
    tails = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    heads = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    minutes = draw(st.lists(st.floats(0.5, 100, allow_nan=False), min_size=m, max_size=m))
    return n, tails, heads, minutes


@settings(max_examples=150, deadline=None)
@given(networks())
def test_undirected_times_are_symmetric_and_obey_the_triangle_inequality(
        net: tuple[int, list[int], list[int], list[float]]) -> None:
    n, tails, heads, minutes = net
    times = Engine(tails, heads, minutes, n).matrix_minutes(range(n))
    assert np.allclose(times, times.T, rtol=1e-12, atol=1e-9)
    with np.errstate(invalid="ignore"):
        via = times[:, :, None] + times[None, :, :]  # i -> j -> k
    assert np.all(times[:, None, :] <= via + 1e-9)


@settings(max_examples=150, deadline=None)
@given(networks(), st.data())
def test_removing_a_link_never_makes_a_trip_shorter(net: tuple[int, list[int], list[int], list[float]],
                                                    data: st.DataObject) -> None:
    n, tails, heads, minutes = net
    drop = data.draw(st.integers(0, len(tails) - 1))
    keep = [i for i in range(len(tails)) if i != drop]
    before = Engine(tails, heads, minutes, n).matrix_minutes(range(n))
    after = Engine([tails[i] for i in keep], [heads[i] for i in keep], [minutes[i] for i in keep], n)
    assert np.all(after.matrix_minutes(range(n)) >= before)


@settings(max_examples=150, deadline=None)
@given(networks(), st.floats(1, 100), st.floats(1, 100))
def test_reach_grows_with_the_budget(net: tuple[int, list[int], list[int], list[float]],
                                     h1: float, h2: float) -> None:
    n, tails, heads, minutes = net
    low, high = sorted((h1, h2))
    engine = Engine(tails, heads, minutes, n)
    reached_low = set(np.flatnonzero(np.isfinite(engine.minutes_from(0, cutoff=low))))
    reached_high = set(np.flatnonzero(np.isfinite(engine.minutes_from(0, cutoff=high))))
    assert reached_low <= reached_high


@settings(max_examples=100, deadline=None)
@given(networks())
def test_nearest_equals_the_minimum_over_sources(net: tuple[int, list[int], list[int], list[float]]) -> None:
    n, tails, heads, minutes = net
    engine = Engine(tails, heads, minutes, n)
    sources = list(range(0, n, 3))
    nearest, which = engine.nearest(sources)
    full = engine.matrix_minutes(sources)
    assert np.allclose(nearest, full.min(axis=0))
    found = which >= 0
    assert np.allclose(full[[sources.index(s) for s in which[found]], np.flatnonzero(found)], nearest[found])


@settings(max_examples=100, deadline=None)
@given(networks(), st.booleans())
def test_internal_reordering_changes_no_answer(net: tuple[int, list[int], list[int], list[float]],
                                               directed: bool) -> None:
    n, tails, heads, minutes = net
    plain = Engine(tails, heads, minutes, n, directed=directed, reorder=False)
    ordered = Engine(tails, heads, minutes, n, directed=directed)
    assert np.array_equal(plain.matrix_minutes(range(n)), ordered.matrix_minutes(range(n)))
    sources = list(range(0, n, 2))
    assert np.array_equal(plain.nearest(sources)[0], ordered.nearest(sources)[0])
    minutes_to, which = ordered.nearest(sources)  # toward the nearest source
    for node in np.flatnonzero(which >= 0):
        assert ordered.minutes_from(int(node))[which[node]] == pytest.approx(minutes_to[node])
    found = ordered.route(0, n - 1)
    expected = plain.route(0, n - 1)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert found[0] == pytest.approx(expected[0])
        assert found[1][0] == 0 and found[1][-1] == n - 1
