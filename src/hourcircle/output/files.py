r"""Write files for people atomically: a reader sees the old file or the whole new one.

New files get the modes the user's umask gives. A run's folder is replaced whole, and only
if it holds nothing but an earlier run's files (:func:`write_folder`).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a" / "t.csv"
>>> write_atomic(p, "x\n1\n")
>>> p.read_text()
'x\n1\n'
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from hourcircle.errors import ArgumentError

if TYPE_CHECKING:
    import pandas as pd


def _cannot_write(parameter: str, path: Path, error: OSError) -> ArgumentError:
    return ArgumentError(parameter, f"{path}: cannot write there ({error.strerror})")


@contextlib.contextmanager
def _beside(path: Path, parameter: str) -> Iterator[str]:
    """A temporary file beside ``path``, renamed onto it (with the umask's mode) if the block succeeds.

    Whatever happens in the block (an error, Ctrl-C), the temporary file goes; an ``OSError``
    becomes an :class:`ArgumentError` naming ``parameter``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as error:
        raise _cannot_write(parameter, path, error) from None
    try:
        yield temporary
        os.chmod(temporary, _modes()[0])
        os.replace(temporary, path)
    except OSError as error:
        raise _cannot_write(parameter, path, error) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


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
    with _beside(path, parameter) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


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

    writer, waiting, expected, rows = None, {}, 0, 0
    with _beside(path, parameter) as temporary:
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
    return rows


MANIFEST = ".hourcircle-run.json"  # marks a folder as an earlier run's, and lists its files


def _modes() -> tuple[int, int]:
    """The file and folder modes the user's umask gives new files (mkstemp's are 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask, 0o777 & ~mask


def check_out_folder(folder: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output folder that a run must not replace.

    Parameters
    ----------
    folder : pathlib.Path
        Where a run would write.
    inputs : iterable of pathlib.Path
        The files the run reads (a scenario's), which the folder must not hold.

    Raises
    ------
    ArgumentError
        (parameter ``out``) if the path is empty, is a file, holds an input, or holds any file
        that an earlier run did not write (named).
    """
    if str(folder) in ("", "."):
        raise ArgumentError("out", "give a folder for the results (not the current folder)")
    if folder.exists() and not folder.is_dir():
        raise ArgumentError("out", f"{folder} is a file; give a folder to write into")
    target = folder.resolve()
    for path in inputs:
        if target == path.resolve().parent or target in path.resolve().parents:
            raise ArgumentError("out", f"{folder} holds the scenario's {path.name}; give another folder")
    if not folder.exists():
        return
    ours = set(_manifest(folder)) | {MANIFEST}
    foreign = sorted(entry.name for entry in folder.iterdir() if entry.name not in ours)
    if foreign:
        raise ArgumentError("out", f"{folder} holds {foreign[0]!r}, which no hourcircle run wrote; give an empty "
                                   "or new folder, or a folder of an earlier run")


def _manifest(folder: Path) -> list[str]:
    """The files an earlier run listed in ``folder`` (none if it did not write there)."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [name for name in listed if isinstance(name, str) and "/" not in name and name not in ("", ".", "..")]


def write_folder(folder: Path, files: dict[str, str] | dict[str, str | bytes], *,
                 inputs: Iterable[Path] = ()) -> None:
    """Write a run's files as one folder that replaces an earlier run's whole.

    The files are written into a new folder beside ``folder``, with a manifest that lists them;
    then it takes ``folder``'s place (an earlier run's folder is moved aside first and deleted
    after). If anything fails or the process is interrupted, the earlier folder is back and no
    staging folder is left.

    Parameters
    ----------
    folder : pathlib.Path
        Where to write.
    files : dict of str to str or bytes
        File name to content (text is written as UTF-8).
    inputs : iterable of pathlib.Path
        The run's input files (see :func:`check_out_folder`).

    Raises
    ------
    ArgumentError
        (parameter ``out``) as :func:`check_out_folder` says, or if the folder cannot be written.
    """
    check_out_folder(folder, inputs)
    file_mode, folder_mode = _modes()
    staging = aside = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.new-"))
        staging.chmod(folder_mode)
        manifest = json.dumps({"files": sorted(files)}, indent=1) + "\n"
        for name, content in {**files, MANIFEST: manifest}.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (staging / name).write_bytes(data)
            (staging / name).chmod(file_mode)
        if folder.exists():
            aside = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.old-"))
            os.replace(folder, aside)
        os.replace(staging, folder)
        staging = None
    except OSError as error:
        raise _cannot_write("out", folder, error) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            if aside is not None and not folder.exists():
                os.replace(aside, folder)  # put the earlier run back
                aside = None
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
