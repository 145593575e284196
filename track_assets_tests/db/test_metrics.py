"""Metric snapshots: one row per track, source and day, so growth can be computed."""

from __future__ import annotations

from datetime import date, timedelta

from track_assets.db.records import MetricSnapshot, Track
from track_assets.db.repository import metric_history, upsert_metric_snapshot, upsert_track
from track_assets.db.tables import track_metric_snapshots
from track_assets_tests.db.rows import NOW, count_rows

TRACK = "4uLU6hMCjMI75M1A2tKUQC"


def test_two_runs_on_one_day_update_that_days_snapshot(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK))
    morning = upsert_metric_snapshot(
        conn,
        MetricSnapshot(
            track_id=TRACK,
            captured_at=NOW,
            source="web_player",
            spotify_streams=1_000,
            popularity=70,
        ),
    )
    evening = upsert_metric_snapshot(
        conn,
        MetricSnapshot(
            track_id=TRACK,
            captured_at=NOW + timedelta(hours=8),
            source="web_player",
            spotify_streams=1_500,
        ),
    )

    assert morning == evening
    assert count_rows(conn, track_metric_snapshots) == 1
    [snapshot] = metric_history(conn, TRACK)
    assert snapshot.captured_on == date(2026, 3, 1)
    assert snapshot.captured_at == NOW + timedelta(hours=8)
    assert snapshot.spotify_streams == 1_500
    assert snapshot.popularity == 70  # the evening run did not report it: kept


def test_each_day_and_source_is_its_own_snapshot(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK))
    upsert_metric_snapshot(
        conn,
        MetricSnapshot(track_id=TRACK, captured_at=NOW, source="web_player", spotify_streams=1_000),
    )
    upsert_metric_snapshot(
        conn,
        MetricSnapshot(
            track_id=TRACK,
            captured_at=NOW,
            source="chartmetric",
            chartmetric={"sp_playlist_total_reach": 9},
        ),
    )
    upsert_metric_snapshot(
        conn,
        MetricSnapshot(
            track_id=TRACK,
            captured_at=NOW + timedelta(days=1),
            source="web_player",
            spotify_streams=4_000_000_000,
        ),
    )

    assert count_rows(conn, track_metric_snapshots) == 3
    streams = [s.spotify_streams for s in metric_history(conn, TRACK, source="web_player")]
    assert streams == [1_000, 4_000_000_000]
    [chartmetric] = metric_history(conn, TRACK, source="chartmetric")
    assert chartmetric.chartmetric == {"sp_playlist_total_reach": 9}
