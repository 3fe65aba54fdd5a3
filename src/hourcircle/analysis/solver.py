"""Small integer programmes solved with PuLP's CBC, quietly and without leftovers.

The siting models (:mod:`~hourcircle.analysis.pcenter`, :mod:`~hourcircle.analysis.objectives`)
build a :class:`pulp.LpProblem` and hand it here: the solver runs with signals held (Ctrl-C waits
for it, so no run of it outlives us) in a temporary folder that always goes.

Examples
--------
>>> import pulp
>>> problem = pulp.LpProblem("toy", pulp.LpMaximize)
>>> x = problem.add_variable("x", cat="Binary")
>>> problem += x
>>> solve(problem), x.value()
(True, 1.0)
"""

from __future__ import annotations

import tempfile
import warnings
from typing import TYPE_CHECKING

from hourcircle.atomic import signals_held

if TYPE_CHECKING:
    import pulp


def solve(problem: pulp.LpProblem) -> bool:
    """Solve ``problem`` with CBC; True if an optimum was found.

    Parameters
    ----------
    problem : pulp.LpProblem
        A model small enough to solve in seconds.

    Returns
    -------
    bool
        Whether the status is optimal (the variables then hold the solution).
    """
    import pulp

    with signals_held(), tempfile.TemporaryDirectory(prefix="hourcircle-cbc-") as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PuLP 3.3 announces that 4.0 will ship CBC apart
        solver = pulp.PULP_CBC_CMD(msg=False)
        solver.tmpDir = folder  # the solver's files go with the folder, even on Ctrl-C
        status = problem.solve(solver)
    return bool(status == pulp.LpStatusOptimal)
