"""A network's nodes: ids and names to engine positions, and the edges between them.

The part of :class:`~hourcircle.travel.times.TravelTimes` that answers "which node is this?"
before any search.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> from hourcircle.travel.times import TravelTimes
>>> times = TravelTimes.for_scenario(bundled())
>>> times.resolve("合肥"), int(times.positions(["hefei"])[0]) >= 0
('hefei', True)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.network import TravelNetwork
from hourcircle.scenario import Scenario
from hourcircle.travel.edges import EdgeIndex
from hourcircle.travel.names import NameIndex
from hourcircle.travel.route import NodeLabels

FEW_LOOKUPS = 4  # lookups of node ids by comparison, before the index is hashed (see check.positions)
UNKNOWN_ID_HINT = "; give place, site or road node ids (TravelTimes.resolve turns a name into its id)"


class NodeIndex:
    """A network's node ids and names, their positions in the engines, and its edges by profile.

    Parameters
    ----------
    network : TravelNetwork
        The network.
    """

    def __init__(self, network: TravelNetwork) -> None:
        check.instance("network", network, TravelNetwork)
        self.network = network
        self._lookups = 0

    @property
    def scenario(self) -> Scenario:
        """The scenario the network was built from."""
        return self.network.scenario

    @cached_property
    def names(self) -> NameIndex:
        """Resolves the scenario's place and site names."""
        return NameIndex(self.scenario.places, self.scenario.sites)

    @cached_property
    def node_ids(self) -> pd.Index:
        """Every node's id; a node's position here is its number in the engines."""
        return self.network.nodes.index

    def resolve(self, text: str) -> str:
        """The node id a user's text names (see :mod:`hourcircle.travel.names`).

        Parameters
        ----------
        text : str
            A place or site id or name.

        Returns
        -------
        str
            The id.

        Raises
        ------
        NameLookupError
            If the text names nothing, or several places.
        ArgumentTypeError
            (parameter ``text``) for anything but a str.
        """
        return self.names.resolve(check.text("text", text))

    def positions(self, ids: Iterable[str]) -> NDArray[np.int64]:
        """Node positions (engine numbers) of node ids.

        Parameters
        ----------
        ids : iterable of str
            Node ids (a list, array or Index; not a str).

        Returns
        -------
        numpy.ndarray
            One position per id.

        Raises
        ------
        ArgumentError
            (parameter ``ids``) for an unknown id, naming the first; an
            :class:`~hourcircle.errors.ArgumentTypeError` for a str or a non-collection.
        """
        return self._positions("ids", ids)

    def _positions(self, parameter: str, ids: Iterable[str]) -> NDArray[np.int64]:
        self._lookups += 1  # the first few compare ids with every node's; then the index is hashed once
        return check.positions(parameter, self.node_ids, ids, hint=UNKNOWN_ID_HINT,
                               compare=self._lookups <= FEW_LOOKUPS)

    @cached_property
    def edges(self) -> EdgeIndex:
        """The network's edges by profile: arrays, node-pair lookups and closures."""
        return EdgeIndex(self.network, self.node_ids)

    @cached_property
    def _labels(self) -> NodeLabels:
        return NodeLabels(self.network.nodes, self.scenario.places)
