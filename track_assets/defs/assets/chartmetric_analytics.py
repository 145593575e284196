"""Phase 5: Chartmetric id (by ISRC, else by Spotify id), moods, activities, reach and the Spotify popularity,
Spotify streams (where the plan allows) and YouTube views series, with their velocity."""

import time
from datetime import timedelta

import dagster as dg

from track_assets.db.records import ChartmetricTrack
from track_assets.db.repository import (
    playlist_track_rows,
    tracks_needing_phase,
)
from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import Coverage, PhaseReport, coverage_check, phase_result
from track_assets.defs.resources import ChartmetricResource, DatabaseResource
from track_assets.enrichment.chartmetric_analytics import (
    PHASE,
    ChartmetricFindings,
    store_chartmetric_findings,
)
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters
from track_assets.settings import load_settings

SERIES_DAYS = 28
ID_COVERAGE_MIN = 0.5  # Chartmetric does not know every track; below this, something is wrong


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["spotify_track_metadata"],
    pool="chartmetric_api",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"chartmetric"},
    check_specs=[dg.AssetCheckSpec("chartmetric_id_coverage", asset="chartmetric_analytics")],
    description=__doc__,
)
def chartmetric_analytics(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    chartmetric: ChartmetricResource,
):
    playlist_id = context.partition_key
    started = time.perf_counter()
    counters = RequestCounters()
    now = pipeline_now()
    engine = database.engine()
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
        isrcs = {r.spotify_track_id: r.isrc for r in rows}
        ttl = load_settings().volatile_ttl
        due = tracks_needing_phase(conn, PHASE, list(isrcs), now, ttl)
    report = PhaseReport(tracks=len(rows), worked=len(due), cache_hits=len(rows) - len(due))
    # By ISRC first; a track without one (or unknown by it) is looked up by its Spotify id.
    with fail_fast_on_systemic_errors(), chartmetric.client(counters) as client:
        findings = [_findings(client, track_id, isrcs[track_id], now) for track_id in due]
    with engine.begin() as conn:
        for found in findings:
            store_chartmetric_findings(conn, found, now=now)
            report.count("done" if found.chartmetric_id else "not_applicable", found.reason)
            report.rows_written += 1
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
    report.coverage = {
        "chartmetric_id": Coverage(sum(1 for r in rows if r.chartmetric_id), len(rows)),
        "moods": Coverage(sum(1 for r in rows if r.moods), len(rows)),
        "youtube_views": Coverage(sum(1 for r in rows if r.youtube_views is not None), len(rows)),
        "chartmetric_velocity": Coverage(
            sum(1 for r in rows if r.chartmetric_velocity is not None), len(rows)
        ),
    }
    streams_closed = sum(1 for f in findings if f.chartmetric_id and f.streams is None)
    report.extra = {"streams_not_in_plan": streams_closed}
    report.requests = counters.snapshot()
    report.seconds = time.perf_counter() - started
    report.preview = [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "chartmetric_id": r.chartmetric_id,
            "moods": r.moods,
            "youtube_views": r.youtube_views,
        }
        for r in rows
    ]
    yield phase_result(context, database.engine(), report)
    yield coverage_check(
        "chartmetric_id_coverage", report.coverage["chartmetric_id"], ID_COVERAGE_MIN
    )


def _findings(client, track_id: str, isrc: str | None, now) -> ChartmetricFindings:
    from track_assets.services.chartmetric import NotInPlan

    resolved = client.resolve_track(isrc, track_id)
    if not resolved.found:
        return ChartmetricFindings(
            track_id, None, reason=str(resolved.reason), candidate_ids=resolved.candidate_ids
        )
    cm_id = resolved.chartmetric_id
    info = client.track(cm_id)
    until = now.date()
    since = until - timedelta(days=SERIES_DAYS)

    def series(platform: str, stat_type: str | None = None):
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
        method=str(resolved.method),
        candidate_ids=resolved.candidate_ids,
        record=record,
        popularity=series("spotify", "popularity"),
        streams=streams,
        youtube_views=youtube or None,
    )
