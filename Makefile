# Two commands do all the set-up: `make data` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 0

.PHONY: data test lint format bench clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV)

# __init__.py holds the version: reinstall so the package metadata follows a release
$(VENV)/.installed: requirements.lock pyproject.toml src/build_dataset/__init__.py | $(PY)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.installed
	$(PIP) install -r requirements-dev.lock
	@touch $@

## make data: create .venv if needed, install pinned dependencies, build the package
data: $(VENV)/.installed
	$(VENV)/bin/build-dataset build

## make test: lint, then the whole test suite (installs R for the R loading tests if missing)
test: $(VENV)/.dev-installed lint
	bash scripts/ensure-r.sh
	$(PY) -m pytest

## make lint: ruff check and ruff format --check (configured in pyproject.toml)
LINTED := $(wildcard src tests bench)
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix $(LINTED)
	$(VENV)/bin/ruff format $(LINTED)

## make bench: the extractor comparison, then the build benchmark (docs/benchmarks.md);
## builds and validate are timed in .venv-runtime, the runtime dependencies only, as
## users have them (a copy of the package: reinstalled whenever a source file changes)
RUNTIME := .venv-runtime
$(RUNTIME)/.installed: requirements.lock pyproject.toml $(shell find src -name '*.py')
	test -x $(RUNTIME)/bin/python || $(PYTHON) -m venv $(RUNTIME)
	$(RUNTIME)/bin/python -m pip --disable-pip-version-check -q install -r requirements.lock
	$(RUNTIME)/bin/python -m pip --disable-pip-version-check -q install --no-deps --force-reinstall .
	rm -rf build src/*.egg-info  # left by the copy's in-tree build: stale metadata on src/
	@touch $@

bench: $(VENV)/.dev-installed $(RUNTIME)/.installed
	$(PIP) install -r bench/requirements.txt
	$(PY) bench/compare_extractors.py
	$(PY) bench/benchmark.py --python $(RUNTIME)/bin/python

clean-venv:
	rm -rf $(VENV) $(RUNTIME)
