"""Phase status: a phase picks only tracks that are not done-and-fresh and whose retry is due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from track_assets.db.records import Track
from track_assets.db.repository import (
    get_phase_status,
    phase_status_counts,
    set_phase_status,
    tracks_needing_phase,
    upsert_track,
)
from track_assets.db.tables import track_phase_status
from track_assets_tests.db.rows import NOW, count_rows

PHASE = "spotify_credits"
TTL = timedelta(days=30)


def track_ids(count: int) -> list[str]:
    return [f"{n:022d}" for n in range(count)]


def test_needing_phase_picks_pending_stale_and_due_and_skips_done_and_fresh(conn):
    (
        unseen,
        pending,
        fresh,
        stale,
        not_applicable,
        failed_due,
        failed_waiting,
        failed_no_retry_time,
        other_phase_done,
    ) = ids = track_ids(9)
    for track_id in ids:
        upsert_track(conn, Track(spotify_track_id=track_id))
    long_ago = NOW - TTL - timedelta(days=1)
    set_phase_status(conn, pending, PHASE, "pending", now=long_ago)
    set_phase_status(conn, fresh, PHASE, "done", now=NOW - timedelta(days=1))
    set_phase_status(conn, stale, PHASE, "done", now=long_ago)
    set_phase_status(conn, not_applicable, PHASE, "not_applicable", reason="no sp_dc", now=NOW)
    set_phase_status(
        conn,
        failed_due,
        PHASE,
        "failed",
        reason="HTTP 503",
        next_retry_at=NOW - timedelta(minutes=1),
        now=long_ago,
    )
    set_phase_status(
        conn,
        failed_waiting,
        PHASE,
        "failed",
        reason="HTTP 429",
        next_retry_at=NOW + timedelta(hours=1),
        now=NOW,
    )
    set_phase_status(conn, failed_no_retry_time, PHASE, "failed", reason="timeout", now=NOW)
    set_phase_status(conn, other_phase_done, "mlc_publisher_status", "done", now=NOW)

    needed = tracks_needing_phase(conn, PHASE, ids, NOW, TTL)

    assert needed == [unseen, pending, stale, failed_due, failed_no_retry_time, other_phase_done]
    # Never stale without a TTL: only what never succeeded is picked.
    assert tracks_needing_phase(conn, PHASE, [stale, fresh, unseen], NOW, None) == [unseen]


def test_failures_stop_being_picked_after_max_attempts(conn):
    [track] = track_ids(1)
    upsert_track(conn, Track(spotify_track_id=track))
    for _ in range(3):
        set_phase_status(conn, track, PHASE, "failed", reason="HTTP 500", now=NOW)

    assert get_phase_status(conn, track, PHASE).attempts == 3
    assert tracks_needing_phase(conn, PHASE, [track], NOW, TTL, max_attempts=5) == [track]
    assert tracks_needing_phase(conn, PHASE, [track], NOW, TTL, max_attempts=3) == []


def test_set_phase_status_twice_keeps_one_row_and_tracks_attempts(conn):
    [track] = track_ids(1)
    upsert_track(conn, Track(spotify_track_id=track))

    done = set_phase_status(conn, track, PHASE, "done", now=NOW)
    later = NOW + timedelta(days=40)
    retry = later + timedelta(minutes=10)
    failed = set_phase_status(
        conn, track, PHASE, "failed", reason="HTTP 503", next_retry_at=retry, now=later
    )
    failed_again = set_phase_status(conn, track, PHASE, "failed", reason="HTTP 502", now=later)

    assert count_rows(conn, track_phase_status) == 1
    assert (done.attempts, done.fetched_at) == (0, NOW)
    assert (failed.attempts, failed.next_retry_at, failed.reason) == (1, retry, "HTTP 503")
    assert failed.fetched_at == NOW  # the last successful fetch is kept
    assert (failed_again.attempts, failed_again.reason) == (2, "HTTP 502")

    recovered = set_phase_status(conn, track, PHASE, "done", now=later)
    stored = get_phase_status(conn, track, PHASE)
    assert stored == recovered
    assert (stored.status, stored.attempts, stored.reason, stored.next_retry_at) == (
        "done",
        0,
        None,
        None,
    )
    assert stored.fetched_at == later


def test_unknown_phase_status_is_refused(conn):
    [track] = track_ids(1)
    upsert_track(conn, Track(spotify_track_id=track))
    with pytest.raises(ValueError, match="complete"):
        set_phase_status(conn, track, PHASE, "complete")


def test_needing_phase_handles_more_ids_than_one_query_takes(conn):
    ids = track_ids(1_200)
    for track_id in ids:
        upsert_track(conn, Track(spotify_track_id=track_id))
    for track_id in ids[::2]:
        set_phase_status(conn, track_id, PHASE, "done", now=NOW)

    assert tracks_needing_phase(conn, PHASE, ids, NOW, TTL) == ids[1::2]
    assert phase_status_counts(conn, PHASE, ids) == {
        "pending": 600,
        "done": 600,
        "not_applicable": 0,
        "failed": 0,
    }
