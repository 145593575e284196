"""Songwriter identity reconciled: once The MLC (phase 3) and MusicBrainz (phase 4) have both
answered, each track's work and each credited writer's match at The MLC are decided again with
all their evidence (MusicBrainz legal names, other-script names and IPIs; the ISWCs of the
recording's works), from the database alone."""

import dagster as dg

from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource
from track_assets.enrichment.identity_reconcile import (
    changed_preview,
    changes_by_outcome,
    decision,
    reconcile_tracks,
)
from track_assets.phases import SONGWRITER_IDENTITY


@phase_asset(SONGWRITER_IDENTITY)
def songwriter_identity(context: dg.AssetExecutionContext, database: DatabaseResource):
    run = PhaseRun(context, SONGWRITER_IDENTITY, database)
    rows = run.rows()
    with run.storing() as conn:
        outcomes = reconcile_tracks(conn, rows, run.now)
    run.report.worked = run.report.rows_written = len(outcomes)
    for outcome in outcomes:
        run.report.count(decision(outcome.result))
    run.report.preview = changed_preview(outcomes)
    changed = {
        "decisions_changed": sum(1 for o in outcomes if o.changed),
        "changed_to": dict(changes_by_outcome(outcomes)),
    }
    yield from run.finish(extra=changed)
