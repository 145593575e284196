"""Play counts, popularity and Chartmetric series over time: growth, virality, monotonicity."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from itertools import pairwise

from track_assets.sandbox.catalog import (
    ChartmetricMetric,
    chartmetric_series,
    count_on,
    generate,
    is_viral,
    play_count_on,
    popularity_on,
)
from track_assets.sandbox.catalog.model import GrowthModel


@cache
def catalog():
    return generate(seed=4, playlists=6, tracks=120)


def test_play_counts_never_decrease_and_are_integers():
    today = catalog().reference_date
    days = [today + timedelta(days=d) for d in range(-400, 1200, 3)]
    for track in catalog().tracks:
        counts = [play_count_on(track, day) for day in days]
        assert all(isinstance(c, int) and c >= 0 for c in counts)
        assert counts == sorted(counts), track.id


def test_a_later_date_shows_growth():
    today = catalog().reference_date
    for track in catalog().playlist_tracks():
        assert play_count_on(track, today + timedelta(days=7)) > play_count_on(track, today)


def test_viral_tracks_grow_faster_than_any_steady_track():
    today = catalog().reference_date
    later = today + timedelta(days=14)

    def growth(track) -> float:
        return play_count_on(track, later) / play_count_on(track, today)

    tracks = catalog().playlist_tracks()
    viral = [growth(t) for t in tracks if is_viral(t)]
    steady = [growth(t) for t in tracks if not is_viral(t)]
    assert viral and steady
    assert min(viral) > 1.3  # at least 2 %/day compounding over two weeks
    assert max(steady) < 1.2


def test_growth_model_compounds_then_keeps_its_last_pace():
    model = GrowthModel(
        start_date=date(2026, 1, 1),
        start_count=1000,
        daily_growth_rate=0.1,
        daily_increment=5,
        compounding_days=2,
    )
    assert count_on(model, date(2026, 1, 1)) == 1000
    assert count_on(model, date(2026, 1, 3)) == 1210 + 10  # 1000 x 1.1^2 + 2 x 5
    assert count_on(model, date(2026, 1, 5)) == 1210 + 2 * 121 + 20  # then 121/day + 5/day
    assert count_on(model, date(2025, 12, 31)) == 904  # 1000 / 1.1 - 5, rounded down
    assert count_on(model, date(2000, 1, 1)) == 0


def test_popularity_follows_its_trend_within_0_to_100():
    track = next(t for t in catalog().playlist_tracks() if is_viral(t))
    start = track.popularity.start_date
    assert popularity_on(track, start) == track.popularity.start_value
    assert popularity_on(track, start + timedelta(days=30)) > track.popularity.start_value
    assert popularity_on(track, start + timedelta(days=3650)) == 100


def test_chartmetric_series_follow_the_spotify_track_and_youtube_model():
    cm_track = next(
        t for t in catalog().cm_tracks if t.spotify_track_ids and t.youtube_views is not None
    )
    track = catalog().tracks_by_id[cm_track.spotify_track_ids[0]]
    since = catalog().reference_date - timedelta(days=9)
    until = catalog().reference_date
    streams = chartmetric_series(
        catalog(), cm_track, ChartmetricMetric.SPOTIFY_STREAMS, since, until
    )
    assert [p.day for p in streams] == [since + timedelta(days=d) for d in range(10)]
    assert [p.value for p in streams] == [play_count_on(track, p.day) for p in streams]
    assert [p.daily_diff for p in streams[1:]] == [b.value - a.value for a, b in pairwise(streams)]
    assert streams[0].daily_diff == 0
    popularity = chartmetric_series(catalog(), cm_track, "spotify_popularity", since, until)
    assert [p.value for p in popularity] == [popularity_on(track, p.day) for p in popularity]
    views = chartmetric_series(catalog(), cm_track, ChartmetricMetric.YOUTUBE_VIEWS, since, until)
    assert [p.value for p in views] == [count_on(cm_track.youtube_views, p.day) for p in views]


def test_chartmetric_has_no_data_before_it_started_tracking():
    cm_track = next(t for t in catalog().cm_tracks if t.stats_since and t.spotify_track_ids)
    first = cm_track.stats_since
    series = chartmetric_series(
        catalog(), cm_track, "spotify_streams", first - timedelta(days=5), first + timedelta(days=2)
    )
    assert [p.day for p in series] == [first, first + timedelta(days=1), first + timedelta(days=2)]
    no_youtube = next(t for t in catalog().cm_tracks if t.youtube_views is None)
    assert chartmetric_series(catalog(), no_youtube, "youtube_views", first, first) == ()
