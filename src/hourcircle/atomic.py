r"""Things that happen whole: a file replaced atomically, a section no signal interrupts (standard library only).

The one temporary-file-then-rename helper of the package: output files for people
(:mod:`hourcircle.output.files`) and caches (:mod:`hourcircle.roads.osm`) are written through it.
New files get the modes the user's umask gives, as any program's.

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
import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


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
    try:
        yield
    finally:
        if release:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


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
        The temporary file's path: an empty file in ``path``'s folder, named ``.<name>.*.tmp``.

    Raises
    ------
    OSError
        If the folder or the temporary file cannot be made, or the rename fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield temporary
        os.chmod(temporary, umask_modes()[0])
        with commit():
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
