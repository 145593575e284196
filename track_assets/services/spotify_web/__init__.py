"""Spotify's web player (open.spotify.com) through Chromium: play counts, credits, album labels,
artist followers and playlists, editorial ones included. Playwright loads only when used.
"""

from track_assets.services.spotify_web.browser import (
    DEFAULT_CHROMIUM,
    BrowserUnavailable,
    WebPlayerBrowser,
    process_browser,
)
from track_assets.services.spotify_web.client import MODES, SpotifyWebClient
from track_assets.services.spotify_web.models import (
    SERVICE,
    AlbumNotFound,
    AlbumPlayCounts,
    AlbumTrack,
    ArtistOverview,
    Credit,
    CreditsUnavailable,
    CreditsUnavailableReason,
    ItemKind,
    MalformedResponse,
    PersistedQueryRejected,
    PlaylistNotFound,
    SpotifyWebError,
    TrackCredits,
    WebPlayerBootstrapFailed,
    WebPlayerLoginRejected,
    WebPlayerRequestFailed,
    WebPlaylist,
    WebPlaylistItem,
)
from track_assets.services.spotify_web.session import Bootstrap

__all__ = [
    "DEFAULT_CHROMIUM",
    "MODES",
    "SERVICE",
    "AlbumNotFound",
    "AlbumPlayCounts",
    "AlbumTrack",
    "ArtistOverview",
    "Bootstrap",
    "BrowserUnavailable",
    "Credit",
    "CreditsUnavailable",
    "CreditsUnavailableReason",
    "ItemKind",
    "MalformedResponse",
    "PersistedQueryRejected",
    "PlaylistNotFound",
    "SpotifyWebClient",
    "SpotifyWebError",
    "TrackCredits",
    "WebPlayerBootstrapFailed",
    "WebPlayerBrowser",
    "WebPlayerLoginRejected",
    "WebPlayerRequestFailed",
    "WebPlaylist",
    "WebPlaylistItem",
    "process_browser",
]
