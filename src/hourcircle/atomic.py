r"""Things that happen whole: a file replaced atomically, a section no signal interrupts (standard library only).

The one temporary-file-then-rename helper of the package: output files for people
(:mod:`hourcircle.output.files`) and caches (:mod:`hourcircle.roads.osm`) are written through it.
New files get the modes the user's umask gives, as any program's. The hidden names of
temporary, staging and lock files (:func:`hidden_name`) fit the file system's limit on a name
whenever the name they stand beside does.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a" / "t.txt"
>>> with replacing(p) as temporary:
...     _ = pathlib.Path(temporary).write_text("new\n")
>>> p.read_text(), [f.name for f in p.parent.iterdir()]
('new\n', ['t.txt'])
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

NAME_MAX = 255  # bytes in one file or folder name (Linux's NAME_MAX; macOS and Windows allow 255 characters)
RANDOM_PART = 8  # characters tempfile puts between a prefix and a suffix


def hidden_name(name: str, tail: str, room: int = 0) -> str:
    """The hidden name of a file beside ``name`` (a temporary, staging or lock file), never too long.

    ``.<name>.<tail>`` when it fits in :data:`NAME_MAX` bytes with ``room`` to spare, else a
    short fixed prefix and a hash of the name, ``.hourcircle-<16 hex digits>.<tail>``: the same
    for the same name, so that two processes agree on a lock.

    Parameters
    ----------
    name : str
        The name of the file or folder it stands beside.
    tail : str
        What ends it (``tmp``, ``new-``, ``hourcircle-lock``).
    room : int, default 0
        Bytes that will be added to it (the random part of a temporary name).

    Returns
    -------
    str
        The hidden name.

    Examples
    --------
    >>> hidden_name("report.md", "hourcircle-lock")
    '.report.md.hourcircle-lock'
    >>> long = hidden_name("x" * 250, "hourcircle-lock")
    >>> long[:12], len(long)
    ('.hourcircle-', 44)
    """
    plain = f".{name}.{tail}"
    if len(os.fsencode(plain)) + room <= NAME_MAX:
        return plain
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    return f".hourcircle-{digest}.{tail}"


def too_long(path: Path) -> str | None:
    """What is wrong with a path that has a name longer than the file system allows, if it has one.

    Parameters
    ----------
    path : pathlib.Path
        Any path.

    Returns
    -------
    str or None
        ``None`` if every name in it has at most :data:`NAME_MAX` bytes; else a message
        naming the first longer one (shortened), its length and the limit.

    Examples
    --------
    >>> too_long(Path("out") / ("x" * 254)) is None
    True
    >>> too_long(Path("/tmp") / ("y" * 300) / "out")
    "the name 'yyyyyyyyyyyyyyyyyyyyyyyy…' is 300 bytes; a file or folder name may have at most 255"
    """
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            shown = part if len(part) <= 24 else part[:24] + "…"
            return f"the name {shown!r} is {size} bytes; a file or folder name may have at most {NAME_MAX}"
    return None


_HOLD = {"depth": 0, "deferred": 0}


@contextlib.contextmanager
def signals_held(*, release: bool = True) -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM in a section that must finish whole (they act after it).

    Parameters
    ----------
    release : bool, default True
        Let them act again after the section; ``False`` holds them until the process ends.

    Yields
    ------
    None
        Inside the section.

    Examples
    --------
    >>> with signals_held():
    ...     pass  # a rename, a solver's run: nothing interrupts it half-way
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    _HOLD["depth"] += 1
    try:
        yield
    finally:
        if release:
            _HOLD["depth"] -= 1
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            deferred, _HOLD["deferred"] = _HOLD["deferred"], 0
            if deferred and not _HOLD["depth"]:
                signal.raise_signal(deferred)  # what came during the section acts now


def holding() -> bool:
    """Whether a section of :func:`signals_held` is under way.

    The mask of :func:`signals_held` is the calling thread's: a signal can still reach another
    thread (a library's), and Python then runs its handler in the main thread. A handler that
    asks this first (the command line's, :mod:`hourcircle._signals`) defers the signal instead.

    Returns
    -------
    bool
        True inside a section (for good after one that does not release).
    """
    return _HOLD["depth"] > 0


def defer(signum: int) -> None:
    """Keep a signal that came during a held section, to act when the section ends.

    Parameters
    ----------
    signum : int
        The signal.
    """
    _HOLD["deferred"] = signum


def umask_modes() -> tuple[int, int]:
    """The file and folder modes the user's umask gives new files (``mkstemp``'s are 0600).

    Returns
    -------
    tuple of int
        The mode of a new file (``0o666 & ~umask``) and of a new folder (``0o777 & ~umask``).
    """
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask, 0o777 & ~mask


@contextlib.contextmanager
def replacing(path: Path,
              commit: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
              ) -> Iterator[str]:
    """A temporary file beside ``path``, renamed onto it (with the umask's mode) if the block succeeds.

    Whatever happens in the block (an error, Ctrl-C), the temporary file goes and ``path`` is
    left as it was.

    Parameters
    ----------
    path : pathlib.Path
        The file to replace (its folder is made if missing).
    commit : callable, default contextlib.nullcontext
        A context manager held around the rename (say, one that holds back signals).

    Yields
    ------
    str
        The temporary file's path: an empty file in ``path``'s folder, named ``.<name>.*.tmp``
        (or by a hash of the name where that would be too long: see :func:`hidden_name`).

    Raises
    ------
    OSError
        If the folder or the temporary file cannot be made, or the rename fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = hidden_name(path.name, "", room=RANDOM_PART + len(".tmp"))
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    os.close(fd)
    try:
        yield temporary
        os.chmod(temporary, umask_modes()[0])
        with commit():
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
