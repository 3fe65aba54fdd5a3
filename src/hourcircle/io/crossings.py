"""Read the border crossings a scenario opts into (``[roads] border_crossings``).

``true`` reads the bundled list (``data/border_crossings.csv``), a text names a CSV file of the
same columns (:data:`~hourcircle.io.tables.CROSSINGS`). Every problem names the file, row and
column, or the setting.

Examples
--------
>>> from hourcircle.scenario import RoadsSection
>>> found = read_crossings(RoadsSection(source="osm", border_crossings=True), Path("."), "scenario.toml")
>>> found.problems, "Mohan-Boten" in set(found.table["name"]), found.label
([], True, 'border_crossings.csv (bundled)')
>>> read_crossings(RoadsSection(source="osm", border_minutes=60), Path("."), "scenario.toml").problems[0].key
'roads.border_minutes'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hourcircle.config import data_root
from hourcircle.errors import InputError, Problem
from hourcircle.io.csvfile import read_csv
from hourcircle.io.tables import CROSSINGS, parse_table
from hourcircle.scenario import RoadsSection

BUNDLED_FILE = "border_crossings.csv"


@dataclass(frozen=True)
class Crossings:
    """A scenario's border crossings as read.

    Parameters
    ----------
    table : pandas.DataFrame or None
        The rows (with ``row`` and ``minutes`` filled in), or ``None`` when the scenario opts out.
    label : str or None
        How messages name the file.
    path : pathlib.Path or None
        The file read.
    problems : list of Problem
        Everything wrong with the settings or the file.
    """

    table: pd.DataFrame | None = None
    label: str | None = None
    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)


def _setting_problems(section: RoadsSection, label: str) -> list[Problem]:
    if section.border_crossings is False:
        if section.border_minutes is not None:
            return [Problem(label, "is paid only at border crossings: set border_crossings = true (or a file), "
                                   "or leave border_minutes out", key="roads.border_minutes")]
        return []
    if section.source not in ("osm", None):
        return [Problem(label, "joins OpenStreetMap roads across the border: set [roads] source = 'osm'",
                        key="roads.border_crossings")]
    if section.outline == "none":
        return [Problem(label, "opens the outline at border crossings, but outline = 'none' keeps no outline: "
                               "set outline = 'china' (or 'auto')", key="roads.border_crossings")]
    if isinstance(section.border_crossings, str) and not section.border_crossings.strip():
        return [Problem(label, "is empty: give true for the bundled crossings, or a CSV file",
                        key="roads.border_crossings")]
    if isinstance(section.border_crossings, str) and "\0" in section.border_crossings:
        return [Problem(label, f"{section.border_crossings!r} holds a NUL character (\\u0000), which no file name "
                               "can; give the file's name", key="roads.border_crossings")]
    return []


def read_crossings(section: RoadsSection, folder: Path, label: str, *, allow_outside: bool = False) -> Crossings:
    """The border crossings a scenario's ``[roads]`` section opts into.

    Parameters
    ----------
    section : RoadsSection
        ``border_crossings`` (``false``, ``true`` or a file) and ``border_minutes``.
    folder : pathlib.Path
        The scenario's folder (a file is read relative to it).
    label : str
        How messages name ``scenario.toml``.
    allow_outside : bool, default False
        Read a file outside the folder (see :func:`hourcircle.io.load.load_scenario`).

    Returns
    -------
    Crossings
        The table (``minutes`` filled in from ``border_minutes`` where the file gives none),
        or the problems.
    """
    problems = _setting_problems(section, label)
    if problems or section.border_crossings is False:
        return Crossings(problems=problems)
    if section.border_crossings is True:
        path, name = data_root() / BUNDLED_FILE, f"{BUNDLED_FILE} (bundled)"
    else:
        path, name = folder / section.border_crossings, section.border_crossings
    try:
        csv = read_csv(path, name, within=None if allow_outside or section.border_crossings is True else folder)
    except InputError as error:
        return Crossings(problems=list(error.problems))
    table, problems = parse_table(csv, CROSSINGS)
    repeated = table[table["name"].duplicated()]
    problems += [Problem(name, f"crossing {value!r} is listed twice", row=int(row), column="name")
                 for row, value in zip(repeated["row"], repeated["name"], strict=True)]
    table["minutes"] = pd.to_numeric(table["minutes"]).fillna(section.crossing_minutes)
    return Crossings(table.reset_index(drop=True), name, path, problems)
