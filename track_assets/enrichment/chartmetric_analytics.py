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
from track_assets.db.statuses import PhaseState
from track_assets.enrichment.phase_report import Coverage
from track_assets.phases import CHARTMETRIC

PHASE = CHARTMETRIC.key
SOURCE = "chartmetric"
VELOCITY_DAYS = 7
SERIES_DAYS = 28  # how much history each series is asked for
NOT_IN_PLAN = "not_in_plan"
# A track's Chartmetric id, once chosen, is used without asking again for the static TTL (ids
# are stable; the figures are what a daily refresh needs).
CHOSEN_BEFORE = "chosen_before"
# Chartmetric describes tracks by moods, activities and reach; it has no "stage" for a track
# (its career stages are an artist-level notion), so track_stage stays null with this reason.
NO_TRACK_STAGE = "not_provided_for_tracks"

Series = Sequence[tuple[date, float]]


@dataclass(frozen=True)
class ChartmetricFindings:
    track_id: str
    chartmetric_id: int | None
    method: str | None = None  # isrc | spotify_id | chosen_before (no request made for the id)
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
        set_phase_status(
            conn, track_id, PHASE, PhaseState.NOT_APPLICABLE, reason=found.reason, now=now
        )
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
    if found.method != CHOSEN_BEFORE:  # the link's time says when the id was last chosen
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
            playlist_reach=found.record.playlist_reach,
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
        "playlist_reach": None,
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
    set_phase_status(conn, track_id, PHASE, PhaseState.DONE, now=now)


def _latest(series: Series | None) -> int | None:
    if not series:
        return None
    return int(max(series)[1])


def find_chartmetric(
    client, track_id: str, isrc: str | None, now: datetime, chosen_id: int | None = None
) -> ChartmetricFindings:
    """What Chartmetric knows of one track: its id (`chosen_id`, the id chosen before and still
    fresh; else by ISRC, else by Spotify id), its record and the popularity, streams (where the
    plan allows) and YouTube views series."""
    from track_assets.services.chartmetric import NotInPlan

    if chosen_id is not None:
        method, candidate_ids = CHOSEN_BEFORE, ()
    else:
        resolved = client.resolve_track(isrc, track_id)
        if not resolved.found:
            return ChartmetricFindings(
                track_id, None, reason=str(resolved.reason), candidate_ids=resolved.candidate_ids
            )
        chosen_id, method = resolved.chartmetric_id, str(resolved.method)
        candidate_ids = resolved.candidate_ids
    cm_id = chosen_id
    info = client.track(cm_id)
    until = now.date()
    since = until - timedelta(days=SERIES_DAYS)

    def series(platform: str, stat_type: str | None = None) -> list[tuple[date, float]]:
        points = client.stats(cm_id, platform, "most-history", since, until, stat_type=stat_type)
        return [(p.day, p.value) for p in points]

    try:
        streams = series("spotify", "streams")
    except NotInPlan:
        streams = None
    youtube = series("youtube")
    record = ChartmetricTrack(
        chartmetric_id=cm_id,
        fetched_at=now,
        isrc=info.isrc,
        name=info.name,
        moods=list(info.moods),
        activities=list(info.activities),
        composer_name=info.composer_name,
        songwriters=[
            {"name": s.name, "chartmetric_id": s.chartmetric_id} for s in info.songwriters
        ],
        tags=list(info.tags),
        playlist_reach=info.playlist_reach,
        spotify_popularity=info.spotify_popularity,
        spotify_popularity_rank=info.spotify_popularity_rank,
    )
    return ChartmetricFindings(
        track_id,
        cm_id,
        method=method,
        candidate_ids=candidate_ids,
        record=record,
        popularity=series("spotify", "popularity"),
        streams=streams,
        youtube_views=youtube or None,
    )


def chartmetric_coverage(conn: Connection, rows: Sequence[Track]) -> dict[str, Coverage]:
    return {
        name: Coverage(sum(1 for r in rows if have(r)), len(rows))
        for name, have in {
            "chartmetric_id": lambda r: r.chartmetric_id,
            "moods": lambda r: r.moods,
            "youtube_views": lambda r: r.youtube_views is not None,
            "chartmetric_velocity": lambda r: r.chartmetric_velocity is not None,
        }.items()
    }


def chartmetric_preview(conn: Connection, rows: Sequence[Track]) -> list[dict]:
    return [
        {
            "track_id": row.spotify_track_id,
            "name": row.name,
            "chartmetric_id": row.chartmetric_id,
            "moods": row.moods,
            "youtube_views": row.youtube_views,
        }
        for row in rows
    ]
