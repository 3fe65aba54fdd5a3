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
from pathlib import Path

from hourcircle.errors import ArgumentError


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
