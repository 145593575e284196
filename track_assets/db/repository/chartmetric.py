"""Chartmetric tracks and which of them (one ISRC can map to several) each track uses, and which
Chartmetric playlist each Spotify playlist is."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from track_assets.db.records import ChartmetricPlaylistSearch, ChartmetricTrack
from track_assets.db.statements import in_chunks, known_values, upsert_row
from track_assets.db.tables import chartmetric_playlists, chartmetric_tracks, track_chartmetric


def upsert_chartmetric_track(
    conn: Connection, track: ChartmetricTrack, *, clear: Collection[str] = ()
) -> None:
    """Insert or update one Chartmetric track; None fields keep the stored values."""
    values = known_values(track.as_values(), chartmetric_tracks, clear)
    upsert_row(conn, chartmetric_tracks, values, key=("chartmetric_id",))


def get_chartmetric_track(conn: Connection, chartmetric_id: int) -> ChartmetricTrack | None:
    row = conn.execute(
        select(chartmetric_tracks).where(chartmetric_tracks.c.chartmetric_id == chartmetric_id)
    ).first()
    return ChartmetricTrack.from_row(row) if row is not None else None


def link_track_chartmetric(
    conn: Connection,
    track_id: str,
    chartmetric_id: int,
    *,
    is_chosen: bool = False,
    matched_isrc: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record a Chartmetric candidate for a track; choosing one un-chooses the others."""
    if is_chosen:
        conn.execute(
            update(track_chartmetric)
            .where(
                track_chartmetric.c.track_id == track_id,
                track_chartmetric.c.chartmetric_id != chartmetric_id,
                track_chartmetric.c.is_chosen.is_(True),
            )
            .values(is_chosen=False)
        )
    values = known_values(
        {
            "track_id": track_id,
            "chartmetric_id": chartmetric_id,
            "is_chosen": is_chosen,
            "matched_isrc": matched_isrc,
        },
        track_chartmetric,
    )
    upsert_row(conn, track_chartmetric, values, key=("track_id", "chartmetric_id"), now=now)


def track_chartmetric_ids(conn: Connection, track_id: str) -> list[tuple[int, bool]]:
    """(chartmetric_id, is_chosen) for each candidate of the track, the chosen one first."""
    rows = conn.execute(
        select(track_chartmetric.c.chartmetric_id, track_chartmetric.c.is_chosen)
        .where(track_chartmetric.c.track_id == track_id)
        .order_by(track_chartmetric.c.is_chosen.desc(), track_chartmetric.c.chartmetric_id)
    )
    return [(row.chartmetric_id, row.is_chosen) for row in rows]


def chosen_chartmetric_ids(
    conn: Connection, track_ids: Collection[str], *, chosen_since: datetime
) -> dict[str, int]:
    """The Chartmetric id each track uses, for the tracks whose id was chosen (or chosen again)
    at `chosen_since` or later: an id a phase may use without asking Chartmetric again."""
    chosen: dict[str, int] = {}
    for chunk in in_chunks(track_ids):
        rows = conn.execute(
            select(track_chartmetric.c.track_id, track_chartmetric.c.chartmetric_id).where(
                track_chartmetric.c.track_id.in_(chunk),
                track_chartmetric.c.is_chosen.is_(True),
                track_chartmetric.c.updated_at >= chosen_since,
            )
        )
        chosen.update({row.track_id: row.chartmetric_id for row in rows})
    return chosen


def store_chartmetric_playlist_search(conn: Connection, search: ChartmetricPlaylistSearch) -> None:
    """Keep Chartmetric's latest answer for a Spotify playlist (replacing the one before)."""
    upsert_row(
        conn,
        chartmetric_playlists,
        search.as_values(),
        key=("spotify_playlist_id",),
        now=search.searched_at,
    )


def chartmetric_playlist_search_since(
    conn: Connection, spotify_playlist_id: str, *, since: datetime
) -> ChartmetricPlaylistSearch | None:
    """The kept answer for this playlist when Chartmetric gave it after `since`, else None."""
    row = conn.execute(
        select(chartmetric_playlists).where(
            chartmetric_playlists.c.spotify_playlist_id == spotify_playlist_id,
            chartmetric_playlists.c.searched_at > since,
        )
    ).first()
    return ChartmetricPlaylistSearch.from_row(row) if row is not None else None
