"""Phase 0's three ways of reading a playlist, each adapted to `FetchedPlaylist`, and the two
cheap ways of asking Spotify whether Chartmetric's copy is current, adapted to `SpotifyListing`.

A source that cannot serve this playlist raises `SourceDeclined` with what it answered, and so
does one whose answer stays unreadable through the HTTP layer's retries (its MalformedResponse:
the next source may well serve); any other error (credentials, quota, a service down) is
systemic and fails the step. Asking Spotify about a copy is gentler: a refusal of any kind,
an unreadable answer included, only means that way of asking cannot tell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from track_assets.enrichment.chartmetric_playlist_search import PlaylistSearch
from track_assets.enrichment.playlist_fetch import (
    FetchedItem,
    FetchedPlaylist,
    KnownVersion,
    SourceDeclined,
    SpotifyListing,
    checked_copy,
)

if TYPE_CHECKING:
    from track_assets.services.chartmetric import ChartmetricClient
    from track_assets.services.spotify_api import PlaylistItem, SpotifyApiClient
    from track_assets.services.spotify_web import SpotifyWebClient, WebPlaylist

Source = tuple[str, Callable[[], FetchedPlaylist]]
T = TypeVar("T")


def sources_in_order(
    chartmetric: Callable[[], ChartmetricClient],
    spotify_api: Callable[[], SpotifyApiClient],
    spotify_web: Callable[[], SpotifyWebClient],
    playlist_id: str,
    known: KnownVersion | None,
    search: PlaylistSearch,
) -> list[Source]:
    """Chartmetric (its copy kept only when Spotify does not contradict it), then the Web API,
    then the web player. Each client argument gives its client, opened on first use; `search`
    finds Chartmetric's copy of the playlist."""
    listings = [
        (
            "spotify_api",
            declining_unreadable(lambda: listing_from_web_api(spotify_api(), playlist_id)),
        ),
        (
            "web_player",
            declining_unreadable(lambda: listing_from_web_player(spotify_web(), playlist_id)),
        ),
    ]
    return [
        (
            "chartmetric",
            declining_unreadable(
                lambda: checked_copy(
                    playlist_from_chartmetric(chartmetric(), search), listings, known
                )
            ),
        ),
        (
            "spotify_api",
            declining_unreadable(lambda: playlist_from_web_api(spotify_api(), playlist_id)),
        ),
        (
            "web_player",
            declining_unreadable(lambda: playlist_from_web_player(spotify_web(), playlist_id)),
        ),
    ]


def declining_unreadable(read: Callable[[], T]) -> Callable[[], T]:
    """`read`, declining (SourceDeclined, `unreadable`) when the answer stays malformed after
    the HTTP layer's retries: a cut-off body, a page from the service's edge, or a format that
    changed. Raised out of the asset it would fail the step with a traceback and have Dagster
    redo the whole fetch, and a copy check would fail a copy it only had to vouch for."""
    from track_assets.services.chartmetric import MalformedResponse as ChartmetricMalformed
    from track_assets.services.spotify_api import MalformedResponse as WebApiMalformed
    from track_assets.services.spotify_web import MalformedResponse as WebPlayerMalformed

    def reading() -> T:
        try:
            return read()
        except (ChartmetricMalformed, WebApiMalformed, WebPlayerMalformed) as unreadable:
            raise SourceDeclined(str(unreadable), unreadable=True) from None

    return reading


def playlist_from_chartmetric(client: ChartmetricClient, search: PlaylistSearch) -> FetchedPlaylist:
    """Chartmetric's current copy of the playlist `search` finds. A kept id that Chartmetric no
    longer knows is searched again, once."""
    from track_assets.services.chartmetric import ChartmetricNotFound

    found = search.found(client)
    if found is None:
        raise SourceDeclined(f"does not track this playlist{search.said()}")
    try:
        rows = client.playlist_tracks(found.id)
    except ChartmetricNotFound:
        if not search.from_before:
            raise
        found = search.search(client)
        if found is None:
            raise SourceDeclined("does not track this playlist (any longer)") from None
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
        search.spotify_playlist_id, "chartmetric", items, name=found.name, owner=found.owner_name
    )


def playlist_from_web_api(client: SpotifyApiClient, playlist_id: str) -> FetchedPlaylist:
    from track_assets.services.spotify_api import PlaylistNotAccessible

    try:
        info = client.playlist(playlist_id)
        entries = client.playlist_items(playlist_id)
    except PlaylistNotAccessible as refused:
        raise SourceDeclined(f"HTTP {refused.status} ({refused.reason})") from None
    return FetchedPlaylist(
        playlist_id,
        "spotify_api",
        tuple(_item_from_web_api(entry) for entry in entries),
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
    return FetchedPlaylist(
        playlist_id,
        "web_player",
        _items_from_web_player(playlist),
        name=playlist.name,
        owner=playlist.owner_name or playlist.owner_id,
        followers=playlist.followers,
        snapshot_id=playlist.revision_id,
    )


def listing_from_web_api(client: SpotifyApiClient, playlist_id: str) -> SpotifyListing:
    """`GET /v1/playlists/{id}`: the snapshot always; the count and first page of up to 100
    entries only in the extended tier (the development tier answers with metadata alone,
    docs/services.md#access-tiers)."""
    from track_assets.services.http import ServiceUnavailable
    from track_assets.services.spotify_api import PlaylistNotAccessible, SpotifyQuotaExceeded

    try:
        info = client.playlist(playlist_id)
    except PlaylistNotAccessible as refused:
        raise SourceDeclined(f"HTTP {refused.status} ({refused.reason})") from None
    except (SpotifyQuotaExceeded, ServiceUnavailable) as refused:
        raise SourceDeclined(str(refused)) from None
    return SpotifyListing(
        "spotify_api",
        info.snapshot_id,
        info.total_items,
        tuple(_item_from_web_api(entry) for entry in info.first_items),
    )


def listing_from_web_player(client: SpotifyWebClient, playlist_id: str) -> SpotifyListing:
    """One `fetchPlaylist` page: revision, total count and the first 25 entries, for every
    public playlist, editorial ones included."""
    from track_assets.services.http import ServiceUnavailable
    from track_assets.services.spotify_web import (
        PersistedQueryRejected,
        PlaylistNotFound,
        WebPlayerBootstrapFailed,
        WebPlayerRequestFailed,
    )

    try:
        playlist = client.playlist_first_page(playlist_id)
    except PlaylistNotFound:
        raise SourceDeclined("no such public playlist") from None
    except (
        ServiceUnavailable,
        WebPlayerRequestFailed,
        WebPlayerBootstrapFailed,
        PersistedQueryRejected,
    ) as refused:
        raise SourceDeclined(str(refused)) from None
    return SpotifyListing(
        "web_player", playlist.revision_id, playlist.total, _items_from_web_player(playlist)
    )


def _item_from_web_api(entry: PlaylistItem) -> FetchedItem:
    return FetchedItem(
        position=entry.position,
        kind=entry.kind,
        track_id=(entry.track.requested_id or entry.track.id) if entry.track else None,
        added_at=entry.added_at,
        isrc=entry.track.isrc if entry.track else None,
        name=entry.track.name if entry.track else entry.name,
    )


def _items_from_web_player(playlist: WebPlaylist) -> tuple[FetchedItem, ...]:
    return tuple(
        FetchedItem(
            position=entry.position,
            kind=str(entry.kind),
            track_id=entry.track_id,
            added_at=entry.added_at,
            name=entry.name,
        )
        for entry in playlist.items
    )
