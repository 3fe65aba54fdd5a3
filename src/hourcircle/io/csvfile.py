r"""Read a CSV file as users save it.

UTF-8 with or without a byte-order mark, CRLF or LF line endings, or GB18030/GBK as Excel
writes it on Chinese Windows.

Rows are numbered as a spreadsheet shows them: the header is row 1.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_bytes("\ufeffid,name\r\nhefei,合肥\r\n".encode("utf-8"))
>>> t = read_csv(p, "t.csv")
>>> t.header, t.rows
(['id', 'name'], [(2, {'id': 'hefei', 'name': '合肥'})])
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from hourcircle.errors import InputError, Problem


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header and its non-blank rows, each with its spreadsheet row number.

    Parameters
    ----------
    label : str
        How messages name the file.
    header : list of str
        Column names.
    rows : list of (int, dict)
        Row number and cells by column.
    """

    label: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def decode(raw: bytes, label: str) -> str:
    """Text of a file in UTF-8 (BOM optional) or, failing that, GB18030 (a superset of GBK).

    Parameters
    ----------
    raw : bytes
        The file's content.
    label : str
        How messages name the file.

    Returns
    -------
    str
        The decoded text.

    Raises
    ------
    InputError
        If neither encoding reads it.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError([Problem(
                label,
                f"cannot be read as text: not UTF-8 (byte {utf8_error.start}) nor GB18030; "
                "save it as UTF-8 (in Excel: 'CSV UTF-8')",
            )]) from None


def read_csv(path: Path, label: str) -> CsvTable:
    """Read a CSV file as users save it.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    label : str
        How messages name the file.

    Returns
    -------
    CsvTable
        Header and non-blank rows.

    Raises
    ------
    InputError
        If the file is missing, unreadable, not text, not CSV, or has a bad header or rows
        longer than the header (every such problem at once).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(label, "file not found")]) from None
    except OSError as error:
        raise InputError([Problem(label, f"cannot be read: {error.strerror}")]) from None
    text = decode(raw, label)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InputError([Problem(label, f"is not valid CSV: {error}")]) from None
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise InputError([Problem(label, "is empty: it needs a header row and data rows")])
    header_row, header = numbered[0][0], [c.strip() for c in numbered[0][1]]
    problems = [
        Problem(label, "the header repeats this column", row=header_row, column=name)
        for i, name in enumerate(header) if name and name in header[:i]
    ]
    problems += [
        Problem(label, "a header cell is empty", row=header_row, column=f"#{i + 1}")
        for i, name in enumerate(header) if not name
    ]
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in numbered[1:]:
        if len(cells) > len(header):
            problems.append(Problem(
                label, f"has {len(cells)} cells but the header has {len(header)} columns", row=number
            ))
            continue
        cells = cells + [""] * (len(header) - len(cells))
        rows.append((number, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    if problems:
        raise InputError(problems)
    return CsvTable(label, header, rows)
