# Two commands: `make run` and `make test` (README). Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DATA_DIR ?= data
export DATA_DIR

.PHONY: run test lint sweep setup venv screenshots backup restore check-files clean cluster bench bench-browser bench-import loadtest

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

setup: venv
	$(PY) -m ops.setup

run: setup
	$(PY) -m ui.server --server.port $(PORT) --server.address 127.0.0.1

# Lint and types first (seconds), then the date sweep (unit, services and pages at eight moments that break
# date code, ~6 min on 2 cores), then the whole suite, whose closing line is the run's.
test: venv lint
	$(PY) tools/date_sweep.py
	$(PY) -m pytest

# ruff (lint and format) over the tree, mypy over services/ and db/ (settings in pyproject.toml)
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Just the sweep, or one moment: make sweep MOMENTS=2028-02-29T08:00:00+00:00
sweep: venv
	$(PY) tools/date_sweep.py $(MOMENTS)

screenshots: setup
	$(PY) -m pytest tests/e2e -m screenshots

backup: venv
	$(PY) -m ops.backup backup

# make restore FROM=data/backups/20261124-120000  (into an empty database)
restore: venv
	$(PY) -m ops.backup restore $(FROM)

# Attachment files no row names (orphans) and rows whose file is missing; exits 1 when there is any.
check-files: venv
	$(PY) -m ops.check_files

# PostgreSQL, N app processes and HAProxy on http://127.0.0.1:8600 (README: Deploying at scale); Ctrl-C stops all.
# make cluster N=4
N ?= 2
cluster: venv
	$(PY) -m ops.cluster --processes $(N)

clean:
	rm -rf $(VENV) .pytest_cache

# Figures at demo and national scale (bench/run.py); generates data/bench/ on first use (a few minutes).
# ...then what a person waits for in headless Chromium (bench-browser below), and the national-size
# registry import (300,000 persons and registrations, bench-import below).
bench: venv
	$(PY) -m bench.run
	$(PY) -m bench.browser
	$(PY) -m bench.imports --out bench/results/$$(date +%F)-import.md

# Browser figures (bench/browser.py): login → 首页, page switches, 查询, 统计分析 in Chromium, demo and national
# (the national database that bench.run caches). make bench-browser BROWSER_ARGS="--scales demo --runs 7"
bench-browser: venv
	$(PY) -m bench.browser $(BROWSER_ARGS)

# National-size registry import (bench/imports.py): 300,000 persons and registrations through ops.imports.
bench-import: venv
	$(PY) -m bench.imports --out bench/results/$$(date +%F)-import.md

# The real server under N simulated people over Streamlit's websocket protocol (bench/loadtest.py):
# interactions/s, p50/p95 latency, server CPU per interaction into bench/results/. Own demo database.
#   make loadtest LOADTEST_ARGS="--sessions 1 5 10 --duration 20"    make loadtest LOADTEST_ARGS="--soak 30 --sessions 10"
#   make loadtest LOADTEST_ARGS="--scale national"   (a copy of make bench's data/bench/national)
#   make loadtest LOADTEST_ARGS="--cluster 2 --sessions 25 50"   (make cluster: 2 processes behind HAProxy)
loadtest: venv
	$(PY) -m bench.loadtest $(LOADTEST_ARGS)
