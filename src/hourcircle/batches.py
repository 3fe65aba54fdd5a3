"""Run batch work in this process, or on a Dask cluster: the same answers either way.

Batch work is a function applied to batches of items (removals, origins) with a large shared
object (the network and the sweep's baseline). In this process the batches run one after the
other, and Dask is never imported. Given a ``dask.distributed.Client``, the shared object is
sent to every worker once (``scatter`` with ``broadcast``), each batch is one task (retried if
its worker dies), and the results come back in the order of the batches.

:func:`cluster` starts a ``LocalCluster`` of worker processes bound to 127.0.0.1, or connects
to an existing scheduler, and always closes what it started.

Examples
--------
>>> def total(shared, batch):
...     return [shared + item for item in batch]
>>> run_batches(total, 10, [1, 2, 3], batch_size=2)
[11, 12, 13]
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from hourcircle import config
from hourcircle.errors import ArgumentError

if TYPE_CHECKING:
    from distributed import Client

CONNECT_SECONDS = 10
RETRIES = 2  # a task whose worker dies runs again, up to this many times

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[Iterable[Any]], Iterable[Any]]


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


def run_batches(function: Callable[[S, Sequence[T]], list[R]], shared: S, items: Sequence[T], *,
                batch_size: int, client: Client | None = None, progress: Progress | None = None) -> list[R]:
    """Apply a function to batches of items; return every result, in the items' order.

    Parameters
    ----------
    function : callable
        ``function(shared, batch)`` returns one result per item of the batch. On a cluster it is
        pickled by reference: a function at module level of an installed package.
    shared : object
        What every batch needs (sent to each worker once).
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
    """
    batches = batched(items, batch_size)
    if client is None:
        return [result for batch in (progress or iter)(batches) for result in function(shared, batch)]
    sent = client.scatter(shared, broadcast=True, hash=False)
    futures = client.map(function, [sent] * len(batches), batches, retries=RETRIES, pure=False)
    try:
        if progress is not None and sys.stderr.isatty():  # Dask's bar, on stderr: stdout may carry a table
            from distributed import progress as dask_progress

            with contextlib.redirect_stdout(sys.stderr):
                dask_progress(futures, scheduler=client.scheduler_info()["address"])
        gathered = client.gather(futures)
    except BaseException:
        client.cancel(futures)
        raise
    return [result for part in gathered for result in part]


def stream_batches(function: Callable[[S, Sequence[T]], R], shared: S, items: Sequence[T], *, batch_size: int,
                   client: Client | None = None) -> Iterator[tuple[int, R]]:
    """Apply a function to batches of items; yield each batch's result as it is ready.

    Memory stays bounded by the results not yet taken: for writing a large matrix in parts.

    Parameters
    ----------
    function : callable
        ``function(shared, batch)`` returns the batch's result.
    shared : object
        What every batch needs (sent to each worker once).
    items : sequence
        The work.
    batch_size : int
        Items per batch.
    client : dask.distributed.Client, optional
        Run on this cluster; in this process when ``None``.

    Yields
    ------
    tuple of (int, object)
        The batch's number (from 0, in the items' order) and its result, as results arrive.
    """
    batches = batched(items, batch_size)
    if client is None:
        for number, batch in enumerate(batches):
            yield number, function(shared, batch)
        return
    from distributed import as_completed

    sent = client.scatter(shared, broadcast=True, hash=False)
    futures = client.map(function, [sent] * len(batches), batches, retries=RETRIES, pure=False)
    position = {future.key: k for k, future in enumerate(futures)}
    try:
        for future in as_completed(futures, loop=client.loop):
            yield position[future.key], future.result()
            future.release()
    finally:
        client.cancel(futures)


@contextlib.contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client | None]:
    """A Dask client for batch work, or ``None`` to work in this process.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` of this many worker processes (one thread each) on 127.0.0.1,
        closed on leaving, whatever happens.
    scheduler : str, optional
        Connect to this scheduler instead (default: ``$HOURCIRCLE_SCHEDULER``, if set and no
        ``workers`` are asked for).

    Yields
    ------
    dask.distributed.Client or None
        ``None`` when neither is given: the work stays in this process and Dask is not imported.

    Raises
    ------
    ArgumentError
        (parameter ``workers`` or ``scheduler``) if both are given, ``workers`` is below 1, or the
        scheduler cannot be reached within :data:`CONNECT_SECONDS` seconds.
    """
    scheduler = scheduler or (config.scheduler_address() if workers is None else None)
    if workers is not None and scheduler is not None:
        raise ArgumentError("scheduler", "and workers cannot both be given: use your cluster, or start one here")
    if workers is not None and workers < 1:
        raise ArgumentError("workers", f"must be at least 1, not {workers}")
    if workers is None and scheduler is None:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ArgumentError("scheduler", f"cannot reach {scheduler!r} within {CONNECT_SECONDS} s "
                                             f"({type(error).__name__})") from None
        with client:
            yield client
        return
    import dask

    # Dask's workers set MALLOC_TRIM_THRESHOLD_, which turns off glibc's adaptive mmap threshold:
    # every large temporary array then costs fresh pages, and the sweep runs 2.7 times slower
    # (benchmarks/bench_batch.py). Work that allocates per task is better off without it.
    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address="127.0.0.1:0", silence_logs=50) as local, \
            Client(local, set_as_default=False) as client:
        yield client
