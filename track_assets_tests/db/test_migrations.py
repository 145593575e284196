"""Migrations build exactly tables.py from empty, on SQLite and PostgreSQL, and stay at head."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, inspect, select, text
from sqlalchemy.exc import IntegrityError

from track_assets.db import migrate
from track_assets.db.engine import make_engine
from track_assets.db.migrate import (
    SchemaError,
    current_revision,
    ensure_schema,
    head_revision,
    schema_differences,
    upgrade_to_head,
)
from track_assets.db.records import Track
from track_assets.db.repository import (
    upsert_playlist,
    upsert_playlist_membership,
    upsert_track,
)
from track_assets.db.tables import metadata, playlist_tracks, tracks
from track_assets_tests.db.rows import count_rows


def test_revisions_are_one_numbered_chain_from_0001():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    chain = list(reversed(list(script.walk_revisions())))
    assert [rev.revision for rev in chain] == [f"{n:04d}" for n in range(1, len(chain) + 1)]
    assert [rev.down_revision for rev in chain] == [None] + [rev.revision for rev in chain[:-1]]
    for rev in chain:
        assert Path(rev.path).name.startswith(f"{rev.revision}_")
    assert chain[0].path.endswith("0001_core_schema.py")
    assert head_revision() == chain[-1].revision


def test_upgrade_from_empty_creates_every_table_at_head(database_url):
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    assert inspect(engine).get_table_names() == []

    upgrade_to_head(engine)

    assert current_revision(engine) == head_revision()
    created = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert created == set(metadata.tables)
    engine.dispose()


def test_second_upgrade_is_a_noop_that_keeps_data(engine):
    with engine.begin() as conn:
        upsert_playlist(conn, spotify_playlist_id="37i9dQZF1DXcBWIGoYBM5M", name="Hits")

    upgrade_to_head(engine)
    ensure_schema(engine)

    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM playlists")).scalars().all()
    assert names == ["Hits"]


def test_upgrade_accepts_a_url(database_url):
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_migrated_schema_matches_tables_py(engine):
    # The `alembic check` guard: a column, index, constraint, type or default added to
    # tables.py without a migration (or the reverse) shows up here.
    assert schema_differences(engine) == []


def test_schema_drift_is_detected(engine):
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE tracks ADD COLUMN stray_column INTEGER"))
        conn.execute(text("DROP INDEX ix_tracks_isrc"))
    differences = schema_differences(engine)
    kinds = {(diff[0], getattr(diff[-1], "name", None)) for diff in differences}
    assert ("remove_column", "stray_column") in kinds
    assert ("add_index", "ix_tracks_isrc") in kinds


def test_downgrade_to_base_removes_every_table(engine):
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None


def test_database_from_a_newer_track_assets_is_refused(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match=r"9999.*newer track_assets"):
        ensure_schema(engine)


@pytest.mark.postgres
def test_concurrent_ensure_schema_on_postgres(postgres_url):
    engines = [make_engine(postgres_url) for _ in range(4)]
    barrier = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def migrate_once(engine):
        try:
            barrier.wait()
            ensure_schema(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=migrate_once, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert current_revision(engines[0]) == head_revision()
    assert schema_differences(engines[0]) == []
    with engines[0].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    for engine in engines:
        engine.dispose()


def test_concurrent_ensure_schema_on_sqlite(sqlite_url):
    engines = [make_engine(sqlite_url) for _ in range(4)]
    barrier = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def migrate_once(engine):
        try:
            barrier.wait()
            ensure_schema(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=migrate_once, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert current_revision(engines[0]) == head_revision()
    for engine in engines:
        engine.dispose()


def test_sqlite_table_rebuild_during_migration_keeps_child_rows(sqlite_url):
    # A later migration that changes `tracks` on SQLite rebuilds it (copy, DROP, rename). With
    # foreign keys on, the DROP would cascade-delete every membership, credit and status row.
    engine = make_engine(sqlite_url)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        upsert_playlist(conn, spotify_playlist_id="p" * 22)
        upsert_track(conn, Track(spotify_track_id="t" * 22, isrc="USRC17607839"))
        upsert_playlist_membership(conn, "p" * 22, "t" * 22, position=0)

    with migrate._migration_transaction(engine) as conn:
        operations = Operations(MigrationContext.configure(conn))
        with operations.batch_alter_table("tracks", recreate="always") as batch:
            batch.add_column(Column("lead_score", Integer))

    with engine.connect() as conn:
        assert count_rows(conn, playlist_tracks) == 1
        assert conn.execute(select(tracks.c.isrc)).scalar_one() == "USRC17607839"
        assert "lead_score" in {column["name"] for column in inspect(conn).get_columns("tracks")}
    # Foreign keys are enforced again once the migration is over.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        upsert_playlist_membership(conn, "p" * 22, "x" * 22)
    engine.dispose()
