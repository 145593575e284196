"""Phase 7's memory of what it announced per track, and the per-playlist reporting rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import PlaylistReport, TrackEventState
from track_assets.db.statements import in_chunks, upsert_row
from track_assets.db.tables import playlist_reports, track_event_state


def event_states(conn: Connection, track_ids: Iterable[str]) -> dict[str, TrackEventState]:
    """The last announced state of each of these tracks that has one."""
    states: dict[str, TrackEventState] = {}
    for chunk in in_chunks(list(dict.fromkeys(track_ids))):
        rows = conn.execute(
            select(track_event_state).where(track_event_state.c.track_id.in_(chunk))
        )
        for row in rows:
            state = TrackEventState.from_row(row)
            states[state.track_id] = state
    return states


def save_event_state(conn: Connection, state: TrackEventState) -> None:
    upsert_row(conn, track_event_state, state.as_values(), key=["track_id"])


def save_playlist_report(conn: Connection, report: PlaylistReport) -> None:
    upsert_row(conn, playlist_reports, report.as_values(), key=["playlist_id"])


def get_playlist_report(conn: Connection, playlist_id: str) -> PlaylistReport | None:
    row = conn.execute(
        select(playlist_reports).where(playlist_reports.c.playlist_id == playlist_id)
    ).first()
    return PlaylistReport.from_row(row) if row is not None else None
