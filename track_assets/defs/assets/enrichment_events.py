"""Phase 7: what changed, told once. An activity-log entry for the run and for each notable
change (new track, status change, velocity spike); the playlist's reporting row rebuilt;
PostgreSQL NOTIFY on `track_assets_events`; the optional signed webhook, which never fails the
run (what it misses waits in an outbox for the next run); `track-assets events serve` pushes
the same entries to WebSocket clients."""

import time
from datetime import timedelta

import dagster as dg
from sqlalchemy.engine import Engine

from track_assets.db.notify import EVENTS_CHANNEL, notify_events
from track_assets.db.repository import (
    activity_entries,
    append_activity,
    claim_webhook_batch,
    enqueue_webhook,
    event_json,
    event_states,
    playlist_track_rows,
    requests_by_service,
    save_event_state,
    save_playlist_report,
    settle_webhook_entry,
    webhook_counts,
)
from track_assets.db.types import utc_now
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import PhaseReport, markdown_table, phase_result
from track_assets.defs.resources import DatabaseResource
from track_assets.enrichment.events import (
    announced_state,
    playlist_report,
    run_summary,
    track_events,
)
from track_assets.pipeline_clock import pipeline_now
from track_assets.settings import Settings, load_settings

# A run sends at most this many outbox entries, holding them this long (longer than sending
# them can take: 4 POSTs of at most 5 s each, and backoff, per entry; a down receiver ends the
# batch at its first entry).
WEBHOOK_BATCH = 200
WEBHOOK_LEASE = timedelta(minutes=30)


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["enriched_tracks"],
    kinds={"sqlalchemy"},
    description=__doc__,
)
def enrichment_events(context: dg.AssetExecutionContext, database: DatabaseResource):
    started = time.perf_counter()
    playlist_id = context.partition_key
    run_id = context.run.run_id
    now = pipeline_now()
    engine = database.engine()
    settings = load_settings()
    with engine.begin() as conn:
        tracks = playlist_track_rows(conn, playlist_id)
        announced = event_states(conn, [t.spotify_track_id for t in tracks])
        events = [e for t in tracks for e in track_events(announced.get(t.spotify_track_id), t)]
        report = playlist_report(playlist_id, tracks, run_id=run_id, now=now)
        requests = requests_by_service(conn, run_id=run_id)
        ids = [
            append_activity(
                conn,
                event.kind,
                event.message,
                playlist_id=playlist_id,
                track_id=event.track_id,
                run_id=run_id,
                payload=event.payload,
                occurred_at=now,
            )
            for event in events
        ]
        message, payload = run_summary(playlist_id, events, report, requests)
        ids.append(
            append_activity(
                conn,
                "enrichment_run",
                message,
                playlist_id=playlist_id,
                run_id=run_id,
                payload=payload,
                occurred_at=now,
            )
        )
        recorded = activity_entries(conn, ids)
        if settings.webhook_url:
            enqueue_webhook(conn, ids, now=utc_now())
        for track in tracks:
            save_event_state(conn, announced_state(track, now))
        save_playlist_report(conn, report)
        # Delivered to LISTENers when this transaction commits, never before.
        notify_events(conn, [e.id for e in recorded])
    context.log.info(message)
    deliveries = _deliver_webhook(context, engine, settings)
    phase = PhaseReport(tracks=len(tracks), worked=len(tracks), rows_written=len(recorded))
    phase.seconds = time.perf_counter() - started
    phase.statuses = dict(report.enrichment_status)
    phase.preview = [{"kind": e.kind, "track_id": e.track_id, "message": e.message} for e in events]
    phase.extra = {
        "events": payload["events"],
        "activity_ids": [e.id for e in recorded],
        "notify_channel": EVENTS_CHANNEL if engine.dialect.name == "postgresql" else "none",
        "webhook": deliveries,
        "report": dg.MetadataValue.md(
            markdown_table(
                [
                    {"tracks": report.tracks, "growing": report.growing_tracks}
                    | {f"status {k}": v for k, v in report.enrichment_status.items()}
                ]
            )
        ),
    }
    return phase_result(context, engine, phase)


def _deliver_webhook(context: dg.AssetExecutionContext, engine: Engine, settings: Settings) -> dict:
    """Send the outbox, oldest first: this run's entries and any an earlier run could not
    deliver. Failures are logged and reported, never raised (the enrichment is stored)."""
    if not settings.webhook_url:
        return {"configured": False}
    from track_assets.services.webhook import WebhookSender

    run_id = context.run.run_id
    with engine.begin() as conn:
        claimed = claim_webhook_batch(
            conn, run_id, now=utc_now(), lease=WEBHOOK_LEASE, limit=WEBHOOK_BATCH
        )
        entries = activity_entries(conn, claimed)
    with WebhookSender(settings.webhook_url, settings.webhook_secret) as sender:
        deliveries = sender.deliver_all([event_json(e) for e in entries])
    with engine.begin() as conn:
        for entry, delivery in zip(entries, deliveries, strict=True):
            settle_webhook_entry(
                conn,
                entry.id,
                attempts=delivery.attempts,
                delivered=delivery.delivered,
                refused=delivery.refused,
                error=delivery.error,
                now=utc_now(),
            )
        backlog = webhook_counts(conn)["waiting"]
    failed = [d for d in deliveries if not d.delivered]
    if failed:
        context.log.warning(
            f"webhook: {len(failed)} of {len(deliveries)} events not delivered to "
            f"{settings.webhook_url}: {failed[0].error}; {backlog} wait for the next run"
        )
    return {
        "configured": True,
        "delivered": len(deliveries) - len(failed),
        "failed": len(failed),
        "refused": sum(1 for d in deliveries if d.refused),
        "from_earlier_runs": sum(1 for e in entries if e.run_id != run_id),
        "backlog": backlog,
    }
