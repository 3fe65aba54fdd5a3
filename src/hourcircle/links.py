"""Link tables: a scenario's links of one mode in the one shape every layer above shares.

Roads, rail and the network all hold links as rows of :data:`LINK_COLUMNS`; a link's id
(``kind:from-to``) is what a user names to remove it. This module is also the one home of the
id protocols: road segments (``seg:N``), OpenStreetMap nodes (``osm:N``), and the key of an
unordered pair of nodes.

Examples
--------
>>> links = pd.DataFrame({"from_place": ["a", "a"], "to_place": ["b", "b"], "mode": ["road", "road"],
...                       "km": [10.0, None], "minutes": [None, None], "name": ["", ""]})
>>> table = with_link_ids(link_table(links, "road"))
>>> table["link"].tolist(), table["estimated"].tolist()
(['road:a-b', 'road:a-b#2'], [False, True])
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

LINK_COLUMNS = ["u", "v", "kind", "name", "km", "minutes", "estimated"]  # a table of links


def link_table(links: pd.DataFrame | None, mode: str) -> pd.DataFrame:
    """A scenario's links of one mode, as :data:`LINK_COLUMNS`.

    Parameters
    ----------
    links : pandas.DataFrame or None
        The scenario's links.
    mode : {"road", "rail"}
        Which links.

    Returns
    -------
    pandas.DataFrame
        ``u, v, kind, name, km, minutes, estimated`` (estimated: neither km nor minutes given, or a
        name that starts with ``estimated``, as the national rail rows worked out from published
        figures do).
    """
    if links is None or links.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    given = links[links["mode"] == mode].rename(columns={"from_place": "u", "to_place": "v", "mode": "kind"})
    estimated = (given["km"].isna() & given["minutes"].isna()) | given["name"].fillna("").str.startswith("estimated")
    return given.assign(estimated=estimated)[LINK_COLUMNS].reset_index(drop=True)


def with_link_ids(edges: pd.DataFrame) -> pd.DataFrame:
    """Name every link ``kind:from-to`` (``#2`` on a repeat) so that a user can remove it.

    Parameters
    ----------
    edges : pandas.DataFrame
        Links with ``u``, ``v`` and ``kind``.

    Returns
    -------
    pandas.DataFrame
        The same with a ``link`` column.
    """
    ids = edges["kind"].astype(str) + ":" + edges["u"].astype(str) + "-" + edges["v"].astype(str)
    repeat = ids.groupby(ids).cumcount()
    return edges.assign(link=ids.where(repeat == 0, ids + "#" + (repeat + 1).astype(str)))


SEGMENT_PREFIX = "seg:"  # a road segment: a chain of OpenStreetMap edges between junctions
OSM_PREFIX = "osm:"  # a node of OpenStreetMap's roads


def segment_ids(numbers: Iterable[int]) -> list[str]:
    """Ids of road segments by number.

    Parameters
    ----------
    numbers : iterable of int
        Segment numbers.

    Returns
    -------
    list of str
        ``seg:N`` each.

    Examples
    --------
    >>> segment_ids([2, 10])
    ['seg:2', 'seg:10']
    """
    return [f"{SEGMENT_PREFIX}{k}" for k in numbers]


def osm_node_ids(numbers: Iterable[int]) -> pd.Index:
    """Ids of OpenStreetMap road nodes by number.

    Parameters
    ----------
    numbers : iterable of int
        Node numbers in the extract.

    Returns
    -------
    pandas.Index
        ``osm:N`` each.
    """
    return pd.Index([f"{OSM_PREFIX}{k}" for k in numbers])


def is_segment(links: pd.Series) -> NDArray[np.bool_]:
    """Which link ids are road segments.

    Parameters
    ----------
    links : pandas.Series
        Link ids (missing values allowed).

    Returns
    -------
    numpy.ndarray of bool
        One flag per id.

    Examples
    --------
    >>> is_segment(pd.Series(["seg:3", "road:a-b", None])).tolist()
    [True, False, False]
    """
    return links.astype(str).str.startswith(SEGMENT_PREFIX).to_numpy(dtype=bool)


def segment_order(link: str) -> tuple[int, str]:
    """A sort key: segments by number (``seg:2`` before ``seg:10``), then anything else by name.

    Parameters
    ----------
    link : str
        A link id.

    Returns
    -------
    tuple of (int, str)
        The key.

    Examples
    --------
    >>> sorted(["seg:10", "road:a-b", "seg:2"], key=segment_order)
    ['road:a-b', 'seg:2', 'seg:10']
    """
    number = link.removeprefix(SEGMENT_PREFIX)
    return (int(number), "") if link.startswith(SEGMENT_PREFIX) and number.isdigit() else (-1, link)


def pair_keys(tails: ArrayLike, heads: ArrayLike, n: int) -> NDArray[np.int64]:
    """One key per unordered pair of node positions, the same whichever way an edge runs.

    Parameters
    ----------
    tails, heads : array_like of int
        Node positions, pair by pair.
    n : int
        The number of nodes.

    Returns
    -------
    numpy.ndarray
        ``min * n + max`` per pair.

    Examples
    --------
    >>> pair_keys([1, 2], [2, 1], 10).tolist()
    [12, 12]
    """
    a, b = np.asarray(tails, dtype=np.int64), np.asarray(heads, dtype=np.int64)
    return np.minimum(a, b) * n + np.maximum(a, b)
