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
import stat
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
    """Text of a file in UTF-8 (BOM optional) or, failing that, Chinese Windows' GB18030 (GBK).

    A file in another legacy encoding (Windows-1252, Latin-1) often decodes as GB18030 too,
    into rare characters: "Citroën" becomes "Citro雗". Text whose characters beyond ASCII are
    mostly outside GB2312 (the common Chinese characters and symbols that GBK text is made of)
    is refused as such.

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
        If neither encoding reads it, or GB18030 reads it into unlikely text.

    Examples
    --------
    >>> decode("合肥".encode("gbk"), "t.csv")
    '合肥'
    >>> try:
    ...     decode("Citroën,Škoda".encode("cp1252"), "t.csv")
    ... except InputError as error:
    ...     print(error.problems[0].message[:60])
    is not UTF-8, and read as Chinese GBK it gives unlikely char
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError([Problem(
                label,
                f"cannot be read as text: not UTF-8 (byte {utf8_error.start}) nor GB18030; "
                "save it as UTF-8 (in Excel: 'CSV UTF-8')",
            )]) from None
    beyond = [c for c in text if ord(c) > 127]
    unlikely = [c for c in beyond if not _in_gb2312(c)]
    if beyond and len(unlikely) > UNLIKELY_SHARE * len(beyond):
        raise InputError([Problem(
            label, f"is not UTF-8, and read as Chinese GBK it gives unlikely characters ({unlikely[0]!r}): it may be "
                   "Windows-1252 or Latin-1; save it as UTF-8 (in Excel: 'CSV UTF-8')")])
    return text


UNLIKELY_SHARE = 0.2  # GBK text of place and company names: nearly every character is in GB2312


def _in_gb2312(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


MAX_FILE_BYTES = 512 * 1024 * 1024  # a scenario file larger than this is refused, not read


def read_user_file(path: Path, label: str, *, within: Path | None = None, limit: int | None = None) -> bytes:
    """A user's file, read only if it is a regular file of at most ``limit`` bytes inside ``within``.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    label : str
        How messages name the file.
    within : pathlib.Path, optional
        A folder the file must lie in, links resolved (``None``: anywhere).
    limit : int, optional
        The largest size read (default: :data:`MAX_FILE_BYTES`).

    Returns
    -------
    bytes
        The content.

    Raises
    ------
    InputError
        If the file is missing, outside ``within``, not a regular file (a folder, a device, a
        FIFO), too large, or unreadable.
    """
    if within is not None and not path.resolve().is_relative_to(within.resolve()):
        raise InputError([Problem(label, f"is outside the scenario folder ({within}); keep data files in it, or "
                                         "pass --allow-outside-files")])
    try:
        status = path.stat()
    except FileNotFoundError:
        raise InputError([Problem(label, "file not found")]) from None
    except OSError as error:
        raise InputError([Problem(label, f"cannot be read: {error.strerror}")]) from None
    limit = MAX_FILE_BYTES if limit is None else limit
    if not stat.S_ISREG(status.st_mode):
        raise InputError([Problem(label, "is not a regular file")])
    if status.st_size > limit:
        raise InputError([Problem(label, f"is {status.st_size / 2**20:.0f} MB; files above {limit / 2**20:.0f} MB "
                                         "are not read")])
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        raise InputError([Problem(label, f"cannot be read: {error.strerror}")]) from None
    if len(raw) > limit:
        raise InputError([Problem(label, f"grew above {limit / 2**20:.0f} MB while read")])
    return raw


def read_csv(path: Path, label: str, *, within: Path | None = None) -> CsvTable:
    """Read a CSV file as users save it.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    label : str
        How messages name the file.
    within : pathlib.Path, optional
        A folder the file must lie in (see :func:`read_user_file`).

    Returns
    -------
    CsvTable
        Header and non-blank rows.

    Raises
    ------
    InputError
        If the file cannot be read (see :func:`read_user_file`), is not text, not CSV, or has a
        bad header or rows longer than the header (every such problem at once).
    """
    return parse_csv(read_user_file(path, label, within=within), label)


def parse_csv(raw: bytes, label: str) -> CsvTable:
    r"""The header and non-blank rows of a CSV file's bytes (see :func:`read_csv`).

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    label : str
        How messages name the file.

    Returns
    -------
    CsvTable
        Header and non-blank rows.

    Raises
    ------
    InputError
        If the bytes are not text, not CSV, or have a bad header or rows longer than the header.

    Examples
    --------
    >>> parse_csv(b"a,b\n1,2\n", "t.csv").rows
    [(2, {'a': '1', 'b': '2'})]
    """
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
