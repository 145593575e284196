"""Databases at the schema's head without running every migration for each: one database per
backend is migrated once per session and copied (db/test_migrations.py tests the migrations)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from track_assets.db.engine import make_engine
from track_assets.db.migrate import upgrade_to_head
from track_assets_tests.support.postgres import PostgresServer


class MigratedTemplate:
    """A migrated SQLite file and a migrated PostgreSQL database, made on first use."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: dict[int, str] = {}  # server port -> template database

    def copy_into(self, url: str, postgres: PostgresServer | None = None) -> None:
        """Make the new, empty database at `url` a copy of the migrated one (for PostgreSQL,
        on `postgres`, the server it is on)."""
        target = make_url(url)
        if target.get_backend_name() == "sqlite":
            shutil.copyfile(self._sqlite_template(), target.database)
            return
        if postgres is None:
            raise ValueError(f"{url} is a PostgreSQL database: pass its server")
        template = self._postgres_template(postgres)
        postgres.create_database(target.database, template=template, replace=True)

    def _sqlite_template(self) -> Path:
        if self._sqlite is None:
            path = self._folder / "migrated.sqlite"
            _migrate(f"sqlite:///{path}")
            self._sqlite = path
        return self._sqlite

    def _postgres_template(self, postgres: PostgresServer) -> str:
        if postgres.port not in self._postgres:
            _migrate(postgres.create_database("migrated_template"))
            self._postgres[postgres.port] = "migrated_template"
        return self._postgres[postgres.port]


def migrated_engine(url: str) -> Engine:
    """An engine on the database at `url`, brought to the schema's head."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    return engine


def _migrate(url: str) -> None:
    migrated_engine(url).dispose()
