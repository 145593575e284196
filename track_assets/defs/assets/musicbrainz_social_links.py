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
    with run.failing_fast():
        lookups = CachedMusicBrainzLookups(musicbrainz.client(run.counters))
        resolutions = resolve_songwriters(chosen, tracks, unresolved, lookups)
    with run.storing() as conn:
        seen = lookups.recording_works_seen()
        store_links_phase(conn, chosen, resolutions, seen, run.report, now=run.now)
        outcome = links_outcome(conn, chosen)
    run.report.preview = outcome.preview
    known = {
        "songwriters_on_due_tracks": len(ids),
        "songwriters_already_resolved": len(ids) - len(unresolved),
    }
    yield from run.finish(coverage=lambda conn, rows: outcome.coverage, extra=known)
    chosen_writers = sum(len(w) for w in chosen.values())
    yield dg.AssetCheckResult(
        check_name="writers_looked_up",
        passed=outcome.looked_up == chosen_writers,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"looked_up": outcome.looked_up, "chosen_writers": chosen_writers},
    )
