"""Phase 0's three ways of reading a playlist, each adapted to `FetchedPlaylist`.

A source that cannot serve this playlist raises `SourceDeclined` with what it answered; any
other error (credentials, quota, a service down) is systemic and fails the step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from track_assets.enrichment.playlist_fetch import FetchedItem, FetchedPlaylist, SourceDeclined
from track_assets.playlist_refs import PlaylistRef

if TYPE_CHECKING:
    from track_assets.services.chartmetric import ChartmetricClient
    from track_assets.services.spotify_api import SpotifyApiClient
    from track_assets.services.spotify_web import SpotifyWebClient


def playlist_from_chartmetric(client: ChartmetricClient, playlist_id: str) -> FetchedPlaylist:
    found = client.find_spotify_playlist(PlaylistRef(playlist_id).url)
    if found is None:
        raise SourceDeclined("does not track this playlist")
    rows = client.playlist_tracks(found.id)
    items = tuple(
        FetchedItem(
            position=row.position if row.position is not None else index,
            kind="track" if row.spotify_track_id else "unavailable",
            track_id=row.spotify_track_id,
            added_at=row.added_at,
            isrc=row.isrc,
            name=row.name,
        )
        for index, row in enumerate(rows)
    )
    return FetchedPlaylist(
        playlist_id, "chartmetric", items, name=found.name, owner=found.owner_name
    )


def playlist_from_web_api(client: SpotifyApiClient, playlist_id: str) -> FetchedPlaylist:
    from track_assets.services.spotify_api import PlaylistNotAccessible

    try:
        info = client.playlist(playlist_id)
        entries = client.playlist_items(playlist_id)
    except PlaylistNotAccessible as refused:
        raise SourceDeclined(f"HTTP {refused.status} ({refused.reason})") from None
    items = tuple(
        FetchedItem(
            position=entry.position,
            kind=entry.kind,
            track_id=(entry.track.requested_id or entry.track.id) if entry.track else None,
            added_at=entry.added_at,
            isrc=entry.track.isrc if entry.track else None,
            name=entry.track.name if entry.track else entry.name,
        )
        for entry in entries
    )
    return FetchedPlaylist(
        playlist_id,
        "spotify_api",
        items,
        name=info.name,
        owner=info.owner_name or info.owner_id,
        followers=info.followers,
        snapshot_id=info.snapshot_id,
    )


def playlist_from_web_player(client: SpotifyWebClient, playlist_id: str) -> FetchedPlaylist:
    from track_assets.services.spotify_web import PlaylistNotFound

    try:
        playlist = client.playlist(playlist_id)
    except PlaylistNotFound:
        raise SourceDeclined("no such public playlist") from None
    items = tuple(
        FetchedItem(
            position=entry.position,
            kind=str(entry.kind),
            track_id=entry.track_id,
            added_at=entry.added_at,
            name=entry.name,
        )
        for entry in playlist.items
    )
    return FetchedPlaylist(
        playlist_id,
        "web_player",
        items,
        name=playlist.name,
        owner=playlist.owner_name or playlist.owner_id,
        followers=playlist.followers,
        snapshot_id=playlist.revision_id,
    )
