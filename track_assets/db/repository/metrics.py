"""Dated snapshots of a track's volatile figures (play count, popularity, Chartmetric stats)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import MetricSnapshot
from track_assets.db.statements import in_chunks, known_values, upsert_row
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


def metric_histories(
    conn: Connection, track_ids: Iterable[str], *, source: str
) -> dict[str, list[MetricSnapshot]]:
    """The snapshots of one source for each of these tracks that has any, oldest day first;
    one query per chunk of tracks, never one per track."""
    found: dict[str, list[MetricSnapshot]] = {}
    for chunk in in_chunks(sorted(set(track_ids))):
        query = (
            select(track_metric_snapshots)
            .where(
                track_metric_snapshots.c.track_id.in_(chunk),
                track_metric_snapshots.c.source == source,
            )
            .order_by(track_metric_snapshots.c.track_id, track_metric_snapshots.c.captured_on)
        )
        for row in conn.execute(query):
            snapshot = MetricSnapshot.from_row(row)
            found.setdefault(snapshot.track_id, []).append(snapshot)
    return found
