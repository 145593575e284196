"""Field provenance (one row per field, reason cleared when found) and the activity log."""

from __future__ import annotations

from datetime import timedelta

from track_assets.db.repository import (
    activity_since,
    append_activity,
    field_provenance_for,
    record_field_provenance,
)
from track_assets.db.tables import activity_log, field_provenance
from track_assets_tests.db.rows import NOW, count_rows

TRACK = "4uLU6hMCjMI75M1A2tKUQC"


def test_provenance_twice_keeps_one_row_and_a_found_value_clears_the_reason(conn):
    record_field_provenance(
        conn,
        entity="track",
        entity_id=TRACK,
        field="spotify_streams",
        source="web_player",
        fetched_at=NOW,
        reason="no play count on the page",
    )
    later = NOW + timedelta(days=1)
    record_field_provenance(
        conn,
        entity="track",
        entity_id=TRACK,
        field="spotify_streams",
        source="web_player",
        fetched_at=later,
    )
    record_field_provenance(
        conn, entity="track", entity_id=TRACK, field="isrc", source="spotify_api", fetched_at=NOW
    )

    assert count_rows(conn, field_provenance) == 2
    provenance = field_provenance_for(conn, "track", TRACK)
    assert provenance["spotify_streams"].reason is None
    assert provenance["spotify_streams"].fetched_at == later
    assert provenance["isrc"].source == "spotify_api"


def test_activity_log_appends_every_event_in_order(conn):
    first = append_activity(
        conn,
        "fetch_landed",
        "50 tracks",
        playlist_id="p" * 22,
        payload={"new": 50},
        occurred_at=NOW,
    )
    second = append_activity(conn, "fetch_landed", "50 tracks", playlist_id="p" * 22)
    append_activity(conn, "track_enriched", "done", track_id=TRACK, run_id="run-1")

    assert count_rows(conn, activity_log) == 3
    assert second > first
    entries = activity_since(conn, first)
    assert [e.kind for e in entries] == ["fetch_landed", "track_enriched"]
    assert activity_since(conn)[0].payload == {"new": 50}
    assert activity_since(conn)[0].occurred_at == NOW
    assert len(activity_since(conn, playlist_id="p" * 22)) == 2
