r"""Text formats shared by the report, the workbook and the command line: safe and deterministic.

CSV text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) get a leading ``'``; Markdown gets names made inert; GeoJSON and
CSV give the same bytes for the same table. Control characters in names (an escape sequence,
a bell, a line end) are shown as ``\u001b`` in every file, as on the terminal
(:func:`hourcircle.errors.escape_controls`): ``cat plants.csv`` acts on none of them, and a cell
stays on its line.

Examples
--------
>>> neutralise(pd.DataFrame({"name": ["=1+1", "ok"]}))["name"].tolist()
["'=1+1", 'ok']
>>> print(md("a|b"))
a\|b
>>> print(to_csv(pd.DataFrame({"name": ["Hefei\x1b]0;x\x07", "two\nlines"]})), end="")
name
Hefei\u001b]0;x\u0007
two\u000alines
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from hourcircle.errors import escape_controls

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DECIMALS = 3

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    r"""A copy whose text cells cannot run as spreadsheet formulas nor act on a terminal.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        Text cells, column names and index labels starting with a formula character get a
        leading ``'``; control characters (tabs and line ends among them) are shown as
        ``\u0009`` (see :func:`hourcircle.errors.escape_controls`).

    Examples
    --------
    >>> neutralise(pd.DataFrame({"=id": ["-x", "a"]}, index=["@b", "c"])).to_dict()
    {"'=id": {"'@b": "'-x", 'c': 'a'}}
    >>> print(*neutralise(pd.DataFrame({"name": ["\tx", "=y\x1b"]}))["name"])
    '\u0009x '=y\u001b
    """
    return map_text(frame, _inert)


def _inert(text: str) -> str:
    """A cell's text that neither a spreadsheet runs (a leading ``'``) nor a terminal acts on."""
    shown = escape_controls(text)
    return f"'{shown}" if text.startswith(FORMULA_START) else shown


def map_text(frame: pd.DataFrame, function: Callable[[str], str]) -> pd.DataFrame:
    """A copy with ``function`` applied to every text: cells, column names, index labels.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.
    function : callable
        Text to text.

    Returns
    -------
    pandas.DataFrame
        The copy; numbers and other values are left as they are.
    """
    def each(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(each(v) for v in value)
        return function(value) if isinstance(value, str) else value

    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(each)
    out.columns = out.columns.map(each)
    out.index = out.index.map(each)
    return out


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with its index as named columns (an unnamed index of row numbers dropped).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        A copy with a default index: no tuple cells, no unnamed column of row numbers (an
        unnamed index of labels is called ``index``, or ``level_N`` in a MultiIndex).

    Examples
    --------
    >>> flat(pd.DataFrame({"x": [1]}, index=pd.MultiIndex.from_tuples([("a", "b")], names=["p", "c"])))
       p  c  x
    0  a  b  1
    >>> flat(pd.DataFrame({"x": [1, 2, 3]}).iloc[[2, 0]]).columns.tolist()
    ['x']
    """
    index = frame.index
    if index.nlevels == 1 and index.name is None and pd.api.types.is_integer_dtype(index):
        return frame.reset_index(drop=True)
    return frame.reset_index()


def to_csv(frame: pd.DataFrame) -> str:
    r"""Deterministic, formula-safe CSV (floats rounded to 3 decimals, ``\n`` line ends).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; its index becomes the first columns (see :func:`flat`).

    Returns
    -------
    str
        The CSV text.
    """
    rounded = flat(frame.round(DECIMALS))
    return neutralise(rounded).to_csv(index=False, lineterminator="\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else round(float(value), DECIMALS)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def geojson(points: pd.DataFrame, id_name: str) -> str:
    r"""A GeoJSON FeatureCollection of points.

    Parameters
    ----------
    points : pandas.DataFrame
        With ``lat`` and ``lon`` columns; the other columns become properties.
    id_name : str
        The property that holds each row's index.

    Returns
    -------
    str
        The GeoJSON text (deterministic: sorted keys, rounded coordinates; control characters
        in texts as JSON's ``\u001b`` escapes, which read back as the same text).
    """
    features = []
    for key, row in points.iterrows():
        properties = {id_name: str(key)} | {str(c): _json_value(v) for c, v in row.items() if c not in ("lat", "lon")}
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [round(float(row["lon"]), 6),
                                                                       round(float(row["lat"]), 6)]}})
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, sort_keys=True,
                      indent=1)
    return escape_controls(text, keep="\n") + "\n"  # json escapes C0 in strings, not DEL and C1


def md(text: object) -> str:
    r"""Text from a scenario made inert in Markdown: one line, no markup, no HTML.

    Parameters
    ----------
    text : object
        A name, an id, a message.

    Returns
    -------
    str
        Line ends as spaces; other control characters as ``\\u001b`` (escaped for Markdown);
        ``& < >`` as entities; Markdown's punctuation escaped.

    Examples
    --------
    >>> print(md("a|b <script>\n## [x](javascript:y)"))
    a\|b &lt;script&gt; \#\# \[x\](javascript:y)
    >>> print(md("Hefei\x1b]0;x\x07"))
    Hefei\\u001b\]0;x\\u0007
    """
    one_line = escape_controls(" ".join(str(text).split()))
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def plain(line: str) -> str:
    r"""A findings line without its Markdown: bold, code spans, escapes and entities.

    Parameters
    ----------
    line : str
        Markdown (see :func:`hourcircle.output.report.findings`).

    Returns
    -------
    str
        Plain text.

    Examples
    --------
    >>> plain("**Plants:** Geely \\| Linhai (`geely`) &lt;x&gt;")
    'Plants: Geely | Linhai (geely) <x>'
    """
    text = line.replace("**", "").replace("`", "")
    return html.unescape(re.sub(r"\\(.)", r"\1", text))
