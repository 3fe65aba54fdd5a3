"""Link tables: a scenario's links of one mode in the one shape every layer above shares.

Roads, rail and the network all hold links as rows of :data:`LINK_COLUMNS`; a link's id
(``kind:from-to``) is what a user names to remove it.

Examples
--------
>>> links = pd.DataFrame({"from_place": ["a", "a"], "to_place": ["b", "b"], "mode": ["road", "road"],
...                       "km": [10.0, None], "minutes": [None, None], "name": ["", ""]})
>>> table = with_link_ids(link_table(links, "road"))
>>> table["link"].tolist(), table["estimated"].tolist()
(['road:a-b', 'road:a-b#2'], [False, True])
"""

from __future__ import annotations

import pandas as pd

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
        ``u, v, kind, name, km, minutes, estimated`` (estimated: neither km nor minutes given).
    """
    if links is None or links.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    given = links[links["mode"] == mode].rename(columns={"from_place": "u", "to_place": "v", "mode": "kind"})
    return given.assign(estimated=given["km"].isna() & given["minutes"].isna())[LINK_COLUMNS].reset_index(drop=True)


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
