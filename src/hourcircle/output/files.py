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
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from hourcircle.atomic import RANDOM_PART, hidden_name, replacing, signals_held, too_long, umask_modes
from hourcircle.errors import ArgumentError

if TYPE_CHECKING:
    import pandas as pd


def _cannot_write(parameter: str, path: Path, error: OSError) -> ArgumentError:
    return ArgumentError(parameter, f"{path}: cannot write there ({error.strerror})")


def check_name(path: Path, parameter: str) -> None:
    """Refuse a path with a name longer than a file system allows, before anything is tried.

    Parameters
    ----------
    path : pathlib.Path
        A file or folder to write.
    parameter : str
        The argument that named it, for messages.

    Raises
    ------
    ArgumentError
        Naming the name, its length and the limit (see :func:`hourcircle.atomic.too_long`).

    Examples
    --------
    >>> check_name(Path("out") / "plants.csv", "out")
    """
    if (problem := too_long(path)) is not None:
        raise ArgumentError(parameter, f"{path}: {problem}")


_FINISH_AFTER_COMMIT = [False]


def finish_after_commit() -> None:
    """Let no signal stop the program once it has begun to put an output in place.

    The command line calls this: a command that has written its results then runs to its end
    (exit 0) instead of saying it wrote nothing. Without it (in a notebook, say), Ctrl-C and
    SIGTERM are held back only while a file or folder is swapped in, then work again.
    """
    _FINISH_AFTER_COMMIT[0] = True


def _commit() -> contextlib.AbstractContextManager[None]:
    """Hold back Ctrl-C and SIGTERM while an output is swapped in, so none is left half-replaced."""
    return signals_held(release=not _FINISH_AFTER_COMMIT[0])


@contextlib.contextmanager
def _beside(path: Path, parameter: str) -> Iterator[str]:
    """A temporary file beside ``path``, renamed onto it under :func:`_commit` if the block succeeds.

    Whatever happens in the block (an error, Ctrl-C), the temporary file goes; an ``OSError``
    becomes an :class:`ArgumentError` naming ``parameter``.
    """
    check_name(path, parameter)
    try:
        with replacing(path, _commit) as temporary:
            yield temporary
    except OSError as error:
        raise _cannot_write(parameter, path, error) from None


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


MANIFEST = ".hourcircle-run.json"  # marks a folder as an earlier run's: each file's size and SHA-256


def fingerprint(data: bytes) -> dict[str, int | str]:
    """What a manifest or ledger records of a file: its size and SHA-256.

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    dict
        ``{"size": int, "sha256": str}``.

    Examples
    --------
    >>> fingerprint(b"x")["size"]
    1
    """
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def fingerprint_file(path: Path) -> dict[str, int | str]:
    """The size and SHA-256 of a regular file, read in blocks.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    dict
        ``{"size": int, "sha256": str}``.
    """
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return {"size": size, "sha256": digest.hexdigest()}


def refuse_place(path: Path, parameter: str, inputs: Iterable[Path] = ()) -> None:
    """Refuse a folder whose replacement would take more than an earlier run's files with it.

    Whatever the spelling (``.``, ``$(pwd)``, ``../here``, a link): the current folder and its
    ancestors, the home folder, the file system's root, and any folder that holds one of the
    scenario's files (the scenario's folder and its ancestors).

    Parameters
    ----------
    path : pathlib.Path
        The folder.
    parameter : str
        The argument that named it, for messages.
    inputs : iterable of pathlib.Path
        The scenario's files.

    Raises
    ------
    ArgumentError
        Naming the rule the folder breaks, or a name in it that is too long.
    """
    check_name(path, parameter)
    if str(path) in ("", "."):
        raise ArgumentError(parameter, "give a folder for the results (not the current folder)")
    target = path.resolve()
    for file in inputs:
        if target == file.resolve().parent or target in file.resolve().parents:
            raise ArgumentError(parameter, f"{path} holds the scenario's {file.name}; give another folder")
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise ArgumentError(parameter, f"{path} is the current folder or holds it; give a folder for the results "
                                       "(not the current folder)")
    if target == Path.home().resolve() or target == Path(target.anchor):
        raise ArgumentError(parameter, f"{path} is the home folder or the root; give a folder for the results")


def check_out_folder(folder: Path, inputs: Iterable[Path] = (), *, force: bool = False) -> None:
    """Refuse an output folder that a run must not replace.

    A folder may be replaced only if it is empty, or holds nothing but an earlier run's files
    as its manifest lists them: regular files of the same size and SHA-256 (``force``
    replaces listed files that were changed since, never anything unlisted).

    Parameters
    ----------
    folder : pathlib.Path
        Where a run would write.
    inputs : iterable of pathlib.Path
        The files the run reads (a scenario's), which the folder must not hold.
    force : bool, default False
        Replace an earlier run's files even if they were changed since.

    Raises
    ------
    ArgumentError
        (parameter ``out``) for a place :func:`refuse_place` refuses, a link, a file, or a folder
        holding anything an earlier run did not write as it wrote it (named).
    """
    refuse_place(folder, "out", inputs)
    if folder.is_symlink():
        raise ArgumentError("out", f"{folder} is a symbolic link; give the folder itself")
    if folder.exists() and not folder.is_dir():
        raise ArgumentError("out", f"{folder} is a file; give a folder to write into")
    if not folder.exists():
        return
    listed = _manifest(folder)
    for entry in sorted(folder.iterdir()):
        if entry.name == MANIFEST and listed is not None:
            continue
        if listed is None or entry.name not in listed:
            raise ArgumentError("out", f"{folder} holds {entry.name!r}, which no hourcircle run wrote; give an empty "
                                       "or new folder, or a folder of an earlier run")
        if entry.is_symlink() or not entry.is_file():
            raise ArgumentError("out", f"{folder} holds {entry.name!r}, which is not the file an earlier run wrote; "
                                       "give another folder")
        if not force and fingerprint_file(entry) != listed[entry.name]:
            raise ArgumentError("out", f"{folder / entry.name} was changed since the earlier run wrote it; give "
                                       "another folder, or --force to replace it")


def _manifest(folder: Path) -> dict[str, dict[str, int | str]] | None:
    """The files an earlier run listed in ``folder`` with their fingerprints (None if none or unreadable)."""
    path = folder / MANIFEST
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 1 << 20:
            return None
        listed = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(listed, dict):
        return None
    return {name: {"size": entry["size"], "sha256": entry["sha256"]} for name, entry in listed.items()
            if isinstance(name, str) and "/" not in name and name not in ("", ".", "..", MANIFEST)
            and isinstance(entry, dict) and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)}


def write_folder(folder: Path, files: dict[str, str] | dict[str, str | bytes], *,
                 inputs: Iterable[Path] = (), force: bool = False) -> None:
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
    force : bool, default False
        Replace an earlier run's files even if changed since (see :func:`check_out_folder`).

    Raises
    ------
    ArgumentError
        (parameter ``out``) as :func:`check_out_folder` says, or if the folder cannot be written.
    """
    check_out_folder(folder, inputs, force=force)
    file_mode, folder_mode = umask_modes()
    contents = {name: content.encode("utf-8") if isinstance(content, str) else content
                for name, content in files.items()}
    staging: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=hidden_name(folder.name, "new-", RANDOM_PART)))
        staging.chmod(folder_mode)
        listed = {name: fingerprint(data) for name, data in sorted(contents.items())}
        manifest = json.dumps({"files": listed}, indent=1) + "\n"
        for name, data in {**contents, MANIFEST: manifest.encode("utf-8")}.items():
            (staging / name).write_bytes(data)
            (staging / name).chmod(file_mode)
        with _commit():
            _swap(staging, folder)
            staging = None
    except OSError as error:
        raise _cannot_write("out", folder, error) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, folder: Path) -> None:
    """Put ``staging`` in ``folder``'s place; an earlier folder is moved aside, then deleted (or put back)."""
    aside = None
    if folder.exists():
        aside = Path(tempfile.mkdtemp(dir=folder.parent, prefix=hidden_name(folder.name, "old-", RANDOM_PART)))
        os.replace(folder, aside)
    try:
        os.replace(staging, folder)
    except OSError:
        if aside is not None:
            os.replace(aside, folder)  # put the earlier run back
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
