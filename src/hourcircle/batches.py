"""Run batch work in this process, or on a Dask cluster: the same answers either way.

Batch work is a function applied to batches of items (removals, origins) with a large shared
object (the network and the sweep's baseline). In this process the batches run one after the
other, and Dask is never imported. Given a ``dask.distributed.Client``, the shared object is
sent to every worker once (``scatter`` with ``broadcast``), each batch is one task (retried if
its worker dies), and the results come back in the order of the batches. A shared object that
is a :class:`Recipe` is not sent but built by each worker itself, once (:func:`built`), from
what the recipe names (a scenario's files and the network cache): only the recipe and the items
travel (:func:`prepare` has every worker build it at once). A cluster that
loses its workers (or the data sent to them) gets the missing batches again, up to
:data:`RETRIES` times, each time waiting a bounded time for a worker; a lost scheduler, or a
cluster that keeps failing, ends in one :class:`~hourcircle.errors.ClusterError`.

The cluster itself (local workers, or a scheduler's address) comes from
:func:`hourcircle.clusters.cluster`.

Examples
--------
>>> def total(shared, batch):
...     return [shared + item for item in batch]
>>> run_batches(total, 10, [1, 2, 3], batch_size=2)
[11, 12, 13]
"""

from __future__ import annotations

import abc
import contextlib
import functools
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from hourcircle import config
from hourcircle.clusters import _check_open, _lost, _running, _scheduler, _wait_for_workers, _why
from hourcircle.errors import ClusterError
from hourcircle.progress import Progress

if TYPE_CHECKING:
    from distributed import Client

RETRIES = 2  # a task whose worker dies runs again, and work whose cluster lost its workers is sent again, this often

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


class Recipe(abc.ABC):
    """What a shared object is built from, small to send: each worker builds the object itself.

    Subclasses are picklable, compare equal when they build the same object (a frozen dataclass,
    say), and build it with :meth:`build`, the same in every process. A :class:`SplitRecipe` has
    its costly part computed once by a cluster's workers together, a share each, before each
    builds the object from all the shares.
    """

    @abc.abstractmethod
    def build(self, shares: Sequence[Any] | None = None) -> Any:
        """The shared object (called once per process by :func:`built`).

        Parameters
        ----------
        shares : sequence, optional
            ``share(i, n)`` for ``i`` in ``range(n)``, when a cluster's workers computed them
            (a :class:`SplitRecipe` only); ``None``: build it all here.

        Returns
        -------
        object
            What every batch is given.
        """


class SplitRecipe(Recipe):
    """A recipe whose costly part divides into shares, one per worker (see :func:`prepare`)."""

    @abc.abstractmethod
    def share(self, part: int, parts: int) -> Any:
        """One share of the costly part of :meth:`build`.

        Parameters
        ----------
        part : int
            Which share, from 0.
        parts : int
            How many shares (the cluster's workers).

        Returns
        -------
        object
            The share (never ``None``).
        """


_built: list[tuple[Recipe, Any]] = []  # the last recipe built in this process, and what it built
_building = threading.Lock()


def built(recipe: Recipe, shares: Sequence[Any] | None = None) -> Any:
    """What a recipe builds, built once per process (only the last recipe's object is kept).

    Parameters
    ----------
    recipe : Recipe
        What to build.
    shares : sequence, optional
        Its shares, computed by a cluster's workers (see :func:`prepare`); one that is ``None``
        (its worker had built the object already) has it built here from nothing.

    Returns
    -------
    object
        ``recipe.build(shares)``, from this process's first call with an equal recipe.
    """
    with _building:
        if not _built or _built[0][0] != recipe:
            _built.clear()  # the last object goes before the next is built
            whole = shares is not None and all(share is not None for share in shares)  # None: one had built it
            _built.append((recipe, recipe.build(shares if whole else None)))
        return _built[0][1]


def _with_built(function: Callable[[Any, Sequence[T]], R], recipe: Recipe, batch: Sequence[T]) -> R:
    """A batch's work on the object a recipe builds (where the batch runs)."""
    return function(built(recipe), batch)


def _share_here(recipe: SplitRecipe, part: int, parts: int) -> Any:
    """One share of a recipe's costly part, computed in this (worker) process; ``None`` if it built the object."""
    with _building:
        if _built and _built[0][0] == recipe:
            return None
    return recipe.share(part, parts)


def _build_here(recipe: Recipe, shares: Sequence[Any] | None = None) -> str:
    """Build a recipe's object in this (worker) process; what went wrong, in one line ("" if nothing)."""
    try:
        built(recipe, shares)
    except Exception as error:  # the worker cannot build it (files missing there, say): the caller sends it instead
        return _why(error)
    return ""


def _apply_built(function: Callable[[Any], R], recipe: Recipe) -> R:
    return function(built(recipe))


def prepare(client: Client, recipe: Recipe) -> str:
    """Have every worker of a cluster build a recipe's object, all at once; say why not if one cannot.

    A :class:`SplitRecipe` has its shares computed first, one by each worker, all at once; each
    worker then builds the object from every share (Dask brings it the others').

    Parameters
    ----------
    client : dask.distributed.Client
        The cluster.
    recipe : Recipe
        What to build.

    Returns
    -------
    str
        ``""`` when every worker built it; otherwise what went wrong on a worker, in one line
        (send the object itself then).

    Raises
    ------
    ArgumentError
        (parameter ``client``) if the client is closed.
    ClusterError
        If the cluster has no worker within :data:`hourcircle.config.worker_wait_seconds`.
    """
    _check_open(client)
    _wait_for_workers(client)
    workers = list(client.scheduler_info().get("workers", {}))
    shares = None if not isinstance(recipe, SplitRecipe) else [
        client.submit(_share_here, recipe, part, len(workers), workers=[worker], allow_other_workers=False, pure=False)
        for part, worker in enumerate(workers)]
    futures = [client.submit(_build_here, recipe, shares, workers=[worker], allow_other_workers=False, pure=False)
               for worker in workers]
    try:
        return next((why for why in client.gather(futures) if why), "")
    except Exception as error:  # a worker lost meanwhile, or one could not compute its share: the object is
        return _why(error)      # sent instead, as without a recipe
    finally:
        for future in shares or ():
            future.release()  # every worker has built from them: their memory goes


def on_a_worker(client: Client, function: Callable[[Any], R], recipe: Recipe) -> R:
    """``function(object)`` on one worker, with the object a recipe builds there.

    Parameters
    ----------
    client : dask.distributed.Client
        The cluster (whose workers have built the recipe's object: see :func:`prepare`).
    function : callable
        At module level of an installed package.
    recipe : Recipe
        What the function's argument is built from.

    Returns
    -------
    object
        The function's result.
    """
    result: R = client.submit(_apply_built, function, recipe, pure=False, retries=RETRIES).result()
    return result


def batched(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Items in consecutive batches.

    Parameters
    ----------
    items : sequence
        What to split.
    size : int
        Items per batch (the last may have fewer).

    Returns
    -------
    list of sequence
        The batches, in order.

    Examples
    --------
    >>> batched([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [items[start:start + size] for start in range(0, len(items), max(int(size), 1))]


def run_batches(function: Callable[[S, Sequence[T]], list[R]], shared: S | Recipe, items: Sequence[T], *,
                batch_size: int, client: Client | None = None, progress: Progress | None = None) -> list[R]:
    """Apply a function to batches of items; return every result, in the items' order.

    Parameters
    ----------
    function : callable
        ``function(shared, batch)`` returns one result per item of the batch. On a cluster it is
        pickled by reference: a function at module level of an installed package.
    shared : object
        What every batch needs (sent to each worker once), or a :class:`Recipe` for it (built
        once by each process that runs batches).
    items : sequence
        The work.
    batch_size : int
        Items per task.
    client : dask.distributed.Client, optional
        Run on this cluster; in this process when ``None``.
    progress : callable, optional
        Wraps the batches in this process (a progress bar, say); on a cluster, Dask's own
        progress bar is shown on stderr instead when ``progress`` is given and stderr is a
        terminal.

    Returns
    -------
    list
        One result per item, in order.

    Raises
    ------
    ArgumentError
        (parameter ``client``) if the client is closed.
    ClusterError
        If the cluster lost its scheduler, or its workers more than :data:`RETRIES` times.
    """
    batches = batched(items, batch_size)
    work: Callable[[Any, Sequence[T]], list[R]] = (functools.partial(_with_built, function)
                                                   if isinstance(shared, Recipe) else function)
    if client is None:
        return [result for batch in (progress or iter)(batches) for result in work(shared, batch)]
    bar = progress is not None and sys.stderr.isatty()
    gathered = dict(_on_cluster(client, work, shared, batches, bar=bar))
    return [result for number in range(len(batches)) for result in gathered[number]]


def stream_batches(function: Callable[[S, Sequence[T]], R], shared: S | Recipe, items: Sequence[T], *,
                   batch_size: int, client: Client | None = None) -> Iterator[tuple[int, R]]:
    """Apply a function to batches of items; yield each batch's result as it is ready.

    Memory stays bounded by the results not yet taken: for writing a large matrix in parts.

    Parameters
    ----------
    function : callable
        ``function(shared, batch)`` returns the batch's result.
    shared : object
        What every batch needs (sent to each worker once), or a :class:`Recipe` for it (built
        once by each process that runs batches).
    items : sequence
        The work.
    batch_size : int
        Items per batch.
    client : dask.distributed.Client, optional
        Run on this cluster; in this process when ``None``.

    Yields
    ------
    tuple of (int, object)
        The batch's number (from 0, in the items' order) and its result, as results arrive; each
        number once, even when a lost worker's batches are sent again.

    Raises
    ------
    ArgumentError
        (parameter ``client``) if the client is closed.
    ClusterError
        If the cluster lost its scheduler, or its workers more than :data:`RETRIES` times.
    """
    batches = batched(items, batch_size)
    work: Callable[[Any, Sequence[T]], R] = (functools.partial(_with_built, function)
                                             if isinstance(shared, Recipe) else function)
    if client is None:
        for number, batch in enumerate(batches):
            yield number, work(shared, batch)
        return
    yield from _on_cluster(client, work, shared, batches)



def _on_cluster(client: Client, function: Callable[[S, Sequence[T]], R], shared: S, batches: list[Sequence[T]], *,
                bar: bool = False) -> Iterator[tuple[int, R]]:
    """Batches on a cluster, as they finish; what a lost worker took is sent again, up to RETRIES times."""
    from distributed import as_completed

    _check_open(client)
    missing = dict(enumerate(batches))
    failure = ""
    for _attempt in range(RETRIES + 1):
        futures: list[Any] = []
        try:
            _wait_for_workers(client)
            sent = client.scatter(shared, broadcast=True, hash=False)
            numbers = list(missing)
            futures = client.map(function, [sent] * len(numbers), [missing[n] for n in numbers],
                                 retries=RETRIES, pure=False)
            position = {future.key: number for future, number in zip(futures, numbers, strict=True)}
            if bar:  # Dask's bar, on stderr: stdout may carry a table
                from distributed import progress as dask_progress

                with contextlib.redirect_stdout(sys.stderr):
                    dask_progress(futures, scheduler=client.scheduler_info()["address"])
            for future in as_completed(futures, loop=client.loop):
                number = position[future.key]
                result = future.result()
                del missing[number]
                yield number, result
                future.release()
            return
        except Exception as error:  # what the tasks raised goes on as it is, unless the cluster failed
            if not _running(client):
                raise ClusterError(f"lost the Dask scheduler {_scheduler(client)} during the work (it did not "
                                   f"answer for {config.connect_seconds:g} s): nothing was written; restart the "
                                   "cluster (or use --workers N) and run again") from None
            if not isinstance(error, _lost()):
                raise
            failure = "workers died" if isinstance(error, _lost()[:3]) else _why(error)
        finally:
            if futures and _running(client):
                with contextlib.suppress(Exception):
                    client.cancel(futures)
    raise ClusterError(f"the Dask cluster {_scheduler(client)} lost its workers {RETRIES + 1} times during the work "
                       f"({failure}): nothing was written; give the workers more memory, or fewer removals or "
                       "origins per run, and run again")
