"""Progress of long steps: what an analysis iterates, wrapped so that someone can watch.

Analyses take ``progress=None`` (nothing shown) or a callable that wraps an iterable (a
progress bar, say, such as ``tqdm.tqdm``), and name their steps with :func:`step` or
:func:`stage`. :class:`Bars` is the command line's: one tqdm bar per step on stderr, named
after the step ("coverage", "sweep 3 of 5: segment", "map"), and none at all when stderr is
not a terminal or when it is turned off (``--quiet``). A plain callable gets the items alone.

Examples
--------
>>> list(step(None, [1, 2], "coverage"))
[1, 2]
>>> seen = []
>>> def watch(items):
...     seen.append(len(items))
...     return items
>>> list(step(watch, [[1, 2], [3]], "sweep", size=len))
[[1, 2], [3]]
>>> seen
[2]
>>> quiet = Bars(enabled=False)
>>> list(step(quiet, [1, 2], "coverage"))
[1, 2]
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypeVar

T = TypeVar("T")
Progress = Callable[[Iterable[Any]], Iterable[Any]]


def _terminal(stream: IO[str]) -> bool:
    """Whether a stream is a terminal (a bar on anything else would litter a log)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Bars:
    """Progress bars on a terminal (tqdm): one per step, named after it, cleared when it ends.

    Parameters
    ----------
    enabled : bool, default True
        ``False`` shows nothing (``--quiet``).
    file : text stream, optional
        Where the bars go (default: ``sys.stderr`` at the time of each step); nothing is shown
        unless it is a terminal.
    """

    def __init__(self, enabled: bool = True, file: IO[str] | None = None) -> None:
        self.enabled = enabled
        self.file = file

    def _stream(self) -> IO[str] | None:
        stream = self.file if self.file is not None else sys.stderr
        return stream if self.enabled and _terminal(stream) else None

    def __call__(self, items: Iterable[T]) -> Iterable[T]:
        """Wrap items in a bar of an unnamed step (as any progress callable)."""
        return self.bar(items, "working")

    def bar(self, items: Iterable[T], name: str, *, unit: str = "it",
            size: Callable[[T], int] | None = None) -> Iterable[T]:
        """Wrap a step's items in a bar named after the step.

        Parameters
        ----------
        items : iterable
            What the step works through.
        name : str
            The step, as people read it.
        unit : str, default "it"
            What the bar counts.
        size : callable, optional
            How many units each item counts for (a batch's length, say); ``items`` must then
            be a sequence.

        Returns
        -------
        iterable
            The same items, in order.
        """
        stream = self._stream()
        if stream is None:
            return items
        from tqdm import tqdm

        if size is None:
            return tqdm(items, desc=name, unit=unit, leave=False, file=stream, dynamic_ncols=True)
        listed = list(items)
        bar = tqdm(total=sum(size(item) for item in listed), desc=name, unit=unit, leave=False, file=stream,
                   dynamic_ncols=True)
        return _counted(bar, listed, size)


def _counted(bar: Any, items: Sequence[T], size: Callable[[T], int]) -> Iterator[T]:
    with bar:
        for item in items:
            yield item
            bar.update(size(item))


def step(progress: Progress | None, items: Iterable[T], name: str, *, unit: str = "it",
         size: Callable[[T], int] | None = None) -> Iterable[T]:
    """A step's items, wrapped in ``progress`` (named, when it is :class:`Bars`).

    Parameters
    ----------
    progress : callable or None
        ``None`` (the items as they are), :class:`Bars`, or any callable that wraps an iterable.
    items : iterable
        What the step works through.
    name : str
        The step, as people read it.
    unit : str, default "it"
        What a bar counts.
    size : callable, optional
        How many units each item counts for (see :meth:`Bars.bar`).

    Returns
    -------
    iterable
        The same items, in order.
    """
    if progress is None:
        return items
    if isinstance(progress, Bars):
        return progress.bar(items, name, unit=unit, size=size)
    return progress(items)


def named(progress: Progress | None, name: str, *, unit: str = "it",
          size: Callable[[Any], int] | None = None) -> Progress | None:
    """A progress callable that names its step, for code that passes it on (``None`` stays ``None``).

    Parameters
    ----------
    progress : callable or None
        As for :func:`step`.
    name, unit, size
        As for :func:`step`.

    Returns
    -------
    callable or None
        ``items -> step(progress, items, name, ...)``.

    Examples
    --------
    >>> named(None, "sweep") is None
    True
    >>> list(named(Bars(enabled=False), "sweep")([1, 2]))
    [1, 2]
    """
    if progress is None:
        return None
    return lambda items: step(progress, items, name, unit=unit, size=size)


@contextlib.contextmanager
def stage(progress: Progress | None, name: str) -> Iterator[None]:
    """A step that is one piece of work: a bar from 0 to 1 while it runs (named, with :class:`Bars`).

    Parameters
    ----------
    progress : callable or None
        As for :func:`step`.
    name : str
        The step, as people read it.

    Examples
    --------
    >>> with stage(None, "map"):
    ...     pass
    """
    for _ in step(progress, [name], name, unit="step"):
        yield
