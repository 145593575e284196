"""Phase 7's writes: the playlist's events recorded once in the activity log (and queued for the
webhook), its reporting row rebuilt, listeners notified on commit; then the webhook outbox sent,
oldest first, without ever failing the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Engine

from track_assets.db.notify import notify_events
from track_assets.db.records import ActivityEntry, PlaylistReport, Track
from track_assets.db.repository import (
    activity_entries,
    append_activity,
    claim_webhook_batch,
    enqueue_webhook,
    event_json,
    event_states,
    requests_by_service,
    save_event_state,
    save_playlist_report,
    settle_webhook_entry,
    webhook_counts,
)
from track_assets.db.types import utc_now
from track_assets.enrichment.events import (
    TrackEvent,
    announced_state,
    playlist_report,
    run_summary,
    track_events,
)

if TYPE_CHECKING:
    from track_assets.services.webhook import WebhookSender

# A run sends at most this many outbox entries, holding them this long (longer than sending
# them can take: 4 POSTs of at most 5 s each, and backoff, per entry; a down receiver ends the
# batch at its first entry).
WEBHOOK_BATCH = 200
WEBHOOK_LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class Announcement:
    events: Sequence[TrackEvent]
    report: PlaylistReport
    recorded: Sequence[ActivityEntry]  # the track events' entries and the run's own
    message: str  # the run's one-line summary
    payload: dict[str, Any]


def announce_playlist(
    conn: Connection,
    playlist_id: str,
    tracks: Sequence[Track],
    *,
    run_id: str,
    now,
    queue_for_webhook: bool,
) -> Announcement:
    """Record what is new about the tracks since last announced, and the run's own entry."""
    announced = event_states(conn, [t.spotify_track_id for t in tracks])
    events = [e for t in tracks for e in track_events(announced.get(t.spotify_track_id), t)]
    report = playlist_report(playlist_id, tracks, run_id=run_id, now=now)
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
    message, payload = run_summary(
        playlist_id, events, report, requests_by_service(conn, run_id=run_id)
    )
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
    if queue_for_webhook:
        enqueue_webhook(conn, ids, now=utc_now())
    for track in tracks:
        save_event_state(conn, announced_state(track, now))
    save_playlist_report(conn, report)
    # Delivered to LISTENers when this transaction commits, never before.
    notify_events(conn, [e.id for e in recorded])
    return Announcement(events, report, recorded, message, payload)


def deliver_outbox(engine: Engine, run_id: str, sender: WebhookSender, log) -> dict[str, Any]:
    """Send the outbox, oldest first: this run's entries and any an earlier run could not
    deliver. Failures are logged and reported, never raised (the enrichment is stored)."""
    with engine.begin() as conn:
        claimed = claim_webhook_batch(
            conn, run_id, now=utc_now(), lease=WEBHOOK_LEASE, limit=WEBHOOK_BATCH
        )
        entries = activity_entries(conn, claimed)
    with sender:
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
        log.warning(
            f"webhook: {len(failed)} of {len(deliveries)} events not delivered to {sender.url}: "
            f"{failed[0].error}; {backlog} wait for the next run"
        )
    return {
        "configured": True,
        "delivered": len(deliveries) - len(failed),
        "failed": len(failed),
        "refused": sum(1 for d in deliveries if d.refused),
        "from_earlier_runs": sum(1 for e in entries if e.run_id != run_id),
        "backlog": backlog,
    }
