"""Phase 5: store what Chartmetric knows of a track (id, moods, activities, reach, series) and
the growth its series show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from track_assets.db.records import ChartmetricTrack, MetricSnapshot, Track
from track_assets.db.repository import (
    link_track_chartmetric,
    record_field_provenance,
    set_phase_status,
    upsert_chartmetric_track,
    upsert_metric_snapshot,
    upsert_track,
)

PHASE = "chartmetric_analytics"
SOURCE = "chartmetric"
VELOCITY_DAYS = 7
NOT_IN_PLAN = "not_in_plan"
# Chartmetric describes tracks by moods, activities and reach; it has no "stage" for a track
# (its career stages are an artist-level notion), so track_stage stays null with this reason.
NO_TRACK_STAGE = "not_provided_for_tracks"

Series = Sequence[tuple[date, float]]


@dataclass(frozen=True)
class ChartmetricFindings:
    track_id: str
    chartmetric_id: int | None
    method: str | None = None  # isrc | spotify_id
    reason: str | None = None  # not_found | ambiguous, when there is no id
    candidate_ids: tuple[int, ...] = ()
    record: ChartmetricTrack | None = None
    popularity: Series = ()
    streams: Series | None = None  # None: not in the plan
    youtube_views: Series | None = None  # None: no YouTube data
    extra: dict = field(default_factory=dict)


def series_velocity(points: Series, days: int = VELOCITY_DAYS) -> float | None:
    """Average change per day over the last `days` days of a daily series: robust to missing
    days (it uses the first point inside the window and the last point), None with fewer than
    two points. Negative when the figure shrinks."""
    ordered = sorted(points)
    if len(ordered) < 2:
        return None
    last_day, last_value = ordered[-1]
    start = last_day - timedelta(days=days)
    window = [(d, v) for d, v in ordered if d >= start]
    first_day, first_value = window[0] if len(window) >= 2 else ordered[-2]
    elapsed = (last_day - first_day).days
    if elapsed <= 0:
        return None
    return round((last_value - first_value) / elapsed, 3)


def store_chartmetric_findings(
    conn: Connection, found: ChartmetricFindings, *, now: datetime
) -> None:
    track_id = found.track_id
    if found.chartmetric_id is None or found.record is None:
        set_phase_status(conn, track_id, PHASE, "not_applicable", reason=found.reason, now=now)
        record_field_provenance(
            conn,
            entity="track",
            entity_id=track_id,
            field="chartmetric_id",
            source=SOURCE,
            fetched_at=now,
            reason=found.reason,
        )
        return
    upsert_chartmetric_track(conn, found.record)
    for candidate in found.candidate_ids:
        if candidate != found.chartmetric_id:
            upsert_chartmetric_track(
                conn, ChartmetricTrack(chartmetric_id=candidate, fetched_at=now)
            )
            link_track_chartmetric(conn, track_id, candidate, now=now)
    link_track_chartmetric(conn, track_id, found.chartmetric_id, is_chosen=True, now=now)
    youtube = _latest(found.youtube_views)
    velocity = series_velocity(found.streams) if found.streams else None
    upsert_track(
        conn,
        Track(
            spotify_track_id=track_id,
            chartmetric_id=found.chartmetric_id,
            moods=found.record.moods,
            activities=found.record.activities,
            youtube_views=youtube,
            chartmetric_velocity=velocity,
        ),
        now=now,
    )
    reasons = {
        "chartmetric_velocity": NOT_IN_PLAN if found.streams is None else None,
        "youtube_views": "no_youtube_data" if youtube is None else None,
        "track_stage": NO_TRACK_STAGE,
        "chartmetric_id": None,
        "moods": None,
        "activities": None,
    }
    for name, reason in reasons.items():
        record_field_provenance(
            conn,
            entity="track",
            entity_id=track_id,
            field=name,
            source=SOURCE,
            fetched_at=now,
            reason=reason,
        )
    upsert_metric_snapshot(
        conn,
        MetricSnapshot(
            track_id=track_id,
            captured_at=now,
            source=SOURCE,
            popularity=_latest(found.popularity),
            spotify_streams=_latest(found.streams),
            chartmetric={
                "chartmetric_id": found.chartmetric_id,
                "youtube_views": youtube,
                "playlist_reach": found.record.playlist_reach,
                "spotify_popularity_rank": found.record.spotify_popularity_rank,
                "velocity_streams_per_day": velocity,
                "velocity_popularity_per_day": series_velocity(found.popularity),
            },
        ),
    )
    set_phase_status(conn, track_id, PHASE, "done", now=now)


def _latest(series: Series | None) -> int | None:
    if not series:
        return None
    return int(max(series)[1])
