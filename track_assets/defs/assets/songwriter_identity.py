"""Songwriter identity reconciled: once The MLC (phase 3) and MusicBrainz (phase 4) have both
answered, each track's work and each credited writer's match at The MLC are decided again with
all their evidence (MusicBrainz legal names, other-script names and IPIs; the ISWCs of the
recording's works), from the database alone."""

import time

import dagster as dg

from track_assets.db.repository import playlist_track_rows
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import PhaseReport, phase_result
from track_assets.defs.resources import DatabaseResource
from track_assets.enrichment.identity_reconcile import changes_by_outcome, reconcile_tracks
from track_assets.pipeline_clock import pipeline_now


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["mlc_publisher_status", "musicbrainz_social_links"],
    kinds={"sqlalchemy"},
    description=__doc__,
)
def songwriter_identity(context: dg.AssetExecutionContext, database: DatabaseResource):
    started = time.perf_counter()
    now = pipeline_now()
    engine = database.engine()
    with engine.begin() as conn:
        rows = playlist_track_rows(conn, context.partition_key)
        outcomes = reconcile_tracks(conn, rows, now)
    report = PhaseReport(tracks=len(rows), worked=len(outcomes))
    report.rows_written = len(outcomes)
    for outcome in outcomes:
        result = outcome.result
        key = result.status.value if result.status else str(result.reason)
        report.statuses[key] = report.statuses.get(key, 0) + 1
    changed = [o for o in outcomes if o.changed]
    report.extra = {
        "decisions_changed": len(changed),
        "changed_to": dict(changes_by_outcome(outcomes)),
    }
    report.preview = [
        {
            "track_id": o.track_id,
            "status": o.result.status.value if o.result.status else str(o.result.reason),
            "song_code": o.result.song_code,
            "matched_writers": sum(m.work_writer is not None for m in o.result.credited_writers),
        }
        for o in changed
    ]
    report.seconds = time.perf_counter() - started
    return phase_result(context, database.engine(), report)
