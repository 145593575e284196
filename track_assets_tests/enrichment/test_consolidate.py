"""Phase 6 on SQLite and PostgreSQL: consolidated fields, enrichment status with what is
missing and why, one snapshot per day, and velocity from our own snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from track_assets.db.records import Album, SpotifyArtist, Track, TrackCredit
from track_assets.db.repository import (
    get_track,
    link_track_artists,
    metric_history,
    set_phase_status,
    upsert_album,
    upsert_spotify_artist,
    upsert_track,
    upsert_track_credit,
)
from track_assets.enrichment.consolidate import consolidate_track
from track_assets.phases import LOOKUPS

DAY1 = datetime(2026, 11, 20, 3, tzinfo=UTC)
TRACK = "t" * 22


def enriched_track(conn, streams=1000):
    upsert_album(conn, Album(spotify_album_id="a" * 22, label="Label A"), now=DAY1)
    upsert_spotify_artist(
        conn,
        SpotifyArtist(spotify_artist_id="r" * 22, name="Ann", genres=["afrobeats"], followers=90),
        now=DAY1,
    )
    upsert_track(
        conn, Track(spotify_track_id=TRACK, album_id="a" * 22, spotify_streams=streams), now=DAY1
    )
    link_track_artists(conn, TRACK, ["r" * 22])
    for name, role, subroles in (
        ("Ann Writer", "writer", ["composer", "lyricist"]),
        ("Bo Lyric", "writer", ["lyricist"]),
        ("Cy Prod", "producer", []),
    ):
        upsert_track_credit(
            conn,
            TrackCredit(
                track_id=TRACK, role=role, name=name, source="web_player", subroles=subroles
            ),
            now=DAY1,
        )
    for phase in (lookup.key for lookup in LOOKUPS):
        set_phase_status(conn, TRACK, phase, "done", now=DAY1)


def test_a_fully_enriched_track_is_complete_with_its_consolidated_fields(conn):
    enriched_track(conn)
    result = consolidate_track(conn, TRACK, now=DAY1)
    row = get_track(conn, TRACK)
    assert (result.enrichment_status, result.missing) == ("complete", {})
    assert (row.songwriter, row.composer, row.producer) == (
        "Ann Writer; Bo Lyric",
        "Ann Writer",
        "Cy Prod",
    )
    assert (row.label, row.artist_genres, row.artist_followers) == ("Label A", ["afrobeats"], 90)
    assert row.stream_velocity is None  # one snapshot: no growth yet


def test_velocity_comes_from_snapshots_on_different_days_and_one_day_keeps_one_row(conn):
    enriched_track(conn, streams=1000)
    consolidate_track(conn, TRACK, now=DAY1)
    upsert_track(conn, Track(spotify_track_id=TRACK, spotify_streams=1100), now=DAY1)
    consolidate_track(conn, TRACK, now=DAY1 + timedelta(hours=5))  # same day: replaces
    assert [s.spotify_streams for s in metric_history(conn, TRACK, source="pipeline")] == [1100]
    upsert_track(conn, Track(spotify_track_id=TRACK, spotify_streams=1400), now=DAY1)
    result = consolidate_track(conn, TRACK, now=DAY1 + timedelta(days=3))
    assert result.stream_velocity == 100.0  # (1400 - 1100) / 3 days
    assert get_track(conn, TRACK).enrichment_detail["snapshots"] == 2


def test_a_failed_or_unrun_phase_makes_the_track_partial_with_the_reason(conn):
    enriched_track(conn)
    set_phase_status(conn, TRACK, "mlc_publisher_status", "failed", reason="HTTP 503", now=DAY1)
    result = consolidate_track(conn, TRACK, now=DAY1)
    assert result.enrichment_status == "partial"
    assert result.missing == {"mlc_publisher_status": "failed: HTTP 503"}
    assert get_track(conn, TRACK).enrichment_detail["missing"] == result.missing


def test_no_spotify_metadata_at_all_is_a_failed_track(conn):
    enriched_track(conn)
    set_phase_status(conn, TRACK, "spotify_metadata", "failed", reason="unknown id", now=DAY1)
    assert consolidate_track(conn, TRACK, now=DAY1).enrichment_status == "failed"
