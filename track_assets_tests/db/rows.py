"""Small helpers the db tests share: a fixed clock and row counts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def count_rows(conn: Connection, table, *conditions) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*conditions)).scalar_one()
