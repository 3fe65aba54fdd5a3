"""Searching again only the subtrees a change cuts: the same minutes as searching the whole changed network."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hourcircle import Query, TravelTimes, datasets
from hourcircle.analysis.damage import Baseline
from hourcircle.analysis.disrupt import disrupt, impact
from hourcircle.engine import Engine
from hourcircle.regrow import Forest

# 0 --10-- 1 --10-- 2 --5-- 3, a slow 0 --30-- 2, and 1 --4-- 4 --4-- 3 (a way round 2)
TAILS = np.array([0, 1, 2, 0, 1, 4])
HEADS = np.array([1, 2, 3, 2, 4, 3])
MINUTES = np.array([10.0, 10.0, 5.0, 30.0, 4.0, 4.0])
ALL = np.arange(5)


def test_hand_checked_closures() -> None:
    engine = Engine(TAILS, HEADS, MINUTES, 5)
    forest = Forest(engine, [0])
    assert forest.minutes(0, forest.change([], [], []), ALL).tolist() == [0.0, 10.0, 20.0, 18.0, 14.0]
    closed = forest.change([1], [4], [np.inf])  # 3 and 4 lose their way: 4 comes back by 3, from 2
    assert forest.minutes(0, closed, ALL).tolist() == [0.0, 10.0, 20.0, 25.0, 29.0]
    assert forest.minutes(0, closed, ALL, limit=26).tolist() == [0.0, 10.0, 20.0, 25.0, np.inf]
    slower = forest.change([0], [1], [25.0])  # 1-0 slower: all but 0 by 0-2 now
    assert forest.minutes(0, slower, ALL).tolist() == [0.0, 25.0, 30.0, 33.0, 29.0]
    both = forest.change([1, 2], [4, 3], [np.inf, np.inf])
    assert forest.minutes(0, both, ALL).tolist() == [0.0, 10.0, 20.0, np.inf, np.inf]
    apart = forest.change([1, 4], [2, 3], [np.inf, np.inf])  # two subtrees, {2} and {3}: both by 0-2
    assert forest.minutes(0, apart, ALL).tolist() == [0.0, 10.0, 30.0, 35.0, 14.0]


def test_a_change_off_the_tree_or_beyond_the_bound_searches_nothing() -> None:
    engine = Engine(TAILS, HEADS, MINUTES, 5)
    forest = Forest(engine, [0, 3], reach=[15.0, np.inf])
    off_tree = forest.change([0], [2], [np.inf])  # the slow 0-2 is on no fastest path from 0
    assert forest.minutes(0, off_tree, ALL).tolist() == [0.0, 10.0, 20.0, 18.0, 14.0]
    far = forest.change([4], [3], [np.inf])  # cuts 3 off 0's tree, beyond a bound of 15
    assert forest.minutes(0, far, ALL, limit=15).tolist() == [0.0, 10.0, np.inf, np.inf, 14.0]
    assert forest.minutes(0, far, ALL, limit=30).tolist() == [0.0, 10.0, 20.0, 25.0, 14.0]
    assert forest.minutes(1, far, ALL).tolist() == [25.0, 15.0, 5.0, 0.0, 19.0]  # from 3, all by 2 now


def test_a_cut_too_large_is_given_up_and_bad_changes_are_refused() -> None:
    forest = Forest(Engine(TAILS, HEADS, MINUTES, 5), [0])
    assert forest.minutes(0, forest.change([0], [1], [np.inf]), ALL, share=0.5) is None
    with pytest.raises(ValueError, match="slower"):
        forest.change([0], [1], [1.0])
    with pytest.raises(ValueError, match="has"):
        forest.change([0], [3], [np.inf])
    with pytest.raises(ValueError, match="undirected"):
        Forest(Engine(TAILS, HEADS, MINUTES, 5, directed=True), [0])


@st.composite
def changed_networks(draw: st.DrawFn) -> tuple[Engine, list[int], list[int], list[int], list[float], float | None]:
    n = draw(st.integers(2, 25))
    m = draw(st.integers(1, 3 * n))
    ends = st.integers(0, n - 1)
    tails = draw(st.lists(ends, min_size=m, max_size=m))
    heads = draw(st.lists(ends, min_size=m, max_size=m))
    minutes = draw(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.0, 2.5, 7.0, 10.0]) | st.floats(0, 50),
                            min_size=m, max_size=m))
    engine = Engine(tails, heads, minutes, n)
    origins = draw(st.lists(ends, min_size=1, max_size=3))
    edges = draw(st.lists(st.integers(0, m - 1), max_size=4))
    edges = list({frozenset((tails[e], heads[e])): e for e in edges}.values())  # one new value per pair of nodes
    extra = draw(st.lists(st.sampled_from([np.inf, 0.0, 0.1, 5.0]), min_size=len(edges), max_size=len(edges)))
    pairs = engine.adjacency()
    new = [float(pairs[tails[e], heads[e]]) + x for e, x in zip(edges, extra, strict=True)]  # slower or closed
    limit = draw(st.none() | st.floats(0, 60))
    return engine, origins, [tails[e] for e in edges], [heads[e] for e in edges], new, limit


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changed_networks(), st.floats(0, 80))
def test_the_same_minutes_as_searching_the_changed_network(case: tuple, reach: float) -> None:  # type: ignore[type-arg]
    engine, origins, tails, heads, new, limit = case
    forest = Forest(engine, origins, reach=[reach] * len(origins))
    change = forest.change(tails, heads, new)
    closed = engine.with_minutes(tails, heads, new)
    everyone = np.arange(engine.n_nodes)
    for k, origin in enumerate(origins):
        expected = closed.minutes_from(origin, limit)
        assert np.array_equal(forest.minutes(k, change, everyone, limit), expected)


@pytest.fixture(scope="module")
def delta() -> Baseline:
    return Baseline(Query(TravelTimes.for_scenario(datasets.bundled())))


def test_random_removals_on_the_delta_do_the_same_damage_as_whole_searches(delta: Baseline) -> None:
    candidates = delta.candidates()
    rng = np.random.default_rng(18)
    picked = [candidates[i] for i in sorted(rng.choice(len(candidates), 80, replace=False))]
    whole = Baseline(delta.query)
    whole.share = 0.0  # every cut searched on the whole changed network, as before subtrees
    for _, ident, _, removal in picked:
        assert delta.damage(removal) == whole.damage(removal), ident
    for _, ident, _, removal in picked[::8]:  # and against recomputing the circles from scratch
        found, reference = delta.damage(removal), impact(disrupt(delta.query, [removal]))
        assert (found.pairs_cut_off, found.pairs_over_budget, found.alternatives_lost) == (
            reference.pairs_cut_off, reference.pairs_over_budget, reference.alternatives_lost), ident
        assert found.minutes_added == pytest.approx(reference.minutes_added, abs=1e-6), ident
