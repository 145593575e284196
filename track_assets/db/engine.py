"""Engines for the system of record: a SQLite file (embedded default) or PostgreSQL via psycopg2."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from track_assets.settings import DATABASE_URL_VARIABLE, ConfigurationError, hide_url_password

# How long a SQLite connection waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 60_000

URL_FORMS = "sqlite:///path/to/file.sqlite or postgresql+psycopg2://user:pass@host:5432/db"

# What to do about a database that is missing or not at this version's schema.
DB_UPGRADE_ADVICE = (
    "run `track-assets db upgrade` (it creates and migrates the database), or set "
    f"{DATABASE_URL_VARIABLE} to the database you meant"
)


class UnsupportedDatabaseUrl(ConfigurationError, ValueError):
    """The database URL names a driver or database track_assets cannot use; the message says which."""


class MalformedDatabaseUrl(UnsupportedDatabaseUrl):
    """The database URL cannot be parsed at all (not a URL, a port that is not a number...)."""


class DatabaseNotFound(ConfigurationError):
    """A command that needs an existing database was pointed at a SQLite file that does not exist."""


class SchemaNotCurrent(ConfigurationError):
    """A command that needs an existing database found one without this version's schema (none,
    older or newer), and does not migrate it."""


class DatabaseUnreachable(ConfigurationError):
    """The database cannot be opened: no server, a refused login, no such database, not a
    SQLite file; the message gives the driver's reason."""


def make_engine(url: str | URL, *, create_missing: bool = True, **engine_options) -> Engine:
    """An engine for `url`, set up for several run processes writing at once.

    A SQLite file that does not exist is created with its folders, unless `create_missing` is
    False: then it is DatabaseNotFound and nothing is created (for commands that only read).
    A URL that cannot be parsed is MalformedDatabaseUrl, with the password hidden.
    """
    parsed = parse_database_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver != "psycopg2":
            fixed = parsed.set(drivername="postgresql+psycopg2").render_as_string(
                hide_password=True
            )
            raise UnsupportedDatabaseUrl(
                f"database URL {shown_url(parsed)!r} does not name the psycopg2 driver; "
                "SQLAlchemy 2.1 maps a bare postgresql:// URL to psycopg 3, which is not "
                f"installed. Write it as {fixed!r} (postgresql+psycopg2://...)."
            )
        return create_engine(parsed, **{"pool_pre_ping": True, **engine_options})
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise UnsupportedDatabaseUrl(
                f"SQLite driver {driver!r} is not supported; write sqlite:///path/to/file.sqlite"
            )
        if create_missing:
            _create_parent_dir(parsed)
        else:
            _require_sqlite_file(parsed)
        engine = create_engine(parsed, **engine_options)
        _configure_sqlite(engine)
        return engine
    raise UnsupportedDatabaseUrl(
        f"database URL {shown_url(parsed)!r} is neither SQLite nor PostgreSQL; write {URL_FORMS}"
    )


def parse_database_url(url: str | URL) -> URL:
    """`url` parsed; MalformedDatabaseUrl (password hidden) when it is not a database URL."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as error:
        # make_url's own messages ("invalid literal for int()") do not say which part is wrong.
        problem = "its port is not a number" if isinstance(error, ValueError) else "not a URL"
        raise MalformedDatabaseUrl(
            f"database URL {hide_url_password(url)!r} cannot be read ({problem}); write {URL_FORMS}"
        ) from None


def shown_url(url: URL) -> str:
    """`url` as messages show it: the password replaced by ***."""
    return url.render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    """Open one connection, so that a database that cannot be reached fails here, with one line
    saying why (DatabaseUnreachable), rather than as a driver traceback mid-command."""
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        raise DatabaseUnreachable(
            f"cannot open the database {shown_url(engine.url)}: {_driver_reason(error, engine.url)}. "
            f"{_connection_advice(engine.url)}"
        ) from None


def _driver_reason(error: DBAPIError, url: URL) -> str:
    """The driver's own reason, on one line: its first (libpq adds a hint line that the advice
    says better), spaces collapsed, the password hidden should a driver ever echo it."""
    lines = [line for line in str(error.orig).splitlines() if line.strip()]
    reason = " ".join((lines[0] if lines else type(error.orig).__name__).split()).rstrip(".")
    return reason.replace(str(url.password), "***") if url.password else reason


def _connection_advice(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"Check the file path in {DATABASE_URL_VARIABLE}."
    return (
        "Check that the server is running and that the host, port, user, password and database "
        f"name in {DATABASE_URL_VARIABLE} are right."
    )


def _sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names; None for in-memory and `file:` URI databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _require_sqlite_file(url: URL) -> None:
    file = _sqlite_file(url)
    if file is not None and not file.exists():
        raise DatabaseNotFound(f"the SQLite database {file} does not exist; {DB_UPGRADE_ADVICE}")


def _create_parent_dir(url: URL) -> None:
    file = _sqlite_file(url)
    if file is None:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnreachable(
            f"cannot create the folder {file.parent} for the SQLite database "
            f"{shown_url(url)!r}: {error.strerror}. {_connection_advice(url)}"
        ) from None


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
