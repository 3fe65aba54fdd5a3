"""Write files for people atomically: a reader sees the old file or the whole new one.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a" / "t.csv"
>>> write_atomic(p, "x\\n1\\n")
>>> p.read_text()
'x\\n1\\n'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hourcircle.errors import ArgumentError


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise ArgumentError(f"--out {path}: cannot write there ({error.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ArgumentError(f"--out {path}: cannot write there ({error.strerror})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
