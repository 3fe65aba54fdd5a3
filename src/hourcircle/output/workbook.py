"""A run as an Excel workbook: the findings first, then one sheet per table.

Written with XlsxWriter: a frozen header row, column widths from the contents, a table's index
as named columns, numbers as numbers with one number format per column (thousands separators;
hours with one decimal, shares as percentages; see :func:`hourcircle.output.tables.decimals`),
text as text (never a formula: strings are not converted, and those a spreadsheet would run are
quoted as in the CSVs), and the same bytes for the same run (fixed document dates).

Examples
--------
>>> import io, zipfile
>>> data = workbook("A run", ["**Plants:** 2 of 2"], {"plants.csv": pd.DataFrame({"hours": [1.5]})})
>>> sorted(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/"))
['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
from typing import Any

import numpy as np
import pandas as pd

from hourcircle.output.formats import flat, neutralise, plain
from hourcircle.output.tables import decimals

FIXED_DATE = dt.datetime(2000, 1, 1)  # document dates: the same bytes for the same run
MAX_WIDTH = 60
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def workbook(title: str, findings: list[str], tables: dict[str, pd.DataFrame]) -> bytes:
    """A run's workbook.

    Parameters
    ----------
    title : str
        The document's title.
    findings : list of str
        The findings, in Markdown (shown as plain text, a finding's list one row per item).
    tables : dict of str to pandas.DataFrame
        The run's tables by CSV file name (one sheet each, named without ``.csv``).

    Returns
    -------
    bytes
        An ``.xlsx`` file: sheet ``findings``, then one sheet per table.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "nan_inf_to_errors": False})
    book.set_properties({"created": FIXED_DATE, "title": title})
    header = book.add_format({"bold": True, "bottom": 1})
    rows = [plain(part if i == 0 else f"  {part}") for line in findings for i, part in enumerate(line.split("\n"))]
    sheets = {"findings": pd.DataFrame({"finding": rows})}
    sheets |= {name.removesuffix(".csv"): flat(frame) for name, frame in tables.items()}
    for name, frame in sheets.items():
        _sheet(book, SHEET_NAME.sub("_", name)[:31], neutralise(frame), header)
    book.close()
    return buffer.getvalue()


def _number_format(name: object, places: int | None) -> str | None:
    """An Excel number format: shares as percentages, else thousands separators and ``places`` decimals.

    >>> _number_format("people", 0), _number_format("hours", 1), _number_format("share", 1)
    ('#,##0', '#,##0.0', '0%')
    >>> _number_format("name", None) is None
    True
    """
    if places is None:
        return None
    return "0%" if "share" in str(name).lower() else "#,##0" + ("." + "0" * places if places else "")


def _sheet(book: Any, name: str, frame: pd.DataFrame, header: Any) -> None:
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, [str(c) for c in frame.columns], header)
    sheet.freeze_panes(1, 0)
    places = [decimals(c, frame.iloc[:, i], hours=1) for i, c in enumerate(frame.columns)]
    formats = [None if (f := _number_format(c, p)) is None else book.add_format({"num_format": f})
               for c, p in zip(frame.columns, places, strict=True)]
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for column, value in enumerate(values):
            _write(sheet, row, column, value, formats[column])
    for column, name_ in enumerate(frame.columns):
        texts = [str(name_)] + [_shown(v, places[column]) for v in frame.iloc[:, column].tolist()]
        sheet.set_column(column, column, min(max(len(t) for t in texts) + 2, MAX_WIDTH))


def _write(sheet: Any, row: int, column: int, value: Any, number_format: Any = None) -> None:
    """A cell: numbers (in the column's format) and booleans as such, missing values blank, else text."""
    if value is None or (isinstance(value, numbers.Real) and math.isnan(value)):
        return
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, column, bool(value))
    elif isinstance(value, numbers.Real) and math.isfinite(value):
        sheet.write_number(row, column, float(value), number_format)
    else:
        sheet.write_string(row, column, str(value))


def _shown(value: Any, places: int | None) -> str:
    """A cell as its column's format shows it (for the column's width)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return "" if not math.isfinite(value) else f"{value:,.{places if places is not None else 3}f}"
    return "" if value is None else str(value)
