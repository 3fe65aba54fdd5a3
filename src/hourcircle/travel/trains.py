"""Minutes in trains on the fastest rail routes: what timetables publish.

A trip's station, boarding, feeder and access minutes are left out (see
:meth:`hourcircle.travel.route.Route.parts`). Shortest-path trees are searched once per origin
and summed along in compiled code (:func:`hourcircle.engine.path_sums`).

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> bool(50 < times.train_minutes(["shanghai"], ["nanjing"])[0, 0] < 90)
True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hourcircle.engine import Engine, path_sums
from hourcircle.network import RIDE_KINDS
from hourcircle.travel.edges import EdgeIndex


def train_minutes(engine: Engine, edges: EdgeIndex, kinds: NDArray[np.object_], boarding: float,
                  rows: NDArray[np.int64], columns: NDArray[np.int64], *,
                  batch_size: int = 64) -> NDArray[np.float64]:
    """Minutes in trains along the fastest rail route from each origin to each destination.

    Parameters
    ----------
    engine : Engine
        The rail profile's engine.
    edges : EdgeIndex
        The network's edges by profile.
    kinds : numpy.ndarray
        Each network edge's kind (``rail``, ``rail_estimate``, ``road`` ...).
    boarding : float
        The boarding minutes each train's edge carries (not time in the train).
    rows, columns : numpy.ndarray of int
        Origin and destination node positions.
    batch_size : int, default 64
        Origins searched at once (memory: two floats per node and origin).

    Returns
    -------
    numpy.ndarray
        Origins by destinations; ``nan`` where there is no rail route.
    """
    arrays = edges.arrays("rail")
    in_train = np.where(np.isin(kinds[arrays.rows], RIDE_KINDS), arrays.minutes - boarding, 0.0)
    value_of_row = np.zeros(len(kinds))
    value_of_row[arrays.rows] = in_train
    found = np.full((len(rows), len(columns)), np.nan)
    for start in range(0, len(rows), batch_size):
        dist, before = engine.trees(rows[start:start + batch_size])
        values = np.zeros(before.shape)
        has = before >= 0
        heads = np.broadcast_to(np.arange(before.shape[1]), before.shape)
        values[has] = value_of_row[edges.between(before[has], heads[has], "rail")]
        sums = path_sums(before, values)[:, columns]
        found[start:start + batch_size] = np.where(np.isfinite(dist[:, columns]), sums, np.nan)
    return found
