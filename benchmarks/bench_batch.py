"""Benchmark batch work in this process against a local Dask cluster of 2 workers, in one run.

- sweep: the national criticality sweep (data/china_nev, every kind of removal), on a cluster
  started for it (its start, which includes the workers' imports, is reported, not timed);
- matrix: trip minutes from 1,000 and from 10,000 origins to as many destinations on the national
  roads (synthetic sites a few km from the prefectures' seats: the national dataset has 313),
  written to Parquet in batches of origins.

For each: seconds in this process, seconds on the cluster, their ratio (target: 1.6 on 2 cores),
and the answers compared (the same ranking; the same Parquet bytes). Workers are bound to
127.0.0.1 and the cluster is closed even on error. Peak memory is that of each worker process,
and of this process.

Run: .venv/bin/python benchmarks/bench_batch.py [--origins 1000 10000] [--skip-sweep]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hourcircle import Query, TravelTimes, datasets
from hourcircle.analysis.criticality import sweep
from hourcircle.analysis.matrix import matrix_nodes, matrix_parts
from hourcircle.clusters import cluster
from hourcircle.output import write_parquet
from hourcircle.output.formats import to_csv


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the process that
    started it, which would give every worker its parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(folder: Path, n_sites: int, seed: int = 5) -> Path:
    """The national scenario with ``n_sites`` battery sites scattered up to 20 km from prefecture seats."""
    source = datasets.locate("china")
    shutil.copytree(source, folder, dirs_exist_ok=True)
    places = pd.read_csv(source / "places.csv")
    rng = np.random.default_rng(seed)
    where = places.iloc[rng.integers(0, len(places), n_sites)]
    sites = pd.DataFrame({"site_id": [f"s{i}" for i in range(n_sites)], "name": [f"S{i}" for i in range(n_sites)],
                          "company": "Co", "category": "battery", "place_id": where["place_id"].to_numpy(),
                          "lat": (where["lat"].to_numpy() + rng.uniform(-0.15, 0.15, n_sites)).round(5),
                          "lon": (where["lon"].to_numpy() + rng.uniform(-0.15, 0.15, n_sites)).round(5)})
    real = pd.read_csv(source / "sites.csv")
    pd.concat([real[real["category"] == "assembly"], sites]).to_csv(folder / "sites.csv", index=False)
    (folder / "infrastructure.csv").write_text("name,kind,lat1,lon1,lat2,lon2\n", encoding="utf-8")
    toml = (source / "scenario.toml").read_text(encoding="utf-8").replace('infrastructure = "infrastructure.csv"\n', "")
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    return folder


def timed_sweep(query: Query) -> None:
    start = time.perf_counter()
    alone = sweep(query)
    here = time.perf_counter() - start
    start = time.perf_counter()
    with cluster(workers=2) as client:  # new workers: they import hourcircle's libraries while they start
        assert client is not None
        started = time.perf_counter() - start
        start = time.perf_counter()
        together = sweep(query, client=client)
        there = time.perf_counter() - start
        workers = client.run(peak_mb)
    assert to_csv(alone) == to_csv(together), "the cluster's ranking differs"
    print(f"sweep, national: {len(alone)} removals; in this process {here:.1f} s, 2 new workers {there:.1f} s "
          f"(the cluster started in {started:.1f} s before); worker peaks "
          f"{', '.join(f'{m:.0f} MB' for m in workers.values())}; the same ranking")
    print(f"ratio_sweep_workers2={here / there:.2f}")


def timed_matrix(count: int, folder: Path) -> None:
    times = TravelTimes.for_scenario(synthetic(folder / f"s{count}", count))
    nodes = matrix_nodes(times, "sites")[-count:]
    start = time.perf_counter()
    write_parquet(folder / "here.parquet", matrix_parts(times, "truck", nodes))
    here = time.perf_counter() - start
    with cluster(workers=2) as client:
        assert client is not None
        start = time.perf_counter()
        write_parquet(folder / "there.parquet", matrix_parts(times, "truck", nodes, client=client))
        there = time.perf_counter() - start
        workers = client.run(peak_mb)
    same = (folder / "here.parquet").read_bytes() == (folder / "there.parquet").read_bytes()
    assert same, "the cluster's matrix differs"
    size = (folder / "here.parquet").stat().st_size / 1e6
    print(f"matrix, {count} x {count} sites: in this process {here:.0f} s, 2 workers {there:.0f} s; "
          f"{size:.0f} MB of Parquet; worker peaks {', '.join(f'{m:.0f} MB' for m in workers.values())}; "
          f"this process {peak_mb():.0f} MB; the same bytes")
    print(f"ratio_matrix_{count}_workers2={here / there:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    if not args.skip_sweep:
        timed_sweep(Query(TravelTimes.for_scenario(datasets.locate("china"))))
    with tempfile.TemporaryDirectory() as folder:
        for count in args.origins:
            timed_matrix(count, Path(folder))


if __name__ == "__main__":
    main()
