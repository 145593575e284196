"""Alembic, configured in code: migrate to head, read the revision, compare the schema to tables.py.

New migration (from the project folder):
    .venv/bin/python -m track_assets.db.migrate revision -m "add lead scores"
autogenerates `migrations/versions/NNNN_add_lead_scores.py` against a fresh SQLite database at
head; read it, tidy it, and run the db tests (they compare the migrated schema to tables.py).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.engine import URL, Connection, Engine

from track_assets.db.engine import make_engine
from track_assets.db.tables import metadata

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# One key for every track_assets process: who holds it migrates, the others wait, then see head.
ADVISORY_LOCK_KEY = zlib.crc32(b"track_assets.db.migrate")

# Shared by env.py (autogenerate) and schema_differences (the no-drift check).
COMPARE_OPTIONS = {"compare_type": True, "compare_server_default": True}

# Databases this process has already brought to head (see ensure_schema_once).
_checked_urls: set[str] = set()
_checked_lock = threading.Lock()


class SchemaError(RuntimeError):
    """The database schema cannot be brought to what this version of track_assets expects."""


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic Config without alembic.ini: scripts from the package, the given connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise SchemaError(
            f"the migrations have {len(heads)} heads ({', '.join(heads)}); merge them into one"
        )
    return heads[0]


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this version's migrations know; a database at another was migrated by a
    newer track_assets."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(script_revision.revision for script_revision in script.walk_revisions())


def current_revision(bind: Engine | Connection) -> str | None:
    """The revision the database is at; None for an empty (never migrated) database."""
    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(bind: Engine | str | URL) -> None:
    """Migrate to the latest revision (a no-op at head), holding the migration lock."""
    with _engine_for(bind) as engine, _migration_transaction(engine) as conn:
        _upgrade_locked(conn)


def ensure_schema(engine: Engine) -> None:
    """Migrate to head unless already there: one SELECT when it is, safe from many processes."""
    if current_revision(engine) == head_revision():
        return
    with _migration_transaction(engine) as conn:
        _upgrade_locked(conn)


def ensure_schema_once(engine: Engine) -> None:
    """ensure_schema, once per process and database URL: a sensor opens an engine every tick,
    and the schema does not change under a running process (`track-assets db upgrade` is the
    explicit way). An in-memory SQLite database is new with every engine, so always checked."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        ensure_schema(engine)
        return
    key = url.render_as_string(hide_password=False)
    with _checked_lock:
        if key not in _checked_urls:
            ensure_schema(engine)
            _checked_urls.add(key)


def schema_differences(bind: Engine | Connection) -> list:
    """What Alembic autogenerate would change to make the database match tables.py ([] = none)."""
    if isinstance(bind, Connection):
        context = MigrationContext.configure(bind, opts=COMPARE_OPTIONS)
        return compare_metadata(context, metadata)
    with bind.connect() as conn:
        return schema_differences(conn)


def _upgrade_locked(conn: Connection) -> None:
    current = current_revision(conn)
    head = head_revision()
    if current == head:
        return
    if current is not None and current not in known_revisions():
        raise SchemaError(
            f"the database is at revision {current!r}, which this version of track_assets does "
            f"not know (its latest is {head!r}); it was migrated by a newer track_assets. "
            "Upgrade track_assets, or point TRACK_ASSETS_DATABASE_URL at another database."
        )
    command.upgrade(alembic_config(conn), "head")


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the migration lock; DDL commits or rolls back as a whole."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            # Released at commit or rollback. Concurrent callers queue here and then see head.
            conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
            yield conn
        return
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            # Batch migrations rebuild a table (copy, DROP, rename); with foreign keys on, the
            # DROP would cascade-delete every child row. The pragma is ignored inside a
            # transaction, so set it before BEGIN (IMMEDIATE: the lock other processes wait on).
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    yield conn
                    violations = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if violations:
                        raise SchemaError(
                            f"the migration left {len(violations)} rows breaking foreign keys "
                            f"(first: {tuple(violations[0])}); it was rolled back"
                        )
            finally:
                raw.execute("PRAGMA foreign_keys=ON")
        return
    raise SchemaError(f"unsupported database dialect {engine.dialect.name!r}")


@contextmanager
def _engine_for(bind: Engine | str | URL) -> Iterator[Engine]:
    if isinstance(bind, Engine):
        yield bind
        return
    engine = make_engine(bind)
    try:
        yield engine
    finally:
        engine.dispose()


def _next_revision_id() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    numbers = [int(rev.revision) for rev in script.walk_revisions() if rev.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def create_revision(message: str, url: str | None = None, autogenerate: bool = True) -> Path:
    """Write the next numbered migration, autogenerated against `url` (default: a temp SQLite)."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(url or f"sqlite:///{Path(scratch) / 'head.sqlite'}")
        try:
            if ScriptDirectory.from_config(alembic_config()).get_heads():
                upgrade_to_head(engine)
            with engine.begin() as conn:
                written = command.revision(
                    alembic_config(conn),
                    message=message,
                    autogenerate=autogenerate,
                    rev_id=_next_revision_id(),
                )
        finally:
            engine.dispose()
    scripts = written if isinstance(written, list) else [written]
    return Path(scripts[0].path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m track_assets.db.migrate")
    sub = parser.add_subparsers(dest="action", required=True)
    revision = sub.add_parser("revision", help="write the next migration (autogenerated)")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--url", help="compare against this database instead of a temp SQLite")
    revision.add_argument("--empty", action="store_true", help="no autogenerate: empty script")
    upgrade = sub.add_parser("upgrade", help="migrate a database to head")
    upgrade.add_argument("url")
    args = parser.parse_args(argv)
    if args.action == "revision":
        path = create_revision(args.message, args.url, autogenerate=not args.empty)
        print(f"wrote {path}")
    else:
        upgrade_to_head(args.url)
        engine = make_engine(args.url)
        print(f"at {current_revision(engine)}")
        engine.dispose()


if __name__ == "__main__":
    main()
