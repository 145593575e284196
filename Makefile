# The README's commands. Every target sets the machine up first (idempotent).
SHELL := /bin/bash
export DAGSTER_HOME := $(CURDIR)/dagster_home
VENV := $(CURDIR)/.venv/bin
PYTEST_ARGS ?=

.PHONY: setup test demo dev sandbox bench lint format check-defs

setup:
	@scripts/setup

test: setup
	@scripts/test $(PYTEST_ARGS)

demo: setup
	@scripts/demo

dev: setup
	$(VENV)/track-assets db upgrade
	@scripts/with_sandbox $(VENV)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# The sandbox alone, in the foreground (Ctrl-C stops it): SANDBOX_ARGS="--tier extended" etc.
sandbox: setup
	$(VENV)/track-assets sandbox serve $(SANDBOX_ARGS)

# The sandbox's own throughput, then the pipeline against its rate-limit bound (scripts/bench.py:
# BENCH_ARGS="--tracks 1000 --playlists 50 --tier extended" etc.; --json FILE for the figures).
BENCH_ARGS ?= --nightly 50 --web
bench: setup
	$(VENV)/python scripts/bench_sandbox.py
	$(VENV)/python scripts/bench.py $(BENCH_ARGS)

lint:
	$(VENV)/ruff check track_assets track_assets_tests scripts
	$(VENV)/ruff format --check track_assets track_assets_tests scripts

format:
	$(VENV)/ruff check --fix track_assets track_assets_tests scripts
	$(VENV)/ruff format track_assets track_assets_tests scripts

check-defs: setup
	VIRTUAL_ENV=$(CURDIR)/.venv $(VENV)/dg check defs
