"""Batch work in this process and on a Dask cluster: the same answers, byte for byte; a dead
worker's task runs again; a cluster is always closed; a scheduler that cannot be reached is a
one-line error."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import cloudpickle
import psutil
import pytest
from distributed import Client
from helpers import run, write_region

from hourcircle import Query, TravelTimes
from hourcircle.analysis.criticality import _SweepRecipe, sweep, sweep_soon
from hourcircle.analysis.matrix import matrix_nodes, matrix_parts
from hourcircle.batches import Recipe, SplitRecipe, prepare, run_batches, stream_batches
from hourcircle.clusters import cluster
from hourcircle.errors import ArgumentError
from hourcircle.output import write_parquet
from hourcircle.output.formats import to_csv

SITES = """\
site_id,name,company,category,place_id,lat,lon
plant_suzhou,Plant Suzhou,Maker,assembly,suzhou_js,31.30,120.58
plant_jiaxing,Plant Jiaxing,Maker,assembly,jiaxing,30.75,120.76
cells_wuxi,Cells Wuxi,CellCo,battery,wuxi,31.49,120.31
cells_huzhou,Cells Huzhou,CellCo,battery,huzhou,30.89,120.09
fab_shanghai,Fab Shanghai,ChipCo,chips,shanghai,31.23,121.47
fab_nantong,Fab Nantong,ChipCo,chips,nantong,31.98,120.89
"""


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with cluster(workers=2) as found:
        assert found is not None
        cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test file
        yield found


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_region(tmp_path_factory.mktemp("region") / "region", SITES)


def add(shared: int, batch: Sequence[int]) -> list[int]:
    return [shared + item for item in batch]


def test_batches_keep_their_order_here_and_on_a_cluster(client: Client) -> None:
    items = list(range(23))
    assert run_batches(add, 100, items, batch_size=5) == [100 + i for i in items]
    assert run_batches(add, 100, items, batch_size=5, client=client) == [100 + i for i in items]
    streamed = dict(stream_batches(add, 1, items, batch_size=10, client=client))
    assert streamed == {0: list(range(1, 11)), 1: list(range(11, 21)), 2: [21, 22, 23]}


def test_sweep_and_matrix_are_byte_identical_on_a_cluster(client: Client, region: Path, tmp_path: Path) -> None:
    query = Query(TravelTimes.for_scenario(region), hours=1.0)
    here, there = sweep(query), sweep(query, client=client)
    assert len(here) > 20 and to_csv(here) == to_csv(there)
    nodes = matrix_nodes(query.times, "all")
    write_parquet(tmp_path / "here.parquet", matrix_parts(query.times, "truck", nodes, batch_size=3))
    write_parquet(tmp_path / "there.parquet", matrix_parts(query.times, "truck", nodes, batch_size=3, client=client))
    assert (tmp_path / "here.parquet").read_bytes() == (tmp_path / "there.parquet").read_bytes()


def dies_once(marker: str, batch: Sequence[int]) -> list[int]:
    """Kill the worker process the first time it runs (a worker lost mid-sweep)."""
    if not os.path.exists(marker):
        Path(marker).write_text("died", encoding="utf-8")
        os._exit(1)
    return [item * 2 for item in batch]


def test_a_task_whose_worker_dies_runs_again(client: Client, tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    assert run_batches(dies_once, marker, [1, 2, 3], batch_size=3, client=client) == [2, 4, 6]
    assert Path(marker).read_text(encoding="utf-8") == "died"


def test_the_cli_sweeps_with_workers_as_without(region: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alone = run(["disrupt", "--sweep", "--format", "csv", "--hours", "1", "--scenario", str(region)], capsys)
    together = run(["disrupt", "--sweep", "--format", "csv", "--hours", "1", "--workers", "2",
                    "--scenario", str(region)], capsys)
    assert alone[0] == together[0] == 0 and alone[1] == together[1]


def test_a_run_with_workers_writes_the_same_files(region: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """run --workers: the workers sweep while this process does the rest; the same files, byte for byte."""
    folders = {name: tmp_path / name for name in ("alone", "together")}
    status = [run(["run", str(region), "--hours", "1", "--out", str(folders["alone"]), "--quiet"], capsys)[0],
              run(["run", str(region), "--hours", "1", "--out", str(folders["together"]), "--quiet", "--workers", "2"],
                  capsys)[0]]
    assert status == [0, 0]
    files = {name: {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
             for name, folder in folders.items()}
    assert len(files["alone"]) > 5 and files["alone"] == files["together"]


def test_a_sweep_started_in_the_background_ranks_as_a_sweep_here(client: Client, region: Path,
                                                                 tmp_path: Path) -> None:
    query = Query(TravelTimes.for_scenario(region), hours=1.5)
    ranking = sweep_soon(query, client=client)
    links = sweep_soon(query, kinds=("link", "place"), client=client)  # a second, while the first runs
    query.times.minutes_from("shanghai", "truck")  # this process works on meanwhile
    assert to_csv(ranking()) == to_csv(sweep(query))
    assert to_csv(links()) == to_csv(sweep(query, kinds=("link", "place")))
    moved = tmp_path / "moved"  # workers that cannot build the baseline: the sweep runs when asked for
    shutil.copytree(region, moved)
    changed = Query(TravelTimes.for_scenario(moved), hours=1.5)
    (moved / "sites.csv").write_text("", encoding="utf-8")
    assert to_csv(sweep_soon(changed, client=client)()) == to_csv(sweep(query))


def test_a_local_cluster_leaves_no_process_or_port_behind() -> None:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(RuntimeError, match="stop here"), cluster(workers=2) as client:
        assert client is not None
        address = client.scheduler.address
        assert address.startswith("tcp://127.0.0.1:")
        raise RuntimeError("stop here")
    deadline = time.monotonic() + 10
    while {p.pid for p in psutil.Process().children(recursive=True)} - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {p.pid for p in psutil.Process().children(recursive=True)} - before == set()
    host, port = address.removeprefix("tcp://").rsplit(":", 1)
    with socket.socket() as probe:
        assert probe.connect_ex((host, int(port))) != 0  # nothing listens there any more


def test_an_unreachable_scheduler_is_one_line_within_the_connect_time(capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The handshake gives up after config.connect_seconds (here 2 s), and says so in one line."""
    monkeypatch.setattr("hourcircle.config.connect_seconds", 2.0)
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    status, out, err = run(["disrupt", "--sweep", "--scheduler", f"tcp://127.0.0.1:{port}"], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"hourcircle: error: --scheduler: cannot reach 'tcp://127.0.0.1:{port}' within 2 s")


def test_bad_cluster_arguments() -> None:
    with pytest.raises(ArgumentError, match="scheduler: and workers cannot both be given"), \
            cluster(workers=2, scheduler="tcp://127.0.0.1:1"):
        pass
    with cluster() as nothing:
        assert nothing is None


def test_the_scheduler_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOURCIRCLE_SCHEDULER", "tcp://127.0.0.1:9")
    monkeypatch.setattr("hourcircle.config.connect_seconds", 1.0)  # port 9 may stay silent: no need to wait 10 s
    status, _, err = run(["disrupt", "--sweep"], capsys)
    assert status == 2 and "--scheduler: cannot reach 'tcp://127.0.0.1:9'" in err


def test_the_default_path_imports_no_dask(region: Path) -> None:
    import subprocess
    code = ("import sys; from hourcircle.cli import main; main(['disrupt', '--sweep', '--hours', '1', '--scenario', "
            f"{str(region)!r}]); print('distributed' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=os.environ | {"HOURCIRCLE_SCHEDULER": ""})
    assert found.stdout.strip().splitlines()[-1] == "False"


class Offset(Recipe):
    """A recipe for a number: built where the batches run, counting its builds in a file."""

    def __init__(self, value: int, log: str) -> None:
        self.value, self.log = value, log

    def __eq__(self, other: object) -> bool:  # by name: this class travels by value, a new class each time
        return type(other).__name__ == "Offset" and (other.value, other.log) == (self.value, self.log)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.value, self.log))

    def build(self, shares: Sequence[int] | None = None) -> int:
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\n")
        return self.value


def test_a_recipe_is_built_once_per_process_and_not_sent(client: Client, tmp_path: Path) -> None:
    log = tmp_path / "builds"
    recipe = Offset(100, str(log))
    items = list(range(23))
    assert run_batches(add, recipe, items, batch_size=5) == [100 + i for i in items]
    assert prepare(client, recipe) == ""
    assert run_batches(add, recipe, items, batch_size=2, client=client) == [100 + i for i in items]
    builds = log.read_text(encoding="utf-8").split()
    assert len(builds) == len(set(builds)) == 3  # here, and once in each of the 2 workers
    assert prepare(client, Offset(1, str(tmp_path / "missing" / "log"))).startswith("FileNotFoundError")


class Squares(SplitRecipe):
    """A recipe whose costly part splits: the sum of squares below a number, a share per worker."""

    def __init__(self, below: int, log: str) -> None:
        self.below, self.log = below, log

    def __eq__(self, other: object) -> bool:
        return type(other).__name__ == "Squares" and (other.below, other.log) == (self.below, self.log)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.below, self.log))

    def share(self, part: int, parts: int) -> int:
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"share {part} of {parts} {os.getpid()}\n")
        return sum(i * i for i in range(part, self.below, parts))

    def build(self, shares: Sequence[int] | None = None) -> int:
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"build {'from shares' if shares is not None else 'alone'} {os.getpid()}\n")
        return sum(shares) if shares is not None else self.share(0, 1)


def test_a_recipe_that_splits_is_computed_a_share_per_worker(client: Client, tmp_path: Path) -> None:
    log = tmp_path / "builds"
    recipe = Squares(1000, str(log))
    assert prepare(client, recipe) == ""
    lines = log.read_text(encoding="utf-8").splitlines()
    shares = sorted(line.rsplit(" ", 1)[0] for line in lines if line.startswith("share"))
    assert shares == ["share 0 of 2", "share 1 of 2"]
    assert len({line.rsplit(" ", 1)[1] for line in lines if line.startswith("share")}) == 2  # two processes
    assert sorted(line.rsplit(" ", 1)[0] for line in lines if line.startswith("build")) == ["build from shares"] * 2
    expected = sum(i * i for i in range(1000))
    assert run_batches(add, recipe, [0, 1], batch_size=1, client=client) == [expected, expected + 1]
    assert prepare(client, recipe) == ""  # built already: no share is computed again
    assert log.read_text(encoding="utf-8").splitlines() == lines
    broken = Squares(10, str(tmp_path / "missing" / "log"))  # a share that fails: the caller sends the object
    assert prepare(client, broken).startswith("FileNotFoundError")


def test_a_sweep_on_workers_that_build_their_own_baseline_is_byte_identical(
        client: Client, region: Path, tmp_path: Path) -> None:
    query = Query(TravelTimes.for_scenario(region), hours=1.5)
    recipe = _SweepRecipe.of(query)
    assert recipe is not None and prepare(client, recipe) == ""  # the workers can build it: nothing big is sent
    assert to_csv(sweep(query)) == to_csv(sweep(query, client=client))
    moved = tmp_path / "moved"  # a network the workers cannot build from the files: the baseline is sent instead
    shutil.copytree(region, moved)
    changed = Query(TravelTimes.for_scenario(moved), hours=1.5)
    (moved / "sites.csv").write_text("", encoding="utf-8")
    assert prepare(client, _SweepRecipe.of(changed)) != ""
    assert to_csv(sweep(changed)) == to_csv(sweep(changed, client=client)) == to_csv(sweep(query))
