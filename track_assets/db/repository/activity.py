"""The activity log: what happened, in order, for people and the live feed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import ActivityEntry
from track_assets.db.statements import in_chunks
from track_assets.db.tables import activity_log
from track_assets.db.types import utc_now


def append_activity(
    conn: Connection,
    kind: str,
    message: str,
    *,
    playlist_id: str | None = None,
    track_id: str | None = None,
    run_id: str | None = None,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> int:
    """Append one entry (never deduplicated: each call is one event); returns its id."""
    return conn.execute(
        activity_log.insert()
        .values(
            occurred_at=occurred_at or utc_now(),
            kind=kind,
            message=message,
            playlist_id=playlist_id,
            track_id=track_id,
            run_id=run_id,
            payload=payload,
        )
        .returning(activity_log.c.id)
    ).scalar_one()


def activity_since(
    conn: Connection, after_id: int = 0, *, limit: int = 100, playlist_id: str | None = None
) -> list[ActivityEntry]:
    """Entries after `after_id`, oldest first (a feed's cursor)."""
    query = (
        select(activity_log)
        .where(activity_log.c.id > after_id)
        .order_by(activity_log.c.id)
        .limit(limit)
    )
    if playlist_id is not None:
        query = query.where(activity_log.c.playlist_id == playlist_id)
    return [ActivityEntry.from_row(row) for row in conn.execute(query)]


def event_json(entry: ActivityEntry) -> dict[str, Any]:
    """The JSON form of one entry, as the live feed and the webhook deliver it."""
    return {
        "id": entry.id,
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
        "kind": entry.kind,
        "message": entry.message,
        "playlist_id": entry.playlist_id,
        "track_id": entry.track_id,
        "run_id": entry.run_id,
        "payload": entry.payload,
    }


def activity_entries(conn: Connection, ids: Sequence[int]) -> list[ActivityEntry]:
    """These entries, oldest first."""
    found: list[ActivityEntry] = []
    for chunk in in_chunks(list(ids)):
        rows = conn.execute(select(activity_log).where(activity_log.c.id.in_(chunk)))
        found.extend(ActivityEntry.from_row(row) for row in rows)
    return sorted(found, key=lambda entry: entry.id)
