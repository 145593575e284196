"""Phase 0's decisions and writes: source order, skipped items, new vs known tracks, removals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from track_assets.db.records import Track
from track_assets.db.repository import (
    get_track,
    latest_playlist_fetch,
    playlist_memberships,
    upsert_track,
)
from track_assets.enrichment.playlist_fetch import (
    FetchedItem,
    FetchedPlaylist,
    PlaylistUnavailable,
    SourceDeclined,
    fetch_first_available,
    record_failed_fetch,
    store_playlist_fetch,
)

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
PLAYLIST = "3cEYpjA9oz9GiPac4AsH4n"
A, B, C, D = (f"{letter * 21}1" for letter in "abcd")


def fetched(*items: FetchedItem, method: str = "spotify_api") -> FetchedPlaylist:
    return FetchedPlaylist(PLAYLIST, method, tuple(items), name="Fresh Finds", followers=120)


def track(position: int, track_id: str, isrc: str | None = None) -> FetchedItem:
    return FetchedItem(position, "track", track_id, NOW - timedelta(days=position), isrc)


def declines(answer: str):
    def fetch() -> FetchedPlaylist:
        raise SourceDeclined(answer)

    return fetch


def test_the_first_source_that_does_not_decline_serves_and_every_answer_is_kept():
    result = fetch_first_available(
        PLAYLIST,
        [
            ("chartmetric", declines("not known to Chartmetric")),
            ("spotify_api", declines("404 (editorial playlists are closed to this tier)")),
            ("web_player", lambda: fetched(track(0, A), method="web_player")),
        ],
    )
    assert result.playlist.method == "web_player"
    assert [(a.method, a.answer) for a in result.attempts] == [
        ("chartmetric", "not known to Chartmetric"),
        ("spotify_api", "404 (editorial playlists are closed to this tier)"),
        ("web_player", "served"),
    ]


def test_when_every_source_declines_the_error_names_the_playlist_and_each_answer():
    with pytest.raises(PlaylistUnavailable) as raised:
        fetch_first_available(
            PLAYLIST,
            [("chartmetric", declines("not known")), ("web_player", declines("404 not found"))],
        )
    message = str(raised.value)
    assert PLAYLIST in message
    assert "chartmetric: not known" in message and "web_player: 404 not found" in message


def test_a_systemic_error_is_not_taken_for_an_answer():
    def quota() -> FetchedPlaylist:
        raise RuntimeError("quota exceeded")

    with pytest.raises(RuntimeError, match="quota"):
        fetch_first_available(PLAYLIST, [("spotify_api", quota), ("web_player", declines("x"))])


def test_new_tracks_are_pending_with_method_and_skipped_items_are_counted_by_kind(conn):
    stored = store_playlist_fetch(
        conn,
        fetched(
            track(0, A, "USAT22400001"),
            FetchedItem(1, "local"),
            track(2, B),
            FetchedItem(3, "episode"),
            FetchedItem(4, "unavailable"),
            track(5, A),  # listed twice
        ),
        now=NOW,
        run_id="run-1",
    )
    assert stored.track_ids == (A, B) == stored.new_track_ids
    assert stored.skipped == {"local": 1, "episode": 1, "unavailable": 1, "duplicate": 1}
    new = get_track(conn, A)
    assert (new.isrc, new.fetch_method, new.enrichment_status) == (
        "USAT22400001",
        "spotify_api",
        "pending",
    )
    assert new.spotify_url == f"https://open.spotify.com/track/{A}"
    fetch = latest_playlist_fetch(conn, PLAYLIST)
    assert (fetch.id, fetch.method, fetch.status, fetch.track_count, fetch.new_count) == (
        stored.fetch_id,
        "spotify_api",
        "succeeded",
        2,
        2,
    )
    assert (fetch.skipped_count, fetch.run_id) == (4, "run-1")
    positions = {m.track_id: m.position for m in playlist_memberships(conn, PLAYLIST)}
    assert positions == {A: 0, B: 2}


def test_a_track_known_elsewhere_keeps_its_enrichment_and_only_gains_a_missing_isrc(conn):
    upsert_track(
        conn,
        Track(spotify_track_id=C, fetch_method="web_player", enrichment_status="complete"),
        now=NOW,
    )
    stored = store_playlist_fetch(conn, fetched(track(0, C, "GBUM72400002")), now=NOW)
    assert stored.new_track_ids == () and stored.added_track_ids == (C,)
    known = get_track(conn, C)
    assert (known.enrichment_status, known.fetch_method, known.isrc) == (
        "complete",
        "web_player",
        "GBUM72400002",
    )


def test_a_refetch_reports_removed_tracks_and_only_the_newly_added(conn):
    store_playlist_fetch(conn, fetched(track(0, A), track(1, B)), now=NOW)
    later = NOW + timedelta(days=1)
    stored = store_playlist_fetch(conn, fetched(track(0, B), track(1, D)), now=later)
    assert stored.removed_track_ids == (A,)
    assert stored.added_track_ids == (D,) == stored.new_track_ids
    assert [m.track_id for m in playlist_memberships(conn, PLAYLIST)] == [B, D]
    assert latest_playlist_fetch(conn, PLAYLIST).removed_count == 1


def test_a_failed_fetch_is_recorded_with_its_reason(conn):
    record_failed_fetch(conn, PLAYLIST, "web_player", "every source declined", now=NOW)
    fetch = latest_playlist_fetch(conn, PLAYLIST)
    assert (fetch.status, fetch.reason) == ("failed", "every source declined")
