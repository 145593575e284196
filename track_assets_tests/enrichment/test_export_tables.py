"""The exports as tables, on SQLite and a real PostgreSQL server: what is written reads back the
same through pandas, lists are arrays a query can search on PostgreSQL and JSON text `json_each`
reads on SQLite, a second export replaces the first whole, and a failed one leaves it as it was (the project's engine wraps SQLite's DDL in the
transaction, which pysqlite alone would not)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from track_assets.db.engine import make_engine
from track_assets.enrichment.export_tables import write_export_table
from track_assets.phases import ColumnKind

COLUMNS = {
    "rank": ColumnKind.INTEGER,
    "writer_name": ColumnKind.TEXT,
    "certain": ColumnKind.BOOLEAN,
    "best_velocity": ColumnKind.FLOAT,
    "reasons": ColumnKind.TEXT_LIST,
    "social_links": ColumnKind.JSON,
}
# Written by hand as an analyst would expect to read them back.
ROWS = [
    {
        "rank": 1,
        "writer_name": "Ólafur Arnalds",
        "certain": True,
        "best_velocity": 1250.5,
        "reasons": ["unrepresented", "no_publisher"],
        "social_links": {"instagram": ["https://instagram.com/olafur"]},
    },
    {
        "rank": 2,
        "writer_name": "宇多田ヒカル",
        "certain": False,
        "best_velocity": 3.0,
        "reasons": ["unmatched_on_split"],
        "social_links": {},
    },
    {
        "rank": 3,
        "writer_name": "O'Brien; DROP TABLE x",
        "certain": True,
        "best_velocity": None,
        "reasons": [],
        "social_links": None,
    },
]


def read_back(url: str) -> list[dict]:
    import pandas as pd

    engine = make_engine(url)
    try:
        frame = pd.read_sql_table("export_songwriter_leads", engine).sort_values("rank")
    finally:
        engine.dispose()
    rows = []
    for record in frame.to_dict(orient="records"):
        row = {}
        for column, kind in COLUMNS.items():
            value = record[column]
            if hasattr(value, "tolist"):
                value = value.tolist()
            if isinstance(value, float) and value != value:
                value = None
            if kind is ColumnKind.TEXT_LIST and isinstance(value, str):  # SQLite: JSON text
                import json

                value = json.loads(value)
            row[column] = value
        rows.append(row)
    return rows


def write(url: str, rows) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            write_export_table(conn, "leads", rows, COLUMNS)
    finally:
        engine.dispose()


def test_rows_read_back_as_written(database_url):
    write(database_url, ROWS)
    assert read_back(database_url) == ROWS


def test_a_list_column_can_be_searched_in_sql(database_url):
    write(database_url, ROWS)
    if database_url.startswith("postgresql"):
        query = (
            "SELECT writer_name FROM export_songwriter_leads WHERE 'no_publisher' = ANY(reasons)"
        )
    else:
        query = (
            "SELECT writer_name FROM export_songwriter_leads, json_each(reasons) "
            "WHERE json_each.value = 'no_publisher'"
        )
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text(query)).scalars().all() == ["Ólafur Arnalds"]
    engine.dispose()


def test_a_new_export_replaces_the_old_whole(database_url):
    write(database_url, ROWS)
    write(database_url, ROWS[1:2])
    assert read_back(database_url) == ROWS[1:2]


def test_a_failed_export_leaves_the_previous_one(database_url):
    write(database_url, ROWS)
    broken = [ROWS[0], {"rank": 9}]  # fails after the table was dropped and created again
    with pytest.raises(KeyError):
        write(database_url, broken)
    assert read_back(database_url) == ROWS
