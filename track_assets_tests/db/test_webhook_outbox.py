"""The webhook outbox: pending entries are claimed oldest first, never by two runs at once;
a send is settled as delivered, refused (final) or still pending for a later run."""

from __future__ import annotations

import threading
from datetime import timedelta

from track_assets.db.engine import make_engine
from track_assets.db.migrate import upgrade_to_head
from track_assets.db.repository import (
    append_activity,
    claim_webhook_batch,
    enqueue_webhook,
    settle_webhook_entry,
    webhook_counts,
)
from track_assets_tests.db.rows import NOW

LEASE = timedelta(minutes=30)


def _entries(engine, count: int) -> list[int]:
    with engine.begin() as conn:
        ids = [
            append_activity(conn, "new_track", f"track {i}", occurred_at=NOW) for i in range(count)
        ]
        enqueue_webhook(conn, ids, now=NOW)
    return ids


def _claim(engine, claimer: str, *, at=NOW, limit: int = 10) -> list[int]:
    with engine.begin() as conn:
        return claim_webhook_batch(conn, claimer, now=at, lease=LEASE, limit=limit)


def _settle(engine, activity_id: int, *, delivered=False, refused=False, attempts=1) -> None:
    with engine.begin() as conn:
        settle_webhook_entry(
            conn,
            activity_id,
            attempts=attempts,
            delivered=delivered,
            refused=refused,
            error=None if delivered else "the receiver is down",
            now=NOW,
        )


def test_claims_are_oldest_first_and_exclusive_while_the_lease_lasts(engine):
    first, second, third = _entries(engine, 3)
    assert _claim(engine, "run-a", limit=2) == [first, second]
    later = NOW + timedelta(minutes=10)
    assert _claim(engine, "run-b", at=later) == [third]  # run-a's lease holds the first two
    assert _claim(engine, "run-c", at=later) == []
    # run-a died without settling: once its lease is over, another run takes its entries.
    assert _claim(engine, "run-c", at=NOW + LEASE + timedelta(seconds=1)) == [first, second]


def test_delivered_and_refused_entries_leave_the_backlog_and_failed_ones_come_back(engine):
    delivered, down, refused = _entries(engine, 3)
    assert _claim(engine, "run-a") == [delivered, down, refused]
    _settle(engine, delivered, delivered=True)
    _settle(engine, down, attempts=4)
    _settle(engine, refused, refused=True)
    with engine.connect() as conn:
        assert webhook_counts(conn) == {"delivered": 1, "refused": 1, "waiting": 1}
    # The settled claim is released at once: the next run sends the missed entry, then its own.
    [own] = _entries(engine, 1)
    assert _claim(engine, "run-b") == [down, own]


def test_two_runs_claiming_at_once_on_postgresql_never_share_an_entry(postgres_url):
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    ids = _entries(engine, 5)
    second: list[int] = []
    with engine.begin() as first_conn:
        first = claim_webhook_batch(first_conn, "run-a", now=NOW, lease=LEASE, limit=10)
        # run-b's UPDATE waits on run-a's row locks, then re-reads the rows run-a leased.
        racer = threading.Thread(target=lambda: second.extend(_claim(engine, "run-b")))
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive()  # blocked behind run-a's uncommitted claim
    racer.join(timeout=30)
    engine.dispose()
    assert first == ids
    assert second == []
