"""Find the datasets that ship with hourcircle.

They live in the package (``hourcircle/data``) once installed; in a source checkout they are
read from the repository's ``data/`` folder.

Examples
--------
>>> (bundled() / "scenario.toml").is_file()
True
>>> [p.name for p in available()]
['china_nev', 'yrd_nev']
>>> locate("china") == bundled("china_nev")
True
>>> category_names()["battery"]
'动力电池'
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from hourcircle.config import data_root

__all__ = ["DEFAULT", "NAMES", "available", "bundled", "category_names", "china_prefectures", "data_root", "locate"]

DEFAULT = "yrd_nev"
NAMES = {"yrd": "yrd_nev", "china": "china_nev"}  # short names users may give for the bundled scenarios


def bundled(name: str = DEFAULT) -> Path:
    """The folder of a bundled scenario.

    Parameters
    ----------
    name : str, default "yrd_nev"
        The scenario's folder name.

    Returns
    -------
    pathlib.Path
        Its folder (it may not exist: see :func:`available`).
    """
    return data_root() / name


def locate(text: str | Path) -> Path:
    """The scenario a user names: an existing path, else a bundled scenario by name.

    Parameters
    ----------
    text : str or pathlib.Path
        A folder, a ``.toml`` file, or a bundled scenario's name (``yrd``, ``china``,
        ``yrd_nev``, ``china_nev``).

    Returns
    -------
    pathlib.Path
        The path (which may not exist, when it names nothing).
    """
    path = Path(text)
    if path.exists() or str(text) not in {*NAMES, *NAMES.values()}:
        return path
    return bundled(NAMES.get(str(text), str(text)))


def available() -> list[Path]:
    """Every bundled scenario folder.

    Returns
    -------
    list of pathlib.Path
        The folders holding a ``scenario.toml``, sorted.
    """
    return sorted(p.parent for p in data_root().glob("*/scenario.toml"))


def china_prefectures() -> Path:
    """The table of China's prefecture-level units, for national-scale work.

    Returns
    -------
    pathlib.Path
        CSV of all 338 prefecture-level units and municipalities of mainland China.
    """
    return data_root() / "china_prefectures.csv"


@cache
def category_names() -> dict[str, str]:
    """Chinese names of the usual supply-chain categories (``data/categories.csv``).

    Returns
    -------
    dict of str to str
        Category id to its Chinese name, e.g. ``{"battery": "动力电池", ...}``.
    """
    with (data_root() / "categories.csv").open(encoding="utf-8", newline="") as handle:
        return {row["category"]: row["name_zh"] for row in csv.DictReader(handle)}
