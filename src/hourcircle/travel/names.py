"""Turn what a user types into a place or site id.

A place answers to its id, its English name in any case (spaces, hyphens and apostrophes
ignored) and its Chinese name with or without the administrative suffix; a site to its id
and its name. A name two places share is an error listing both.

Examples
--------
>>> import pandas as pd
>>> places = pd.DataFrame({"name": ["Suzhou", "Suzhou", "Hefei"],
...                        "name_zh": ["苏州市", "宿州市", "合肥市"],
...                        "province": ["Jiangsu", "Anhui", "Anhui"]},
...                       index=["suzhou_js", "suzhou_ah", "hefei"])
>>> index = NameIndex(places)
>>> [index.resolve(t) for t in ("hefei", "Hefei", "合肥", "合肥市", "宿州")]
['hefei', 'hefei', 'hefei', 'hefei', 'suzhou_ah']
>>> try:
...     index.resolve("Suzhou")
... except NameLookupError as error:
...     print(str(error).split(": ", 1)[1])
suzhou_js (Suzhou 苏州市, Jiangsu), suzhou_ah (Suzhou 宿州市, Anhui); use an id
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict

import pandas as pd

from hourcircle.errors import AmbiguousNameError, NameLookupError

_ZH_SUFFIXES = ("特别行政区", "自治州", "地区", "市", "盟", "县", "区", "省")
_IGNORED = re.compile(r"[\W_]+")


def compact(text: str) -> str:
    """Text case-folded, without spaces or punctuation: how names are compared.

    Parameters
    ----------
    text : str
        A name as a user typed it.

    Returns
    -------
    str
        The comparable form.

    Examples
    --------
    >>> compact("Hangzhou Bay-Bridge (G92)"), compact("Ürümqi")
    ('hangzhoubaybridgeg92', 'urumqi')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _IGNORED.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def normalise(text: str) -> str:
    """A place's lookup key: :func:`compact`, without a Chinese administrative suffix.

    Parameters
    ----------
    text : str
        A name as a user typed it.

    Returns
    -------
    str
        The lookup key.

    Examples
    --------
    >>> normalise("合肥市"), normalise("Ma'anshan")
    ('合肥', 'maanshan')
    """
    key = compact(text)
    for suffix in _ZH_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


class NameIndex:
    """Look up places (and optionally sites) by id or name.

    Parameters
    ----------
    places : pandas.DataFrame
        Indexed by place id, with ``name``, ``name_zh`` and ``province``.
    sites : pandas.DataFrame, optional
        Indexed by site id, with ``name`` and ``place_id``.
    """

    def __init__(self, places: pd.DataFrame, sites: pd.DataFrame | None = None) -> None:
        self._ids: dict[str, str] = {}
        self._names: dict[str, list[str]] = defaultdict(list)
        self._labels: dict[str, str] = {}
        zh = places["name_zh"].tolist() if "name_zh" in places.columns else [None] * len(places)
        for pid, name, name_zh, province in zip(places.index, places["name"].tolist(), zh,
                                                places["province"].tolist(), strict=True):
            self._add(str(pid), [str(name), str(name_zh or "")], f"{name} {name_zh or ''}".strip() + f", {province}")
        if sites is not None:
            for sid, name, place in zip(sites.index, sites["name"].tolist(), sites["place_id"].tolist(), strict=True):
                self._add(str(sid), [str(name)], f"site {name}, {place}")

    def _add(self, node_id: str, names: list[str], label: str) -> None:
        self._ids[node_id.casefold()] = node_id
        self._labels[node_id] = label
        for name in names:
            key = normalise(name)
            if key and node_id not in self._names[key]:
                self._names[key].append(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._labels

    def resolve(self, text: str) -> str:
        """The id ``text`` names.

        Parameters
        ----------
        text : str
            An id (any case), or a place's English or Chinese name, or a site's name.

        Returns
        -------
        str
            The place or site id.

        Raises
        ------
        NameLookupError
            If nothing is called ``text`` (with close matches as hints).
        AmbiguousNameError
            If several places or sites are, listing them.
        """
        if text.strip().casefold() in self._ids:
            return self._ids[text.strip().casefold()]
        found = self._names.get(normalise(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            options = ", ".join(f"{i} ({self._labels[i]})" for i in found)
            raise AmbiguousNameError(f"{text!r} is ambiguous: {options}; use an id")
        close = difflib.get_close_matches(normalise(text), list(self._names), n=3)
        hint = ""
        if close:
            hint = " (did you mean " + ", ".join(self._names[c][0] for c in close) + "?)"
        raise NameLookupError(f"no place or site is called {text!r}{hint}")
