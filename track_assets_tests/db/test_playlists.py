"""Playlists, fetches and memberships: re-running a write never duplicates, updates what changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from track_assets.db.records import PlaylistFetch, Track
from track_assets.db.repository import (
    get_playlist,
    latest_playlist_fetch,
    list_playlists,
    mark_missing_memberships_removed,
    mark_playlist_removed,
    playlist_fetches_after,
    playlist_memberships,
    playlist_track_ids,
    playlist_track_rows,
    record_playlist_fetch,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_track,
)
from track_assets.db.tables import playlist_fetches, playlist_tracks, playlists
from track_assets_tests.db.rows import NOW, count_rows

HITS = "37i9dQZF1DXcBWIGoYBM5M"
INDIE = "5LkNhFidYyyjRWwnkcMbQs"


def test_upsert_playlist_twice_keeps_one_row_with_new_values(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS, name="Today's Top Hits", followers=10, now=NOW)
    later = NOW + timedelta(days=1)
    upsert_playlist(
        conn, spotify_playlist_id=HITS, name="Top Hits", followers=12, is_editorial=True, now=later
    )

    assert count_rows(conn, playlists) == 1
    stored = get_playlist(conn, HITS)
    assert (stored.name, stored.followers, stored.is_editorial) == ("Top Hits", 12, True)
    assert stored.added_at == NOW  # when it was first tracked


def test_upsert_playlist_without_details_keeps_known_ones(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS, name="Top Hits", owner="Spotify", url="u")
    upsert_playlist(conn, spotify_playlist_id=HITS)
    stored = get_playlist(conn, HITS)
    assert (stored.name, stored.owner, stored.url) == ("Top Hits", "Spotify", "u")
    assert stored.is_editorial is False


def test_removed_playlists_leave_the_list_and_come_back_when_added_again(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS, now=NOW)
    upsert_playlist(conn, spotify_playlist_id=INDIE, now=NOW + timedelta(seconds=1))

    assert mark_playlist_removed(conn, HITS, now=NOW) is True
    assert mark_playlist_removed(conn, HITS) is True  # already removed: still known
    assert mark_playlist_removed(conn, "0" * 22) is False
    assert [p.spotify_playlist_id for p in list_playlists(conn)] == [INDIE]
    assert get_playlist(conn, HITS).removed_at == NOW
    assert len(list_playlists(conn, include_removed=True)) == 2

    upsert_playlist(conn, spotify_playlist_id=HITS)
    assert get_playlist(conn, HITS).removed_at is None
    assert [p.spotify_playlist_id for p in list_playlists(conn)] == [HITS, INDIE]


def test_each_fetch_is_its_own_row_and_sets_last_fetched_at(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS)
    first = record_playlist_fetch(
        conn,
        PlaylistFetch(
            playlist_id=HITS,
            fetched_at=NOW,
            method="spotify_api",
            status="succeeded",
            track_count=50,
            new_count=50,
            skipped_count=1,
            skipped_reasons={"local_file": 1},
        ),
    )
    later = NOW + timedelta(hours=1)
    second = record_playlist_fetch(
        conn,
        PlaylistFetch(
            playlist_id=HITS,
            fetched_at=later,
            method="web_player",
            status="failed",
            reason="browser crashed",
        ),
    )

    assert second > first
    assert count_rows(conn, playlist_fetches) == 2
    # A failed fetch is history, not the last successful fetch.
    assert get_playlist(conn, HITS).last_fetched_at == NOW
    latest = latest_playlist_fetch(conn, HITS)
    assert (latest.id, latest.status, latest.reason) == (second, "failed", "browser crashed")
    assert [f.id for f in playlist_fetches_after(conn, first)] == [second]
    assert playlist_fetches_after(conn)[0].skipped_reasons == {"local_file": 1}


def test_fetch_with_unknown_method_is_refused(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS)
    with pytest.raises(ValueError, match="scraping"):
        record_playlist_fetch(
            conn,
            PlaylistFetch(playlist_id=HITS, fetched_at=NOW, method="scraping", status="succeeded"),
        )


def test_membership_is_one_row_per_track_with_first_and_last_seen(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS)
    for track_id in ("a" * 22, "b" * 22):
        upsert_track(conn, Track(spotify_track_id=track_id))

    upsert_playlist_membership(conn, HITS, "a" * 22, position=0, added_at=NOW, now=NOW)
    upsert_playlist_membership(conn, HITS, "b" * 22, position=1, now=NOW)
    later = NOW + timedelta(days=1)
    upsert_playlist_membership(conn, HITS, "a" * 22, position=1, now=later)
    upsert_playlist_membership(conn, HITS, "b" * 22, position=0, now=later)

    assert count_rows(conn, playlist_tracks) == 2
    members = {m.track_id: m for m in playlist_memberships(conn, HITS)}
    assert members["a" * 22].position == 1
    assert members["a" * 22].added_at == NOW  # not erased by a fetch that lacks it
    assert members["a" * 22].first_seen_at == NOW
    assert members["a" * 22].last_seen_at == later
    assert playlist_track_ids(conn, HITS) == ["b" * 22, "a" * 22]
    assert [t.spotify_track_id for t in playlist_track_rows(conn, HITS)] == ["b" * 22, "a" * 22]


def test_tracks_missing_from_a_fetch_are_marked_removed_and_can_return(conn):
    upsert_playlist(conn, spotify_playlist_id=HITS)
    for position, track_id in enumerate(("a" * 22, "b" * 22, "c" * 22)):
        upsert_track(conn, Track(spotify_track_id=track_id))
        upsert_playlist_membership(conn, HITS, track_id, position=position, now=NOW)

    gone = mark_missing_memberships_removed(conn, HITS, ["a" * 22, "c" * 22], now=NOW)

    assert gone == ["b" * 22]
    assert playlist_track_ids(conn, HITS) == ["a" * 22, "c" * 22]
    assert [t.spotify_track_id for t in playlist_track_rows(conn, HITS)] == ["a" * 22, "c" * 22]
    assert len(playlist_track_ids(conn, HITS, include_removed=True)) == 3
    assert mark_missing_memberships_removed(conn, HITS, ["a" * 22, "c" * 22]) == []

    upsert_playlist_membership(conn, HITS, "b" * 22, position=1)
    assert "b" * 22 in playlist_track_ids(conn, HITS)
