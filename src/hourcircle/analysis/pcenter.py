"""The p-center problem on a minutes matrix: ``k`` columns whose farthest row is nearest.

A pure function of the matrix (as spopt's ``PCenter.from_cost_matrix``): a heuristic (greedy
set covers over the radii and farthest-first starts, improved by swaps), a proven lower bound
beside it, and an exact search (set-cover models solved with PuLP's CBC) where the model is
small enough. :func:`~hourcircle.analysis.locate.plant_set` puts it to work on places.

Examples
--------
>>> m = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])
>>> p_center(m, 2).radius_minutes
4.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.analysis.solver import solve
from hourcircle.errors import ArgumentError

EXACT_CELLS = 250_000  # rows x columns up to which p_center proves its optimum
STARTS = 8  # farthest-first starts of the swap search, beside the greedy cover


def _greedy_cover(cover: NDArray[np.bool_], k: int) -> list[int] | None:
    """At most ``k`` candidates (columns) reaching every row, chosen greedily; ``None`` if greedy needs more."""
    uncovered = np.ones(cover.shape[0], dtype=bool)
    chosen: list[int] = []
    while uncovered.any():
        gains = cover[uncovered].sum(axis=0)
        best = int(np.argmax(gains))
        if len(chosen) == k or gains[best] == 0:
            return None
        chosen.append(best)
        uncovered &= ~cover[:, best]
    return chosen


def _cannot_cover(cover: NDArray[np.bool_], k: int) -> bool:
    """True only if ``k`` candidates certainly cannot reach every row: a proof, not a guess.

    More than ``k`` rows of which no two share a candidate that reaches both need more than
    ``k`` candidates. Such rows are gathered greedily, those with the fewest candidates first.
    """
    reach = cover.sum(axis=1)
    if (reach == 0).any():
        return True
    remaining = np.ones(cover.shape[0], dtype=bool)
    for found in range(1, k + 2):
        row = int(np.argmin(np.where(remaining, reach, np.iinfo(reach.dtype).max)))
        if found > k:
            return True
        remaining &= ~cover[:, cover[row]].any(axis=1)
        if not remaining.any():
            return False
    return False


def _exact_cover(cover: NDArray[np.bool_], k: int) -> list[int] | None:
    """At most ``k`` candidates reaching every row, by integer programming (PuLP's CBC); ``None`` if none."""
    import pulp

    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    open_ = [problem.add_variable(f"y{j}", cat="Binary") for j in range(cover.shape[1])]
    problem += pulp.lpSum(open_)
    problem += pulp.lpSum(open_) <= k
    for row in cover:
        problem += pulp.lpSum(open_[j] for j in np.flatnonzero(row)) >= 1
    if not solve(problem):
        return None
    return [j for j, v in enumerate(open_) if round(v.value() or 0) == 1]


def _smallest(radii: NDArray[np.float64], feasible: Callable[[float], object], low: int, high: int) -> int:
    """The first index in ``[low, high]`` whose radius ``feasible`` accepts (``high + 1`` if none)."""
    while low <= high:
        middle = (low + high) // 2
        if feasible(float(radii[middle])):
            high = middle - 1
        else:
            low = middle + 1
    return low


def _swapped(minutes: NDArray[np.float64], chosen: list[int]) -> list[int]:
    """``chosen`` improved by swaps: one plant for another candidate, while the farthest place comes nearer.

    For each chosen plant, only the places that no other chosen plant reaches within the
    current radius can hold the radius up; the candidate that serves those best is tried.
    """
    chosen = list(chosen)
    radius = float(minutes[:, chosen].min(axis=1).max())
    improved = True
    while improved:
        improved = False
        for position in range(len(chosen)):
            others = chosen[:position] + chosen[position + 1:]
            rest = minutes[:, others].min(axis=1) if others else np.full(len(minutes), np.inf)
            holding = rest >= radius  # the places that only this plant serves within the radius
            if not holding.any():
                continue
            worst = np.minimum(rest[holding, None], minutes[holding]).max(axis=0)
            worst[chosen] = np.inf
            candidate = int(np.argmin(worst))
            if worst[candidate] < radius:
                trial = float(np.minimum(rest, minutes[:, candidate]).max())
                if trial < radius:
                    chosen[position], radius, improved = candidate, trial, True
    return chosen


def _padded(minutes: NDArray[np.float64], chosen: list[int], k: int) -> list[int]:
    """``chosen`` and, up to ``k``, the candidate nearest the row farthest from those chosen, in turn."""
    chosen = list(chosen)
    while len(chosen) < min(k, minutes.shape[1]):
        far = int(np.argmax(minutes[:, chosen].min(axis=1)))
        order = [j for j in np.argsort(minutes[far], kind="stable") if j not in chosen]
        chosen.append(int(order[0]))
    return chosen


class PCenter(NamedTuple):
    """A p-center solution over a minutes matrix (see :func:`p_center`).

    Parameters
    ----------
    chosen : list of int
        The chosen candidates (columns), ``k`` of them.
    radius_minutes : float
        The farthest demand point from its nearest chosen candidate.
    lower_minutes : float
        A proven lower bound on the best radius (the radius itself when ``method`` is ``exact``).
    method : {"exact", "heuristic"}
        Whether the optimum was proven.
    """

    chosen: list[int]
    radius_minutes: float
    lower_minutes: float
    method: str


def p_center(minutes: NDArray[np.float64], k: int, *, exact_cells: int = EXACT_CELLS) -> PCenter | None:
    """The p-center problem on a cost matrix: ``k`` columns whose farthest row is nearest.

    A pure function of the matrix (as spopt's ``PCenter.from_cost_matrix``): a greedy set cover
    searched over the radii and farthest-first choices, each improved by swapping, give a
    solution; a packing of rows no two of which one column reaches within a radius proves a
    lower bound; up to ``exact_cells`` cells, set-cover models solved with PuLP's CBC close
    the gap.

    Parameters
    ----------
    minutes : numpy.ndarray
        Demand points (rows) by candidates (columns); ``inf`` where a candidate cannot serve.
    k : int
        How many candidates to choose (at most the columns).
    exact_cells : int, default 250000
        Solve exactly up to this many cells.

    Returns
    -------
    PCenter or None
        The solution, or ``None`` if no ``k`` candidates serve every row.

    Raises
    ------
    ArgumentError
        (parameter ``minutes``, ``k`` or ``exact_cells``) for a matrix that is not a
        two-dimensional numpy array, or counts that are not integers (``k`` at least 1).

    Examples
    --------
    >>> m = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])
    >>> p_center(m, 1)
    PCenter(chosen=[1], radius_minutes=5.0, lower_minutes=5.0, method='exact')
    """
    check.instance("minutes", minutes, np.ndarray, what="a two-dimensional numpy array")
    if minutes.ndim != 2:
        raise ArgumentError("minutes", f"must be a two-dimensional numpy array, not {minutes.ndim}-dimensional")
    k, exact_cells = check.count("k", k), check.count("exact_cells", exact_cells, minimum=0)
    radii = np.unique(minutes[np.isfinite(minutes)])
    last = len(radii) - 1
    upper = _smallest(radii, lambda r: _greedy_cover(minutes <= r, k) is not None, 0, last)
    if upper > last:
        return None
    starts = [_padded(minutes, _greedy_cover(minutes <= radii[upper], k) or [], k)]
    starts += [_padded(minutes, [int(first)], k)  # farthest-first from spread-out first plants
               for first in np.linspace(0, minutes.shape[1] - 1, STARTS, dtype=np.int64)]
    chosen = min((_swapped(minutes, start) for start in starts),
                 key=lambda c: float(minutes[:, c].min(axis=1).max()))
    upper = int(np.searchsorted(radii, minutes[:, chosen].min(axis=1).max()))
    certified = _smallest(radii, lambda r: not _cannot_cover(minutes <= r, k), 0, upper) - 1
    lower, method = certified + 1, "heuristic"
    if minutes.size <= exact_cells:
        exact = _smallest(radii, lambda r: _exact_cover(minutes <= r, k) is not None, lower, upper)
        chosen, lower, method = _exact_cover(minutes <= radii[exact], k) or chosen, exact, "exact"
    chosen = _padded(minutes, chosen, k)
    return PCenter(chosen, float(minutes[:, chosen].min(axis=1).max()), float(radii[lower]), method)
