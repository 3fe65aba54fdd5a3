"""Benchmark the first answer with and without the built-network cache, in fresh processes.

Each measurement is a new Python process, as a user or a worker starts one, timed from outside
(interpreter start-up, imports and all), repeated; the table gives medians and ratios measured in
the same run, on a machine that may be shared and noisy:

- floor: a process that imports numpy and scipy, loads the national road clip's arrays and runs
  one ``scipy.sparse.csgraph.dijkstra`` (what any answer on those roads costs at least);
- ``TravelTimes.for_scenario(datasets.locate("china"))`` cold (no network store: it is built and
  stored) and warm (read from the store);
- ``hourcircle travel beijing shanghai --scenario china`` cold and warm;
- the bundled delta, warm: ``TravelTimes.for_scenario(datasets.bundled())`` and
  ``hourcircle travel 上海 南京`` (the default scenario).

The cache folder is a temporary one (``HOURCIRCLE_CACHE``), never the user's; the road clip is
in it for every measurement (made once first), only the network store comes and goes.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_first_answer.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"

FOR_SCENARIO = """
import sys, time
start = time.perf_counter()
from hourcircle import datasets
from hourcircle.travel.times import TravelTimes
TravelTimes.for_scenario(datasets.locate(sys.argv[1]))
print(time.perf_counter() - start)
"""

FLOOR = """
import sys, time
start = time.perf_counter()
from pathlib import Path
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra
folder = Path(sys.argv[1])
a = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in ("ids", "lat", "lon", "u", "v", "km")}
n = len(a["ids"])
u, v = np.searchsorted(a["ids"], a["u"]), np.searchsorted(a["ids"], a["v"])
graph = sp.csr_array((np.r_[a["km"], a["km"]], (np.r_[u, v], np.r_[v, u])), shape=(n, n))
dijkstra(graph, indices=0, min_only=True)
print(time.perf_counter() - start)
"""

TRAVEL = "import sys; sys.argv[0] = 'hourcircle'; from hourcircle._entry import main; main()"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed:\n{done.stderr}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="hourcircle-bench-cache-"))
    path = os.pathsep.join(p for p in (str(SOURCE) if SOURCE.is_dir() else "", os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "HOURCIRCLE_CACHE": str(cache), "PYTHONPATH": path}
    python = sys.executable
    travel = [python, "-c", TRAVEL, "travel", "beijing", "shanghai", "--scenario", "china"]
    for_scenario = [python, "-c", FOR_SCENARIO, "china"]
    try:
        timed(for_scenario, env)  # the road clip (and the world extract, where the roads are not bundled), once
        delta_env = {**env, "HOURCIRCLE_CACHE": str(cache / "delta")}  # apart: the cold runs clear the other
        delta_for_scenario = [python, "-c", FOR_SCENARIO, "yrd"]
        timed(delta_for_scenario, delta_env)
        clip = max((p for p in cache.glob("osm-*-v*-*") if p.is_dir() and not p.name.startswith("osm-world")),
                   key=lambda p: sum(f.stat().st_size for f in p.iterdir()))
        samples: dict[str, list[float]] = {}
        inner: dict[str, list[float]] = {}

        def record(label: str, argv: list[str], *, cold: bool, inside: bool = False,
                   where: dict[str, str] = env) -> None:
            if cold:
                shutil.rmtree(cache / "networks", ignore_errors=True)
            seconds, out = timed(argv, where)
            samples.setdefault(label, []).append(seconds)
            if inside:
                inner.setdefault(label, []).append(float(out.split()[-1]))

        for _ in range(args.repeats):  # interleaved, so that the machine's mood is shared
            record("floor", [python, "-c", FLOOR, str(clip)], cold=False, inside=True)
            record("for_scenario cold", for_scenario, cold=True, inside=True)
            record("for_scenario warm", for_scenario, cold=False, inside=True)
            record("travel cold", travel, cold=True)
            record("travel warm", travel, cold=False)
            record("delta for_scenario", delta_for_scenario, cold=False, inside=True, where=delta_env)
            record("delta travel", [python, "-c", TRAVEL, "travel", "上海", "南京"], cold=False, where=delta_env)
        median = {label: statistics.median(values) for label, values in samples.items()}
        store_mb = sum(f.stat().st_size for f in (cache / "networks").rglob("*") if f.is_file()) / 1e6
        print(f"medians of {args.repeats} fresh processes (wall, imports included); national network store "
              f"{store_mb:.0f} MB; load average {os.getloadavg()[0]:.2f}")
        for label, seconds in median.items():
            within = f"  (in-process {statistics.median(inner[label]):6.3f} s)" if label in inner else ""
            print(f"{label:20} {seconds:6.3f} s  {seconds / median['floor']:5.2f}x floor{within}")
        print(f"for_scenario cold / warm: {median['for_scenario cold'] / median['for_scenario warm']:.1f}x")
        print(f"travel cold / warm:       {median['travel cold'] / median['travel warm']:.1f}x")
        print(f"for_scenario warm / floor: {median['for_scenario warm'] / median['floor']:.1f}x; "
              f"travel warm / floor: {median['travel warm'] / median['floor']:.1f}x; "
              f"delta travel / floor: {median['delta travel'] / median['floor']:.1f}x")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
