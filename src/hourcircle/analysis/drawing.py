"""What the maps draw, computed here so that the maps only draw (they never search).

:func:`reach_drawing` searches from one origin and keeps what a reach map shows: the nodes
reached with their minutes, the road edges reached with the minutes at their far end (on
OpenStreetMap roads) or the links with theirs. :func:`circle_drawing` keeps what a circle map
shows besides a run's tables: the whole road network by its edges' ends, its named
infrastructure and what the run closed, or the links one by one. Coordinates are WGS-84
degrees; the values are plain numpy arrays and DataFrames.

Examples
--------
>>> import hourcircle
>>> query = hourcircle.Query(hourcircle.TravelTimes.for_scenario(hourcircle.datasets.bundled()), hours=2)
>>> drawing = reach_drawing(query, "合肥")
>>> drawing.origin, drawing.mode, drawing.hours, float(drawing.nodes.loc["hefei", "minutes"])
('hefei', 'truck', 2.0, 0.0)
>>> bool((drawing.roads.minutes <= 120).all()), drawing.links.empty
(True, True)
>>> circles = circle_drawing(query)
>>> len(circles.roads.segments.lat1) == len(circles.roads.closed), list(circles.links["kind"].unique())
(True, ['rail'])
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hourcircle import _checks as check
from hourcircle.scenario import Scenario
from hourcircle.travel.query import Query

Array = NDArray[np.float64]
LINK_COLUMNS = ["u", "v", "kind", "name", "link", "minutes_truck"]


class Segments(NamedTuple):
    """Straight segments (network edges) by their two ends, in WGS-84 degrees.

    Parameters
    ----------
    lat1, lon1 : numpy.ndarray
        Each segment's first end.
    lat2, lon2 : numpy.ndarray
        Each segment's other end.

    Examples
    --------
    >>> import numpy as np
    >>> ends = Segments(np.array([30.0, 31.0]), np.array([120.0, 121.0]), np.array([30.5, 31.5]),
    ...                 np.array([120.5, 121.5]))
    >>> ends.pick(np.array([False, True])).lat1
    array([31.])
    """

    lat1: Array
    lon1: Array
    lat2: Array
    lon2: Array

    def pick(self, which: NDArray[np.bool_] | NDArray[np.int64]) -> Segments:
        """Some of the segments.

        Parameters
        ----------
        which : numpy.ndarray
            A mask, or positions (sorted positions keep the segments' order).

        Returns
        -------
        Segments
            The segments picked.

        Examples
        --------
        >>> import numpy as np
        >>> ends = Segments(*(np.arange(3.0) + k for k in range(4)))
        >>> ends.pick(np.array([0, 2])).lon2
        array([3., 5.])
        """
        return Segments(self.lat1[which], self.lon1[which], self.lat2[which], self.lon2[which])


class ReachedRoads(NamedTuple):
    """Road edges reached within the budget.

    Parameters
    ----------
    segments : Segments
        The edges' ends.
    minutes : numpy.ndarray
        Trip minutes to each edge's farther end.

    Examples
    --------
    >>> import numpy as np
    >>> roads = ReachedRoads(Segments(*(np.zeros(1) for _ in range(4))), np.array([35.0]))
    >>> float(roads.minutes[0])
    35.0
    """

    segments: Segments
    minutes: Array


class Crossing(NamedTuple):
    """Named infrastructure (a bridge, a tunnel, a corridor) on the road network.

    Parameters
    ----------
    name : str
        Its name.
    kind : str
        ``bridge``, ``tunnel``, ``corridor``...
    km : float
        Its length.
    edges : numpy.ndarray
        Positions of its edges in :attr:`RoadNetwork.segments`, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> Crossing("Sutong Bridge", "bridge", 8.2, np.array([3, 4])).kind
    'bridge'
    """

    name: str
    kind: str
    km: float
    edges: NDArray[np.int64]


class RoadNetwork(NamedTuple):
    """Every road edge of a network built from OpenStreetMap.

    Parameters
    ----------
    segments : Segments
        The edges' ends.
    named : tuple of Crossing
        Named infrastructure, in the scenario's order.
    closed : numpy.ndarray of bool
        Which edges the removals close.

    Examples
    --------
    >>> import numpy as np
    >>> ends = Segments(*(np.zeros(2) for _ in range(4)))
    >>> int(RoadNetwork(ends, (), np.array([False, True])).closed.sum())
    1
    """

    segments: Segments
    named: tuple[Crossing, ...]
    closed: NDArray[np.bool_]


@dataclass(frozen=True)
class ReachDrawing:
    """What a reach map draws: one origin's search.

    Parameters
    ----------
    scenario : Scenario
        Places, sites and the product.
    origin : str
        The origin's node id.
    origin_name : str
        Its name.
    origin_lat, origin_lon : float
        Where it is.
    mode : str
        The travel profile.
    hours : float
        The budget.
    nodes : pandas.DataFrame
        Every node reached (at any time), fastest first: ``lat, lon, minutes`` by node id.
    roads : ReachedRoads or None
        The road edges reached within the budget, on OpenStreetMap roads (not by rail).
    links : pandas.DataFrame
        Otherwise the links of the mode one by one: ``u, v, kind, name, link, minutes_truck,
        lat1, lon1, lat2, lon2, minutes`` (trip minutes to the farther end, infinite when not
        reached); empty when ``roads`` are drawn.
    """

    scenario: Scenario
    origin: str
    origin_name: str
    origin_lat: float
    origin_lon: float
    mode: str
    hours: float
    nodes: pd.DataFrame
    roads: ReachedRoads | None
    links: pd.DataFrame


@dataclass(frozen=True)
class CircleDrawing:
    """What a circle map draws besides a run's tables: the network.

    Parameters
    ----------
    scenario : Scenario
        Places, sites and the product.
    mode : str
        The travel profile.
    hours : float
        The budget.
    roads : RoadNetwork or None
        Every road edge, when roads come from OpenStreetMap.
    links : pandas.DataFrame
        Links drawn one by one (road links when ``roads`` is None, and rail links): ``u, v, kind,
        name, link, minutes_truck, lat1, lon1, lat2, lon2, closed``.
    """

    scenario: Scenario
    mode: str
    hours: float
    roads: RoadNetwork | None
    links: pd.DataFrame


def _segments(query: Query, edges: pd.DataFrame) -> Segments:
    """The two ends of network edges."""
    times = query.times
    where = times.network.nodes[["lat", "lon"]].to_numpy(dtype=np.float64)
    a, b = where[times.positions(edges["u"])], where[times.positions(edges["v"])]
    return Segments(a[:, 0], a[:, 1], b[:, 0], b[:, 1])


def _links(query: Query, kinds: Collection[str]) -> pd.DataFrame:
    """Edges of some kinds, one row each, with their ends."""
    edges = query.times.network.edges
    links = edges.loc[edges["kind"].isin(list(kinds)), LINK_COLUMNS]
    return links.assign(**_segments(query, links)._asdict())


def _home_roads(query: Query) -> pd.DataFrame:
    """The road edges a map draws: all but those with an end beyond the border (maps never draw roads abroad)."""
    network = query.times.network
    edges = network.edges[network.edges["kind"] == "road"]
    nodes = network.roads.nodes
    if "abroad" not in nodes:
        return edges
    abroad = nodes.index[nodes["abroad"].to_numpy(dtype=bool)]
    return edges[~edges["u"].isin(abroad) & ~edges["v"].isin(abroad)]


def _from_osm(query: Query) -> bool:
    return bool(query.times.network.roads.source == "osm")


def reach_drawing(query: Query, origin: str) -> ReachDrawing:
    """Search from one origin and keep what its map draws.

    Parameters
    ----------
    query : Query
        The network, budget and mode.
    origin : str
        A place or site id or name.

    Returns
    -------
    ReachDrawing
        The nodes reached and their minutes; the roads (or links) with theirs.

    Raises
    ------
    NameLookupError
        If the origin names nothing, or several places.
    ArgumentTypeError
        (parameter ``query`` or ``origin``) for a query that is not a :class:`Query`, or an
        origin that is not a str.

    Examples
    --------
    >>> import hourcircle
    >>> query = hourcircle.Query(hourcircle.TravelTimes.for_scenario(hourcircle.datasets.bundled()), mode="rail")
    >>> drawing = reach_drawing(query, "hefei")
    >>> drawing.roads is None, sorted(drawing.links["kind"].unique())
    (True, ['rail'])
    """
    check.instance("query", query, Query)
    times, mode = query.times, query.mode
    node = times.names.resolve(check.text("origin", origin))
    minutes = times.minutes_from(node, mode)
    nodes = times.network.nodes
    reached = nodes.loc[minutes.index, ["lat", "lon"]].assign(minutes=minutes.to_numpy())
    roads = None
    if _from_osm(query) and mode != "rail":
        road = _home_roads(query)
        far = np.maximum(minutes.reindex(road["u"]).to_numpy(), minutes.reindex(road["v"]).to_numpy())
        within = np.isfinite(far) & (far <= query.budget_minutes + 1e-9)
        roads = ReachedRoads(_segments(query, road[within]), far[within])
        links = pd.DataFrame(columns=[*LINK_COLUMNS, *Segments._fields, "minutes"])
    else:
        links = _links(query, ["rail"] if mode == "rail" else ["road"])
        far = np.maximum(minutes.reindex(links["u"]).fillna(np.inf).to_numpy(),
                         minutes.reindex(links["v"]).fillna(np.inf).to_numpy())
        links = links.assign(minutes=far)
    lat, lon = nodes.loc[[node], ["lat", "lon"]].to_numpy(dtype=np.float64)[0]
    return ReachDrawing(scenario=times.scenario, origin=node, origin_name=str(nodes.at[node, "name"]),
                        origin_lat=float(lat), origin_lon=float(lon), mode=str(mode), hours=query.hours,
                        nodes=reached, roads=roads, links=links)


def circle_drawing(query: Query, closed_links: Collection[str] = ()) -> CircleDrawing:
    """The network a circle map draws, with the links a run closed.

    Parameters
    ----------
    query : Query
        The network, budget and mode of the run.
    closed_links : collection of str
        Link ids the run's removals take away (see
        :attr:`~hourcircle.analysis.run.Results.disrupted_links`).

    Returns
    -------
    CircleDrawing
        Every road edge (OpenStreetMap roads) or road link, and the rail links.

    Raises
    ------
    ArgumentTypeError
        (parameter ``query`` or ``closed_links``) for a query that is not a :class:`Query`, or
        links that are not a collection of str (a single str is not).

    Examples
    --------
    >>> import hourcircle
    >>> query = hourcircle.Query(hourcircle.TravelTimes.for_scenario(hourcircle.datasets.bundled()))
    >>> drawing = circle_drawing(query)
    >>> len(drawing.roads.named) > 0, bool(drawing.roads.closed.any())
    (True, False)
    """
    check.instance("query", query, Query)
    gone = set(check.texts("closed_links", closed_links))
    roads = None
    if _from_osm(query):
        network = query.times.network
        edges = _home_roads(query)
        link = edges["link"].astype(str).to_numpy()
        by_link = pd.Series(np.arange(len(link))).groupby(link).indices
        named = []
        for row in network.roads.infrastructure.to_dict("records"):
            covered = np.zeros(len(link), dtype=bool)
            covered[np.concatenate([by_link.get(str(k), []) for k in row["links"]] or [[]]).astype(np.int64)] = True
            named.append(Crossing(str(row["name"]), str(row["kind"]), row["km"], np.flatnonzero(covered)))
        closed = np.zeros(len(link), dtype=bool)
        closed[np.concatenate([by_link.get(k, []) for k in gone] or [[]]).astype(np.int64)] = True
        roads = RoadNetwork(_segments(query, edges), tuple(named), closed)
    links = _links(query, ["rail"] if roads is not None else ["road", "rail"])
    links = links.assign(closed=[link in gone for link in links["link"]])
    return CircleDrawing(scenario=query.scenario, mode=str(query.mode), hours=query.hours, roads=roads, links=links)
