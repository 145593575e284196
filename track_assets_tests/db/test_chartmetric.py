"""Chartmetric tracks and a track's Chartmetric candidates."""

from __future__ import annotations

from datetime import timedelta

from track_assets.db.records import ChartmetricTrack, Track
from track_assets.db.repository import (
    get_chartmetric_track,
    link_track_chartmetric,
    track_chartmetric_ids,
    upsert_chartmetric_track,
    upsert_track,
)
from track_assets.db.tables import chartmetric_tracks, track_chartmetric
from track_assets_tests.db.rows import NOW, count_rows


def test_upsert_chartmetric_track_twice_keeps_one_row_with_new_values(conn):
    upsert_chartmetric_track(
        conn,
        ChartmetricTrack(
            chartmetric_id=15_000_000_001,
            fetched_at=NOW,
            isrc="GBARL9300135",
            moods=["Happy"],
            playlist_reach=100,
        ),
    )
    later = NOW + timedelta(days=1)
    upsert_chartmetric_track(
        conn,
        ChartmetricTrack(
            chartmetric_id=15_000_000_001,
            fetched_at=later,
            playlist_reach=250,
            activities=["Workout"],
            composer_name="Stock/Aitken/Waterman",
            songwriters=[{"id": 1, "name": "Mike Stock"}],
        ),
    )

    assert count_rows(conn, chartmetric_tracks) == 1
    stored = get_chartmetric_track(conn, 15_000_000_001)
    assert (stored.playlist_reach, stored.fetched_at) == (250, later)
    assert (stored.isrc, stored.moods, stored.activities) == (
        "GBARL9300135",
        ["Happy"],
        ["Workout"],
    )
    assert stored.songwriters == [{"id": 1, "name": "Mike Stock"}]


def test_one_chosen_chartmetric_id_per_track(conn):
    track = "4uLU6hMCjMI75M1A2tKUQC"
    upsert_track(conn, Track(spotify_track_id=track))
    for cm_id in (11, 22):
        upsert_chartmetric_track(conn, ChartmetricTrack(chartmetric_id=cm_id, fetched_at=NOW))

    link_track_chartmetric(conn, track, 11, is_chosen=True, matched_isrc="GBARL9300135")
    link_track_chartmetric(conn, track, 22, is_chosen=True, matched_isrc="GBARL9300135")
    link_track_chartmetric(conn, track, 22, is_chosen=True)

    assert count_rows(conn, track_chartmetric) == 2
    assert track_chartmetric_ids(conn, track) == [(22, True), (11, False)]
