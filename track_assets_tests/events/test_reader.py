"""ActivityReader: new rows in id order; on PostgreSQL, rows behind an uncommitted id wait."""

from __future__ import annotations

import pytest

from track_assets.db.repository.activity import append_activity
from track_assets.events import ActivityReader
from track_assets_tests.events.conftest import record


def read(engine, reader: ActivityReader) -> list[int]:
    with engine.connect() as conn:
        return [entry.id for entry in reader.read_new(conn)]


def test_reads_what_was_recorded_after_it_started_once_each(engine):
    record(engine, "before")
    reader = ActivityReader(engine.dialect.name, page_size=3)
    with engine.connect() as conn:
        reader.start_at_latest(conn)
    assert read(engine, reader) == []

    ids = record(engine, *(f"event {n}" for n in range(7)))  # more than one page
    assert read(engine, reader) == ids
    assert read(engine, reader) == []
    more = record(engine, "later")
    assert read(engine, reader) == more


@pytest.mark.postgres
def test_a_row_committed_first_waits_for_the_lower_id_still_in_flight(pg_engine):
    reader = ActivityReader("postgresql", gap_grace_seconds=0)
    with pg_engine.connect() as slow:
        lower = append_activity(slow, "test_event", "slow transaction")
        [higher] = record(pg_engine, "fast transaction")
        assert higher > lower
        assert read(pg_engine, reader) == []
        assert reader.waiting_on_gap
        assert read(pg_engine, reader) == []  # the grace is over, the writer is not
        slow.commit()
    assert read(pg_engine, reader) == [lower, higher]
    assert not reader.waiting_on_gap


@pytest.mark.postgres
def test_an_id_rolled_back_is_passed_once_its_transaction_ended(pg_engine):
    reader = ActivityReader("postgresql", gap_grace_seconds=0)
    with pg_engine.connect() as doomed:
        append_activity(doomed, "test_event", "rolled back")
        [kept] = record(pg_engine, "kept")
        assert read(pg_engine, reader) == []
        doomed.rollback()
    assert read(pg_engine, reader) == [kept]


@pytest.mark.postgres
def test_a_gap_is_kept_for_the_grace_period(pg_engine):
    now = [0.0]
    reader = ActivityReader("postgresql", gap_grace_seconds=1.0, clock=lambda: now[0])
    with pg_engine.connect() as doomed:
        append_activity(doomed, "test_event", "rolled back")
        doomed.rollback()
    [kept] = record(pg_engine, "kept")
    assert read(pg_engine, reader) == []
    now[0] = 0.5
    assert read(pg_engine, reader) == []
    now[0] = 1.0
    assert read(pg_engine, reader) == [kept]
