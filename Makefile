# The README's commands. Every target sets the machine up first (idempotent).
SHELL := /bin/bash
export DAGSTER_HOME := $(CURDIR)/dagster_home
VENV := $(CURDIR)/.venv/bin
PYTEST_ARGS ?=

.PHONY: setup test demo dev lint format check-defs

setup:
	@scripts/setup

test: setup
	@scripts/test $(PYTEST_ARGS)

demo: setup
	@scripts/demo

dev: setup
	$(VENV)/track-assets db upgrade
	$(VENV)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

lint:
	$(VENV)/ruff check track_assets track_assets_tests
	$(VENV)/ruff format --check track_assets track_assets_tests

format:
	$(VENV)/ruff check --fix track_assets track_assets_tests
	$(VENV)/ruff format track_assets track_assets_tests

check-defs: setup
	$(VENV)/dg check defs
