# Two commands: `make run` (set up, run the bundled analysis) and `make test` (set up, run every check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= hourcircle-out

.PHONY: run test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package is installed as a user gets it (a built wheel, not editable), so the
# tests see exactly what `pip install` ships, bundled data included.
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps . 
	$(BIN)/python -m pip install --quiet .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet '.[dev]'
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps .

run: install
	$(BIN)/hourcircle validate
	$(BIN)/hourcircle run --out $(OUT)
	@echo "Open $(OUT)/report.md (and $(OUT)/map.html in a browser). hourcircle --help lists every command."

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

test: lint
	$(BIN)/python -m pytest -q

bench: install-dev
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) build dist $(OUT)
