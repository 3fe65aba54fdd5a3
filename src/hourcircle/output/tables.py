r"""Tables for people: flat, with named columns, one number format per column, the same bytes anywhere.

Every table a person reads goes through here: the report's Markdown, the terminal's text and
the workbook's number formats. A table's index becomes named columns
(:func:`~hourcircle.output.formats.flat`: an unnamed index of row numbers is dropped), a text
column that repeats the first (an id that is its name) is shown once, and each numeric column
gets one format (:func:`decimals`): whole numbers with thousands separators, minutes whole,
hours and shares with two decimals, other numbers with about three significant digits. Column
widths count East Asian wide characters as two (from :mod:`unicodedata`, never from an optional
package such as ``wcwidth``), so the bytes do not depend on what else is installed.

Examples
--------
>>> frame = pd.DataFrame({"place": ["Hefei", "合肥"], "people": [153941532.0, 9.4e6],
...                       "hours": [1.3421, 12.0]})
>>> print(markdown_table(frame))
| place |      people | hours |
|:------|------------:|------:|
| Hefei | 153,941,532 |  1.34 |
| 合肥  |   9,400,000 | 12.00 |
>>> print(text_table(frame))
place       people  hours
-----  -----------  -----
Hefei  153,941,532   1.34
合肥     9,400,000  12.00
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from hourcircle.errors import escape_controls
from hourcircle.output.formats import flat, md

WHOLE_WORDS = ("minutes",)  # columns of minutes are shown whole
TWO_DECIMAL_WORDS = ("hours", "share")  # hours and shares with two decimals


def decimals(name: object, values: pd.Series, *, hours: int = 2) -> int | None:
    """The decimals a numeric column is shown with (None: not a number column).

    Parameters
    ----------
    name : object
        The column's name: a column of minutes is shown whole, one of hours or shares with
        ``hours`` decimals.
    values : pandas.Series
        The column.
    hours : int, default 2
        Decimals for hours and shares.

    Returns
    -------
    int or None
        0 for integers and for floats that are all whole; else by the name; else by the largest
        value: 2 below 10, 1 below 100, 0 from 100 up. None for text and booleans.

    Examples
    --------
    >>> decimals("minutes_added", pd.Series([1.5, 1045.4])), decimals("hours", pd.Series([1.5]))
    (0, 2)
    >>> decimals("km", pd.Series([12.34, 56.0])), decimals("people", pd.Series([1.5e8, float("nan")]))
    (1, 0)
    >>> decimals("complete", pd.Series([True])) is None
    True
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if pd.api.types.is_integer_dtype(values):
        return 0
    finite = values.to_numpy(dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    text = str(name).lower()
    if any(word in text for word in TWO_DECIMAL_WORDS):
        return hours
    if not finite.size or np.all(finite == np.round(finite)) or any(word in text for word in WHOLE_WORDS):
        return 0
    largest = float(np.abs(finite).max())
    return 2 if largest < 10 else 1 if largest < 100 else 0


def number(value: Any, places: int) -> str:
    """A number with thousands separators and ``places`` decimals; missing as empty.

    Parameters
    ----------
    value : object
        A number (or None / NaN).
    places : int
        Decimals.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> number(1045.395, 0), number(0.5, 2), number(float("nan"), 1), number(float("inf"), 0)
    ('1,045', '0.50', '', 'inf')
    """
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return ""
    if isinstance(value, float | np.floating) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:,.{places}f}"


def width(text: str) -> int:
    """The columns a text takes in a monospaced font: East Asian wide characters count two.

    Parameters
    ----------
    text : str
        One line.

    Returns
    -------
    int
        The width (combining marks count none).

    Examples
    --------
    >>> width("Hefei"), width("合肥市"), width("é")
    (5, 6, 1)
    """
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The table flat, without a text column that repeats its first (an id that is its name).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        See :func:`~hourcircle.output.formats.flat`; only the first column is compared, so two
        columns that happen to agree (before and after) are both kept.

    Examples
    --------
    >>> readable(pd.DataFrame({"id": ["G2 bridge"], "name": ["G2 bridge"], "n": [1]}).set_index("id"))
              id  n
    0  G2 bridge  1
    """
    table = flat(frame)
    if not len(table.columns):
        return table
    first = table.iloc[:, 0].astype(str)
    repeats = [i > 0 and (pd.api.types.is_object_dtype(table.iloc[:, i]) or
                          pd.api.types.is_string_dtype(table.iloc[:, i])) and table.iloc[:, i].astype(str).equals(first)
               for i in range(len(table.columns))]
    return table.iloc[:, [i for i, repeat in enumerate(repeats) if not repeat]]


def cells(frame: pd.DataFrame, text: Callable[[str], str]) -> tuple[list[str], list[list[str]], list[bool]]:
    """A readable table as texts: the header, the rows, and which columns are numbers.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table (see :func:`readable`).
    text : callable
        How a text (a name, a header) is shown.

    Returns
    -------
    tuple
        Header texts, row texts, and per column whether it is right-aligned (numbers).
    """
    table = readable(frame)
    header, columns, numeric = [text(str(c)) for c in table.columns], [], []
    for i, name in enumerate(table.columns):
        values = table.iloc[:, i]
        places = decimals(name, values)
        numeric.append(places is not None)
        if places is not None:
            columns.append([number(v, places) for v in values.tolist()])
        else:
            columns.append([_text(v, text) for v in values.tolist()])
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    return header, rows, numeric


def _text(value: Any, text: Callable[[str], str]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return number(value, 2)
    return text(str(value))


def _pad(value: str, size: int, right: bool) -> str:
    gap = " " * (size - width(value))
    return gap + value if right else value + gap


def markdown_table(frame: pd.DataFrame, limit: int | None = None) -> str:
    """A table in Markdown: flat, texts made inert (see :func:`~hourcircle.output.formats.md`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; its index becomes its first columns (see :func:`readable`).
    limit : int, optional
        Show at most this many rows, and say how many more the CSV has.

    Returns
    -------
    str
        Markdown, or ``_(none)_`` for an empty table.
    """
    shown = frame if limit is None else frame.head(limit)
    if shown.empty:
        return "_(none)_"
    header, rows, numeric = cells(shown, md)
    sizes = [max(width(t) for t in [h, *(r[i] for r in rows)]) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(_pad(h, s, n) for h, s, n in zip(header, sizes, numeric, strict=True)) + " |",
             "|" + "|".join((":" + "-" * (s + 1)) if not n else ("-" * (s + 1) + ":")
                            for s, n in zip(sizes, numeric, strict=True)) + "|"]
    lines += ["| " + " | ".join(_pad(v, s, n) for v, s, n in zip(row, sizes, numeric, strict=True)) + " |"
              for row in rows]
    more = "" if limit is None or len(frame) <= limit else f"\n\n_{len(frame) - limit} more rows in the CSV._"
    return "\n".join(lines) + more


def text_table(frame: pd.DataFrame) -> str:
    """A table as plain text for a terminal: aligned columns, no markup.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; its index becomes its first columns (see :func:`readable`).

    Returns
    -------
    str
        The header, a rule, one line per row; ``(none)`` for an empty table.
    """
    if frame.empty:
        return "(none)"
    header, rows, numeric = cells(frame, escape_controls)
    sizes = [max(width(t) for t in [h, *(r[i] for r in rows)]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, s, n) for h, s, n in zip(header, sizes, numeric, strict=True)),
             "  ".join("-" * s for s in sizes)]
    lines += ["  ".join(_pad(v, s, n) for v, s, n in zip(row, sizes, numeric, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)
