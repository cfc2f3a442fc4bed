# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip prints errors only: a machine's own pip configuration can add screens of warnings
# (index locations it ignores) that read like failures. PIP_QUIET= shows everything.
PIP_QUIET ?= -qq
PIP := $(BIN)/python -m pip install --disable-pip-version-check $(PIP_QUIET)

.PHONY: install system run test lint bench clean

install: system $(STAMP)

system:
	@bash scripts/system-packages.sh

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Thresher needs Python 3.11 or newer"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV)/ ..."
	@$(PIP) --upgrade pip
	@$(PIP) -e '.[dev]'
	@touch $(STAMP)
	@echo "Ready: $(BIN)/thresher"

run: install
	$(BIN)/thresher demo

lint: install
	$(BIN)/ruff check app storage widgets resources tests bench
	$(BIN)/ruff format --check app storage widgets resources tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
