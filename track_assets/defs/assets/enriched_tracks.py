"""Phase 6: every phase consolidated into the track's row (songwriter, composer, producer,
publisher, label, streams, popularity, genres, followers, Chartmetric figures, MLC status...),
its enrichment status (complete, partial with the phases missing and why, or failed), a dated
snapshot of its volatile figures, and its play-count velocity from those snapshots."""

import dagster as dg

from track_assets.db.statuses import EnrichmentStatus
from track_assets.defs.phase_asset import CONSOLIDATED_COLUMNS, PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource
from track_assets.enrichment.consolidate import (
    consolidate_track,
    consolidated_coverage,
    consolidated_preview,
    tally_consolidation,
)
from track_assets.phases import ENRICHED_TRACKS


@phase_asset(ENRICHED_TRACKS, columns=CONSOLIDATED_COLUMNS)
def enriched_tracks(context: dg.AssetExecutionContext, database: DatabaseResource):
    run = PhaseRun(context, ENRICHED_TRACKS, database)
    track_ids = [row.spotify_track_id for row in run.rows()]
    with run.storing() as conn:
        results = [consolidate_track(conn, track_id, now=run.now) for track_id in track_ids]
    run.report.worked = run.report.rows_written = len(results)
    tally_consolidation(results, run.report)
    yield from run.finish(coverage=consolidated_coverage, preview=consolidated_preview)
    yield dg.AssetCheckResult(
        check_name="every_track_consolidated",
        passed=all(r.enrichment_status != EnrichmentStatus.PENDING for r in run.final_rows),
        metadata={"statuses": dict(run.report.statuses)},
    )
