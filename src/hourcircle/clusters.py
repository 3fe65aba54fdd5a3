"""Dask clusters: start one of local workers or connect to a scheduler, checked, bounded and quiet.

:func:`cluster` starts a ``LocalCluster`` of worker processes bound to 127.0.0.1, or connects
to an existing scheduler, and always closes what it started. A scheduler's address is checked
before anything is sent; the whole handshake with it is bounded in time
(:data:`hourcircle.config.connect_seconds`); it must have a worker within
:data:`hourcircle.config.worker_wait_seconds`, and its workers must run the same version of
hourcircle as this process. Dask's own log lines are kept off the terminal: what goes wrong
becomes one exception with one line. :mod:`hourcircle.batches` runs work on what it gives.

Examples
--------
>>> with cluster() as client:  # no workers and no scheduler asked for: work stays in this process
...     client is None
True
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from hourcircle import config
from hourcircle.errors import ArgumentError, ClusterError

if TYPE_CHECKING:
    from distributed import Client

PROTOCOLS = ("tcp",)  # what hourcircle connects to a scheduler over
_OTHER_PROTOCOLS = ("tls", "ucx", "inproc", "ws", "wss")  # Dask's others: refused, saying what is supported
_ADDRESS = re.compile(r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
                      r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)"
                      r":(?P<port>[0-9]{1,20})/?")
_QUIET = logging.CRITICAL + 10  # above every level Dask logs at
# A local worker's first act (a Dask preload given as code): a Ctrl-C in the terminal reaches every process
# of its group, and a worker would print its own traceback; this process closes the workers instead.
_IGNORE_CTRL_C = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)"
# Its second: import what every batch's shared network is read with (numpy, scipy, pandas, pyarrow: 0.6 s
# here), while the workers start, in parallel, rather than when the first batch arrives.
_IMPORT_NETWORK = "import hourcircle.netcache"


def _lost() -> tuple[type[BaseException], ...]:
    """What Dask raises when a cluster lost workers, data or its scheduler (not what a task raised)."""
    from asyncio import CancelledError
    from concurrent.futures import CancelledError as FutureCancelledError

    from distributed import KilledWorker
    from distributed.client import ClosedClientError
    from distributed.comm.core import CommClosedError

    return KilledWorker, FutureCancelledError, CancelledError, ClosedClientError, CommClosedError, TimeoutError



def _running(client: Client) -> bool:
    return bool(client.status == "running")


def _check_open(client: Client) -> None:
    if client.status != "running":
        raise ArgumentError("client", f"is {client.status}: pass an open client (with cluster(workers=2) as "
                                      "client: ...), while it is open")


def _scheduler(client: Client) -> str:
    return repr(_address(client))


def _address(client: Client) -> str:
    return str(getattr(client.scheduler, "address", "")) or "(address unknown)"


def _why(error: BaseException) -> str:
    """What went wrong, in a few words on one line (Dask's messages can run to paragraphs)."""
    text = " ".join(str(error).split())
    text = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _wait_for_workers(client: Client) -> None:
    seconds = config.worker_wait_seconds
    try:
        client.wait_for_workers(1, timeout=seconds)
    except TimeoutError:
        raise ClusterError(f"the Dask scheduler {_scheduler(client)} has no workers after {seconds:g} s: start one "
                           f"(dask worker {_address(client)}), or use --workers N") from None


def max_workers() -> int:
    """The most worker processes :func:`cluster` starts here: a multiple of the cores.

    Returns
    -------
    int
        :data:`hourcircle.config.workers_per_core` times the cores (``os.cpu_count()``).

    Examples
    --------
    >>> max_workers() >= 1
    True
    """
    return max(int(config.workers_per_core), 1) * (os.cpu_count() or 1)


def check_workers(workers: int | None) -> None:
    """Refuse a number of local workers below 1 or beyond :func:`max_workers`.

    Parameters
    ----------
    workers : int or None
        How many worker processes to start (``None``: none).

    Raises
    ------
    ArgumentError
        (parameter ``workers``) naming the limit.

    Examples
    --------
    >>> check_workers(2)
    >>> check_workers(0)
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: workers: must be at least 1, not 0
    """
    if workers is None:
        return
    if workers < 1:
        raise ArgumentError("workers", f"must be at least 1, not {workers}")
    if workers > max_workers():
        raise ArgumentError("workers", f"at most {max_workers()} on this machine ({config.workers_per_core} per core, "
                                       f"{os.cpu_count() or 1} cores), not {workers}; for more, use --scheduler "
                                       "with a cluster of several machines")


def _shown(address: str) -> str:
    """An address as a message shows it: quoted, and cut if long."""
    return repr(address if len(address) <= 60 else address[:57] + "...")


def check_scheduler(address: str) -> str:
    """Check a scheduler's address before connecting; give it with its protocol.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` or ``HOST:PORT``.

    Returns
    -------
    str
        The address as ``tcp://HOST:PORT``.

    Raises
    ------
    ArgumentError
        (parameter ``scheduler``) for a protocol other than those of :data:`PROTOCOLS`, a missing
        port or one outside 1-65535, or anything that is not an address.

    Examples
    --------
    >>> check_scheduler("10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_scheduler("tls://10.0.0.5:8786")
    Traceback (most recent call last):
    ...
    hourcircle.errors.ArgumentError: scheduler: 'tls://10.0.0.5:8786': tls:// is not supported; give tcp://HOST:PORT
    """
    supported = ", ".join(f"{p}://" for p in PROTOCOLS)
    found = _ADDRESS.fullmatch(address)
    scheme = address.split("://", 1)[0].lower() if "://" in address else None
    if scheme is not None and scheme not in PROTOCOLS:
        known = scheme in _OTHER_PROTOCOLS
        what = f"{scheme}://" if known or re.fullmatch("[a-z][a-z0-9+.-]{0,15}", scheme) else "that protocol"
        raise ArgumentError("scheduler", f"{_shown(address)}: {what} is not supported; give tcp://HOST:PORT"
                                         + ("" if supported == "tcp://" else f" (supported: {supported})"))
    if found is None:
        rest = address.split("://", 1)[-1]
        reason = "no port" if rest and ":" not in rest.rsplit("]", 1)[-1] else "not an address"
        raise ArgumentError("scheduler", f"{_shown(address)}: {reason}; give tcp://HOST:PORT, e.g. "
                                         "tcp://10.0.0.5:8786")
    port = int(found["port"])
    if not 1 <= port <= 65535:
        raise ArgumentError("scheduler", f"{_shown(address)}: port {port} is outside 1-65535")
    return f"tcp://{found['host']}:{port}"


def _handshake(address: str, seconds: float) -> None:
    """Connect, finish Dask's handshake and have the scheduler say what it is, all within ``seconds``.

    In a thread with its own event loop (a notebook's main thread runs one already); everything
    it opened is closed when the time is up.
    """
    import asyncio

    from distributed.comm.core import connect

    async def ask() -> object:
        comm = await connect(address, timeout=seconds)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    outcome: dict[str, Any] = {}

    def probe() -> None:
        try:
            outcome["reply"] = asyncio.run(asyncio.wait_for(ask(), seconds))
        except BaseException as error:  # anything a stranger's answer makes of Dask (MemoryError, ValueError...)
            outcome["error"] = error

    thread = threading.Thread(target=probe, name="hourcircle: scheduler handshake", daemon=True)
    thread.start()
    thread.join(seconds + 5)  # the probe ends itself at ``seconds``; this is a backstop
    error, reply = outcome.get("error"), outcome.get("reply")
    shown = f"cannot reach {_shown(address)} within {seconds:g} s"
    if not outcome or isinstance(error, TimeoutError):
        raise ArgumentError("scheduler", f"{shown}: something accepts connections there but does not answer as a "
                                         "Dask scheduler; check the address and port (usually 8786)")
    if isinstance(error, OSError):
        cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
        what = cause.strerror or _why(cause)
        if type(error).__name__ == "CommClosedError":
            what = "it closed the connection without answering as a Dask scheduler"
        raise ArgumentError("scheduler", f"{shown} ({what})")
    if error is not None or not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise ArgumentError("scheduler", f"{shown}: it answered, but not as a Dask scheduler; check the address "
                                         "and port (usually 8786)")


def _version() -> str:
    """The version of hourcircle installed here, as ``hourcircle.__version__`` gives it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hourcircle")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "0+unknown"


def _worker_version() -> str:
    """The version of hourcircle a worker runs (sent by reference: fails where hourcircle is missing)."""
    return _version()


def _check_versions(client: Client, address: str) -> None:
    """Refuse a cluster whose workers lack hourcircle or run another version of it than this process."""
    ours = _version()
    failures: tuple[type[BaseException], ...] = (*_lost(), OSError)
    try:
        found = client.run(_worker_version, on_error="return")
    except failures as error:
        raise ArgumentError("scheduler", f"{_shown(address)}: its workers did not answer ({_why(error)})") from None
    for worker, version in sorted(found.items()):
        if isinstance(version, BaseException):
            raise ArgumentError("scheduler", f"{_shown(address)}: worker {worker} cannot import hourcircle "
                                             f"({_why(version)}); install hourcircle {ours} on every worker")
        if version != ours:
            raise ArgumentError("scheduler", f"{_shown(address)}: worker {worker} runs hourcircle {version}, this "
                                             f"process {ours}; install the same version on every worker")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep Dask's log lines off the terminal while a cluster is in use (errors become exceptions)."""
    names = ["distributed", *(name for name in logging.root.manager.loggerDict if name.startswith("distributed."))]
    loggers = [logging.getLogger(name) for name in names]  # Dask's configuration gives some their own level
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(_QUIET)
    try:
        yield
    except Exception:
        _restore(loggers, levels)
        raise
    except BaseException:  # Ctrl-C or SIGTERM: the program is ending; what the cluster says while it is torn
        logging.getLogger("asyncio").setLevel(_QUIET)  # down (a task cut short) is the stop's consequence
        raise
    _restore(loggers, levels)


def _restore(loggers: list[logging.Logger], levels: list[int]) -> None:
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@contextlib.contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client | None]:
    """A Dask client for batch work, or ``None`` to work in this process.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` of this many worker processes (one thread each) on 127.0.0.1,
        closed on leaving, whatever happens; at most :func:`max_workers`.
    scheduler : str, optional
        Connect to this scheduler instead (default: ``$HOURCIRCLE_SCHEDULER``, if set and no
        ``workers`` are asked for): ``tcp://HOST:PORT``.

    Yields
    ------
    dask.distributed.Client or None
        ``None`` when neither is given: the work stays in this process and Dask is not imported.

    Raises
    ------
    ArgumentError
        (parameter ``workers`` or ``scheduler``) if both are given, ``workers`` is below 1 or
        beyond :func:`max_workers`, the address is malformed or not over tcp://, or the scheduler
        does not finish its handshake within :data:`hourcircle.config.connect_seconds`, has no
        worker within :data:`hourcircle.config.worker_wait_seconds`, or has workers without this
        version of hourcircle.
    ClusterError
        If the local workers cannot be started.
    """
    from_environment = scheduler is None and workers is None and config.scheduler_address() is not None
    scheduler = scheduler or (config.scheduler_address() if workers is None else None)
    if workers is not None and scheduler is not None:
        raise ArgumentError("scheduler", "and workers cannot both be given: use your cluster, or start one here")
    check_workers(workers)
    if workers is None and scheduler is None:
        yield None
        return
    import distributed  # noqa: F401  (before _quiet: importing it configures its loggers)

    if scheduler is not None:
        try:
            address = check_scheduler(scheduler)
        except ArgumentError as error:
            raise ArgumentError("scheduler", error.message + (f" (from ${config.SCHEDULER_VARIABLE})"
                                                              if from_environment else "")) from None
        with _quiet():
            _handshake(address, config.connect_seconds)
            from distributed import Client

            try:
                client = Client(address, timeout=config.connect_seconds, set_as_default=False)
            except Exception as error:  # the scheduler went away between the handshake and now
                raise ArgumentError("scheduler", f"cannot reach {_shown(address)} ({_why(error)})") from None
            with client:
                try:
                    _wait_for_workers(client)
                except ClusterError as error:
                    raise ArgumentError("scheduler", str(error)) from None
                _check_versions(client, address)
                yield client
        return
    assert workers is not None
    with _quiet(), _local_cluster(workers) as local:
        from distributed import Client

        with Client(local, timeout=config.connect_seconds, set_as_default=False) as client:
            yield client


# What local workers and their nannies leave out or do less often: Dask's profiler samples every task's stack
# (3% of a worker), and its event-loop and system monitors wake every 20 ms and 500 ms: on 2 cores that took
# this process (scheduler, nannies) 0.8 s of CPU over a 10 s sweep; 0.55 s so. Memory is still checked twice a second.
_LEAN = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "500ms",
         "distributed.admin.system-monitor.interval": "2s", "distributed.worker.memory.monitor-interval": "500ms"}


@contextlib.contextmanager
def _local_cluster(workers: int) -> Iterator[Any]:
    """A ``LocalCluster`` on 127.0.0.1 whose worker processes ignore Ctrl-C (this process stops them)."""
    import dask
    from distributed import LocalCluster

    # Dask's workers set MALLOC_TRIM_THRESHOLD_, which turns off glibc's adaptive mmap threshold:
    # every large temporary array then costs fresh pages, and the sweep runs 2.7 times slower
    # (benchmarks/bench_batch.py). Work that allocates per task is better off without it.
    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ, **_LEAN}):
            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                 dashboard_address="127.0.0.1:0", silence_logs=_QUIET,
                                 preload=[_IGNORE_CTRL_C, _IMPORT_NETWORK])
    except Exception as error:
        raise ClusterError(f"cannot start {workers} local Dask workers ({_why(error)}); try fewer "
                           "--workers") from None
    with local:
        yield local
