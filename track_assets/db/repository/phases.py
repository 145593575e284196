"""Per-track, per-phase progress: what is done and fresh, what failed and when to retry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from track_assets.db.records import PhaseStatus
from track_assets.db.statements import in_chunks, upsert_row
from track_assets.db.statuses import SETTLED, PhaseState
from track_assets.db.tables import PHASE_STATUSES, track_phase_status
from track_assets.db.types import utc_now

SETTLED_STATUSES = SETTLED


def set_phase_status(
    conn: Connection,
    track_id: str,
    phase: str,
    status: str,
    *,
    reason: str | None = None,
    next_retry_at: datetime | None = None,
    now: datetime | None = None,
) -> PhaseStatus:
    """Record the outcome of a phase for a track and return the stored status.

    done / not_applicable: fetched now, failures forgotten (attempts 0, no retry time).
    failed: one more attempt counted, retried from `next_retry_at` (None: at the next run);
    the last successful fetch time is kept.
    pending: to be (re)done at the next run; attempts kept.
    """
    if status not in PHASE_STATUSES:
        raise ValueError(f"phase status {status!r} is not one of {', '.join(PHASE_STATUSES)}")
    now = now or utc_now()
    values = {
        "track_id": track_id,
        "phase": phase,
        "status": status,
        "reason": reason,
        "next_retry_at": next_retry_at if status == PhaseState.FAILED else None,
    }
    on_update = {}
    if status in SETTLED_STATUSES:
        values.update(attempts=0, fetched_at=now)
    elif status == PhaseState.FAILED:
        values["attempts"] = 1
        on_update["attempts"] = track_phase_status.c.attempts + 1
    row = upsert_row(
        conn,
        track_phase_status,
        values,
        key=("track_id", "phase"),
        on_update=on_update,
        returning=tuple(track_phase_status.c),
        now=now,
    )
    return PhaseStatus.from_row(row)


def get_phase_status(conn: Connection, track_id: str, phase: str) -> PhaseStatus | None:
    row = conn.execute(
        select(track_phase_status).where(
            track_phase_status.c.track_id == track_id, track_phase_status.c.phase == phase
        )
    ).first()
    return PhaseStatus.from_row(row) if row is not None else None


def phase_statuses(
    conn: Connection, track_ids: Iterable[str], phase: str
) -> dict[str, PhaseStatus]:
    """The phase's status of each given track that has one."""
    found: dict[str, PhaseStatus] = {}
    for chunk in in_chunks(list(dict.fromkeys(track_ids))):
        rows = conn.execute(
            select(track_phase_status).where(
                track_phase_status.c.phase == phase, track_phase_status.c.track_id.in_(chunk)
            )
        )
        found.update({row.track_id: PhaseStatus.from_row(row) for row in rows})
    return found


def tracks_needing_phase(
    conn: Connection,
    phase: str,
    track_ids: Iterable[str],
    now: datetime,
    ttl: timedelta | None,
    *,
    max_attempts: int | None = None,
) -> list[str]:
    """The ids (in the given order) the phase should work on now.

    Skipped: done or not_applicable within `ttl` of `now` (None: never stale); failed with a
    retry time still ahead, or with `max_attempts` used up. Everything else is picked: never
    seen, pending, stale, failed and due.
    """
    ids = list(dict.fromkeys(track_ids))
    status = track_phase_status.c
    fresh = status.fetched_at.is_not(None)
    if ttl is not None:
        fresh = and_(fresh, status.fetched_at > now - ttl)
    waiting = and_(status.next_retry_at.is_not(None), status.next_retry_at > now)
    if max_attempts is not None:
        waiting = or_(waiting, status.attempts >= max_attempts)
    settled = or_(
        and_(status.status.in_(SETTLED_STATUSES), fresh),
        and_(status.status == PhaseState.FAILED, waiting),
    )
    skip: set[str] = set()
    for chunk in in_chunks(ids):
        skip.update(
            conn.execute(
                select(status.track_id).where(
                    status.phase == phase, status.track_id.in_(chunk), settled
                )
            ).scalars()
        )
    return [track_id for track_id in ids if track_id not in skip]


def phase_status_counts(conn: Connection, phase: str, track_ids: Iterable[str]) -> dict[str, int]:
    """How many of these tracks are in each status for the phase ('pending' includes unseen)."""
    ids = list(dict.fromkeys(track_ids))
    counts = dict.fromkeys(PHASE_STATUSES, 0)
    seen = 0
    status = track_phase_status.c
    for chunk in in_chunks(ids):
        for value in conn.execute(
            select(status.status).where(status.phase == phase, status.track_id.in_(chunk))
        ).scalars():
            counts[value] += 1
            seen += 1
    counts[PhaseState.PENDING] += len(ids) - seen
    return counts
