"""Phase 1: ISRC, album, label, release date, popularity, artists and audio features. The
play counts the web player's getAlbum gave with an album's label are stored too: phase 2 does
not ask them again while they are fresh."""

from datetime import timedelta
from functools import partial

import dagster as dg

from track_assets.db.repository import set_phase_status
from track_assets.db.statuses import PhaseState
from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import (
    DatabaseResource,
    FreshnessResource,
    SpotifyApiResource,
    SpotifyWebResource,
)
from track_assets.enrichment.spotify_credits import store_play_count
from track_assets.enrichment.spotify_metadata import (
    PHASE,
    metadata_coverage,
    metadata_preview,
    store_track_metadata,
)
from track_assets.enrichment.spotify_records import fetch_track_metadata
from track_assets.phases import SPOTIFY_TRACK_METADATA

RETRY_UNKNOWN_AFTER = timedelta(days=1)
UNKNOWN = "unknown to the Spotify Web API"
PLAY_COUNTS_FROM_ALBUMS = "play_counts_from_albums"


@phase_asset(SPOTIFY_TRACK_METADATA)
def spotify_track_metadata(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    spotify_api: SpotifyApiResource,
    spotify_web: SpotifyWebResource,
):
    run = PhaseRun(context, SPOTIFY_TRACK_METADATA, database, freshness)
    due = run.due()
    if due:
        with run.calling(spotify_api) as api, run.calling(spotify_web) as web:
            run.in_batches(due, partial(_fetch_and_store, run, api, web, spotify_api.market))
    yield from run.finish(coverage=metadata_coverage, preview=metadata_preview)


def _fetch_and_store(run: PhaseRun, api, web, market: str | None, track_ids: list[str]) -> None:
    fetched = fetch_track_metadata(api, web, track_ids, market=market, log=run.context.log)
    with run.storing() as conn:
        for track_id in track_ids:
            metadata = fetched.get(track_id)
            if metadata is not None:
                store_track_metadata(conn, metadata, now=run.now)
                if metadata.play_count is not None:
                    store_play_count(conn, track_id, metadata.play_count, now=run.now)
                    extra = run.report.extra
                    extra[PLAY_COUNTS_FROM_ALBUMS] = extra.get(PLAY_COUNTS_FROM_ALBUMS, 0) + 1
                run.report.count(PhaseState.DONE)
                run.report.rows_written += 1
                continue
            set_phase_status(
                conn,
                track_id,
                PHASE,
                PhaseState.FAILED,
                reason=UNKNOWN,
                next_retry_at=run.now + RETRY_UNKNOWN_AFTER,
                now=run.now,
            )
            run.report.count(PhaseState.FAILED, UNKNOWN)
