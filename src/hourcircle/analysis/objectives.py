"""Two siting objectives beside the p-center, as pure functions of a minutes matrix.

Both follow the definitions of PySAL's spopt (``MCLP`` and ``PMedian``, ``from_cost_matrix``),
with rows the demand points (weights ``a_i``), columns the candidates and ``d_ij`` minutes:

- :func:`max_cover`, the maximal covering location problem (Church and ReVelle, 1974):
  choose ``k`` candidates that cover the most weight, a row being covered when a chosen
  candidate lies within ``radius`` of it. Maximise ``sum a_i z_i`` subject to
  ``z_i <= sum_{j: d_ij <= radius} y_j`` and ``sum y_j = k``.
- :func:`p_median`, the p-median problem (Hakimi, 1964): choose ``k`` candidates so that the
  weighted mean of each row's minutes to its nearest chosen candidate is least. Minimise
  ``sum a_i d_ij x_ij`` subject to ``sum_j x_ij = 1``, ``x_ij <= y_j`` and ``sum y_j = k``.

A greedy choice improved by swapping one candidate at a time (Teitz and Bart, 1968) answers
first. Up to ``exact_cells`` cells, PuLP's CBC then solves the model exactly (``y`` binary;
``z`` and ``x`` may stay continuous, as an optimum takes them whole). The p-median also gets a
proven lower bound, the best of a Lagrangian relaxation of its assignment constraints (the
multipliers found by subgradient steps), and a second start, the best choice those steps
meet, improved by the same swaps: where an answer reaches the bound it is proven without the
integer programme; beyond ``exact_cells`` the answer is marked ``heuristic``, the bound
beside it.

Examples
--------
>>> m = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])
>>> max_cover(m, np.array([1.0, 1.0, 5.0]), 1, radius=5.0)  # column 1 reaches every row within 5
Siting(chosen=[1], value=7.0, lower=7.0, method='exact')
>>> p_median(m, np.array([1.0, 1.0, 5.0]), 1)  # column 2: (9 + 4 + 0) / 7
Siting(chosen=[2], value=1.8571428571428572, lower=1.8571428571428572, method='exact')
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.pcenter import EXACT_CELLS
from hourcircle.analysis.solver import solve
from hourcircle.errors import ArgumentError

MEDIAN_EXACT_CELLS = 20_000  # cells up to which p_median runs its integer programme (60k cells: about a minute)
BOUND_STEPS = 300  # subgradient steps of the p-median's Lagrangian bound


class Siting(NamedTuple):
    """A solution of :func:`max_cover` or :func:`p_median`.

    Parameters
    ----------
    chosen : list of int
        The chosen candidates (columns), ``k`` of them.
    value : float
        The weight covered (:func:`max_cover`) or the weighted mean minutes (:func:`p_median`).
    lower : float
        The p-median's proven lower bound on the best mean (the value itself when ``method`` is
        ``exact``); a covering's value when exact, else NaN.
    method : {"exact", "heuristic"}
        Whether the optimum was proven.
    """

    chosen: list[int]
    value: float
    lower: float
    method: str


def _checked(minutes: object, weights: object, k: object, exact_cells: object) -> tuple[
        NDArray[np.float64], NDArray[np.float64], int, int]:
    check.instance("minutes", minutes, np.ndarray, what="a two-dimensional numpy array")
    assert isinstance(minutes, np.ndarray)
    if minutes.ndim != 2:
        raise ArgumentError("minutes", f"must be a two-dimensional numpy array, not {minutes.ndim}-dimensional")
    check.instance("weights", weights, np.ndarray, what="a one-dimensional numpy array")
    assert isinstance(weights, np.ndarray)
    if weights.shape != (minutes.shape[0],) or not (np.isfinite(weights) & (weights >= 0)).all():
        raise ArgumentError("weights", f"must be {minutes.shape[0]} finite numbers of at least 0, one per row")
    k, exact_cells = check.count("k", k), check.count("exact_cells", exact_cells, minimum=0)
    if k > minutes.shape[1]:
        raise ArgumentError("k", f"asks for {k} candidates, but there are {minutes.shape[1]}")
    return minutes.astype(float), weights.astype(float), k, exact_cells


def _swap(cost: NDArray[np.float64], chosen: list[int], score: NDArray[np.float64]) -> list[int]:
    """``chosen`` improved by one-for-one swaps while the total ``score`` of each row's best falls.

    ``cost`` is rows by candidates, lower better; ``score`` weighs the rows.
    """
    chosen = list(chosen)
    total = float(score @ cost[:, chosen].min(axis=1))
    improved = True
    while improved:
        improved = False
        for position in range(len(chosen)):
            others = chosen[:position] + chosen[position + 1:]
            rest = cost[:, others].min(axis=1) if others else np.full(len(cost), np.inf)
            with np.errstate(invalid="ignore"):
                trial = np.nan_to_num(score @ np.minimum(rest[:, None], cost), nan=np.inf)
            trial[chosen] = np.inf
            best = int(np.argmin(trial))
            if trial[best] < total - 1e-9 * max(1.0, abs(total)):
                chosen[position], total, improved = best, float(trial[best]), True
    return chosen


def _greedy(cost: NDArray[np.float64], score: NDArray[np.float64], k: int) -> list[int]:
    """``k`` candidates added one at a time, each lowering the total ``score`` of each row's best the most."""
    chosen: list[int] = []
    best = np.full(len(cost), np.inf)
    for _ in range(k):
        with np.errstate(invalid="ignore"):
            trial = np.nan_to_num(score @ np.minimum(best[:, None], cost), nan=np.inf)
        trial[chosen] = np.inf
        pick = int(np.argmin(trial))
        chosen.append(pick)
        best = np.minimum(best, cost[:, pick])
    return chosen


def max_cover(minutes: NDArray[np.float64], weights: NDArray[np.float64], k: int, *, radius: float,
              exact_cells: int = EXACT_CELLS) -> Siting:
    """The maximal covering location problem: ``k`` columns covering the most row weight within ``radius``.

    Parameters
    ----------
    minutes : numpy.ndarray
        Demand points (rows) by candidates (columns); ``inf`` where a candidate cannot serve.
    weights : numpy.ndarray
        One weight of at least 0 per row (people, say).
    k : int
        How many candidates to choose (at most the columns).
    radius : float
        A row is covered when a chosen candidate is at most this far.
    exact_cells : int, default 250000
        Solve exactly up to this many cells.

    Returns
    -------
    Siting
        ``value`` is the weight covered.

    Raises
    ------
    ArgumentError
        (parameter ``minutes``, ``weights``, ``k``, ``radius`` or ``exact_cells``) for a matrix
        that is not a two-dimensional numpy array, weights that are not one finite number of at
        least 0 per row, ``k`` not a count up to the columns, a radius that is not a number of
        at least 0.
    """
    minutes, weights, k, exact_cells = _checked(minutes, weights, k, exact_cells)
    radius = check.number("radius", radius, at_least=0, what="a number of minutes of at least 0")
    cover = minutes <= radius
    chosen = _swap(np.where(cover, 0.0, 1.0), _greedy(np.where(cover, 0.0, 1.0), weights, k), weights)
    method = "heuristic"
    if minutes.size <= exact_cells:
        import pulp

        problem = pulp.LpProblem("max_cover", pulp.LpMaximize)
        open_ = [problem.add_variable(f"y{j}", cat="Binary") for j in range(cover.shape[1])]
        rows = [i for i in range(len(cover)) if weights[i] > 0 and cover[i].any()]
        covered = {i: problem.add_variable(f"z{i}", lowBound=0, upBound=1) for i in rows}
        problem += pulp.lpSum(weights[i] * covered[i] for i in rows)
        problem += pulp.lpSum(open_) == k
        for i in rows:
            problem += covered[i] <= pulp.lpSum(open_[j] for j in np.flatnonzero(cover[i]))
        if solve(problem):
            chosen, method = [j for j, v in enumerate(open_) if round(v.value() or 0) == 1], "exact"
    value = float(weights @ cover[:, chosen].any(axis=1))
    return Siting(chosen, value, value if method == "exact" else np.nan, method)


def _median_bound(cost: NDArray[np.float64], score: NDArray[np.float64], k: int, upper: float,
                  steps: int = BOUND_STEPS) -> tuple[float, list[int]]:
    """A lower bound on the p-median's least total ``score @ cost``, and the best choice met on the way.

    A Lagrangian relaxation: with a multiplier ``u_i`` on each row's assignment, ``sum_i u_i``
    plus the ``k`` most negative ``sum_i min(0, a_i d_ij - u_i)`` bounds the optimum from below,
    whatever ``u``; subgradient steps raise it. The ``k`` columns each step picks are a choice
    too: the best of them is returned, for the swaps to start from.
    """
    weighted = score[:, None] * cost  # inf where a candidate cannot serve: it then adds nothing
    u = np.sort(weighted, axis=1)[:, min(1, cost.shape[1] - 1)]
    u = np.where(np.isfinite(u), u, weighted.min(axis=1))
    best, theta, stalled = -np.inf, 2.0, 0
    found: list[int] = []
    reduced = np.empty_like(weighted)
    for _ in range(steps):
        np.subtract(weighted, u[:, None], out=reduced)
        gains = np.minimum(reduced, 0.0, out=reduced).sum(axis=0)
        chosen = np.argsort(gains, kind="stable")[:k]
        total = float(score @ cost[:, chosen].min(axis=1))
        if total < upper or not found:
            upper, found = min(upper, total), [int(j) for j in chosen]
        bound = float(u.sum() + gains[chosen].sum())
        if bound > best + 1e-12 * abs(bound):
            best, stalled = bound, 0
        else:
            stalled += 1
            if stalled >= 10:
                theta, stalled = theta / 2, 0
        step = 1.0 - (weighted[:, chosen] < u[:, None]).sum(axis=1)
        norm = float(step @ step)
        if norm == 0 or upper - best <= 1e-9 * max(1.0, abs(upper)) or theta < 1e-6:
            break
        u = u + theta * (upper - bound) / norm * step
    return best, found


def p_median(minutes: NDArray[np.float64], weights: NDArray[np.float64], k: int, *,
             exact_cells: int = MEDIAN_EXACT_CELLS) -> Siting | None:
    """The p-median problem: ``k`` columns with the least weighted mean minutes from each row to its nearest.

    Parameters
    ----------
    minutes : numpy.ndarray
        Demand points (rows) by candidates (columns); ``inf`` where a candidate cannot serve.
    weights : numpy.ndarray
        One weight of at least 0 per row (people, say), not all 0.
    k : int
        How many candidates to choose (at most the columns).
    exact_cells : int, default 20000
        Solve the integer programme up to this many cells (of rows of positive weight), where
        the bound has not already proven the swaps' answer.

    Returns
    -------
    Siting or None
        ``value`` is the weighted mean minutes, ``lower`` the proven bound on the best;
        ``None`` if no ``k`` candidates reach every row of positive weight.

    Raises
    ------
    ArgumentError
        (parameter ``minutes``, ``weights``, ``k`` or ``exact_cells``) as :func:`max_cover`, and
        for weights that are all 0.
    """
    minutes, weights, k, exact_cells = _checked(minutes, weights, k, exact_cells)
    if not weights.sum() > 0:
        raise ArgumentError("weights", "are all 0: nothing to weigh the mean by")
    demand = np.flatnonzero(weights > 0)
    cost, score = minutes[demand], weights[demand]
    chosen = _swap(cost, _greedy(cost, score, k), score)
    total = float(score @ cost[:, chosen].min(axis=1))
    if not np.isfinite(total):
        return None  # some row has no chosen candidate within reach; then no choice serves every row
    lower, start = _median_bound(cost, score, k, total)
    guided = _swap(cost, start, score)
    if float(score @ cost[:, guided].min(axis=1)) < total:
        chosen, total = guided, float(score @ cost[:, guided].min(axis=1))
    lower, method = min(lower, total), "heuristic"
    if total <= lower + 1e-9 * max(1.0, total):
        method = "exact"  # the bound proves the swaps' answer
    elif cost.size <= exact_cells:
        import pulp

        problem = pulp.LpProblem("p_median", pulp.LpMinimize)
        open_ = [problem.add_variable(f"y{j}", cat="Binary") for j in range(cost.shape[1])]
        assign = {(i, j): problem.add_variable(f"x{i}_{j}", lowBound=0, upBound=1)
                  for i in range(len(cost)) for j in np.flatnonzero(np.isfinite(cost[i]))}
        problem += pulp.lpSum(score[i] * cost[i, j] * x for (i, j), x in assign.items())
        problem += pulp.lpSum(open_) == k
        for i in range(len(cost)):
            problem += pulp.lpSum(assign[i, j] for j in np.flatnonzero(np.isfinite(cost[i]))) == 1
        for (_, j), x in assign.items():
            problem += x <= open_[j]
        if solve(problem):
            chosen, method = [j for j, v in enumerate(open_) if round(v.value() or 0) == 1], "exact"
            total = lower = float(score @ cost[:, chosen].min(axis=1))
    people = score.sum()
    return Siting(chosen, float(total / people), float((total if method == "exact" else lower) / people), method)
