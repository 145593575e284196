"""Tracks, albums and the performing artists Spotify lists for them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from track_assets.db.records import Album, SpotifyArtist, Track
from track_assets.db.statements import known_values, upsert_row
from track_assets.db.tables import (
    ENRICHMENT_STATUSES,
    albums,
    spotify_artists,
    track_artists,
    tracks,
)


def upsert_track(
    conn: Connection,
    track: Track,
    *,
    clear: Collection[str] = (),
    now: datetime | None = None,
) -> None:
    """Insert or update one track. A None field keeps the stored value (a later fetch without
    an ISRC does not erase a known ISRC); name a column in `clear` to set it NULL on purpose."""
    if track.enrichment_status is not None and track.enrichment_status not in ENRICHMENT_STATUSES:
        raise ValueError(
            f"enrichment_status {track.enrichment_status!r} is not one of "
            f"{', '.join(ENRICHMENT_STATUSES)}"
        )
    values = known_values(track.as_values(), tracks, clear)
    upsert_row(conn, tracks, values, key=("spotify_track_id",), now=now)


def get_track(conn: Connection, spotify_track_id: str) -> Track | None:
    row = conn.execute(select(tracks).where(tracks.c.spotify_track_id == spotify_track_id)).first()
    return Track.from_row(row) if row is not None else None


def upsert_album(
    conn: Connection,
    album: Album,
    *,
    clear: Collection[str] = (),
    now: datetime | None = None,
) -> None:
    """Insert or update one album; None fields keep the stored values."""
    values = known_values(album.as_values(), albums, clear)
    upsert_row(conn, albums, values, key=("spotify_album_id",), now=now)


def get_album(conn: Connection, spotify_album_id: str) -> Album | None:
    row = conn.execute(select(albums).where(albums.c.spotify_album_id == spotify_album_id)).first()
    return Album.from_row(row) if row is not None else None


def upsert_spotify_artist(
    conn: Connection,
    artist: SpotifyArtist,
    *,
    clear: Collection[str] = (),
    now: datetime | None = None,
) -> None:
    """Insert or update one performing artist; None fields keep the stored values."""
    values = known_values(artist.as_values(), spotify_artists, clear)
    upsert_row(conn, spotify_artists, values, key=("spotify_artist_id",), now=now)


def get_spotify_artist(conn: Connection, spotify_artist_id: str) -> SpotifyArtist | None:
    row = conn.execute(
        select(spotify_artists).where(spotify_artists.c.spotify_artist_id == spotify_artist_id)
    ).first()
    return SpotifyArtist.from_row(row) if row is not None else None


def link_track_artists(conn: Connection, track_id: str, artist_ids: Sequence[str]) -> None:
    """Make `artist_ids` (in billing order) the track's artists, dropping any others.

    The artists must exist (upsert them first, a name is enough)."""
    ordered = list(dict.fromkeys(artist_ids))
    stale = delete(track_artists).where(track_artists.c.track_id == track_id)
    if ordered:
        stale = stale.where(track_artists.c.artist_id.not_in(ordered))
    conn.execute(stale)
    for position, artist_id in enumerate(ordered):
        upsert_row(
            conn,
            track_artists,
            {"track_id": track_id, "artist_id": artist_id, "position": position},
            key=("track_id", "artist_id"),
        )


def track_artist_ids(conn: Connection, track_id: str) -> list[str]:
    """The track's performing artists in billing order."""
    return list(
        conn.execute(
            select(track_artists.c.artist_id)
            .where(track_artists.c.track_id == track_id)
            .order_by(track_artists.c.position)
        ).scalars()
    )
