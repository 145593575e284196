"""Engines: the psycopg2 URL rule, SQLite set up for several writing processes."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from track_assets.db.engine import UnsupportedDatabaseUrl, make_engine
from track_assets.db.migrate import upgrade_to_head
from track_assets.db.records import TrackCredit
from track_assets.db.repository import append_activity, upsert_track_credit
from track_assets.db.tables import activity_log
from track_assets.settings import ConfigurationError
from track_assets_tests.db.rows import count_rows


@pytest.mark.parametrize(
    "url",
    ["postgresql://user:secret@db.example:5432/tracks", "postgresql+psycopg://u@h/db"],
)
def test_postgres_url_without_psycopg2_is_refused_with_the_fix(url):
    with pytest.raises(UnsupportedDatabaseUrl) as raised:
        make_engine(url)
    message = str(raised.value)
    assert isinstance(raised.value, ConfigurationError)  # the CLI reports these without a trace
    assert "postgresql+psycopg2://" in message
    assert "secret" not in message


def test_unknown_database_is_refused():
    with pytest.raises(UnsupportedDatabaseUrl, match="neither SQLite nor PostgreSQL"):
        make_engine("mysql+pymysql://u@h/db")


def test_sqlite_file_gets_parent_dirs_wal_foreign_keys_and_busy_timeout(tmp_path):
    path = tmp_path / "nested" / "deeper" / "track_assets.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() >= 10_000
    assert path.exists()
    engine.dispose()


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        upsert_track_credit(
            conn,
            TrackCredit(track_id="0" * 22, role="writer", name="Nobody", source="web_player"),
        )


def test_sqlite_writers_wait_for_each_other_instead_of_failing(sqlite_url):
    # Read-then-write transactions from separate connections: with SQLite's default deferred
    # BEGIN the second writer fails at once with "database is locked"; it must wait instead.
    engine = make_engine(sqlite_url, pool_size=8)
    upgrade_to_head(engine)
    workers = 6
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def read_then_write(number: int) -> None:
        try:
            barrier.wait()
            with engine.begin() as conn:
                seen = count_rows(conn, activity_log)
                time.sleep(0.05)
                append_activity(conn, "test", f"writer {number} saw {seen}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=read_then_write, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with engine.connect() as conn:
        assert count_rows(conn, activity_log) == workers
        seen = sorted(
            int(message.rsplit(" ", 1)[1])
            for message in conn.execute(text("SELECT message FROM activity_log")).scalars()
        )
    # Serialized: each writer saw all the writes committed before it.
    assert seen == list(range(workers))
    engine.dispose()
