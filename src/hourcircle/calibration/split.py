"""The fixed rule that splits published figures into fit and held-out sets.

A pair of places is held out when the SHA-256 of its id (the two place ids in alphabetical
order, joined by ``|``) read as a number is divisible by :data:`HOLDOUT_EVERY`: about one pair
in three, whichever file or order the pair comes in, and the same pair always in the same set
(every source of a pair is on one side). The rule was fixed before any fitting.

Examples
--------
>>> pair_id("suzhou_js", "shanghai")
'shanghai|suzhou_js'
>>> role("shanghai", "suzhou_js") == role("suzhou_js", "shanghai")
True
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

HOLDOUT_EVERY = 3


def pair_id(a: str, b: str) -> str:
    """The id of an unordered pair of places: ``"a|b"`` in alphabetical order.

    Parameters
    ----------
    a, b : str
        Place ids.

    Returns
    -------
    str
        The pair's id.
    """
    return "|".join(sorted((str(a), str(b))))


def role(a: str, b: str) -> str:
    """``holdout`` or ``fit``: the set a pair of places belongs to by the fixed rule.

    Parameters
    ----------
    a, b : str
        Place ids.

    Returns
    -------
    str
        ``holdout`` when the pair's hash is divisible by :data:`HOLDOUT_EVERY`, else ``fit``.
    """
    number = int(hashlib.sha256(pair_id(a, b).encode("utf-8")).hexdigest(), 16)
    return "holdout" if number % HOLDOUT_EVERY == 0 else "fit"


def roles(pairs: pd.DataFrame) -> pd.Series:
    """The rule's role for each row of ``from_place, to_place``; rows marked ``excluded`` stay so.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``from_place, to_place`` and, optionally, ``role``.

    Returns
    -------
    pandas.Series
        ``fit``, ``holdout`` or ``excluded``, on ``pairs``' index.

    Examples
    --------
    >>> roles(pd.DataFrame({"from_place": ["a", "b"], "to_place": ["b", "a"], "role": ["fit", "excluded"]})).tolist()
    ['fit', 'excluded']
    """
    by_rule = [role(a, b) for a, b in zip(pairs["from_place"], pairs["to_place"], strict=True)]
    excluded = pairs["role"].eq("excluded").to_numpy() if "role" in pairs else np.zeros(len(pairs), bool)
    return pd.Series(np.where(excluded, "excluded", by_rule), index=pairs.index, name="role")
