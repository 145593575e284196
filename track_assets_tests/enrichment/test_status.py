"""`track-assets status`: counts only tracks on tracked playlists, coverage per field, phases."""

from __future__ import annotations

from datetime import UTC, datetime

from track_assets.db.records import Album, Track, TrackCredit
from track_assets.db.repository import (
    mark_playlist_removed,
    set_phase_status,
    upsert_album,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_track,
    upsert_track_credit,
)
from track_assets.enrichment.status import pipeline_status

NOW = datetime(2026, 11, 24, tzinfo=UTC)
KEPT, GONE = "3cEYpjA9oz9GiPac4AsH4n", "5LkNhFidYyyjRWwnkcMbQs"
A, B, C = (f"{letter * 21}1" for letter in "abc")


def test_status_summarises_the_tracked_playlists_only(conn):
    upsert_album(conn, Album(spotify_album_id="x" * 22, label="Label A"), now=NOW)
    for playlist in (KEPT, GONE):
        upsert_playlist(conn, spotify_playlist_id=playlist, now=NOW)
    upsert_track(
        conn,
        Track(
            spotify_track_id=A,
            isrc="USAT22400001",
            album_id="x" * 22,
            spotify_streams=10,
            fetch_method="chartmetric",
        ),
        now=NOW,
    )
    upsert_track(conn, Track(spotify_track_id=B, fetch_method="web_player"), now=NOW)
    upsert_track(conn, Track(spotify_track_id=C, isrc="USAT22400003"), now=NOW)
    upsert_playlist_membership(conn, KEPT, A, now=NOW)
    upsert_playlist_membership(conn, KEPT, B, now=NOW)
    upsert_playlist_membership(conn, GONE, C, now=NOW)
    mark_playlist_removed(conn, GONE, now=NOW)
    upsert_track_credit(
        conn,
        TrackCredit(track_id=A, role="writer", name="Ann Writer", source="web_player"),
        now=NOW,
    )
    set_phase_status(conn, A, "spotify_metadata", "done", now=NOW)
    set_phase_status(conn, B, "spotify_metadata", "failed", reason="unknown", now=NOW)
    set_phase_status(conn, C, "spotify_metadata", "done", now=NOW)

    summary = pipeline_status(conn)

    assert (summary["playlists"], summary["tracks"]) == (1, 2)
    assert summary["coverage"]["isrc"] == {"have": 1, "of": 2}
    assert summary["coverage"]["label"] == {"have": 1, "of": 2}
    assert summary["coverage"]["songwriters"] == {"have": 1, "of": 2}
    assert summary["coverage"]["play_count"] == {"have": 1, "of": 2}
    assert summary["phases"] == {"spotify_metadata": {"done": 1, "failed": 1}}
    assert summary["fetch_methods"] == {"chartmetric": 1, "web_player": 1}
    assert summary["enrichment_status"] == {"pending": 2}


def test_status_sums_requests_per_service_and_counts_events(conn):
    from track_assets.db.records import PhaseRun
    from track_assets.db.repository import append_activity, enqueue_webhook, record_phase_run

    for requests in ({"mlc": 3, "chartmetric": 2}, {"mlc": 4}, None):
        record_phase_run(
            conn,
            PhaseRun(run_id="r1", playlist_id=KEPT, phase="p", finished_at=NOW, requests=requests),
        )
    append_activity(conn, "new_track", "new", occurred_at=NOW)
    append_activity(conn, "new_track", "new", occurred_at=NOW)
    append_activity(conn, "enrichment_run", "run", occurred_at=NOW)
    summary = pipeline_status(conn)
    assert summary["webhook"] == {"delivered": 0, "refused": 0, "waiting": 0}
    run = append_activity(conn, "enrichment_run", "run", occurred_at=NOW)
    enqueue_webhook(conn, [run], now=NOW)
    summary = pipeline_status(conn)
    assert summary["webhook"] == {"delivered": 0, "refused": 0, "waiting": 1}
    assert summary["requests"] == {"chartmetric": 2, "mlc": 7}
    assert summary["events"] == {"enrichment_run": 2, "new_track": 2}
    assert summary["leads"]["total"] == 0
    assert summary["leads"]["top"] == []
