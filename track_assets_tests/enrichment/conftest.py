"""A migrated database per test, on SQLite and on PostgreSQL (via `database_url`)."""

from track_assets_tests.db.conftest import conn, engine  # noqa: F401 - fixtures
