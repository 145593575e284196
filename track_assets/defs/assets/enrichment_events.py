"""Phase 7: what changed, told once. An activity-log entry for the run and for each notable
change (new track, status change, velocity spike); the playlist's reporting row rebuilt;
PostgreSQL NOTIFY on `track_assets_events`; the optional signed webhook, which never fails the
run (what it misses waits in an outbox for the next run); `track-assets events serve` pushes
the same entries to WebSocket clients."""

import dagster as dg

from track_assets.db.notify import EVENTS_CHANNEL
from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource, WebhookResource
from track_assets.enrichment.announce import announce_playlist, deliver_outbox
from track_assets.enrichment.phase_report import markdown_table
from track_assets.phases import ENRICHMENT_EVENTS


@phase_asset(ENRICHMENT_EVENTS)
def enrichment_events(
    context: dg.AssetExecutionContext, database: DatabaseResource, webhook: WebhookResource
):
    run = PhaseRun(context, ENRICHMENT_EVENTS, database)
    run_id, tracks = context.run.run_id, run.rows()
    with run.storing() as conn:
        told = announce_playlist(
            conn,
            run.playlist_id,
            tracks,
            run_id=run_id,
            now=run.now,
            queue_for_webhook=webhook.enabled,
        )
    context.log.info(told.message)
    deliveries = {"configured": False}
    if webhook.enabled:
        deliveries = deliver_outbox(run.engine, run_id, webhook.sender(), context.log)
    report = told.report
    run.report.worked, run.report.rows_written = len(tracks), len(told.recorded)
    run.report.statuses = dict(report.enrichment_status)
    run.report.preview = [
        {"kind": e.kind, "track_id": e.track_id, "message": e.message} for e in told.events
    ]
    summary = {"tracks": report.tracks, "growing": report.growing_tracks}
    yield from run.finish(
        extra={
            "events": told.payload["events"],
            "activity_ids": [e.id for e in told.recorded],
            "notify_channel": EVENTS_CHANNEL if run.engine.dialect.name == "postgresql" else "none",
            "webhook": deliveries,
            "report": dg.MetadataValue.md(
                markdown_table(
                    [summary | {f"status {k}": v for k, v in report.enrichment_status.items()}]
                )
            ),
        }
    )
