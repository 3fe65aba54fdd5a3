"""Derived data on disk: a folder of ``.npy`` arrays and a manifest, written whole, read only when sound.

A cache is derived data, so a store that is missing, unreadable, damaged, foreign (another key
or format) or inconsistent is never an error: :func:`read` says why in one line on stderr
(the ``hourcircle.cache`` logger) and returns ``None``, and the caller builds the data again
and :func:`write` replaces the store. Reading opens only regular files (never a FIFO or a
device, which could block), checks every size against the manifest before reading, every
array's SHA-256 after, and its dtype and shape; nothing is unpickled, and an array is read over
its file's bytes, not copied. Writing fills a temporary folder beside the store and renames it
into place, so a reader sees the old store or the whole new one, and two processes writing at
once leave one whole store.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "clip"
>>> write(folder, {"km": np.array([1.5, 2.0])}, key="demo-1")
>>> read(folder, key="demo-1", names=["km"])["km"].tolist()
[1.5, 2.0]
>>> read(folder, key="demo-2", names=["km"]) is None  # another key: ignored, with a note
True
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

FORMAT = 1  # of the manifest and the folder's layout
MANIFEST = "manifest.json"
NAME = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")  # an array's name: its file is NAME.npy in the store
MAX_MANIFEST_BYTES = 1 << 20
MAX_ARRAY_BYTES = 4 << 30  # no array of a scenario's network comes near this
NPY_HEADER_BYTES = 1 << 16  # an .npy header (magic, length, description) is far shorter
LOG = logging.getLogger("hourcircle.cache")

Arrays = dict[str, NDArray[np.generic]]


class Unsound(Exception):
    """Why a store cannot be used (a note, never an error the user sees as a failure)."""


def _read_regular(path: Path, limit: int) -> bytearray:
    """The bytes of a regular file of at most ``limit`` bytes, without following links or blocking.

    Read into a ``bytearray``, so that an array over them (see :func:`_from_npy`) is writable.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise Unsound(f"{path.name}: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Unsound(f"{path.name} is not a regular file")
        if status.st_size > limit:
            raise Unsound(f"{path.name} claims {status.st_size} bytes, more than {limit}")
        data = bytearray(min(status.st_size, limit) + 1)
        with os.fdopen(descriptor, "rb", closefd=False) as handle, memoryview(data) as view:
            got = 0
            while got < len(data) and (more := handle.readinto(view[got:])):
                got += more
        del data[got:]
    finally:
        os.close(descriptor)
    if len(data) != status.st_size:
        raise Unsound(f"{path.name} changed while being read")
    return data


def _manifest(folder: Path, key: str, names: Collection[str] | None) -> dict[str, dict[str, object]]:
    if folder.is_symlink() or not folder.is_dir():
        raise Unsound("not a folder")
    try:
        manifest = json.loads(_read_regular(folder / MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Unsound(f"{MANIFEST} is not JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Unsound(f"written in another format (not {FORMAT})")
    if manifest.get("key") != key:
        raise Unsound("written for other inputs or by another version")
    arrays = manifest.get("arrays")
    if not isinstance(arrays, dict) or (set(arrays) != set(names) if names is not None
                                        else not all(isinstance(n, str) and NAME.fullmatch(n) for n in arrays)):
        raise Unsound("does not hold the arrays expected")
    return arrays


def _array(folder: Path, name: str, entry: object) -> NDArray[np.generic]:
    if not isinstance(entry, dict):
        raise Unsound(f"{name}: no description")
    try:
        dtype, shape, digest = np.dtype(str(entry["dtype"])), tuple(int(n) for n in entry["shape"]), entry["sha256"]
    except (KeyError, TypeError, ValueError) as error:
        raise Unsound(f"{name}: bad description ({error})") from None
    if dtype.hasobject or any(n < 0 for n in shape):
        raise Unsound(f"{name}: an impossible dtype or shape")
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if expected > MAX_ARRAY_BYTES:
        raise Unsound(f"{name}: claims {expected} bytes")
    data = _read_regular(folder / f"{name}.npy", expected + 4096)  # the .npy header is at most a few KiB
    if hashlib.sha256(data).hexdigest() != digest:
        raise Unsound(f"{name}.npy is damaged (its SHA-256 differs)")
    try:
        array = _from_npy(data)
    except (OSError, ValueError, EOFError) as error:
        raise Unsound(f"{name}.npy: {error}") from None
    if array.dtype != dtype or array.shape != shape:
        raise Unsound(f"{name}.npy holds {array.dtype}{list(array.shape)}, not {dtype}{list(shape)}")
    return np.asarray(array)


def _from_npy(data: bytearray) -> NDArray[np.generic]:
    """The array of an ``.npy`` file's bytes, over those bytes (not copied; never unpickled).

    >>> buffer = io.BytesIO()
    >>> np.save(buffer, np.arange(6.0).reshape(2, 3), allow_pickle=False)
    >>> _from_npy(bytearray(buffer.getvalue())).tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """
    header = io.BytesIO(bytes(data[:NPY_HEADER_BYTES]))
    version = np.lib.format.read_magic(header)
    if version not in ((1, 0), (2, 0)):
        raise ValueError(f"an .npy format this store does not write ({version})")
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read_header(header)
    if dtype.hasobject:
        raise ValueError("it holds objects, which are never unpickled")
    count, start = int(np.prod(shape, dtype=np.int64)), header.tell()
    if len(data) - start != count * dtype.itemsize:
        raise ValueError(f"{len(data) - start} bytes of data where {dtype}{list(shape)} takes {count * dtype.itemsize}")
    if not count:
        return np.empty(shape, dtype=dtype)
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=start)
    return flat.reshape(shape, order="F" if fortran else "C")


def read(folder: Path, *, key: str, names: Collection[str] | None,
         check: Callable[[Arrays], None] | None = None) -> Arrays | None:
    """A store's arrays, or ``None`` (with a one-line note unless it is simply missing).

    Parameters
    ----------
    folder : pathlib.Path
        The store.
    key : str
        What it must have been written for (inputs, versions): another key is ignored.
    names : collection of str or None
        The arrays it must hold, no more, no fewer; ``None``: those its manifest lists (names of
        lower-case letters, digits, ``_`` and ``.``).
    check : callable, optional
        Raises ``ValueError`` when the arrays do not fit together (lengths, ranges).

    Returns
    -------
    dict of str to numpy.ndarray or None
        The arrays, or ``None`` when the store cannot be used.
    """
    if not os.path.lexists(folder):
        return None
    try:
        entries = _manifest(folder, key, names)
        arrays = {name: _array(folder, name, entries[name]) for name in entries}
        if check is not None:
            check(arrays)
    except (Unsound, ValueError) as error:
        LOG.warning("hourcircle: note: ignoring the cache %s (%s); building it again", folder, error)
        return None
    return arrays


def write(folder: Path, arrays: Mapping[str, NDArray[np.generic]], *, key: str) -> None:
    """Write a store whole, through a temporary folder renamed into place.

    A store that cannot be written (a read-only or full disk) is skipped: it is a cache.

    Parameters
    ----------
    folder : pathlib.Path
        The store.
    arrays : mapping of str to numpy.ndarray
        The arrays (no object dtypes).
    key : str
        What they were computed for (see :func:`read`).
    """
    staging = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.new-"))
        entries = {}
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
            data = buffer.getvalue()
            (staging / f"{name}.npy").write_bytes(data)
            entries[name] = {"dtype": array.dtype.str, "shape": list(array.shape),
                             "sha256": hashlib.sha256(data).hexdigest()}
        manifest = {"format": FORMAT, "key": key, "arrays": entries}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _swap_in(staging, folder)
        staging = None
    except OSError as error:
        LOG.warning("hourcircle: note: could not write the cache %s (%s)", folder, error.strerror or error)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, folder: Path) -> None:
    """Rename ``staging`` to ``folder``, moving whatever is there aside first (and deleting it).

    Writers racing for one store each try a few times; whichever rename lands last stays, every
    one of them whole, and nothing moved aside is left behind.
    """
    asides: list[Path] = []
    try:
        for _ in range(8):
            try:
                os.rename(staging, folder)
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                    raise
            aside = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.old-"))
            asides.append(aside)
            with contextlib.suppress(FileNotFoundError):
                os.replace(folder, aside / "store")
        # still losing the race after every try: another writer's whole store is in place
    finally:
        for aside in asides:
            shutil.rmtree(aside, ignore_errors=True)
