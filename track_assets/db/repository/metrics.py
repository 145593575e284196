"""Dated snapshots of a track's volatile figures (play count, popularity, Chartmetric stats)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import MetricSnapshot
from track_assets.db.statements import known_values, upsert_row
from track_assets.db.tables import track_metric_snapshots


def upsert_metric_snapshot(conn: Connection, snapshot: MetricSnapshot) -> int:
    """Store the figures of one track, source and UTC day; returns the snapshot id.

    A second capture on the same day updates that day's row (latest figures, latest time);
    a figure it lacks (None) keeps the value captured earlier that day."""
    values = snapshot.as_values()
    values.pop("id")
    if values["captured_on"] is None:
        values["captured_on"] = snapshot.captured_at.astimezone(UTC).date()
    row = upsert_row(
        conn,
        track_metric_snapshots,
        known_values(values, track_metric_snapshots),
        key=("track_id", "captured_on", "source"),
        returning=(track_metric_snapshots.c.id,),
    )
    return row.id


def metric_history(
    conn: Connection, track_id: str, *, source: str | None = None
) -> list[MetricSnapshot]:
    """The track's snapshots, oldest day first."""
    query = (
        select(track_metric_snapshots)
        .where(track_metric_snapshots.c.track_id == track_id)
        .order_by(track_metric_snapshots.c.captured_on, track_metric_snapshots.c.source)
    )
    if source is not None:
        query = query.where(track_metric_snapshots.c.source == source)
    return [MetricSnapshot.from_row(row) for row in conn.execute(query)]
