"""Benchmark the OpenStreetMap road network of all of China.

- load: the national scenario's roads clipped from the package's roads of China (first, into an empty
  cache) and from the cache (median of repeats): nodes, edges, seconds, peak memory (each in a fresh
  process, as a user's first and later commands are);
- reach: one origin's 4-hour truck reach on the national network, hourcircle's compiled engine
  against networkx's Dijkstra with the same cutoff, in the same process (median of repeats;
  answers checked equal);
- run: ``hourcircle run --scenario china`` wall time and peak memory (targets: 3 min, 3 GB).

Run: .venv/bin/python benchmarks/bench_roads.py [--repeats 5] [--skip-run]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOAD = """
import json, resource, time
from hourcircle import datasets, load_scenario
from hourcircle.roads.build import build_roads
scenario = load_scenario(datasets.locate("china"))
start = time.perf_counter()
roads = build_roads(scenario, scenario.travel.car.detour)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "nodes": len(roads.nodes), "edges": len(roads.edges),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def load(cache: Path) -> dict[str, float]:
    found = subprocess.run([sys.executable, "-c", LOAD], check=True, capture_output=True, text=True,
                           env=os.environ | {"HOURCIRCLE_CACHE": str(cache)})
    return json.loads(found.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def reach(repeats: int) -> None:
    import networkx as nx
    import numpy as np

    from hourcircle import Query, TravelTimes, datasets

    times = TravelTimes.for_scenario(datasets.locate("china"))
    query = Query(times, hours=4)
    edges = times.edges.arrays("truck")
    origin = int(times.positions(times.network.roads.joins.loc[["hefei"], "node"])[0])
    limit = query.budget_minutes - times.scenario.travel.terminal_minutes("truck")
    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(edges.tails.tolist(), edges.heads.tolist(), edges.minutes.tolist(),
                                      strict=True), weight="minutes")
    build = time.perf_counter() - start
    engine = times.engine("truck")
    ours, theirs = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        found = engine.minutes_from(origin, limit)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        expected = nx.single_source_dijkstra_path_length(graph, origin, cutoff=limit, weight="minutes")
        theirs.append(time.perf_counter() - start)
    reached = np.flatnonzero(np.isfinite(found))
    assert len(reached) == len(expected) and all(abs(found[k] - expected[k]) < 1e-6 for k in reached)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"reach: 4 h by truck from Hefei, {len(reached)} of {engine.n_nodes} nodes reached: "
          f"engine {a * 1e3:.1f} ms, networkx {b * 1e3:.0f} ms (its graph: {build:.1f} s to build)")
    print(f"ratio_reach_vs_networkx={b / a:.1f}")


def run_china() -> None:
    with tempfile.TemporaryDirectory() as folder:
        command = ["/usr/bin/time", "-f", "%e %M", str(Path(sys.executable).parent / "hourcircle"), "run",
                   "--scenario", "china", "--out", str(Path(folder) / "out")]
        found = subprocess.run(command, check=True, capture_output=True, text=True)
        seconds, kilobytes = found.stderr.strip().splitlines()[-1].split()
        files = len(list((Path(folder) / "out").iterdir()))
    print(f"run --scenario china: {float(seconds):.0f} s, peak {int(kilobytes) / 1024:.0f} MB, {files} files "
          "(targets: 180 s, 3072 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-run", action="store_true")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="hourcircle-cache-"))
    try:
        first = load(cache)
        cached = [load(cache) for _ in range(args.repeats)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    median = statistics.median(c["seconds"] for c in cached)
    print(f"load: {first['nodes']:.0f} road nodes, {first['edges']:.0f} road links; first (clip) "
          f"{first['seconds']:.2f} s, peak {first['peak_mb']:.0f} MB; cached {median:.2f} s (median of "
          f"{args.repeats}), peak {statistics.median(c['peak_mb'] for c in cached):.0f} MB")
    print(f"cached_load_seconds={median:.2f}")
    reach(args.repeats)
    if not args.skip_run:
        run_china()


if __name__ == "__main__":
    main()
