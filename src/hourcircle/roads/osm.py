r"""OpenStreetMap major roads: the ``scgraph-data`` text read without running it, clipped to a box, cached.

The extract (© OpenStreetMap contributors, ODbL) is the text of ``world_highways.py`` in the
``scgraph-data`` package, never imported. It is parsed once into arrays; each clip to a
:class:`Box` is cached in :func:`hourcircle.config.cache_path`, keyed by the package's version.

Examples
--------
>>> lat, lon, u, v, km = parse_scgraph("graph=[{1: 1.5}, {0: 1.5, 2: 2.0}, {1: 2.0}]\n"
...                                     "nodes=[[30.0, 120.0], [30.0, 120.01], [30.0, 120.03]]\n")
>>> u.tolist(), v.tolist(), km.tolist()
([0, 1], [1, 2], [1.5, 2.0])
>>> Box(29.5, 119.5, 30.5, 120.5).contains(lat, lon).tolist()
[True, True, True]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hourcircle import config, store
from hourcircle.errors import MissingExtraError
from hourcircle.roads.arrays import Array, Ints, RoadArrays, unwrap_longitudes

OSM_PACKAGE = "scgraph-data"
OSM_MODULE = "scgraph_data"
OSM_FILE = "world_highways.py"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL), via scgraph-data"
ROAD_DATA_VERSION = "2.0.0"  # the scgraph-data release of the bundled roads (and of the [world] extra)
CACHE_FORMAT = 2  # bump when what the cache holds changes (2: a folder of .npy, see hourcircle.store)


@dataclass(frozen=True)
class Box:
    """A latitude-longitude box; one that crosses the antimeridian has ``east`` beyond 180.

    Parameters
    ----------
    south, west, north, east : float
        Its edges, in degrees.

    Examples
    --------
    >>> box = Box.around(np.array([-16.8, -16.9]), np.array([179.95, -179.95]), margin_km=10)
    >>> box.west, box.east, box.contains(np.array([-16.8, -16.8]), np.array([-179.9, 0.0])).tolist()
    (179.5, 180.5, [True, False])
    """

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def around(cls, lat: Array, lon: Array, margin_km: float) -> Box:
        """The box around points, widened by a margin and rounded outward to 0.5 degrees.

        Rounding lets nearby scenarios share a cache file.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.
        margin_km : float
            How far to widen the box on every side.

        Returns
        -------
        Box
            The widened box.
        """
        dlat = margin_km / 111.2
        dlon = margin_km / (111.2 * max(math.cos(math.radians(float(np.max(np.abs(lat))))), 0.05))
        if float(lon.max()) - float(lon.min()) > 180:  # across the antimeridian: the points as neighbours
            lon = unwrap_longitudes(lon)
        outward = [math.floor((float(lat.min()) - dlat) * 2) / 2, math.floor((float(lon.min()) - dlon) * 2) / 2,
                   math.ceil((float(lat.max()) + dlat) * 2) / 2, math.ceil((float(lon.max()) + dlon) * 2) / 2]
        west, east = outward[1], outward[3]
        if east - west >= 360:
            west, east = -180.0, 180.0
        elif west < -180:  # the same box, described from a western edge within [-180, 180)
            west, east = west + 360, east + 360
        return cls(max(outward[0], -90.0), west, min(outward[2], 90.0), east)

    def contains(self, lat: Array, lon: Array) -> NDArray[np.bool_]:
        """Which points lie inside.

        Parameters
        ----------
        lat, lon : numpy.ndarray
            The points.

        Returns
        -------
        numpy.ndarray of bool
            One flag per point.
        """
        east_of_west = np.mod(np.asarray(lon, dtype=np.float64) - self.west, 360.0)
        return (lat >= self.south) & (lat <= self.north) & (east_of_west <= self.east - self.west)

    def holds(self, other: Box) -> bool:
        """Whether another box lies inside this one (neither crossing the antimeridian).

        Parameters
        ----------
        other : Box
            A box.

        Returns
        -------
        bool
            True when every edge of ``other`` is within this box's.
        """
        return (self.south <= other.south and other.north <= self.north and self.west <= other.west
                and other.east <= self.east)

    def describe(self) -> str:
        """The box in words: ``15..54 N, 73..135.5 E``.

        Returns
        -------
        str
            Its edges.
        """
        return f"{self.south:g}..{self.north:g} N, {self.west:g}..{self.east:g} E"

    @property
    def key(self) -> str:
        """A file-name-safe label of the box."""
        return f"{self.south:g}_{self.west:g}_{self.north:g}_{self.east:g}"


BUNDLED_BOX = Box(15.0, 73.0, 54.0, 135.5)  # mainland China and its borders: the roads shipped in the package
BUNDLED_KEY = f"osm-{ROAD_DATA_VERSION}-bundled-{BUNDLED_BOX.key}"


def parse_scgraph(text: str) -> tuple[Array, Array, Ints, Ints, Array]:
    """Read the ``graph`` and ``nodes`` literals of a scgraph data module, without running it.

    ``graph`` holds one ``{neighbour: km}`` dict per node, ``nodes`` one ``[lat, lon]`` per
    node. Both are read as numbers in bulk: the dict of node ``i`` is the ``i``-th ``{``.

    Parameters
    ----------
    text : str
        The module's source text.

    Returns
    -------
    tuple of numpy.ndarray
        ``lat``, ``lon`` per node; ``u``, ``v``, ``km`` per undirected edge (``u < v``, each once).

    Raises
    ------
    ValueError
        If the text does not hold the two literals in the expected form.
    """
    start, middle = text.find("graph=["), text.find("\nnodes=[")
    if start < 0 or middle < 0:
        raise ValueError("not a scgraph data module: no graph=[...] and nodes=[...] literals")
    graph = text[start + len("graph=["):middle].encode("ascii")
    nodes = text[middle + len("\nnodes=["):].split("]]", 1)[0].encode("ascii")
    blanks = bytes.maketrans(b"{}:,[]", b"      ")
    codes = np.frombuffer(graph, dtype=np.uint8)
    owner = np.searchsorted(np.flatnonzero(codes == ord("{")), np.flatnonzero(codes == ord(":"))) - 1
    numbers = np.array(graph.translate(blanks).split(), dtype=np.float64)
    neighbour, km = numbers[0::2].astype(np.int64), numbers[1::2]
    coordinates = np.array(nodes.translate(blanks).split(), dtype=np.float64).reshape(-1, 2)
    if len(owner) != len(neighbour) or (len(owner) and neighbour.max() >= len(coordinates)):
        raise ValueError("the graph and nodes literals do not agree")
    once = owner < neighbour
    return (coordinates[:, 0].copy(), coordinates[:, 1].copy(), owner[once].astype(np.int64), neighbour[once],
            km[once])


WORLD = ("lat", "lon", "u", "v", "km")
CLIP = ("ids", "lat", "lon", "u", "v", "km")


def _check_roads(arrays: dict[str, NDArray[np.generic]]) -> None:
    """Raise ``ValueError`` unless cached road arrays fit together: lengths, node numbers, ranges."""
    n = len(arrays["lat"])
    nodes = arrays["ids"] if "ids" in arrays else np.arange(n)
    if len(arrays["lon"]) != n or len(nodes) != n or not len(arrays["u"]) == len(arrays["v"]) == len(arrays["km"]):
        raise ValueError("arrays of different lengths")
    if n and (np.abs(arrays["lat"]).max() > 90 or np.abs(arrays["lon"]).max() > 180):
        raise ValueError("coordinates off the Earth")
    if len(arrays["km"]) and not (np.isfinite(arrays["km"]).all() and arrays["km"].min() >= 0):
        raise ValueError("lengths that are not distances")
    if len(nodes) > 1 and not (np.diff(nodes) > 0).all():
        raise ValueError("node numbers out of order")
    for end in ("u", "v"):
        at = np.searchsorted(nodes, arrays[end])
        if len(at) and (at.max() >= n or not (nodes[np.minimum(at, n - 1)] == arrays[end]).all()):
            raise ValueError("edges to nodes that are not there")


def world_arrays(folder: Path) -> dict[str, NDArray[np.generic]]:
    """The whole extract as arrays, parsed once and cached (needs ``hourcircle[world]``).

    Parameters
    ----------
    folder : pathlib.Path
        The cache folder.

    Returns
    -------
    dict of str to numpy.ndarray
        ``lat``, ``lon`` per node; ``u``, ``v``, ``km`` per edge (node numbers of the extract).

    Raises
    ------
    MissingExtraError
        If ``scgraph-data`` is not installed, or not the release the bundled roads come from.
    """
    key = f"osm-world-{ROAD_DATA_VERSION}-v{CACHE_FORMAT}"
    cached = store.read(folder / key, key=key, names=WORLD, check=_check_roads)
    if cached is not None:
        return cached
    try:
        installed = metadata.version(OSM_PACKAGE)
        text = (resources.files(OSM_MODULE) / OSM_FILE).read_text(encoding="ascii")
    except (metadata.PackageNotFoundError, ModuleNotFoundError, OSError):
        raise MissingExtraError(f"roads beyond the bundled ones ({BUNDLED_BOX.describe()}) come from "
                                "OpenStreetMap's world extract: pip install 'hourcircle[world]'") from None
    if installed != ROAD_DATA_VERSION:
        raise MissingExtraError(f"the world extract is scgraph-data {installed}; hourcircle reads "
                                f"{ROAD_DATA_VERSION}: pip install 'hourcircle[world]'")
    lat, lon, u, v, km = parse_scgraph(text)
    world: dict[str, NDArray[np.generic]] = {"lat": lat, "lon": lon, "u": u, "v": v, "km": km}
    store.write(folder / key, world, key=key)
    return world


def clip_arrays(roads: dict[str, NDArray[np.generic]], box: Box) -> dict[str, NDArray[np.generic]]:
    """The nodes of road arrays inside a box and the edges between them, in the extract's numbering.

    Parameters
    ----------
    roads : dict of str to numpy.ndarray
        The world (``lat, lon, u, v, km``) or a clip of it (with ``ids``).
    box : Box
        The area to keep (inside the clip's own, for a clip).

    Returns
    -------
    dict of str to numpy.ndarray
        ``ids, lat, lon, u, v, km``: what a clip holds.

    Examples
    --------
    >>> world = {"lat": np.array([30.0, 30.0, 40.0]), "lon": np.array([120.0, 120.1, 120.0]),
    ...          "u": np.array([0, 1]), "v": np.array([1, 2]), "km": np.array([9.6, 1100.0])}
    >>> clip = clip_arrays(world, Box(29.5, 119.5, 30.5, 120.5))
    >>> clip["ids"].tolist(), clip["u"].tolist(), clip["v"].tolist()
    ([0, 1], [0], [1])
    """
    lat, lon = np.asarray(roads["lat"], dtype=np.float64), np.asarray(roads["lon"], dtype=np.float64)
    ids = np.asarray(roads["ids"], dtype=np.int64) if "ids" in roads else np.arange(len(lat), dtype=np.int64)
    inside = box.contains(lat, lon)
    u, v = np.asarray(roads["u"], dtype=np.int64), np.asarray(roads["v"], dtype=np.int64)
    edges = inside[np.searchsorted(ids, u)] & inside[np.searchsorted(ids, v)]
    return {"ids": ids[inside], "lat": lat[inside], "lon": lon[inside], "u": u[edges], "v": v[edges],
            "km": np.asarray(roads["km"], dtype=np.float64)[edges]}


def _bundled() -> dict[str, NDArray[np.generic]]:
    """Mainland China's roads as shipped in the package (``data/roads/china``)."""
    from hourcircle.datasets import data_root

    found = store.read(data_root() / "roads" / "china", key=BUNDLED_KEY, names=CLIP, check=_check_roads)
    if found is None:
        raise MissingExtraError("the bundled roads of mainland China are missing or damaged: reinstall hourcircle")
    return found


def osm_roads(box: Box, folder: Path | None = None) -> RoadArrays:
    """OpenStreetMap major roads within a box (clipped once, then from the cache).

    Inside :data:`BUNDLED_BOX` (mainland China and its borders) the roads come with the
    package; elsewhere from the world extract (``hourcircle[world]``).

    Parameters
    ----------
    box : Box
        The area to keep: nodes inside it and the edges between them.
    folder : pathlib.Path, optional
        The cache folder (default: :func:`hourcircle.config.cache_path`).

    Returns
    -------
    RoadArrays
        The clipped network.

    Raises
    ------
    MissingExtraError
        For a box beyond the bundled roads when the world extract is not installed.
    """
    folder = config.cache_path() if folder is None else folder
    key = f"osm-{ROAD_DATA_VERSION}-v{CACHE_FORMAT}-{box.key}"
    cached = store.read(folder / key, key=key, names=CLIP, check=_check_roads)
    if cached is None:
        cached = clip_arrays(_bundled() if BUNDLED_BOX.holds(box) else world_arrays(folder), box)
        store.write(folder / key, cached, key=key)
    ids = np.asarray(cached["ids"], dtype=np.int64)
    position = np.searchsorted(ids, np.asarray(cached["u"], dtype=np.int64))
    other = np.searchsorted(ids, np.asarray(cached["v"], dtype=np.int64))
    return RoadArrays(ids, np.asarray(cached["lat"], dtype=np.float64), np.asarray(cached["lon"], dtype=np.float64),
                      position.astype(np.int64), other.astype(np.int64), np.asarray(cached["km"], dtype=np.float64))
