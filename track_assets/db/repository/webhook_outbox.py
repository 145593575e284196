"""The webhook outbox: activity entries queued for the receiver until it takes them.

Entries are enqueued in the transaction that records them; a run claims the pending ones,
oldest first, for a lease, sends them, then settles each: delivered, refused (a final 4xx) or
still pending (the receiver was down: the next run sends it again). Delivery is at least once:
a run that dies mid-send leaves its claim to expire, and receivers deduplicate on the entry id
(the X-Track-Assets-Delivery header).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from track_assets.db.tables import webhook_outbox

_PENDING = and_(webhook_outbox.c.delivered_at.is_(None), webhook_outbox.c.refused_at.is_(None))


def enqueue_webhook(conn: Connection, activity_ids: Sequence[int], *, now: datetime) -> None:
    if activity_ids:
        conn.execute(
            insert(webhook_outbox),
            [{"activity_id": i, "enqueued_at": now, "attempts": 0} for i in activity_ids],
        )


def claim_webhook_batch(
    conn: Connection, claimer: str, *, now: datetime, lease: timedelta, limit: int
) -> list[int]:
    """Up to `limit` pending entries no live lease holds, oldest first, now leased to
    `claimer` until now + lease. Another claimer's concurrent claim never gets the same ones:
    the UPDATE re-checks the lease (PostgreSQL re-reads a row another transaction updated)."""
    free = and_(
        _PENDING,
        or_(webhook_outbox.c.claimed_until.is_(None), webhook_outbox.c.claimed_until < now),
    )
    candidates = conn.scalars(
        select(webhook_outbox.c.activity_id)
        .where(free)
        .order_by(webhook_outbox.c.activity_id)
        .limit(limit)
    ).all()
    if not candidates:
        return []
    until = now + lease
    conn.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.activity_id.in_(candidates), free)
        .values(claimed_by=claimer, claimed_until=until)
    )
    return list(
        conn.scalars(
            select(webhook_outbox.c.activity_id)
            .where(
                webhook_outbox.c.activity_id.in_(candidates),
                webhook_outbox.c.claimed_by == claimer,
                webhook_outbox.c.claimed_until == until,
            )
            .order_by(webhook_outbox.c.activity_id)
        )
    )


def settle_webhook_entry(
    conn: Connection,
    activity_id: int,
    *,
    attempts: int,
    delivered: bool,
    refused: bool,
    error: str | None,
    now: datetime,
) -> None:
    """Record one send: `attempts` POSTs more; delivered, refused, or left pending; the lease
    released either way."""
    conn.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.activity_id == activity_id)
        .values(
            attempts=webhook_outbox.c.attempts + attempts,
            last_error=None if delivered else error,
            delivered_at=now if delivered else None,
            refused_at=now if refused else None,
            claimed_by=None,
            claimed_until=None,
        )
    )


def webhook_counts(conn: Connection) -> dict[str, int]:
    """Outbox entries `delivered`, `refused` (final) and `waiting` for the receiver."""
    outbox = webhook_outbox.c
    delivered, refused, total = conn.execute(
        select(
            func.count(outbox.delivered_at),
            func.count(outbox.refused_at),
            func.count(),
        ).select_from(webhook_outbox)
    ).one()
    return {"delivered": delivered, "refused": refused, "waiting": total - delivered - refused}
