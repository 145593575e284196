"""Phase 4's first half: the MusicBrainz works of the recordings of the ISRCs phase 4 will ask
(the first due track crediting each songwriter still to resolve), with their writers' aliases,
identifiers and links, kept for phase 4 (enrichment/musicbrainz_answers.py) and as the ISWC
evidence identity uses. It needs the credits, not The MLC, so MusicBrainz, the slowest service,
works while The MLC is asked. If it fails, phase 4 asks what is missing itself."""

import dagster as dg

from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource, FreshnessResource, MusicBrainzResource
from track_assets.enrichment.musicbrainz_answers import (
    recording_works_since,
    store_recording_works,
)
from track_assets.enrichment.musicbrainz_store import plan_links
from track_assets.enrichment.songwriter_links import CachedMusicBrainzLookups
from track_assets.phases import MUSICBRAINZ, MUSICBRAINZ_RECORDINGS


@phase_asset(MUSICBRAINZ_RECORDINGS)
def musicbrainz_recordings(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    musicbrainz: MusicBrainzResource,
):
    run = PhaseRun(context, MUSICBRAINZ_RECORDINGS, database, freshness)
    due = run.due_later(MUSICBRAINZ)
    with run.storing() as conn:
        plan = plan_links(conn, run.rows(), due, now=run.now, ttl=freshness.static_ttl)
        isrc_of = {t: plan.tracks[t].isrc for t in plan.resolved_on() if plan.tracks[t].isrc}
        since = run.now - freshness.static_ttl
        remembered = recording_works_since(conn, isrc_of.values(), since=since)
    to_ask = [t for t, isrc in isrc_of.items() if isrc not in remembered]
    context.log.info(
        f"{len(isrc_of)} ISRCs phase 4 will ask: {len(remembered)} answered within the TTL, "
        f"{len(set(isrc_of[t] for t in to_ask))} to ask"
    )
    with run.failing_fast():  # no sandbox running, a bad URL: the step fails at once
        lookups = CachedMusicBrainzLookups(musicbrainz.client(run.counters))
    lookups.remember(remembered)
    stored: set[str] = set()

    def fetch_and_store(track_ids: list[str]) -> None:
        for track_id in track_ids:
            lookups.recording_works(isrc_of[track_id])
        asked = {i: w for i, w in lookups.recording_works_asked().items() if i not in stored}
        with run.storing() as conn:
            store_recording_works(conn, asked, now=run.now)
        stored.update(asked)
        run.report.rows_written += len(asked)

    run.in_batches(to_ask, fetch_and_store)
    answers = lookups.recording_works_asked()
    yield from run.finish(
        extra={
            "isrcs_asked": len(answers),
            "isrcs_known_to_musicbrainz": sum(1 for works in answers.values() if works),
            "isrcs_answered_before": len(remembered),
        }
    )
