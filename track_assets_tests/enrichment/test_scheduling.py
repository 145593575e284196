"""When a landed fetch needs an enrichment run, and which playlists the nightly run refetches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from track_assets.db.records import PlaylistFetch, Track
from track_assets.db.repository import (
    list_playlists,
    record_playlist_fetch,
    set_phase_status,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_track,
)
from track_assets.enrichment.scheduling import (
    enrichment_due,
    phase_ttls,
    playlists_due_for_fetch,
)

NOW = datetime(2026, 11, 24, 3, tzinfo=UTC)
PLAYLIST, OTHER = "3cEYpjA9oz9GiPac4AsH4n", "5LkNhFidYyyjRWwnkcMbQs"
NEVER = "7qWT4p1lBkUYE5L2xFk8xR"  # never fetched: the watch sensor's
A, B = "a" * 21 + "1", "b" * 21 + "1"
TTLS = phase_ttls(timedelta(days=30), timedelta(hours=20))
# The figures that move daily (the seed's "volatile" fields): play counts and Chartmetric.
VOLATILE_PHASES = ("spotify_play_count", "chartmetric_analytics")


def test_every_lookup_has_the_ttl_of_its_kind():
    assert {
        "spotify_metadata": timedelta(days=30),
        "spotify_credits": timedelta(days=30),
        "spotify_play_count": timedelta(hours=20),
        "mlc_publisher_status": timedelta(days=30),
        "musicbrainz_social_links": timedelta(days=30),
        "chartmetric_analytics": timedelta(hours=20),
    } == TTLS


def _fetch(**fields) -> PlaylistFetch:
    values = {
        "playlist_id": PLAYLIST,
        "fetched_at": NOW,
        "method": "chartmetric",
        "status": "succeeded",
        "new_count": 0,
    }
    return PlaylistFetch(**(values | fields))


def _settled_playlist(conn, *, at: datetime) -> None:
    upsert_playlist(conn, spotify_playlist_id=PLAYLIST, now=at)
    for track_id in (A, B):
        upsert_track(conn, Track(spotify_track_id=track_id, enrichment_status="complete"), now=at)
        upsert_playlist_membership(conn, PLAYLIST, track_id, now=at)
        for phase in TTLS:
            set_phase_status(conn, track_id, phase, "done", now=at)


def test_new_tracks_are_due(conn):
    _settled_playlist(conn, at=NOW)
    assert enrichment_due(conn, _fetch(new_count=2), NOW, TTLS) == "2 new tracks"


def test_a_settled_fresh_playlist_is_not_due_and_a_failed_fetch_never_is(conn):
    _settled_playlist(conn, at=NOW - timedelta(hours=1))
    assert enrichment_due(conn, _fetch(), NOW, TTLS) is None
    assert enrichment_due(conn, _fetch(status="failed", new_count=5), NOW, TTLS) is None


def test_volatile_figures_past_their_ttl_are_due_but_static_facts_are_not(conn):
    _settled_playlist(conn, at=NOW - timedelta(days=1))
    reason = enrichment_due(conn, _fetch(), NOW, TTLS)
    assert reason is not None and reason.split(" in ")[1] in VOLATILE_PHASES
    for track_id in (A, B):
        for phase in VOLATILE_PHASES:
            set_phase_status(conn, track_id, phase, "done", now=NOW)
    assert enrichment_due(conn, _fetch(), NOW, TTLS) is None


def test_a_failed_track_is_due_when_its_retry_time_comes(conn):
    _settled_playlist(conn, at=NOW - timedelta(hours=1))
    retry_at = NOW + timedelta(hours=2)
    set_phase_status(conn, A, "mlc_publisher_status", "failed", next_retry_at=retry_at, now=NOW)
    assert enrichment_due(conn, _fetch(), NOW, TTLS) is None
    due = enrichment_due(conn, _fetch(), retry_at + timedelta(minutes=1), TTLS)
    assert due == "1 tracks due in mlc_publisher_status"


def test_pending_tracks_are_due(conn):
    _settled_playlist(conn, at=NOW)
    upsert_track(conn, Track(spotify_track_id=A, enrichment_status="pending"), now=NOW)
    assert enrichment_due(conn, _fetch(), NOW, TTLS) == "1 tracks not consolidated yet"


def test_the_nightly_fetch_skips_playlists_fetched_today_or_never(conn):
    for playlist in (PLAYLIST, OTHER, NEVER):
        upsert_playlist(conn, spotify_playlist_id=playlist, now=NOW)
    record_playlist_fetch(conn, _fetch(fetched_at=NOW - timedelta(days=1)))
    record_playlist_fetch(conn, replace(_fetch(playlist_id=OTHER), fetched_at=NOW))
    playlists = list_playlists(conn)
    assert [
        p.spotify_playlist_id for p in playlists_due_for_fetch(conn, playlists, NOW.date())
    ] == [PLAYLIST]
    # A failed fetch today does not count as fetched.
    record_playlist_fetch(conn, _fetch(status="failed", reason="boom", fetched_at=NOW))
    assert len(playlists_due_for_fetch(conn, playlists, NOW.date())) == 1
