"""Network minutes from origins to every place and site, searched once per origin and profile.

Analyses ask again and again of the same origins (plants, places); the memo searches each
once. Road nodes are not remembered, so memory stays at one row of places and sites per origin.

Examples
--------
>>> import numpy as np
>>> from hourcircle.engine import Engine
>>> engine = Engine(np.array([0, 1]), np.array([1, 2]), np.array([5.0, 7.0]), 3)
>>> memo = EndpointMinutes(np.array([True, False, True]), lambda mode: engine)
>>> memo.rows(np.array([0]), "truck").tolist()
[[0.0, 12.0]]
>>> memo.column.tolist()
[0, -1, 1]
>>> memo.has(np.array([0]), "truck"), memo.has(np.array([2]), "truck")
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from hourcircle.engine import Engine
from hourcircle.memory import ensure_fits
from hourcircle.profiles import ProfileName


class EndpointMinutes:
    """Rows of network minutes to the endpoints (places and sites), kept once searched.

    Parameters
    ----------
    is_endpoint : numpy.ndarray of bool
        One flag per node: a place or a site (not a road node).
    engine : callable
        The engine of a profile (called when a row is missing).
    """

    def __init__(self, is_endpoint: NDArray[np.bool_], engine: Callable[[ProfileName], Engine]) -> None:
        self.column = np.full(len(is_endpoint), -1, dtype=np.int64)
        self._ends = np.flatnonzero(is_endpoint)
        self.column[self._ends] = np.arange(len(self._ends))
        self._engine = engine
        self._rows: dict[str, dict[int, NDArray[np.float64]]] = {}

    def has(self, origins: NDArray[np.int64], mode: ProfileName) -> bool:
        """Whether every origin's row is kept already (reading them searches nothing).

        Parameters
        ----------
        origins : numpy.ndarray of int
            Node positions.
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        bool
            True when :meth:`rows` would only read.
        """
        kept = self._rows.get(mode, {})
        return all(r in kept for r in np.asarray(origins).tolist())

    def rows(self, origins: NDArray[np.int64], mode: ProfileName) -> NDArray[np.float64]:
        """Network minutes from origins to every endpoint.

        Parameters
        ----------
        origins : numpy.ndarray of int
            Node positions.
        mode : {"truck", "car", "rail"}
            The profile.

        Returns
        -------
        numpy.ndarray
            Origins (rows) by endpoints (columns, see :attr:`column`).
        """
        kept = self._rows.setdefault(mode, {})
        missing = np.unique([r for r in origins.tolist() if r not in kept]).astype(np.int64)
        ensure_fits(8.0 * (len(kept) + missing.size + len(origins)) * len(self._ends),
                    f"minutes from {len(kept) + missing.size:,} origins to every one of {len(self._ends):,} places "
                    "and sites")
        if missing.size:
            for origin, found in zip(missing.tolist(), self._engine(mode).matrix_minutes(missing, self._ends),
                                     strict=True):
                kept[origin] = found
        return np.array([kept[r] for r in origins.tolist()], dtype=np.float64).reshape(len(origins), len(self._ends))
