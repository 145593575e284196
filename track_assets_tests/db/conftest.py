"""A migrated database per test, on SQLite and on PostgreSQL (via `database_url`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Connection, Engine


@pytest.fixture
def engine(database_url: str, engine_at_head) -> Iterator[Engine]:
    engine = engine_at_head(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """One transaction, committed at the end of the test (as a caller would)."""
    with engine.begin() as connection:
        yield connection
