"""Phase 7: what changed, told once. An activity-log entry for the run and for each notable
change (new track, status change, velocity spike); the playlist's reporting row rebuilt;
PostgreSQL NOTIFY on `track_assets_events`; the optional signed webhook, which never fails the
run (what it misses waits in an outbox for the next run); `track-assets events serve` pushes
the same entries to WebSocket clients."""

from collections import Counter

import dagster as dg

from track_assets.db.notify import EVENTS_CHANNEL
from track_assets.db.repository import playlist_track_rows
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
    run_id = context.run.run_id
    told = []
    for playlist_id in run.playlist_ids:  # each playlist's events and report, one transaction
        with run.storing() as conn:
            told.append(
                announce_playlist(
                    conn,
                    playlist_id,
                    playlist_track_rows(conn, playlist_id),
                    run_id=run_id,
                    now=run.now,
                    queue_for_webhook=webhook.enabled,
                )
            )
        context.log.info(told[-1].message)
    deliveries = {"configured": False}
    if webhook.enabled:
        deliveries = deliver_outbox(run.engine, run_id, webhook.sender(), context.log)
    events = [e for t in told for e in t.events]
    statuses = Counter()
    for t in told:
        statuses.update(t.report.enrichment_status)
    run.report.worked = len(run.rows())
    run.report.rows_written = sum(len(t.recorded) for t in told)
    run.report.statuses = dict(statuses)
    run.report.preview = [
        {"kind": e.kind, "track_id": e.track_id, "message": e.message} for e in events
    ]
    summaries = [
        {
            "playlist": t.report.playlist_id,
            "tracks": t.report.tracks,
            "growing": t.report.growing_tracks,
        }
        | {f"status {k}": v for k, v in t.report.enrichment_status.items()}
        for t in told
    ]
    yield from run.finish(
        extra={
            "events": dict(
                sorted(sum((Counter(t.payload["events"]) for t in told), Counter()).items())
            ),
            "activity_ids": [e.id for t in told for e in t.recorded],
            "notify_channel": EVENTS_CHANNEL if run.engine.dialect.name == "postgresql" else "none",
            "webhook": deliveries,
            "report": dg.MetadataValue.md(markdown_table(summaries)),
        }
    )
