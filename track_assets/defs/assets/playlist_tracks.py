"""Phase 0: read the playlist (Chartmetric if Spotify does not contradict its copy, then the Web
API, then the web player) and store it, with which source served and why."""

import functools
import time
from collections.abc import Callable
from contextlib import ExitStack

import dagster as dg

from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.playlist_sources import sources_in_order
from track_assets.defs.reporting import Coverage, PhaseReport, phase_result
from track_assets.defs.resources import (
    ChartmetricResource,
    DatabaseResource,
    SpotifyApiResource,
    SpotifyWebResource,
)
from track_assets.enrichment.playlist_fetch import (
    PlaylistUnavailable,
    fetch_first_available,
    known_version,
    record_failed_fetch,
    store_playlist_fetch,
)
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters


@dg.asset(
    partitions_def=playlists_partitions,
    pool="playlist_fetch",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"spotify", "chartmetric"},
    check_specs=[
        dg.AssetCheckSpec("playlist_has_tracks", asset="playlist_tracks"),
    ],
    description=__doc__,
)
def playlist_tracks(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    chartmetric: ChartmetricResource,
    spotify_api: SpotifyApiResource,
    spotify_web: SpotifyWebResource,
):
    playlist_id = context.partition_key
    started = time.perf_counter()
    counters = RequestCounters()
    with database.engine().connect() as conn:
        known = known_version(conn, playlist_id)
    with ExitStack() as clients:

        def opened(make: Callable) -> Callable:
            """The client, opened on first use and shared by the check and the sources."""
            return functools.cache(lambda: clients.enter_context(make(counters)))

        sources = sources_in_order(
            opened(chartmetric.client),
            opened(spotify_api.client),
            opened(spotify_web.client),
            playlist_id,
            known,
        )
        try:
            with fail_fast_on_systemic_errors():
                result = fetch_first_available(playlist_id, sources)
        except PlaylistUnavailable as unavailable:
            with database.engine().begin() as conn:
                record_failed_fetch(
                    conn,
                    playlist_id,
                    unavailable.attempts[-1].method if unavailable.attempts else "web_player",
                    str(unavailable),
                    now=pipeline_now(),
                    run_id=context.run.run_id,
                )
            raise dg.Failure(str(unavailable), allow_retries=False) from None
    for attempt in result.attempts:
        context.log.info(f"{attempt.method}: {attempt.answer}")
    context.log.info(result.reason)
    with database.engine().begin() as conn:
        stored = store_playlist_fetch(
            conn,
            result.playlist,
            now=pipeline_now(),
            run_id=context.run.run_id,
            reason=result.reason,
        )
    with_isrc = sum(1 for item in result.playlist.items if item.kind == "track" and item.isrc)
    report = PhaseReport(
        tracks=len(stored.track_ids),
        worked=len(stored.track_ids),
        rows_written=len(stored.track_ids),
        coverage={"isrc_from_fetch": Coverage(with_isrc, len(stored.track_ids))},
        requests=counters.snapshot(),
        seconds=time.perf_counter() - started,
        preview=[
            {"position": item.position, "track_id": item.track_id, "name": item.name}
            for item in result.playlist.items
            if item.kind == "track"
        ],
        extra={
            "fetch_id": stored.fetch_id,
            "fetch_method": stored.method,
            "fetch_reason": result.reason,
            "attempts": {a.method: a.answer for a in result.attempts},
            "new_tracks": len(stored.new_track_ids),
            "added_to_playlist": len(stored.added_track_ids),
            "removed_from_playlist": len(stored.removed_track_ids),
            "skipped": stored.skipped,
            "playlist_name": result.playlist.name or "",
        },
    )
    yield phase_result(context, database.engine(), report)
    yield dg.AssetCheckResult(
        check_name="playlist_has_tracks",
        passed=bool(stored.track_ids),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"tracks": len(stored.track_ids), "skipped": sum(stored.skipped.values())},
    )
