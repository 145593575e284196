"""Tracks, albums and performing artists: upserts keep one row and never erase what is known."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from track_assets.db.records import Album, SpotifyArtist, Track
from track_assets.db.repository import (
    get_album,
    get_spotify_artist,
    get_track,
    link_track_artists,
    track_artist_ids,
    upsert_album,
    upsert_spotify_artist,
    upsert_track,
)
from track_assets.db.tables import albums, spotify_artists, track_artists, tracks
from track_assets_tests.db.rows import NOW, count_rows

TRACK = "4uLU6hMCjMI75M1A2tKUQC"
ALBUM = "6N9PS4QXF1D0OWPk0Sxtb4"


def test_new_track_is_pending_with_its_phase0_fields(conn):
    upsert_track(
        conn,
        Track(
            spotify_track_id=TRACK,
            spotify_url=f"https://open.spotify.com/track/{TRACK}",
            isrc="GBARL9300135",
            fetch_method="web_player",
        ),
        now=NOW,
    )
    stored = get_track(conn, TRACK)
    assert stored.enrichment_status == "pending"
    assert (stored.isrc, stored.fetch_method) == ("GBARL9300135", "web_player")
    assert stored.created_at == stored.updated_at == NOW


def test_upsert_track_twice_keeps_one_row_with_new_values(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK, name="Old", popularity=40), now=NOW)
    later = NOW + timedelta(hours=3)
    upsert_track(
        conn,
        Track(
            spotify_track_id=TRACK,
            name="Never Gonna Give You Up",
            popularity=77,
            spotify_streams=1_234_567_890_123,
            audio_features={"energy": 0.9, "tempo": 113.3},
            artist_genres=["dance pop"],
            credits_source_names=["RCA Records Label"],
            enrichment_status="partial",
            enrichment_detail={"mlc_publisher_status": "no MLC match"},
        ),
        now=later,
    )

    assert count_rows(conn, tracks) == 1
    stored = get_track(conn, TRACK)
    assert stored.name == "Never Gonna Give You Up"
    assert stored.popularity == 77
    assert stored.spotify_streams == 1_234_567_890_123  # beyond 32 bits
    assert stored.audio_features == {"energy": 0.9, "tempo": 113.3}
    assert stored.artist_genres == ["dance pop"]
    assert stored.enrichment_status == "partial"
    assert stored.enrichment_detail == {"mlc_publisher_status": "no MLC match"}
    assert stored.created_at == NOW
    assert stored.updated_at == later


def test_a_later_fetch_without_isrc_does_not_erase_the_known_isrc(conn):
    upsert_track(
        conn, Track(spotify_track_id=TRACK, isrc="GBARL9300135", label="RCA", moods=["happy"])
    )
    upsert_track(conn, Track(spotify_track_id=TRACK, name="Now named", fetch_method="web_player"))

    stored = get_track(conn, TRACK)
    assert (stored.isrc, stored.label, stored.moods) == ("GBARL9300135", "RCA", ["happy"])
    assert stored.name == "Now named"


def test_clear_erases_a_value_on_purpose(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK, isrc="GBARL9300135", moods=["happy"]))
    upsert_track(conn, Track(spotify_track_id=TRACK), clear=("isrc", "moods"))

    stored = get_track(conn, TRACK)
    assert stored.isrc is None and stored.moods is None
    # An unknown JSON value is SQL NULL, not the JSON text 'null'.
    assert conn.execute(select(tracks.c.spotify_track_id).where(tracks.c.moods.is_(None))).all()
    with pytest.raises(ValueError, match="spotify_track_id"):
        upsert_track(conn, Track(spotify_track_id=TRACK), clear=("spotify_track_id",))
    with pytest.raises(ValueError, match="no_such_column"):
        upsert_track(conn, Track(spotify_track_id=TRACK), clear=("no_such_column",))


def test_unknown_enrichment_status_is_refused(conn):
    with pytest.raises(ValueError, match="done"):
        upsert_track(conn, Track(spotify_track_id=TRACK, enrichment_status="done"))


def test_times_are_utc_aware_and_naive_times_are_refused(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK), now=NOW)
    assert get_track(conn, TRACK).created_at.utcoffset() == timedelta(0)
    with pytest.raises(StatementError, match="naive datetime"):
        upsert_track(conn, Track(spotify_track_id=TRACK), now=datetime(2026, 3, 1, 12, 0))


def test_upsert_album_twice_keeps_one_row_with_new_values(conn):
    upsert_album(
        conn,
        Album(
            spotify_album_id=ALBUM,
            name="Whenever",
            label="RCA",
            images=[{"url": "a.jpg", "width": 640}],
        ),
    )
    upsert_album(
        conn,
        Album(
            spotify_album_id=ALBUM,
            name="Whenever You Need Somebody",
            release_date="1987-11-12",
            release_date_precision="day",
            total_tracks=10,
        ),
    )

    assert count_rows(conn, albums) == 1
    stored = get_album(conn, ALBUM)
    assert stored.name == "Whenever You Need Somebody"
    assert stored.label == "RCA"
    assert stored.images == [{"url": "a.jpg", "width": 640}]
    assert (stored.release_date, stored.total_tracks) == ("1987-11-12", 10)


def test_track_points_at_its_album(conn):
    upsert_album(conn, Album(spotify_album_id=ALBUM, name="Whenever"))
    upsert_track(
        conn,
        Track(
            spotify_track_id=TRACK,
            album_id=ALBUM,
            release_date="1987",
            release_date_precision="year",
        ),
    )
    assert get_track(conn, TRACK).album_id == ALBUM


def test_upsert_spotify_artist_twice_keeps_one_row_with_new_values(conn):
    artist = "0gxyHStUsqpMadRV0Di1Qt"
    upsert_spotify_artist(
        conn, SpotifyArtist(spotify_artist_id=artist, name="Rick Astley", followers=100)
    )
    upsert_spotify_artist(
        conn, SpotifyArtist(spotify_artist_id=artist, followers=5_000_000_000, genres=["dance pop"])
    )

    assert count_rows(conn, spotify_artists) == 1
    stored = get_spotify_artist(conn, artist)
    assert (stored.name, stored.followers, stored.genres) == (
        "Rick Astley",
        5_000_000_000,
        ["dance pop"],
    )


def test_link_track_artists_replaces_the_list_in_billing_order(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK))
    for artist in ("a" * 22, "b" * 22, "c" * 22):
        upsert_spotify_artist(conn, SpotifyArtist(spotify_artist_id=artist, name=artist[0]))

    link_track_artists(conn, TRACK, ["a" * 22, "b" * 22])
    link_track_artists(conn, TRACK, ["c" * 22, "a" * 22, "a" * 22])

    assert track_artist_ids(conn, TRACK) == ["c" * 22, "a" * 22]
    assert count_rows(conn, track_artists) == 2
    link_track_artists(conn, TRACK, [])
    assert track_artist_ids(conn, TRACK) == []
