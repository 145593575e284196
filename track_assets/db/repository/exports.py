"""Reads for the file exports: the tracked tracks (on a playlist still tracked) with their
playlists and performing artists, each in one query over every track."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.engine import Connection

from track_assets.db.records import Playlist, Track
from track_assets.db.tables import (
    playlist_tracks,
    playlists,
    spotify_artists,
    track_artists,
    tracks,
)


def _tracked_memberships() -> Select:
    """(track id, playlist id, playlist name) for every current membership of a tracked playlist."""
    return (
        select(
            playlist_tracks.c.track_id,
            playlists.c.spotify_playlist_id,
            playlists.c.name,
        )
        .join(playlists, playlists.c.spotify_playlist_id == playlist_tracks.c.playlist_id)
        .where(playlist_tracks.c.removed_at.is_(None), playlists.c.removed_at.is_(None))
    )


def tracked_track_ids() -> Select:
    """A subquery of the ids of tracks now on at least one tracked playlist."""
    return _tracked_memberships().with_only_columns(playlist_tracks.c.track_id).distinct()


def tracked_playlists_by_track(conn: Connection) -> dict[str, tuple[Playlist, ...]]:
    """For every tracked track, the tracked playlists it is on, by playlist id."""
    rows = conn.execute(
        _tracked_memberships().order_by(playlist_tracks.c.track_id, playlists.c.spotify_playlist_id)
    )
    found: dict[str, list[Playlist]] = {}
    for row in rows:
        found.setdefault(row.track_id, []).append(
            Playlist(spotify_playlist_id=row.spotify_playlist_id, name=row.name)
        )
    return {track_id: tuple(listed) for track_id, listed in found.items()}


def tracked_tracks(conn: Connection) -> list[Track]:
    """Every track now on a tracked playlist, by Spotify track id."""
    query = (
        select(tracks)
        .where(tracks.c.spotify_track_id.in_(tracked_track_ids()))
        .order_by(tracks.c.spotify_track_id)
    )
    return [Track.from_row(row) for row in conn.execute(query)]


def tracked_track_artist_names(conn: Connection) -> dict[str, tuple[str, ...]]:
    """For every tracked track, its performing artists' names in billing order (an artist
    whose name is not stored is left out)."""
    query = (
        select(track_artists.c.track_id, spotify_artists.c.name)
        .join(spotify_artists, spotify_artists.c.spotify_artist_id == track_artists.c.artist_id)
        .where(
            track_artists.c.track_id.in_(tracked_track_ids()),
            spotify_artists.c.name.is_not(None),
        )
        .order_by(track_artists.c.track_id, track_artists.c.position)
    )
    found: dict[str, list[str]] = {}
    for row in conn.execute(query):
        found.setdefault(row.track_id, []).append(row.name)
    return {track_id: tuple(names) for track_id, names in found.items()}
