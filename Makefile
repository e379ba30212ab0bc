# Every target does its own set-up: `make test` and `make demo` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit perf docs clean extension-unit package e2e fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

EXT := extension
EXT_STAMP := $(EXT)/node_modules/.installed

$(EXT_STAMP): $(EXT)/package.json $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund
	touch $(EXT_STAMP)

# The official MDX parser (micromark + mdxjs), the reference of tests/mdx/test_mdx_differential.py
MDX_REF := tests/mdx/reference
MDX_REF_STAMP := $(MDX_REF)/node_modules/.installed

$(MDX_REF_STAMP): $(MDX_REF)/package.json $(MDX_REF)/package-lock.json
	cd $(MDX_REF) && npm ci --no-audit --no-fund
	touch $(MDX_REF_STAMP)

## demo: set up, then check the reports in examples/ with the built-in packs: the failing ones (their
## exit code 1 is expected, so the demo itself ends with 0), the passing ones, and what to try next
demo: $(STAMP)
	@echo "== aicmo check examples/failing/ (three reports that fail on purpose, see examples/README.md)"
	@$(BIN)/aicmo check examples/failing/; code=$$?; \
	if [ $$code -ne 1 ]; then echo "== exit code $$code; expected 1 (errors found)"; exit 1; fi; \
	echo "== exit code 1: errors found, as expected (in CI this fails the job)"
	@echo "== aicmo check examples/passing/ (the same three reports, written to pass)"
	@$(BIN)/aicmo check examples/passing/
	@echo "== exit code 0: no errors"
	@echo
	@echo "What to try next:"
	@echo "  $(BIN)/aicmo fix examples/failing/quick_social_basic.md --dry-run   # the failing sections rewritten, as a diff"
	@echo "  $(BIN)/aicmo explain AIC101   # what a rule checks and how to fix it"
	@echo "  make package   # the VS Code extension, with the server bundled (README: The VS Code extension)"
	@echo "  docs/cli.md, docs/ci.md (pre-commit, GitHub Actions), docs/editors.md (Neovim, Helix, Zed, Emacs)"

## test: set up, lint, type-check and run every test
test: $(STAMP) lint typecheck unit extension-unit e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(MDX_REF_STAMP)
	$(BIN)/pytest -n auto -p no:cacheprovider

## extension-unit: type-check the VS Code extension and run its unit tests (node:test)
extension-unit: $(EXT_STAMP)
	cd $(EXT) && npm run --silent typecheck && npm test --silent

## package: the VS Code extension, one extension/aicmo-<target>-<version>.vsix per target, each with the
## server and its libraries for that platform and CPython 3.10-3.14 (bundled/libs/pyX.Y + common).
## `make package VSIX_TARGETS=linux-x64` builds only some.
VSIX_TARGETS ?= linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64
package: $(STAMP) $(EXT_STAMP)
	$(BIN)/python $(EXT)/scripts/package_targets.py $(VSIX_TARGETS)
	@echo "== is each VSIX right for its target (layout, size, every compiled file), and does this machine's start its bundled server?"
	cd $(EXT) && npm run --silent smoke -- --bundled --python $(PYTHON) aicmo-*.vsix
	@ls -l $(EXT)/*.vsix

## e2e: the VSIX in a real VS Code (code-server + Debian's Chromium, headless, driven by Playwright):
## installs them into .realclient/ when missing, screenshots and metrics.json in test-output/e2e/
## (extension/e2e/README.md)
e2e: package
	bash $(EXT)/e2e/run.sh "$$(ls -t $(EXT)/aicmo-linux-x64-*.vsix | head -1)"

## fuzz: a longer fuzz campaign than `make unit` runs: twenty times the examples of tests/fuzz/
## (hostile repositories through `aicmo check` and the server, random JSON-RPC frames)
fuzz: $(STAMP)
	AICMO_FUZZ_SCALE=20 $(BIN)/pytest -n auto -p no:cacheprovider tests/fuzz

## perf: speed measurements (writes numbers to stdout; see perf/RESULTS.md)
perf: $(STAMP)
	$(BIN)/python perf/bench_check.py

## docs: regenerate docs/rules.md, benchmarks/schema.json and extension/src/serverProtocol.ts
docs: $(STAMP)
	$(BIN)/python -m aicmo_core.generated_files
	$(BIN)/python -m aicmo_lsp.protocol

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	rm -rf $(EXT)/node_modules $(EXT)/out $(EXT)/bundled $(EXT)/generated $(EXT)/*.vsix tests/mdx/reference/node_modules
