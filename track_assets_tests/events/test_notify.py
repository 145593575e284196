"""NOTIFY on PostgreSQL: ids reach a real LISTEN connection at commit, in order; SQLite: nothing."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event

from track_assets.db.notify import (
    EVENTS_CHANNEL,
    listen_connection,
    notify_events,
    pending_ids,
    wait_for_ids,
)
from track_assets.db.repository.activity import append_activity
from track_assets_tests.support.schema import migrated_engine


def collect_ids(listener, count: int, timeout: float = 10) -> list[int]:
    ids: list[int] = []
    deadline = time.monotonic() + timeout
    while len(ids) < count and time.monotonic() < deadline:
        ids += wait_for_ids(listener, deadline - time.monotonic())
    return ids


@pytest.mark.postgres
@pytest.mark.timeout(60)
def test_listener_hears_the_ids_at_commit_in_order(pg_engine, postgres_url):
    listener = listen_connection(postgres_url)
    try:
        with pg_engine.begin() as conn:
            ids = [append_activity(conn, "test_event", f"event {n}") for n in range(5)]
            notify_events(conn, ids)
            assert wait_for_ids(listener, 0.5) == []  # not before commit
        assert collect_ids(listener, len(ids)) == ids
        assert wait_for_ids(listener, 0.3) == []
    finally:
        listener.close()


@pytest.mark.postgres
@pytest.mark.timeout(60)
def test_a_rolled_back_transaction_announces_nothing(pg_engine, postgres_url):
    listener = listen_connection(postgres_url)
    try:
        with pg_engine.connect() as conn:
            ids = [append_activity(conn, "test_event", "never")]
            notify_events(conn, ids)
            conn.rollback()
        assert wait_for_ids(listener, 0.5) == []
        assert pending_ids(listener) == []
    finally:
        listener.close()


@pytest.mark.postgres
def test_other_payloads_on_the_channel_are_ignored(pg_engine, postgres_url):
    listener = listen_connection(postgres_url)
    try:
        with pg_engine.begin() as conn:
            conn.exec_driver_sql(f"NOTIFY {EVENTS_CHANNEL}, 'not an id'")
            notify_events(conn, [7])
        assert collect_ids(listener, 1) == [7]
    finally:
        listener.close()


def test_on_sqlite_notify_sends_no_sql(sqlite_url):
    engine = migrated_engine(sqlite_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.begin() as conn:
        ids = [append_activity(conn, "test_event", "local")]
        statements.clear()
        notify_events(conn, ids)
    assert statements == []
    engine.dispose()


def test_listen_needs_postgresql(sqlite_url):
    with pytest.raises(ValueError, match="PostgreSQL"):
        listen_connection(sqlite_url)
