"""Benchmark how long the command line takes to answer: ``--help`` and one ``travel`` question.

Each command runs as a new process, as a user runs it, several times; the table gives the
median wall time and its ratio to a bare ``python -c pass`` started the same way in the
same run (the interpreter's own start-up on this machine). Targets: ``--help`` <= 0.5 s,
``travel`` <= 1.5 s.

Run: .venv/bin/python benchmarks/bench_start.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "hourcircle --help": ["hourcircle", "--help"],
    "hourcircle travel shanghai hefei": ["hourcircle", "travel", "shanghai", "hefei"],
    "hourcircle travel 上海 南京 --mode rail": ["hourcircle", "travel", "上海", "南京", "--mode", "rail"],
}


def median_seconds(argv: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    executable = shutil.which("hourcircle", path=str(Path(sys.executable).parent))
    if executable is None:
        raise SystemExit("hourcircle is not installed next to this python: run `make install-dev` first")
    baseline = None
    for label, argv in COMMANDS.items():
        argv = [executable, *argv[1:]] if argv[0] == "hourcircle" else argv
        seconds = median_seconds(argv, args.repeats)
        baseline = baseline or seconds
        print(f"{label:42} {seconds:6.3f} s  {seconds / baseline:5.1f}x python start-up")


if __name__ == "__main__":
    main()
