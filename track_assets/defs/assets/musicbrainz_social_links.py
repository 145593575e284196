"""Phase 4: up to 3 writers per track resolved to MusicBrainz artists (evidence first: ISRC ->
recording -> work -> writer, as `musicbrainz_recordings` asked it; then a Spotify URL
relationship; then a name only when an IPI or ISWC The MLC gives, or a title rare enough to
identify a work, corroborates it; an identifier disagreeing with The MLC's rules an artist out),
and their current social links by platform. Runs after phase 3 so The MLC's writers, IPIs and
ISWC are evidence here."""

import dagster as dg

from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource, FreshnessResource, MusicBrainzResource
from track_assets.enrichment.musicbrainz_answers import recording_works_since
from track_assets.enrichment.musicbrainz_store import (
    links_outcome,
    plan_links,
    resolve_songwriters,
    store_links_phase,
)
from track_assets.enrichment.songwriter_links import CachedMusicBrainzLookups
from track_assets.phases import MUSICBRAINZ_SOCIAL_LINKS


@phase_asset(MUSICBRAINZ_SOCIAL_LINKS)
def musicbrainz_social_links(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    musicbrainz: MusicBrainzResource,
):
    run = PhaseRun(context, MUSICBRAINZ_SOCIAL_LINKS, database, freshness)
    due = run.due()
    with run.failing_fast():  # no sandbox running, a bad URL: the step fails at once
        lookups = CachedMusicBrainzLookups(musicbrainz.client(run.counters))
    with run.storing() as conn:
        plan = plan_links(conn, run.rows(), due, now=run.now, ttl=freshness.static_ttl)
        isrcs = [track.isrc for track in plan.tracks.values() if track.isrc]
        # What musicbrainz_recordings asked is not asked again.
        remembered = recording_works_since(conn, isrcs, since=run.now - freshness.static_ttl)
    lookups.remember(remembered)
    unresolved = set(plan.unresolved)
    stored_isrcs: set[str] = set()

    def fetch_and_store(track_ids: list[str]) -> None:
        resolutions = resolve_songwriters(plan, track_ids, unresolved, lookups)
        asked = {
            isrc: works
            for isrc, works in lookups.recording_works_asked().items()
            if isrc not in stored_isrcs
        }
        batch = {t: plan.chosen[t] for t in track_ids}
        with run.storing() as conn:
            store_links_phase(conn, batch, resolutions, asked, run.report, now=run.now)
        stored_isrcs.update(asked)
        unresolved.difference_update(r.writer.songwriter_id for r in resolutions)

    run.in_batches(list(plan.chosen), fetch_and_store)
    with run.storing() as conn:
        outcome = links_outcome(conn, plan.chosen)
    run.report.preview = outcome.preview
    known = {
        "songwriters_on_due_tracks": len(plan.songwriter_ids),
        "songwriters_already_resolved": len(plan.songwriter_ids) - len(plan.unresolved),
        "isrcs_answered_by_musicbrainz_recordings": len(remembered),
    }
    yield from run.finish(coverage=lambda conn, rows: outcome.coverage, extra=known)
    chosen_writers = sum(len(w) for w in plan.chosen.values())
    yield dg.AssetCheckResult(
        check_name="writers_looked_up",
        passed=outcome.looked_up == chosen_writers,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"looked_up": outcome.looked_up, "chosen_writers": chosen_writers},
    )
