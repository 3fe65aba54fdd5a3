"""What a cache is keyed by besides its inputs: hourcircle's version and the digest of its code.

An editable install keeps its version while its code changes, so caches key by both.

Examples
--------
>>> isinstance(package_version(), str), len(code_digest())
(True, 64)
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path


def package_version() -> str:
    """The installed version of hourcircle, or ``"0+unknown"`` when it is run from a source tree.

    Returns
    -------
    str
        The version.
    """
    try:
        return metadata.version("hourcircle")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@cache
def code_digest() -> str:
    """A SHA-256 of hourcircle's Python source (read once a process).

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    root = Path(__file__).resolve().parent
    hashed = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        hashed.update(f"{path.relative_to(root).as_posix()}\0".encode())
        hashed.update(hashlib.sha256(path.read_bytes()).digest())
    return hashed.hexdigest()
