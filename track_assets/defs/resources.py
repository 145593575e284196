"""The one place every resource key is bound (a key bound twice fails to load)."""

from __future__ import annotations

import dagster as dg
from pydantic import PrivateAttr
from sqlalchemy.engine import Engine

from track_assets.db.engine import make_engine
from track_assets.db.migrate import ensure_schema
from track_assets.settings import load_settings


class DatabaseResource(dg.ConfigurableResource):
    """The system of record. Migrated to the latest schema on first use."""

    url: str | None = None  # default: TRACK_ASSETS_DATABASE_URL, else SQLite in DAGSTER_HOME

    _engine: Engine | None = PrivateAttr(default=None)

    def resolved_url(self) -> str:
        return self.url or load_settings().database_url

    def engine(self) -> Engine:
        if self._engine is None:
            engine = make_engine(self.resolved_url())
            ensure_schema(engine)
            self._engine = engine
        return self._engine

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"database": DatabaseResource()})
