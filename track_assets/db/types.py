"""Column types shared by the tables: UTC timestamps that read back timezone-aware on SQLite too."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """`DateTime(timezone=True)` that only accepts aware datetimes and always returns UTC ones.

    SQLite has no timezone type: SQLAlchemy stores the wall-clock text and reads back a naive
    datetime. Storing UTC and re-attaching UTC on read gives the same values on both databases,
    and string comparison on SQLite stays chronological.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} given; pass a timezone-aware UTC datetime "
                "(e.g. datetime.now(UTC))"
            )
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Python None is stored as SQL NULL (not JSON 'null'), so "unknown" is the same NULL everywhere.
Json = JSON(none_as_null=True)

# 64-bit surrogate keys on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
SurrogateKey = BigInteger().with_variant(Integer(), "sqlite")
