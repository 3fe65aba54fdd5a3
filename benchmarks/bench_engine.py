"""Benchmark the compiled engine against networkx on synthetic road-like graphs.

Graphs: the Delaunay triangulation of random points over the Yangtze River Delta (lat
27.5-35, lon 115.5-122.5), minutes = great-circle km x 1.3 / 70 km/h; five categories of
suppliers on 1% of the nodes each. In the same run, for each size:

(a) minutes to the nearest supplier of every category from every node, cutoff 240 min:
    Engine.nearest vs networkx multi_source_dijkstra_path_length, once per category;
(b) one-origin 4-hour reach: Engine.minutes_from vs single_source_dijkstra_path_length;
(c) build time and peak traced memory: Engine from arrays vs a networkx Graph.

Every answer is cross-checked against networkx (same minutes to 1e-9). Timings are medians
of repeated runs; ratios are baseline / engine. The last line is ``ratio_nearest_100k=<x>``.

Run: .venv/bin/python benchmarks/bench_engine.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from scipy.spatial import Delaunay

from hourcircle.engine import Engine
from hourcircle.geo import haversine_km, project_km

CUTOFF = 240.0
CATEGORIES = 5


def synthetic(n: int, seed: int = 1) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(27.5, 35.0, n), rng.uniform(115.5, 122.5, n)
    tri = Delaunay(project_km(lat, lon)).simplices
    pairs = np.unique(np.sort(np.vstack([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [0, 2]]]), axis=1), axis=0)
    minutes = haversine_km(lat[pairs[:, 0]], lon[pairs[:, 0]], lat[pairs[:, 1]], lon[pairs[:, 1]]) * 1.3 / 70 * 60
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), minutes


def median_time(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_mb(run: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    kept = run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del kept
    return peak / 2**20


def bench(n: int) -> dict[str, float]:
    tails, heads, minutes = synthetic(n)
    repeats = 5 if n <= 100_000 else 3
    base_repeats = 3 if n <= 100_000 else 1
    build_engine, engine = median_time(lambda: Engine(tails, heads, minutes, n), repeats)

    def make_graph() -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_weighted_edges_from(zip(tails.tolist(), heads.tolist(), minutes.tolist(), strict=True))
        return graph

    build_nx, graph = median_time(make_graph, base_repeats)
    mem_engine = peak_mb(lambda: Engine(tails, heads, minutes, n))
    mem_nx = peak_mb(make_graph) if n <= 100_000 else float("nan")

    rng = np.random.default_rng(2)
    groups = [rng.choice(n, size=max(1, n // 100), replace=False) for _ in range(CATEGORIES)]
    t_near, near = median_time(lambda: [engine.nearest(g, CUTOFF)[0] for g in groups], repeats)
    t_near_nx, near_nx = median_time(
        lambda: [nx.multi_source_dijkstra_path_length(graph, set(g.tolist()), cutoff=CUTOFF) for g in groups],
        base_repeats)
    for ours, theirs in zip(near, near_nx, strict=True):
        reached = np.flatnonzero(np.isfinite(ours))
        assert set(reached.tolist()) == set(theirs), "nearest: different nodes reached"
        assert np.allclose(ours[reached], [theirs[i] for i in reached.tolist()], rtol=0, atol=1e-9)

    origin = int(rng.integers(n))
    t_reach, reach = median_time(lambda: engine.minutes_from(origin, CUTOFF), repeats * 2)
    t_reach_nx, reach_nx = median_time(
        lambda: nx.single_source_dijkstra_path_length(graph, origin, cutoff=CUTOFF), base_repeats * 2)
    reached = np.flatnonzero(np.isfinite(reach))
    assert set(reached.tolist()) == set(reach_nx), "reach: different nodes reached"
    assert np.allclose(reach[reached], [reach_nx[i] for i in reached.tolist()], rtol=0, atol=1e-9)

    row = {"nodes": n, "edges": len(tails), "build_engine_s": build_engine, "build_networkx_s": build_nx,
           "peak_engine_mb": mem_engine, "peak_networkx_mb": mem_nx,
           "nearest_engine_s": t_near, "nearest_networkx_s": t_near_nx, "ratio_nearest": t_near_nx / t_near,
           "reach_engine_s": t_reach, "reach_networkx_s": t_reach_nx, "ratio_reach": t_reach_nx / t_reach,
           "reached_nodes": len(reached)}
    print(" ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    rows = {n: bench(n) for n in sizes}
    if 100_000 in rows:
        print(f"ratio_nearest_100k={rows[100_000]['ratio_nearest']:.1f}")


if __name__ == "__main__":
    main()
