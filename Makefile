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

$(VENV)/.installed: requirements.lock pyproject.toml | $(PY)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.installed
	$(PIP) install -r requirements-dev.lock
	@touch $@

## make data: create .venv if needed, install pinned dependencies, build the package
data: $(VENV)/.installed
	$(VENV)/bin/build-dataset build

## make test: lint, then the whole test suite
test: $(VENV)/.dev-installed lint
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

bench: $(VENV)/.dev-installed
	$(PIP) install -r bench/requirements.txt
	$(PY) bench/compare_extractors.py

clean-venv:
	rm -rf $(VENV)
