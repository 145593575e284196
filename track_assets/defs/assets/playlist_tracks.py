"""Phase 0: read the playlist (Chartmetric if Spotify does not contradict its copy, then the Web
API, then the web player) and store it, with which source served and why."""

import functools
from contextlib import ExitStack

import dagster as dg

from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import (
    ChartmetricResource,
    DatabaseResource,
    SpotifyApiResource,
    SpotifyWebResource,
)
from track_assets.enrichment.phase_report import Coverage
from track_assets.enrichment.playlist_fetch import (
    PlaylistUnavailable,
    fetch_first_available,
    fetch_summary,
    known_version,
    record_unavailable,
    store_playlist_fetch,
)
from track_assets.enrichment.playlist_sources import sources_in_order
from track_assets.phases import PLAYLIST_TRACKS


@phase_asset(PLAYLIST_TRACKS)
def playlist_tracks(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    chartmetric: ChartmetricResource,
    spotify_api: SpotifyApiResource,
    spotify_web: SpotifyWebResource,
):
    run = PhaseRun(context, PLAYLIST_TRACKS, database)
    run_id, playlist_id = context.run.run_id, run.playlist_id
    with run.storing() as conn:
        known = known_version(conn, playlist_id)
    with ExitStack() as clients, run.failing_fast():
        # Each client opened on first use, shared by the copy check and the sources.
        opened = [
            functools.cache(lambda r=r: clients.enter_context(r.client(run.counters)))
            for r in (chartmetric, spotify_api, spotify_web)
        ]
        try:
            result = fetch_first_available(
                playlist_id, sources_in_order(*opened, playlist_id, known)
            )
        except PlaylistUnavailable as unavailable:
            with run.storing() as conn:
                record_unavailable(conn, unavailable, now=run.now, run_id=run_id)
            raise dg.Failure(str(unavailable), allow_retries=False) from None
    context.log.info(result.reason)
    with run.storing() as conn:
        stored = store_playlist_fetch(
            conn, result.playlist, now=run.now, run_id=run_id, reason=result.reason
        )
    tracks = [item for item in result.playlist.items if item.kind == "track"]
    run.report.worked = run.report.rows_written = len(stored.track_ids)
    run.report.coverage = {
        "isrc_from_fetch": Coverage(sum(1 for t in tracks if t.isrc), len(stored.track_ids))
    }
    run.report.preview = [
        {"position": t.position, "track_id": t.track_id, "name": t.name} for t in tracks
    ]
    yield from run.finish(extra=fetch_summary(result, stored))
    yield dg.AssetCheckResult(
        check_name="playlist_has_tracks",
        passed=bool(stored.track_ids),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"tracks": len(stored.track_ids), "skipped": sum(stored.skipped.values())},
    )
