r"""Write files for people atomically: a reader sees the old file or the whole new one.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a" / "t.csv"
>>> write_atomic(p, "x\n1\n")
>>> p.read_text()
'x\n1\n'
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from hourcircle.errors import ArgumentError

if TYPE_CHECKING:
    import pandas as pd


def _cannot_write(parameter: str, path: Path, error: OSError) -> ArgumentError:
    return ArgumentError(parameter, f"{path}: cannot write there ({error.strerror})")


def write_atomic(path: Path, text: str, *, parameter: str = "out") -> None:
    """Write a text file through a temporary file renamed into place.

    Parameters
    ----------
    path : pathlib.Path
        The file (its folder is made if missing).
    text : str
        The content, written as UTF-8 with line ends as given.
    parameter : str, default "out"
        The argument that named ``path``, for messages.

    Raises
    ------
    ArgumentError
        If the file cannot be written; nothing is left behind.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_write(parameter, path, error) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_write(parameter, path, error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_parquet(path: Path, parts: Iterable[tuple[int, pd.DataFrame]], *, parameter: str = "out") -> int:
    """Write numbered parts of one table to a Parquet file, in order, through a temporary file.

    Parts may arrive out of order (from a cluster): each is written as soon as those before it
    are, so memory holds only the parts that came early.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    parts : iterable of (int, pandas.DataFrame)
        Numbered from 0; every part has the same columns.
    parameter : str, default "out"
        The argument that named ``path``, for messages.

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    ArgumentError
        If the file cannot be written; nothing is left behind.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as error:
        raise _cannot_write(parameter, path, error) from None
    writer, waiting, expected, rows = None, {}, 0, 0
    try:
        for number, part in parts:
            waiting[number] = part
            while expected in waiting:
                table = pa.Table.from_pandas(waiting.pop(expected), preserve_index=True)
                writer = writer or pq.ParquetWriter(temporary, table.schema)
                writer.write_table(table)
                rows += table.num_rows
                expected += 1
        if writer is not None:
            writer.close()
        os.replace(temporary, path)
    except OSError as error:
        raise _cannot_write(parameter, path, error) from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return rows


def write_folder(folder: Path, files: dict[str, str]) -> None:
    """Write several files into a folder.

    A new folder appears whole (built aside and renamed); in an existing folder each file is
    replaced atomically.

    Parameters
    ----------
    folder : pathlib.Path
        Where to write.
    files : dict of str to str
        File name to content.

    Raises
    ------
    ArgumentError
        (parameter ``out``) if ``folder`` is a file or cannot be written.
    """
    if folder.exists() and not folder.is_dir():
        raise ArgumentError("out", f"{folder} is a file; give a folder to write into")
    if folder.exists():
        for name, text in files.items():
            write_atomic(folder / name, text)
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
        staging.chmod(0o755)
    except OSError as error:
        raise _cannot_write("out", folder, error) from None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
        os.replace(staging, folder)
    except OSError as error:
        raise _cannot_write("out", folder, error) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
