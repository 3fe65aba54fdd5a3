"""The built-network cache: a scenario's network built once, stored as arrays, read back exactly.

Building a network (roads clipped and matched, infrastructure, segments, rail stops and feeders,
access legs) takes seconds nationally; an answer takes milliseconds. :func:`load_or_build_network`
looks in ``config.cache_path() / "networks" / <key>`` first and builds (and stores) only on a miss.
The store (:mod:`hourcircle.store`: ``.npy`` arrays, never pickled) holds the network's tables
taken apart by :mod:`hourcircle.frames`, so what comes back is the same tables, dtypes and all:
every answer is the same with or without the cache.

The key is a SHA-256 of the scenario's files (``Scenario.inputs``, read as bytes), hourcircle's
version and a digest of its source (an editable install keeps its version while its code
changes), the road data's version (``scgraph-data``), the road thresholds of :mod:`hourcircle.config`
and :data:`FORMAT`. A scenario changed in memory after loading (``dataclasses.replace``, as
calibration does) has the same files but not the same content: the store also holds a digest of
the content the network was built from, and a scenario whose content differs is built afresh
(and stored only when its content is what its files say). A store that is unsound is a note on
stderr and a rebuild; two processes building at once both succeed (the last rename wins).

:func:`entries` lists what the cache folder holds (road clips, the world extract, networks) and
:func:`clear` removes those, and nothing else.

Examples
--------
>>> from hourcircle.datasets import bundled
>>> first = load_or_build_network(bundled())  # built, then stored
>>> again = load_or_build_network(bundled())  # read back
>>> again.edges.equals(first.edges) and list(again.edges.dtypes) == list(first.edges.dtypes)
True
>>> any(entry.what.startswith("network of") for entry in entries())
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hourcircle import config, frames, store
from hourcircle.errors import HourcircleError
from hourcircle.io import load_scenario, parsed
from hourcircle.network import TravelNetwork, build_network
from hourcircle.roads.build import Roads
from hourcircle.roads.osm import ROAD_DATA_VERSION
from hourcircle.scenario import Scenario
from hourcircle.versions import code_digest, package_version

FORMAT = 3  # bump when what a network store holds, or how, changes
FOLDER = "networks"
SCHEMA = "schema"  # the array holding the JSON that puts the tables together again
ENDS = ("ends.u", "ends.v")  # TravelNetwork.ends: edges' ends as node positions (a lookup by id saved)
TABLES = ("nodes", "edges", "roads.nodes", "roads.edges", "roads.joins", "roads.segments", "roads.infrastructure",
          "roads.crossings")
THRESHOLDS = ("far_from_road_km", "infrastructure_end_km", "dead_end_km", "alongside_km")  # config read by the build
LOG = logging.getLogger("hourcircle.cache")


def network_key(scenario: Scenario) -> str | None:
    """What a scenario's network store is keyed by (JSON text), or ``None`` for a scenario without files.

    Parameters
    ----------
    scenario : Scenario
        A scenario loaded from files (``scenario.inputs``).

    Returns
    -------
    str or None
        The key, or ``None`` when the scenario lists no input files or one cannot be read.

    Examples
    --------
    >>> from hourcircle.datasets import bundled
    >>> json.loads(network_key(load_scenario(bundled())))["scenario"]
    'Yangtze River Delta NEV'
    """
    if not scenario.inputs:
        return None
    hashed = hashlib.sha256()
    try:
        for path in scenario.inputs:
            data = Path(path).read_bytes()
            hashed.update(f"{len(data)}\0".encode())
            hashed.update(data)
    except OSError:
        return None
    return json.dumps({"cache": "network", "format": FORMAT, "scenario": scenario.name, "inputs": hashed.hexdigest(),
                       "hourcircle": package_version(), "code": code_digest(), "roads": ROAD_DATA_VERSION,
                       "settings": {name: float(getattr(config, name)) for name in THRESHOLDS}}, sort_keys=True)


def _content(scenario: Scenario) -> str | None:
    """A digest of everything building a network reads from a scenario (``None``: it cannot be taken)."""
    hashed = hashlib.sha256()
    try:
        for table in (scenario.places, scenario.sites, scenario.links, scenario.infrastructure):
            hashed.update(b"none" if table is None else frames.digest(table).encode())
        if scenario.crossings is not None:
            hashed.update(frames.digest(scenario.crossings).encode())
        for name in sorted(scenario.rows):
            hashed.update(f"{name}:{frames.digest(scenario.rows[name].to_frame())}".encode())
    except frames.Unsupported:
        return None
    hashed.update(scenario.roads.model_dump_json().encode())
    hashed.update(scenario.travel.model_dump_json().encode())
    hashed.update(json.dumps(scenario.files, sort_keys=True).encode())
    return hashed.hexdigest()


def content_digest(scenario: Scenario) -> str | None:
    """A digest of everything building a network reads from a scenario.

    Parameters
    ----------
    scenario : Scenario
        A scenario.

    Returns
    -------
    str or None
        The same for scenarios that build the same network; ``None`` when it cannot be taken.

    Examples
    --------
    >>> from hourcircle.datasets import bundled
    >>> content_digest(load_scenario(bundled())) == content_digest(load_scenario(bundled()))
    True
    """
    return _content(scenario)


def _matches_files(scenario: Scenario, content: str) -> bool:
    """Whether a scenario's content is what its files give now (loaded again to see)."""
    folder = Path(scenario.folder).resolve()
    outside = any(not Path(path).resolve().is_relative_to(folder) for path in scenario.inputs)
    try:
        again = load_scenario(scenario.inputs[0], allow_outside=outside)
    except (HourcircleError, OSError):
        return False
    return _content(again) == content


def store_folder(key: str) -> Path:
    """Where the network of a key is stored.

    Parameters
    ----------
    key : str
        What :func:`network_key` returned.

    Returns
    -------
    pathlib.Path
        ``config.cache_path() / "networks" / <32 hex digits>``.

    Examples
    --------
    >>> store_folder("{}").parent.name
    'networks'
    """
    return config.cache_path() / FOLDER / hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    """A store's manifest, read as the store reads it (a regular file, bounded), or ``None``."""
    try:
        descriptor = os.open(folder / store.MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > store.MAX_MANIFEST_BYTES:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(store.MAX_MANIFEST_BYTES + 1)
    finally:
        os.close(descriptor)
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _read(folder: Path, key: str, scenario: Scenario, content: str) -> TravelNetwork | None:
    """The stored network, or ``None`` when there is none, it is unsound, or it was built from other content."""
    arrays = store.read(folder, key=key, names=None)  # the arrays its manifest lists
    if arrays is None:
        return None
    try:
        described = json.loads(arrays[SCHEMA].tobytes().decode("utf-8"))
        if described["content"] != content:
            return None  # the scenario was changed in memory: not what this store was built from
        schema = described["frames"]
        if set(schema["tables"]) != set(TABLES) or frames.array_names(schema) | {SCHEMA, *ENDS} != set(arrays):
            raise ValueError("its tables do not use exactly the arrays it holds")
        tables = frames.decode(arrays, schema)
        ends = tuple(_positions(arrays[name], len(tables["edges"]), len(tables["nodes"])) for name in ENDS)
        roads = Roads(str(described["source"]), tables["roads.nodes"], tables["roads.edges"], tables["roads.joins"],
                      tables["roads.segments"], tables["roads.infrastructure"], str(described.get("outline", "")),
                      tables["roads.crossings"])
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
        LOG.warning("hourcircle: note: ignoring the cache %s (%s); building it again", folder, error)
        return None
    network = TravelNetwork(scenario, tables["nodes"], tables["edges"], roads)
    network.__dict__["ends"] = ends  # as the network would look them up
    return network


def _positions(array: np.ndarray[Any, Any], rows: int, nodes: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Stored node positions, checked: one per edge, each a node."""
    if array.dtype != np.int64 or array.shape != (rows,) or (rows and not 0 <= array.min() <= array.max() < nodes):
        raise ValueError("its edges' ends are not positions of its nodes")
    return array


def _write(folder: Path, key: str, network: TravelNetwork, content: str) -> None:
    """Store a network (a table the codec cannot take apart leaves it unstored, with a note)."""
    roads = network.roads
    tables: dict[str, pd.DataFrame] = {"nodes": network.nodes, "edges": network.edges, "roads.nodes": roads.nodes,
                                       "roads.edges": roads.edges, "roads.joins": roads.joins,
                                       "roads.segments": roads.segments, "roads.infrastructure": roads.infrastructure,
                                       "roads.crossings": roads.crossings}
    try:
        arrays, schema = frames.encode(tables)
    except frames.Unsupported as error:
        LOG.warning("hourcircle: note: the network is not cached (%s)", error)
        return
    described = {"content": content, "source": roads.source, "outline": roads.outline, "frames": schema}
    arrays.update(zip(ENDS, network.ends, strict=True))
    arrays[SCHEMA] = np.frombuffer(json.dumps(described).encode("utf-8"), dtype=np.uint8)
    store.write(folder, arrays, key=key)


def load_or_build_network(scenario: Scenario | str | Path) -> TravelNetwork:
    """A scenario's network: from the cache when it holds it, else built (and stored).

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A scenario, or its folder (loaded here).

    Returns
    -------
    TravelNetwork
        The same tables :func:`hourcircle.network.build_network` returns, dtypes and all.

    Raises
    ------
    InputError
        If the scenario's files have problems, or its roads cannot be built.
    """
    loaded_here = not isinstance(scenario, Scenario)
    loaded = load_scenario(scenario) if not isinstance(scenario, Scenario) else scenario
    key = network_key(loaded)
    content = _content(loaded) if key is not None else None
    if key is None or content is None:
        return build_network(loaded)
    folder = store_folder(key)
    network = _read(folder, key, loaded, content)
    if network is None:
        network = build_network(loaded)
        if loaded_here or _matches_files(loaded, content):
            _write(folder, key, network, content)
    return network


@dataclass(frozen=True)
class Entry:
    """One thing in the cache folder.

    Parameters
    ----------
    path : pathlib.Path
        Its folder (or file).
    what : str
        What it is: a road clip, the world extract, the network of a scenario, an unfinished write.
    megabytes : float
        Its size on disk.
    age_seconds : float
        How long ago it was written.
    """

    path: Path
    what: str
    megabytes: float
    age_seconds: float


STAGING = re.compile(r"\..+\.(new|old)-[A-Za-z0-9_]+")
NETWORK = re.compile(r"[0-9a-f]{32}")
WORLD = re.compile(r"osm-world-(?P<version>.+)-v(?P<format>\d+)")
CLIP = re.compile(r"osm-(?P<version>.+?)-v(?P<format>\d+)-(?P<box>[-0-9.e_]+)")
LEGACY = re.compile(r"osm-.+-v1(-.+)?\.npz")  # the road cache before hourcircle.store (one file each)


def _describe(path: Path, room: str) -> str | None:
    """What an item of the cache folder is, or ``None`` when it is not hourcircle's.

    ``room``: the folder it lies in: ``""`` (the cache folder), :data:`FOLDER` (the networks')
    or :data:`hourcircle.io.parsed.FOLDER` (the parsed tables').
    """
    name = path.name
    if path.is_symlink():
        return None
    if STAGING.fullmatch(name) and path.is_dir():
        return "an unfinished or replaced write"
    if room == parsed.FOLDER:
        return "a scenario table, parsed" if NETWORK.fullmatch(name) and path.is_dir() else None
    if room == FOLDER:
        if not (NETWORK.fullmatch(name) and path.is_dir()):
            return None
        manifest = _read_manifest(path) or {}
        try:
            scenario = json.loads(str(manifest.get("key")))["scenario"]
        except (ValueError, TypeError, KeyError):
            return "a network (its manifest is unreadable)"
        return f"network of {str(scenario)[:80]!r}"
    if LEGACY.fullmatch(name) and path.is_file():
        return "a road cache of an older format"
    if not path.is_dir():
        return None
    if found := WORLD.fullmatch(name):
        return f"the OpenStreetMap world extract (scgraph-data {found['version']})"
    if found := CLIP.fullmatch(name):
        return f"a road clip {found['box']} (scgraph-data {found['version']})"
    return None


def _size_and_time(path: Path) -> tuple[int, float]:
    if not path.is_dir():
        status = path.lstat()
        return status.st_size, status.st_mtime
    size, newest = 0, path.lstat().st_mtime
    for parent, _, names in os.walk(path):  # links are not followed
        for name in names:
            status = os.lstat(os.path.join(parent, name))
            size += status.st_size
            newest = max(newest, status.st_mtime)
    return size, newest


def entries(folder: Path | None = None) -> list[Entry]:
    """What hourcircle has cached, oldest first (anything else in the folder is left out).

    Parameters
    ----------
    folder : pathlib.Path, optional
        The cache folder (default: :func:`hourcircle.config.cache_path`).

    Returns
    -------
    list of Entry
        One per road clip, world extract, network, parsed table and unfinished write.

    Examples
    --------
    >>> import tempfile
    >>> entries(Path(tempfile.mkdtemp()))
    []
    """
    folder = config.cache_path() if folder is None else folder
    found = []
    now = time.time()
    rooms = ["", *(room for room in (FOLDER, parsed.FOLDER) if _is_room(folder / room))]  # the cache folder itself
    places = [(path, room) for room in rooms for path in _listing(folder / room)]
    for path, room in places:
        what = _describe(path, room)
        if what is None:
            continue
        try:
            size, written = _size_and_time(path)
        except OSError:
            continue
        found.append(Entry(path, what, size / 1e6, max(now - written, 0.0)))
    return sorted(found, key=lambda entry: -entry.age_seconds)


def _is_room(folder: Path) -> bool:
    """Whether a folder of the cache may be listed (a folder, not a link to one)."""
    return folder.is_dir() and not folder.is_symlink()


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def clear(folder: Path | None = None) -> list[Entry]:
    """Remove what hourcircle has cached (what :func:`entries` lists), and nothing else.

    Parameters
    ----------
    folder : pathlib.Path, optional
        The cache folder (default: :func:`hourcircle.config.cache_path`).

    Returns
    -------
    list of Entry
        What was removed.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "mine.txt").write_text("kept")
    4
    >>> store.write(folder / "networks" / ("0" * 32), {"a": np.zeros(1)}, key="k")
    >>> [entry.what for entry in clear(folder)], sorted(p.name for p in folder.iterdir())
    (['a network (its manifest is unreadable)'], ['mine.txt'])
    """
    folder = config.cache_path() if folder is None else folder
    removed = []
    for entry in entries(folder):
        if entry.path.is_symlink():
            continue
        if entry.path.is_dir():
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            entry.path.unlink(missing_ok=True)
        removed.append(entry)
    networks = folder / FOLDER
    if networks.is_dir() and not networks.is_symlink() and not any(networks.iterdir()):
        networks.rmdir()
    return removed
