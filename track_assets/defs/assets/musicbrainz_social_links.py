"""Phase 4: up to 3 writers per track resolved to MusicBrainz artists (evidence first: ISRC ->
recording -> work -> writer; then a Spotify URL relationship; then a name only when an IPI or
ISWC The MLC gives, or a title rare enough to identify a work, corroborates it; an identifier
disagreeing with The MLC's rules an artist out), and their current social links by platform.
Runs after phase 3 so The MLC's writers, IPIs and ISWC are evidence here."""

import dagster as dg

from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource, FreshnessResource, MusicBrainzResource
from track_assets.enrichment.musicbrainz_store import (
    links_outcome,
    resolve_songwriters,
    songwriters_to_resolve,
    store_links_phase,
    tracks_for_links,
)
from track_assets.enrichment.songwriter_links import CachedMusicBrainzLookups, writers_to_resolve
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
    with run.storing() as conn:
        tracks = tracks_for_links(conn, run.rows(), due)
        chosen = {t: writers_to_resolve(track.writers) for t, track in tracks.items()}
        ids = {w.songwriter_id for ws in chosen.values() for w in ws if w.songwriter_id}
        unresolved = set(songwriters_to_resolve(conn, ids, now=run.now, ttl=freshness.static_ttl))
    known = {
        "songwriters_on_due_tracks": len(ids),
        "songwriters_already_resolved": len(ids) - len(unresolved),
    }
    stored_isrcs: set[str] = set()
    with run.failing_fast():  # no sandbox running, a bad URL: the step fails at once
        lookups = CachedMusicBrainzLookups(musicbrainz.client(run.counters))

    def fetch_and_store(track_ids: list[str]) -> None:
        batch = {t: chosen[t] for t in track_ids}
        resolutions = resolve_songwriters(batch, tracks, unresolved, lookups)
        seen = {
            isrc: works
            for isrc, works in lookups.recording_works_seen().items()
            if isrc not in stored_isrcs
        }
        with run.storing() as conn:
            store_links_phase(conn, batch, resolutions, seen, run.report, now=run.now)
        stored_isrcs.update(seen)
        unresolved.difference_update(r.writer.songwriter_id for r in resolutions)

    run.in_batches(list(chosen), fetch_and_store)
    with run.storing() as conn:
        outcome = links_outcome(conn, chosen)
    run.report.preview = outcome.preview
    yield from run.finish(coverage=lambda conn, rows: outcome.coverage, extra=known)
    chosen_writers = sum(len(w) for w in chosen.values())
    yield dg.AssetCheckResult(
        check_name="writers_looked_up",
        passed=outcome.looked_up == chosen_writers,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"looked_up": outcome.looked_up, "chosen_writers": chosen_writers},
    )
