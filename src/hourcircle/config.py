"""Runtime settings, in one place, read when they are used (not when a module is imported).

Set an attribute to change a setting for the rest of the session, as with OSMnx's
``settings``; a setting left at ``None`` comes from its environment variable (read each
time). The constants at the top are the fixed vocabulary the command line offers before it
imports anything heavy.

Examples
--------
>>> from hourcircle import config
>>> config.MAX_HOURS
72.0
>>> config.scheduler_address() is None or isinstance(config.scheduler_address(), str)
True
>>> config.scheduler = "tcp://127.0.0.1:8786"  # this session only
>>> config.scheduler_address()
'tcp://127.0.0.1:8786'
>>> config.scheduler = None
"""

import os
from pathlib import Path

# --- the fixed vocabulary ------------------------------------------------------------------------
MAX_HOURS = 72.0  # the longest budget any question may ask (three days)
MIN_HOURS = 1 / 60  # the shortest: a minute (minutes are the unit of every travel time)
PROFILES = ("truck", "car", "rail")  # travel profiles (hourcircle.profiles)
TILES = ("none", "osm", "carto", "gaode", "tianditu")  # map backgrounds (hourcircle.maps.basemap)
FORMATS = ("table", "csv", "json")  # how a command prints a table

# --- where things are ----------------------------------------------------------------------------
CACHE_VARIABLE = "HOURCIRCLE_CACHE"
SCHEDULER_VARIABLE = "HOURCIRCLE_SCHEDULER"
TIANDITU_KEY_VARIABLE = "TIANDITU_KEY"

cache_folder: Path | None = None
"""Where derived data (road clips, built networks) is cached; ``None``: ``$HOURCIRCLE_CACHE``,
else the user's cache folder for hourcircle."""

scheduler: str | None = None
"""A Dask scheduler's address for batch work; ``None``: ``$HOURCIRCLE_SCHEDULER``, if set."""

tianditu_key: str | None = None
"""A Tianditu map key for ``--tiles tianditu``; ``None``: ``$TIANDITU_KEY``, if set."""

# --- how work is cut -----------------------------------------------------------------------------
matrix_batch = 256  # origins per batch of a matrix
sweep_batch = 16  # removals per batch of a sweep in one process
train_batch = 64  # origins per batch of minutes in trains (two floats per node and origin)
reach_batch = 32  # origins per batch of reach from many places

memory_share = 0.8  # an analysis may allocate at most this share of the memory available

# --- Dask clusters (hourcircle.clusters) ----------------------------------------------------------
connect_seconds = 10.0  # the whole handshake with a scheduler: TCP connect, Dask's handshake, its first answer
worker_wait_seconds = 10.0  # how long a scheduler, or a cluster that lost its workers, may take to have one
workers_per_core = 4  # --workers may start at most this many processes per core of the machine

# --- road thresholds (km) ------------------------------------------------------------------------
far_from_road_km = 10.0  # a place or site farther than this from the main network is reported
infrastructure_end_km = 5.0  # an infrastructure end must lie this close to a road
dead_end_km = 0.5  # a dead end this near another road is joined to it
alongside_km = 0.3  # an edge this close to a crossing's course, along it, is one of its carriageways
max_road_link_km = 2000.0  # no road link (given or inferred between neighbours) is longer: one that is crosses a sea


def cache_path() -> Path:
    """The cache folder in force now (see :data:`cache_folder`).

    Returns
    -------
    pathlib.Path
        The folder (not created here).
    """
    if cache_folder is not None:
        return Path(cache_folder)
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("hourcircle"))


def data_root() -> Path:
    """The folder holding the bundled data.

    Returns
    -------
    pathlib.Path
        ``hourcircle/data`` in an installed package, else the checkout's ``data/``.
    """
    from importlib import resources

    installed = Path(str(resources.files("hourcircle"))) / "data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "data"


def scheduler_address() -> str | None:
    """The Dask scheduler in force now (see :data:`scheduler`).

    Returns
    -------
    str or None
        Its address, or ``None`` for none.
    """
    return scheduler or os.environ.get(SCHEDULER_VARIABLE) or None


def tianditu() -> str | None:
    """The Tianditu key in force now (see :data:`tianditu_key`).

    Returns
    -------
    str or None
        The key, or ``None`` for none.
    """
    return tianditu_key or os.environ.get(TIANDITU_KEY_VARIABLE) or None
