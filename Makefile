# Every target does its own set-up: `make test` and `make demo` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit perf docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: set up, then check every report in examples/ with the built-in packs
demo: $(STAMP)
	@echo "== aicmo check examples/ (failing examples are expected to fail)"
	-$(BIN)/aicmo check examples/
	@echo "== passing examples only"
	$(BIN)/aicmo check examples/passing/

## test: set up, lint, type-check and run every test
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto -p no:cacheprovider

## perf: speed measurements (writes numbers to stdout; see perf/RESULTS.md)
perf: $(STAMP)
	$(BIN)/python perf/bench_check.py

## docs: regenerate docs/rules.md and benchmarks/schema.json
docs: $(STAMP)
	$(BIN)/python -m aicmo_core.generate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
