"""Reading a test's database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from track_assets.db.engine import make_engine


@contextmanager
def connection(url: str) -> Iterator[Connection]:
    """A connection to `url` whose engine is disposed afterwards, also when the test fails: a
    pooled connection left open would keep PostgreSQL from dropping the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
