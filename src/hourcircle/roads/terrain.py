"""Which roads run through mountains: the provinces whose land is mostly mountain and plateau.

An edge is *in the mountains* when the place nearest its middle lies in one of
:data:`MOUNTAIN_PROVINCES` (the south-western and north-western plateaus and ranges: Tibet,
Qinghai, Sichuan, Chongqing, Yunnan, Guizhou, Gansu). Expressways there are built for 80 km/h in
long stretches of tunnels, bridges and grades; the car profile's ``mountain_slowdown`` makes their
minutes per km longer (fitted by :mod:`hourcircle.calibration`).

Examples
--------
>>> places = pd.DataFrame({"province": ["Sichuan", "Jiangsu"], "lat": [30.6, 32.0], "lon": [104.1, 118.8]})
>>> in_mountains(np.array([30.5, 31.9]), np.array([104.0, 118.9]), places).tolist()
[True, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle.roads.arrays import Array, Snapper

MOUNTAIN_PROVINCES = frozenset({"Tibet", "Qinghai", "Sichuan", "Chongqing", "Yunnan", "Guizhou", "Gansu"})


def in_mountains(lat: Array, lon: Array, places: pd.DataFrame) -> NDArray[np.bool_]:
    """Whether each point's nearest place lies in a mountain province.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        The points (edge middles).
    places : pandas.DataFrame
        ``lat, lon`` and, optionally, ``province`` (without it nothing is in the mountains).

    Returns
    -------
    numpy.ndarray of bool
        One flag per point.
    """
    if "province" not in places or places.empty or not len(lat):
        return np.zeros(len(lat), dtype=bool)
    mountain = places["province"].isin(MOUNTAIN_PROVINCES).to_numpy(dtype=bool)
    nearest, _ = Snapper(places["lat"].to_numpy(dtype=np.float64),
                         places["lon"].to_numpy(dtype=np.float64)).nearest(lat, lon)
    return np.asarray(mountain[nearest], dtype=bool)
