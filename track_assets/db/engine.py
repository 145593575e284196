"""Engines for the system of record: a SQLite file (embedded default) or PostgreSQL via psycopg2."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url

from track_assets.settings import ConfigurationError

# How long a SQLite connection waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 60_000


class UnsupportedDatabaseUrl(ConfigurationError, ValueError):
    """The database URL names a driver or database track_assets cannot use; the message says which."""


def make_engine(url: str | URL, **engine_options) -> Engine:
    """An engine for `url`, set up for several run processes writing at once."""
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver != "psycopg2":
            fixed = parsed.set(drivername="postgresql+psycopg2").render_as_string(
                hide_password=True
            )
            raise UnsupportedDatabaseUrl(
                f"database URL {parsed.render_as_string(hide_password=True)!r} does not name the "
                f"psycopg2 driver; SQLAlchemy 2.1 maps a bare postgresql:// URL to psycopg 3, which "
                f"is not installed. Write it as {fixed!r} (postgresql+psycopg2://...)."
            )
        return create_engine(parsed, pool_pre_ping=True, **engine_options)
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise UnsupportedDatabaseUrl(
                f"SQLite driver {driver!r} is not supported; write sqlite:///path/to/file.sqlite"
            )
        _create_parent_dir(parsed)
        engine = create_engine(parsed, **engine_options)
        _configure_sqlite(engine)
        return engine
    raise UnsupportedDatabaseUrl(
        f"database URL {parsed.render_as_string(hide_password=True)!r} is neither SQLite nor "
        "PostgreSQL; write sqlite:///path/to/file.sqlite or postgresql+psycopg2://user:pass@host/db"
    )


def _create_parent_dir(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from pysqlite (which defers BEGIN and never wraps DDL),
        # so each SQLAlchemy transaction is one real SQLite transaction, DDL included.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        _use_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # IMMEDIATE takes the write lock up front, waiting up to busy_timeout for it. A deferred
        # transaction that reads and then writes fails at once with "database is locked" when
        # another process wrote in between; busy_timeout cannot help it.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor) -> None:
    """Switch the file to WAL (readers never block the writer); the mode persists in the file.

    Switching needs every other connection gone, and SQLite answers "database is locked" at
    once instead of waiting busy_timeout, so several processes opening a new file retry here.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0].lower()
        if mode in ("wal", "memory"):
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
