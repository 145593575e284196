"""A migrated database per test, on SQLite and on PostgreSQL (via `database_url`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Connection, Engine

from track_assets.db.engine import make_engine
from track_assets.db.migrate import upgrade_to_head


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """One transaction, committed at the end of the test (as a caller would)."""
    with engine.begin() as connection:
        yield connection
