r"""Claim an output before the work starts: refuse what would lose a user's file, and lock it.

A command that writes claims its target first, so that a refusal comes before minutes of
analysis, not after. A claim refuses any file the scenario reads (links resolved), and a file
hourcircle did not write unless the user says ``force`` (a file an earlier run of the same
command wrote, unchanged since, is replaced). What a command writes outside a run folder is
recorded in a ledger beside it (``.hourcircle-outputs.json``: command, size, SHA-256). While a
claim is held, an OS lock beside the target makes a second command that aims there stop with a
one-line message instead of racing.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
>>> with claim_file(out, command="matrix", parameter="out") as target:
...     target.write_text("x\n1\n")
>>> with claim_file(out, command="matrix", parameter="out") as target:  # its own earlier output
...     target.write_text("x\n2\n")
>>> out.read_text()
'x\n2\n'
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hourcircle.atomic import hidden_name
from hourcircle.errors import ArgumentError
from hourcircle.output.files import (
    check_name,
    check_out_folder,
    fingerprint_file,
    refuse_place,
    write_atomic,
    write_folder,
    write_parquet,
)

if TYPE_CHECKING:
    import pandas as pd

LEDGER = ".hourcircle-outputs.json"  # beside single-file outputs: what wrote each, its size and SHA-256
_LOCK_TAIL = "hourcircle-lock"


@contextlib.contextmanager
def _locked(path: Path, parameter: str) -> Iterator[None]:
    """Hold an exclusive OS lock named after ``path`` (a hidden file beside it, removed after).

    A second holder is refused at once, not made to wait. The lock file is removed while held,
    and a holder that locked a file since removed tries again, so no two hold it at once. Its
    name fits wherever ``path``'s does (see :func:`hourcircle.atomic.hidden_name`).
    """
    check_name(path, parameter)
    lock = path.parent / hidden_name(path.name, _LOCK_TAIL)
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as error:
            raise ArgumentError(parameter, f"{path}: cannot write there ({error.strerror})") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise ArgumentError(parameter, f"{path}: another hourcircle command is writing there; wait for it to "
                                           "finish, or give another path") from None
        try:
            same = os.stat(lock, follow_symlinks=False).st_ino == os.fstat(descriptor).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)  # the holder before removed it: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        os.close(descriptor)


def _read_ledger(folder: Path) -> dict[str, dict[str, int | str]] | None:
    """The ledger of ``folder`` ({} if none; None if a file of that name is not one)."""
    path = folder / LEDGER
    if not os.path.lexists(path):
        return {}
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 1 << 22:
            return None
        entries = json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(entries, dict):
        return None
    return {name: entry for name, entry in entries.items() if isinstance(name, str) and isinstance(entry, dict)}


def _record(path: Path, command: str, parameter: str) -> None:
    """Add what ``command`` just wrote at ``path`` to the ledger beside it."""
    ledger = path.parent / LEDGER
    with _locked(ledger, parameter):
        entries = _read_ledger(path.parent)
        if entries is None:  # a file of that name that is not hourcircle's: leave it alone
            return
        entries = {name: entry for name, entry in entries.items() if (path.parent / name).is_file()}
        entries[path.name] = {"command": command, **fingerprint_file(path)}
        write_atomic(ledger, json.dumps({"outputs": dict(sorted(entries.items()))}, indent=1) + "\n",
                     parameter=parameter)


def _written_by(path: Path, command: str) -> bool:
    """Whether ``command`` wrote the file at ``path`` and nobody changed it since."""
    entry = (_read_ledger(path.parent) or {}).get(path.name)
    if entry is None or entry.get("command") != command:
        return False
    return fingerprint_file(path) == {"size": entry.get("size"), "sha256": entry.get("sha256")}


def _same_file(path: Path, inputs: Iterable[Path]) -> Path | None:
    """The input that ``path`` is (resolved through links and hard links), if any."""
    target = path.resolve()
    for file in inputs:
        if file.resolve() == target:
            return file
        with contextlib.suppress(OSError):
            if path.exists() and os.path.samefile(path, file):
                return file
    return None


@dataclass(frozen=True)
class FileClaim:
    """A file a command holds the right to write (see :func:`claim_file`).

    Parameters
    ----------
    path : pathlib.Path
        The file.
    command : str
        The command writing it (recorded in the ledger).
    parameter : str
        The argument that named it, for messages.
    """

    path: Path
    command: str
    parameter: str

    def write_text(self, text: str) -> None:
        """Write the file atomically and record it.

        Parameters
        ----------
        text : str
            The content (UTF-8).
        """
        write_atomic(self.path, text, parameter=self.parameter)
        _record(self.path, self.command, self.parameter)

    def write_parquet(self, parts: Iterable[tuple[int, pd.DataFrame]]) -> int:
        """Write numbered parts of a table as Parquet atomically and record it.

        Parameters
        ----------
        parts : iterable of (int, pandas.DataFrame)
            As :func:`hourcircle.output.files.write_parquet` takes them.

        Returns
        -------
        int
            Rows written.
        """
        rows = write_parquet(self.path, parts, parameter=self.parameter)
        _record(self.path, self.command, self.parameter)
        return rows


@contextlib.contextmanager
def claim_file(path: Path, *, command: str, parameter: str, inputs: Iterable[Path] = (),
               force: bool = False) -> Iterator[FileClaim]:
    """Check and lock a file a command will write, before the work.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    command : str
        The command that writes it.
    parameter : str
        The argument that named it, for messages.
    inputs : iterable of pathlib.Path
        The files the scenario reads: never written over, whatever ``force`` says.
    force : bool, default False
        Replace a file hourcircle did not write (or that was changed since).

    Yields
    ------
    FileClaim
        Write through it while the claim is held.

    Raises
    ------
    ArgumentError
        (``parameter``) for an input of the scenario, a folder or other non-file, a file this
        command did not write (without ``force``), a target another command holds, or a name
        longer than a file system allows.
    """
    inputs = list(inputs)
    if str(path) in ("", ".") or path.name in ("", ".", ".."):
        raise ArgumentError(parameter, f"{path}: give a file name")
    check_name(path, parameter)
    if (same := _same_file(path, inputs)) is not None:
        raise ArgumentError(parameter, f"{path} is the scenario's {same.name}; give another file")
    with _locked(path, parameter):
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise ArgumentError(parameter, f"{path} is a folder, link or device, not a file; give a file name")
        if path.exists() and not force and not _written_by(path, command):
            raise ArgumentError(parameter, f"{path} exists and no earlier 'hourcircle {command}' wrote it as it is; "
                                           "give another file, or --force to replace it")
        yield FileClaim(path, command, parameter)


@dataclass(frozen=True)
class FolderClaim:
    """A run folder a command holds the right to replace (see :func:`claim_folder`).

    Parameters
    ----------
    folder : pathlib.Path
        The folder.
    inputs : tuple of pathlib.Path
        The scenario's files.
    force : bool
        Replace an earlier run's files even if changed since.
    """

    folder: Path
    inputs: tuple[Path, ...]
    force: bool

    def write(self, files: dict[str, str | bytes]) -> None:
        """Write the run's files as one folder (see :func:`hourcircle.output.files.write_folder`).

        Parameters
        ----------
        files : dict of str to str or bytes
            File name to content.
        """
        write_folder(self.folder, files, inputs=self.inputs, force=self.force)


@contextlib.contextmanager
def claim_folder(folder: Path, *, inputs: Iterable[Path] = (), force: bool = False) -> Iterator[FolderClaim]:
    """Check and lock a run's folder before the work.

    Parameters
    ----------
    folder : pathlib.Path
        The folder.
    inputs : iterable of pathlib.Path
        The files the scenario reads.
    force : bool, default False
        Replace an earlier run's files even if changed since (never anything it did not write).

    Yields
    ------
    FolderClaim
        Write through it while the claim is held.

    Raises
    ------
    ArgumentError
        (parameter ``out``) as :func:`hourcircle.output.files.check_out_folder` says, or if
        another command holds the folder.
    """
    inputs = tuple(inputs)
    refuse_place(folder, "out", inputs)  # before the lock file would go somewhere it must not
    with _locked(folder, "out"):
        check_out_folder(folder, inputs, force=force)
        yield FolderClaim(folder, inputs, force)
