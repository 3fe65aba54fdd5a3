# Two commands: `make run` (set up, run the bundled analysis) and `make test` (set up, run every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= hourcircle-out

.PHONY: run test install install-dev lint browser bench bench-batch clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package is installed as a user gets it (a built wheel, not editable), so the
# tests see exactly what `pip install` ships, bundled data included.
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps . 
	$(BIN)/python -m pip install --quiet .

# Browser tests drive Debian's chromium (headless); a CJK font makes screenshots legible.
browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "wenquanyi\|noto sans cjk" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet '.[dev]'
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps .

run: install
	$(BIN)/hourcircle validate
	$(BIN)/hourcircle run --out $(OUT) --remove "Hangzhou Bay Bridge"
	@echo "Open $(OUT)/report.md (and $(OUT)/map.html in a browser). hourcircle --help lists every command."

lint: install-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src
	PYTHONPATH=src $(BIN)/lint-imports --no-cache  # the layers of DESIGN.md, read from src/

test: lint browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=15

bench: install-dev browser
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_map.py
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/bench_start.py
	$(BIN)/python benchmarks/bench_roads.py
	$(BIN)/python benchmarks/bench_pcenter.py
	$(BIN)/python benchmarks/calibrate.py

# National-scale batch work in one process and on a local 2-worker Dask cluster (about 15 minutes).
bench-batch: install-dev
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) build dist $(OUT)
