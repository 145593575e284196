"""Statement helpers the repository shares: the one dialect-aware upsert, and IN-list chunking."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import ColumnElement

from track_assets.db.types import utc_now

# Well under SQLite's bound-parameter limit and PostgreSQL's comfortable IN-list size.
IN_CHUNK = 500

_MANAGED = ("created_at", "updated_at")

T = TypeVar("T")


def upsert_row(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    *,
    key: Sequence[str],
    insert_only: Collection[str] = (),
    on_update: Mapping[str, ColumnElement] | None = None,
    returning: Sequence[ColumnElement] = (),
    now: datetime | None = None,
) -> Row | None:
    """INSERT ... ON CONFLICT (key) DO UPDATE, on SQLite or PostgreSQL; one row, atomic.

    Only the columns in `values` are written: a column left out keeps its stored value on
    update (and gets its default on insert). `insert_only` columns are written on insert only;
    `on_update` gives SQL expressions for the update (e.g. a counter + 1). `created_at` and
    `updated_at` are maintained when the table has them. Returns the `returning` columns.
    """
    now = now or utc_now()
    row = dict(values)
    if "created_at" in table.c:
        row.setdefault("created_at", now)
    if "updated_at" in table.c:
        row.setdefault("updated_at", now)
    dialect = conn.dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:
        raise NotImplementedError(f"upserts are written for SQLite and PostgreSQL, not {dialect}")
    statement = statement.values(row)
    skip = {*key, *insert_only, "created_at"}
    changes: dict[str, Any] = {name: statement.excluded[name] for name in row if name not in skip}
    changes.update(on_update or {})
    if not changes:
        # DO NOTHING would return no row on conflict; a no-op update returns it.
        changes = {key[0]: statement.excluded[key[0]]}
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=changes)
    if returning:
        return conn.execute(statement.returning(*returning)).one()
    conn.execute(statement)
    return None


def known_values(
    record: Mapping[str, Any], table: Table, clear: Collection[str] = ()
) -> dict[str, Any]:
    """The record's non-None values, plus NULL for each column named in `clear`.

    None means "this fetch did not say", so it must not erase what an earlier fetch found;
    a caller that knows a value is gone names the column in `clear`.
    """
    unknown = [name for name in clear if name not in table.c or name in _MANAGED]
    if unknown:
        raise ValueError(f"cannot clear {', '.join(sorted(unknown))} on {table.name}")
    pk = {column.name for column in table.primary_key.columns}
    cleared_keys = pk.intersection(clear)
    if cleared_keys:
        raise ValueError(f"cannot clear key column(s) {', '.join(sorted(cleared_keys))}")
    values = {
        name: value
        for name, value in record.items()
        if value is not None and name in table.c and name not in _MANAGED
    }
    values.update(dict.fromkeys(clear))
    return values


def in_chunks(items: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
