"""Playlists, their fetches and their track memberships."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from track_assets.db.records import Playlist, PlaylistFetch, PlaylistMembership, Track
from track_assets.db.statements import in_chunks, known_values, upsert_row
from track_assets.db.statuses import FetchStatus
from track_assets.db.tables import (
    FETCH_METHODS,
    playlist_fetches,
    playlist_tracks,
    playlists,
    tracks,
)
from track_assets.db.types import utc_now

FETCH_STATUSES = tuple(FetchStatus)


def upsert_playlist(
    conn: Connection,
    *,
    spotify_playlist_id: str,
    name: str | None = None,
    owner: str | None = None,
    followers: int | None = None,
    is_editorial: bool | None = None,
    url: str | None = None,
    now: datetime | None = None,
) -> None:
    """Track a playlist (again, if it was removed); None arguments keep what is stored."""
    now = now or utc_now()
    values = known_values(
        {
            "spotify_playlist_id": spotify_playlist_id,
            "name": name,
            "owner": owner,
            "followers": followers,
            "is_editorial": is_editorial,
            "url": url,
            "added_at": now,
        },
        playlists,
        clear=("removed_at",),
    )
    upsert_row(
        conn, playlists, values, key=("spotify_playlist_id",), insert_only=("added_at",), now=now
    )


def mark_playlist_removed(
    conn: Connection, spotify_playlist_id: str, *, now: datetime | None = None
) -> bool:
    """Stop tracking a playlist; its tracks and history stay. False if there is no such row."""
    row = _playlist_row(conn, spotify_playlist_id)
    if row is None:
        return False
    if row.removed_at is None:
        conn.execute(
            update(playlists)
            .where(playlists.c.spotify_playlist_id == spotify_playlist_id)
            .values(removed_at=now or utc_now())
        )
    return True


def get_playlist(conn: Connection, spotify_playlist_id: str) -> Playlist | None:
    row = _playlist_row(conn, spotify_playlist_id)
    return Playlist.from_row(row) if row is not None else None


def list_playlists(conn: Connection, *, include_removed: bool = False) -> list[Playlist]:
    """Tracked playlists, oldest first (removed ones too when asked)."""
    query = select(playlists).order_by(playlists.c.added_at, playlists.c.spotify_playlist_id)
    if not include_removed:
        query = query.where(playlists.c.removed_at.is_(None))
    return [Playlist.from_row(row) for row in conn.execute(query)]


def record_playlist_fetch(conn: Connection, fetch: PlaylistFetch) -> int:
    """Store one fetch (always a new row) and return its id; a fetch that did not fail also
    becomes the playlist's `last_fetched_at`."""
    if fetch.method not in FETCH_METHODS:
        raise ValueError(f"fetch method {fetch.method!r} is not one of {', '.join(FETCH_METHODS)}")
    if fetch.status not in FETCH_STATUSES:
        raise ValueError(f"fetch status {fetch.status!r} is not one of {', '.join(FETCH_STATUSES)}")
    values = fetch.as_values()
    values.pop("id")
    fetch_id = conn.execute(
        playlist_fetches.insert().values(values).returning(playlist_fetches.c.id)
    ).scalar_one()
    if fetch.status != FetchStatus.FAILED:
        conn.execute(
            update(playlists)
            .where(playlists.c.spotify_playlist_id == fetch.playlist_id)
            .values(last_fetched_at=fetch.fetched_at)
        )
    return fetch_id


def latest_playlist_fetch(
    conn: Connection, playlist_id: str, *, landed_only: bool = False
) -> PlaylistFetch | None:
    """The playlist's latest fetch (with `landed_only`, the latest that did not fail)."""
    query = select(playlist_fetches).where(playlist_fetches.c.playlist_id == playlist_id)
    if landed_only:
        query = query.where(playlist_fetches.c.status != FetchStatus.FAILED)
    row = conn.execute(
        query.order_by(playlist_fetches.c.fetched_at.desc(), playlist_fetches.c.id.desc()).limit(1)
    ).first()
    return PlaylistFetch.from_row(row) if row is not None else None


def playlist_fetches_after(
    conn: Connection, after_id: int = 0, *, limit: int = 100
) -> list[PlaylistFetch]:
    """Fetches stored after `after_id`, oldest first (a sensor's cursor)."""
    rows = conn.execute(
        select(playlist_fetches)
        .where(playlist_fetches.c.id > after_id)
        .order_by(playlist_fetches.c.id)
        .limit(limit)
    )
    return [PlaylistFetch.from_row(row) for row in rows]


def upsert_playlist_membership(
    conn: Connection,
    playlist_id: str,
    track_id: str,
    *,
    position: int | None = None,
    added_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """The track is in the playlist as of `now`: first seen once, last seen each fetch."""
    now = now or utc_now()
    values = known_values(
        {
            "playlist_id": playlist_id,
            "track_id": track_id,
            "position": position,
            "added_at": added_at,
            "first_seen_at": now,
            "last_seen_at": now,
        },
        playlist_tracks,
        clear=("removed_at",),
    )
    upsert_row(
        conn,
        playlist_tracks,
        values,
        key=("playlist_id", "track_id"),
        insert_only=("first_seen_at",),
        now=now,
    )


def mark_missing_memberships_removed(
    conn: Connection,
    playlist_id: str,
    present_track_ids: Iterable[str],
    *,
    now: datetime | None = None,
) -> list[str]:
    """Mark removed every current member not in `present_track_ids`; returns their ids."""
    present = set(present_track_ids)
    gone = [
        track_id for track_id in playlist_track_ids(conn, playlist_id) if track_id not in present
    ]
    for chunk in in_chunks(gone):
        conn.execute(
            update(playlist_tracks)
            .where(
                playlist_tracks.c.playlist_id == playlist_id,
                playlist_tracks.c.track_id.in_(chunk),
            )
            .values(removed_at=now or utc_now())
        )
    return gone


def playlist_track_ids(
    conn: Connection, playlist_id: str, *, include_removed: bool = False
) -> list[str]:
    """The playlist's track ids in playlist order."""
    return [
        membership.track_id
        for membership in playlist_memberships(conn, playlist_id, include_removed=include_removed)
    ]


def playlist_track_counts(conn: Connection, playlist_ids: Sequence[str]) -> dict[str, int]:
    """How many tracks are now on each playlist (0 for one unknown or empty)."""
    counts = dict.fromkeys(playlist_ids, 0)
    for chunk in in_chunks(playlist_ids):
        query = (
            select(playlist_tracks.c.playlist_id, func.count())
            .where(playlist_tracks.c.playlist_id.in_(chunk), playlist_tracks.c.removed_at.is_(None))
            .group_by(playlist_tracks.c.playlist_id)
        )
        counts.update({playlist_id: n for playlist_id, n in conn.execute(query)})
    return counts


def playlist_track_rows(conn: Connection, playlist_id: str) -> list[Track]:
    """The tracks now on the playlist, in playlist order, in one query (the same order as
    `playlist_track_ids`)."""
    query = (
        select(tracks)
        .join(playlist_tracks, playlist_tracks.c.track_id == tracks.c.spotify_track_id)
        .where(playlist_tracks.c.playlist_id == playlist_id, playlist_tracks.c.removed_at.is_(None))
        .order_by(playlist_tracks.c.position.asc().nulls_last(), playlist_tracks.c.track_id)
    )
    return [Track.from_row(row) for row in conn.execute(query)]


def playlists_track_rows(conn: Connection, playlist_ids: Sequence[str]) -> list[Track]:
    """The tracks now on any of the playlists, each once, in the order of `playlist_ids` and
    then playlist order (one query per `IN` chunk)."""
    order = {playlist_id: index for index, playlist_id in enumerate(playlist_ids)}
    found = []
    for chunk in in_chunks(order):
        query = (
            select(tracks, playlist_tracks.c.playlist_id.label("_on"), playlist_tracks.c.position)
            .join(playlist_tracks, playlist_tracks.c.track_id == tracks.c.spotify_track_id)
            .where(playlist_tracks.c.playlist_id.in_(chunk), playlist_tracks.c.removed_at.is_(None))
        )
        found.extend(conn.execute(query))
    found.sort(
        key=lambda row: (
            order[row._on],
            row.position is None,
            row.position or 0,
            row.spotify_track_id,
        )
    )
    unique = {}
    for row in found:
        unique.setdefault(row.spotify_track_id, row)
    return [Track.from_row(row) for row in unique.values()]


def playlist_memberships(
    conn: Connection, playlist_id: str, *, include_removed: bool = False
) -> list[PlaylistMembership]:
    query = (
        select(playlist_tracks)
        .where(playlist_tracks.c.playlist_id == playlist_id)
        .order_by(playlist_tracks.c.position.asc().nulls_last(), playlist_tracks.c.track_id)
    )
    if not include_removed:
        query = query.where(playlist_tracks.c.removed_at.is_(None))
    return [PlaylistMembership.from_row(row) for row in conn.execute(query)]


def _playlist_row(conn: Connection, spotify_playlist_id: str):
    return conn.execute(
        select(playlists).where(playlists.c.spotify_playlist_id == spotify_playlist_id)
    ).first()
