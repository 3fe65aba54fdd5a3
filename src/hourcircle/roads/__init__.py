"""Road networks as arrays, and how places, sites and named infrastructure join them.

A scenario's roads come from one of three sources (``[roads] source`` in ``scenario.toml``):
OpenStreetMap major roads, the road rows of ``links.csv``, or links inferred between
neighbouring places. One concern per module:

- :mod:`~hourcircle.roads.osm`: the ``scgraph-data`` text parsed, clipped to a box, cached;
- :mod:`~hourcircle.roads.arrays`: :class:`RoadArrays`, nearest nodes, geometry helpers;
- :mod:`~hourcircle.roads.topology`: dead ends joined, connected pieces, segments, inferred links;
- :mod:`~hourcircle.roads.infrastructure`: named bridges, tunnels and corridors matched to edges;
- :mod:`~hourcircle.roads.build`: the :class:`Roads` of a scenario, per source.

The network (:mod:`hourcircle.network`) uses :class:`Roads` and :func:`build_roads`, re-exported here.
"""

from hourcircle.roads.build import Roads, build_roads

__all__ = ["Roads", "build_roads"]
