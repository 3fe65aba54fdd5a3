"""Hostile schedulers, clusters and workers: each ends in one line (exit 2 from the command line,
an ``hourcircle.errors`` exception from Python), within a bounded time, with nothing written.

Every server here listens on 127.0.0.1 only and lives a bounded time; every cluster is closed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import cloudpickle
import psutil
import pytest
from distributed import LocalCluster
from helpers import run, write_region

import hourcircle
from hourcircle import clusters, config
from hourcircle.batches import run_batches, stream_batches
from hourcircle.clusters import cluster, max_workers
from hourcircle.errors import ArgumentError, ClusterError

SITES = """\
site_id,name,company,category,place_id,lat,lon
plant_suzhou,Plant Suzhou,Maker,assembly,suzhou_js,31.30,120.58
plant_jiaxing,Plant Jiaxing,Maker,assembly,jiaxing,30.75,120.76
cells_wuxi,Cells Wuxi,CellCo,battery,wuxi,31.49,120.31
cells_huzhou,Cells Huzhou,CellCo,battery,huzhou,30.89,120.09
fab_shanghai,Fab Shanghai,ChipCo,chips,shanghai,31.23,121.47
fab_nantong,Fab Nantong,ChipCo,chips,nantong,31.98,120.89
"""
SRC = str(Path(hourcircle.__file__).resolve().parents[1])


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "connect_seconds", 2.0)
    monkeypatch.setattr(config, "worker_wait_seconds", 2.0)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test file


def fake_scheduler(answer: str, lifetime: float = 20.0) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that is no Dask scheduler: it stays silent, answers garbage, or hangs up."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    deadline = time.monotonic() + lifetime
    held: list[socket.socket] = []

    def serve() -> None:
        while time.monotonic() < deadline:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            if answer == "close":
                connection.close()
                continue
            if answer == "garbage":
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4)
            held.append(connection)
        for connection in held:
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        deadline = 0.0
        thread.join(5)
        server.close()


@pytest.mark.parametrize("answer", ["silent", "garbage", "close"])
def test_a_scheduler_that_is_no_dask_scheduler_is_one_line_in_bounded_time(
        answer: str, capsys: pytest.CaptureFixture[str]) -> None:
    servers = fake_scheduler(answer)
    address = next(servers)
    try:
        status, out, err = run(["disrupt", "--sweep", "--scheduler", address], capsys)  # bounded: 2 s here
    finally:
        servers.close()
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"hourcircle: error: --scheduler: cannot reach '{address}' within 2 s")
    assert "Traceback" not in err


@pytest.mark.parametrize(("address", "says"), [
    ("tls://127.0.0.1:8786", "tls:// is not supported; give tcp://HOST:PORT"),
    ("ucx://127.0.0.1:8786", "ucx:// is not supported"),
    ("inproc://127.0.0.1/1/2", "inproc:// is not supported"),
    ("http://127.0.0.1:8786", "http:// is not supported"),
    ("127.0.0.1", "no port"),
    ("tcp://127.0.0.1", "no port"),
    ("tcp://127.0.0.1:0", "port 0 is outside 1-65535"),
    ("tcp://127.0.0.1:65536", "port 65536 is outside 1-65535"),
    ("127.0.0.1:99999999999", "outside 1-65535"),
    ("tcp://:8786", "not an address"),
    ("tcp://127.0.0.1:8786/path", "not an address"),
    ("not an address at all", "not an address"),
    ("tcp://127.0.0.1:87x6", "not an address"),
    ("\x1b[31m:1", "not an address"),
    ("", "not an address"),
])
def test_a_malformed_address_is_refused_at_once(address: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["disrupt", "--sweep", "--scheduler", address], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("hourcircle: error: --scheduler: ") and says in err


def test_a_malformed_address_from_the_environment_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOURCIRCLE_SCHEDULER", "tls://127.0.0.1:8786")
    with pytest.raises(ArgumentError, match=r"tls:// is not supported.*\(from \$HOURCIRCLE_SCHEDULER\)"), cluster():
        pass


def test_workers_beyond_a_multiple_of_the_cores_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    limit = max_workers()
    assert limit == config.workers_per_core * (os.cpu_count() or 1)
    status, out, err = run(["disrupt", "--sweep", "--workers", "100000000"], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"hourcircle: error: --workers: at most {limit} on this machine")
    with pytest.raises(ArgumentError, match=f"workers: at most {limit} "), cluster(workers=limit + 1):
        pass


def twice(shared: float, batch: Sequence[int]) -> list[int]:
    time.sleep(shared)
    return [item * 2 for item in batch]


def test_a_closed_client_from_python_is_an_argument_error() -> None:
    with cluster(workers=1) as client:
        assert client is not None
    with pytest.raises(ArgumentError, match="client: is closed: pass an open client"):
        run_batches(twice, 0.0, [1, 2], batch_size=1, client=client)
    with pytest.raises(ArgumentError, match="client: is closed"):
        list(stream_batches(twice, 0.0, [1, 2], batch_size=1, client=client))


def _workers_of(process: psutil.Process) -> list[psutil.Process]:
    return [p for p in process.children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]


def _kill_workers(times: int, every: float, stop: threading.Event) -> None:
    for _ in range(times):
        if stop.wait(every):
            return
        for worker in _workers_of(psutil.Process()):
            worker.kill()


def test_the_only_worker_killed_mid_run_is_restarted_and_the_work_finishes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "worker_wait_seconds", 60.0)  # a restart takes seconds on a loaded machine
    stop = threading.Event()
    with cluster(workers=1) as client:
        assert client is not None
        killer = threading.Thread(target=_kill_workers, args=(1, 1.0, stop), daemon=True)
        killer.start()
        try:
            assert run_batches(twice, 0.2, list(range(12)), batch_size=1, client=client) == [2 * i for i in range(12)]
        finally:
            stop.set()
            killer.join(5)


def test_workers_that_keep_dying_end_in_one_cluster_error() -> None:
    stop = threading.Event()
    with cluster(workers=1) as client:
        assert client is not None
        killer = threading.Thread(target=_kill_workers, args=(30, 0.7, stop), daemon=True)
        killer.start()
        try:
            # either the retries run out, or (on a loaded machine) no worker is back within the wait
            with pytest.raises(ClusterError, match=r"lost its workers 3 times during the work|has no workers after 2 s"
                               ) as caught:
                run_batches(twice, 0.2, list(range(60)), batch_size=1, client=client)
            assert len(caught.value.lines) == 1
        finally:
            stop.set()
            killer.join(5)


@pytest.fixture
def scheduler_only() -> Iterator[LocalCluster]:
    local = LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None, silence_logs=60)
    try:
        yield local
    finally:
        local.close()


def test_a_scheduler_without_workers_is_one_line(scheduler_only: LocalCluster,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    address = scheduler_only.scheduler_address
    status, out, err = run(["disrupt", "--sweep", "--scheduler", address], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"hourcircle: error: --scheduler: the Dask scheduler '{address}' has no workers after 2 s")


@pytest.fixture
def one_worker() -> Iterator[LocalCluster]:
    local = LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                         silence_logs=60)
    try:
        yield local
    finally:
        local.close()


def test_workers_with_another_version_are_refused_before_any_work(one_worker: LocalCluster,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ours = hourcircle.__version__
    monkeypatch.setattr(clusters, "_version", lambda: "0.0.0.test")  # this process; the worker keeps its own
    with pytest.raises(ArgumentError, match=f"runs hourcircle {ours}, this process 0.0.0.test; install the same"), \
            cluster(scheduler=one_worker.scheduler_address):
        pass


def test_a_scheduler_that_dies_mid_run_is_one_cluster_error(one_worker: LocalCluster) -> None:
    with cluster(scheduler=one_worker.scheduler_address) as client:
        assert client is not None
        closer = threading.Timer(1.5, one_worker.close)
        closer.start()
        try:
            # the cluster closes its worker first: the run may see that before the scheduler goes
            with pytest.raises(ClusterError, match=r"lost the Dask scheduler .* during the work|has no workers after"):
                run_batches(twice, 0.2, list(range(100)), batch_size=1, client=client)
        finally:
            closer.join(10)


def test_sigterm_during_a_sweep_on_two_workers_prints_one_line(tmp_path: Path) -> None:
    region = write_region(tmp_path / "region", SITES)
    environ = os.environ | {"PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""),
                            "HOURCIRCLE_SCHEDULER": ""}
    command = [sys.executable, "-c", "from hourcircle._entry import main; main()", "disrupt", "--sweep",
               "--hours", "1", "--workers", "2", "--scenario", str(region)]
    process = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        parent = psutil.Process(process.pid)
        deadline = time.monotonic() + 40
        while len(_workers_of(parent)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the sweep ended before its workers were seen"
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 143, err
    assert err == "hourcircle: terminated; nothing was written\n"
    assert out == ""
