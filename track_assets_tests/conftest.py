"""Shared fixtures: a real PostgreSQL server, fresh databases on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import dagster as dg
import pytest

from track_assets_tests.support.postgres import PostgresServer, start_postgres

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A URL to a new, empty PostgreSQL database (one per test)."""
    return postgres_server.create_database(f"test_{next(_database_numbers)}")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A URL to a new, empty SQLite database file (one per test)."""
    return f"sqlite:///{tmp_path / 'track_assets.sqlite'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    """Runs the test once on SQLite and once on a real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_instance(tmp_path) -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance on SQLite storage in a temp DAGSTER_HOME."""
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


@pytest.fixture
def postgres_instance(postgres_server: PostgresServer) -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance whose run, event and schedule storage is PostgreSQL."""
    url = postgres_server.create_database(f"dagster_{next(_database_numbers)}")
    overrides = {"storage": {"postgres": {"postgres_url": url}}}
    with dg.instance_for_test(overrides=overrides) as instance:
        yield instance


@pytest.fixture(params=["sqlite", "postgres"])
def dagster_instance(request) -> dg.DagsterInstance:
    """Runs the test once on each kind of instance storage."""
    return request.getfixturevalue(f"{request.param}_instance")
