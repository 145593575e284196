"""Phase 2: songwriter, composer, lyricist, producer and performer credits and the play count,
from the Spotify web player (credits need a logged-in token, i.e. SPOTIFY_SP_DC)."""

from dataclasses import dataclass
from functools import partial

import dagster as dg

from track_assets.db.statuses import PhaseState
from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource, FreshnessResource, SpotifyWebResource
from track_assets.enrichment.spotify_credits import (
    NO_PLAY_COUNT,
    credits_coverage,
    credits_preview,
    credits_waiting_for_login,
    store_missing_credits,
    store_missing_play_count,
    store_play_count,
    store_track_credits,
)
from track_assets.enrichment.spotify_records import found_credits, play_counts
from track_assets.phases import SPOTIFY_CREDITS, SPOTIFY_CREDITS_LOOKUP, SPOTIFY_PLAY_COUNT


@phase_asset(SPOTIFY_CREDITS)
def spotify_credits(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    spotify_web: SpotifyWebResource,
):
    run = PhaseRun(context, SPOTIFY_CREDITS, database, freshness)
    album_of = {row.spotify_track_id: row.album_id for row in run.rows()}
    credits_due, counts_due = run.due(SPOTIFY_CREDITS_LOOKUP), run.due(SPOTIFY_PLAY_COUNT)
    with run.calling(spotify_web) as web:
        if web.sp_dc is not None:
            with run.storing() as conn:
                waiting = credits_waiting_for_login(conn, list(album_of))
            credits_due += [t for t in waiting if t not in credits_due]
            run.mark_due(waiting, SPOTIFY_CREDITS_LOOKUP)
        # An album's tracks side by side: one getAlbum gives all their play counts.
        work = sorted(dict.fromkeys(credits_due + counts_due), key=lambda t: album_of[t] or "")
        if work:
            due = _Due(set(credits_due), set(counts_due))
            run.in_batches(work, partial(_fetch_and_store, run, web, album_of, due))
    yield from run.finish(coverage=credits_coverage, preview=credits_preview)


@dataclass(frozen=True)
class _Due:
    credits: set[str]
    counts: set[str]


def _fetch_and_store(
    run: PhaseRun, web, album_of: dict[str, str | None], due: _Due, track_ids: list[str]
) -> None:
    credits_due = [t for t in track_ids if t in due.credits]
    counts_due = [t for t in track_ids if t in due.counts]
    credits = web.track_credits(credits_due) if credits_due else {}
    counts = play_counts(web, counts_due, album_of)
    with run.storing() as conn:
        for track_id in credits_due:
            found = found_credits(credits.get(track_id))
            if found is not None:
                run.report.rows_written += store_track_credits(conn, found, now=run.now)
                run.report.count(PhaseState.DONE)
                continue
            reason = str(getattr(credits.get(track_id), "reason", "not_returned"))
            run.report.count(store_missing_credits(conn, track_id, reason, now=run.now), reason)
        for track_id in counts_due:
            if counts.get(track_id) is None:
                store_missing_play_count(conn, track_id, now=run.now)
                run.report.count(PhaseState.FAILED, NO_PLAY_COUNT)
            else:
                store_play_count(conn, track_id, counts[track_id], now=run.now)
