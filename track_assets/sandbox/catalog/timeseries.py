"""Figures over time: play counts, popularity and Chartmetric stats series, evaluated on a date.

Emulators call these with the sandbox clock's date, so a later date shows growth: every track
grows at its own rate and viral tracks compound fast for a while.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from track_assets.sandbox.catalog.model import (
    Catalog,
    ChartmetricTrack,
    GrowthModel,
    PopularityModel,
    Track,
)

# A track whose play count compounds at 2 %/day or more is viral (doubling in about 35 days).
VIRAL_DAILY_GROWTH_RATE = 0.02


class ChartmetricMetric(StrEnum):
    """The stats series the Chartmetric emulator serves (`/api/track/{id}/{platform}/stats`)."""

    SPOTIFY_POPULARITY = "spotify_popularity"  # platform spotify, type=popularity
    SPOTIFY_STREAMS = "spotify_streams"  # platform spotify, type=streams
    YOUTUBE_VIEWS = "youtube_views"  # platform youtube


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    day: date
    value: int
    daily_diff: int  # value minus the previous day's value (0 on the first day of data)


def count_on(model: GrowthModel, day: date) -> int:
    """The model's count on `day`: an integer, never decreasing from one day to the next."""
    days = (day - model.start_date).days
    rate = model.daily_growth_rate
    if days >= 0:
        compounding = min(days, model.compounding_days)
        reached = model.start_count * (1.0 + rate) ** compounding
        # After compounding stops the count keeps the pace of the last compounding day.
        value = reached + reached * rate * (days - compounding) + model.daily_increment * days
    else:
        value = model.start_count * (1.0 + rate) ** days + model.daily_increment * days
    return max(0, math.floor(value))


def play_count_on(track: Track, day: date) -> int:
    """Spotify's play count for the track on `day` (pathfinder `playcount`, Chartmetric streams)."""
    return count_on(track.plays, day)


def popularity_on(model: PopularityModel | Track, day: date) -> int:
    """Spotify popularity (0-100) on `day`."""
    if isinstance(model, Track):
        model = model.popularity
    value = model.start_value + model.daily_change * (day - model.start_date).days
    return min(100, max(0, round(value)))


def is_viral(track: Track) -> bool:
    return track.plays.daily_growth_rate >= VIRAL_DAILY_GROWTH_RATE


def chartmetric_series(
    catalog: Catalog,
    cm_track: ChartmetricTrack,
    metric: ChartmetricMetric | str,
    since: date,
    until: date,
) -> tuple[SeriesPoint, ...]:
    """One point per day from `since` to `until` (inclusive) for which Chartmetric has data.

    No points before `cm_track.stats_since` (when set); none at all for Spotify metrics when the track
    lists no Spotify id, nor for YouTube views when it has no YouTube data.
    """
    metric = ChartmetricMetric(metric)
    start = since if cm_track.stats_since is None else max(since, cm_track.stats_since)
    if start > until:
        return ()
    value_on = _value_function(catalog, cm_track, metric)
    if value_on is None:
        return ()
    points = []
    previous = None
    day = start
    while day <= until:
        value = value_on(day)
        points.append(SeriesPoint(day, value, 0 if previous is None else value - previous))
        previous = value
        day += timedelta(days=1)
    return tuple(points)


def chartmetric_value_on(
    catalog: Catalog, cm_track: ChartmetricTrack, metric: ChartmetricMetric | str, day: date
) -> int | None:
    """The metric's value on `day`, or None when Chartmetric has no data for it then."""
    series = chartmetric_series(catalog, cm_track, metric, day, day)
    return series[0].value if series else None


def _value_function(catalog: Catalog, cm_track: ChartmetricTrack, metric: ChartmetricMetric):
    if metric is ChartmetricMetric.YOUTUBE_VIEWS:
        model = cm_track.youtube_views
        return None if model is None else (lambda day: count_on(model, day))
    if not cm_track.spotify_track_ids:
        return None
    track = catalog.tracks_by_id[cm_track.spotify_track_ids[0]]
    if metric is ChartmetricMetric.SPOTIFY_STREAMS:
        return lambda day: play_count_on(track, day)
    return lambda day: popularity_on(track, day)
