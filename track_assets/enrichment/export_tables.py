"""The exports as tables, for the team's SQL and BI tools: `export_songwriter_leads` and
`export_tracks`, the same rows and columns as the CSV and Parquet files.

Each table is rebuilt whole in the caller's transaction (dropped, created from the export's
columns, filled), so a reader sees the previous export or the new one, never a mix, and a column
added to an export needs no migration: the columns come from the same lists the files use. On
PostgreSQL a list is a `text[]` and a mapping or free-form value is `jsonb`; on SQLite both are
JSON text (readable with `json_each`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Float, MetaData, Table, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from track_assets.phases import ColumnKind

EXPORT_TABLES = {"leads": "export_songwriter_leads", "tracks": "export_tracks"}

_TYPES = {
    ColumnKind.INTEGER: BigInteger(),
    ColumnKind.FLOAT: Float(),
    ColumnKind.TEXT: Text(),
    ColumnKind.BOOLEAN: Boolean(),
    ColumnKind.TEXT_LIST: JSON(none_as_null=True).with_variant(
        postgresql.ARRAY(Text()), "postgresql"
    ),
    ColumnKind.JSON: JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    ),
}


def export_table(name: str, columns: Mapping[str, ColumnKind]) -> Table:
    """The table export `name` ("leads" or "tracks") is written to, with these columns."""
    return Table(
        EXPORT_TABLES[name],
        MetaData(),
        *(Column(column, _TYPES[kind]) for column, kind in columns.items()),
    )


def write_export_table(
    conn: Connection,
    name: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Mapping[str, ColumnKind],
) -> str:
    """Replace export `name`'s table with `rows`, in `conn`'s transaction; the table's name."""
    table = export_table(name, columns)
    table.drop(conn, checkfirst=True)
    table.create(conn)
    if rows:
        conn.execute(table.insert(), [{c: row[c] for c in columns} for row in rows])
    return table.name
