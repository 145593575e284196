"""The web player's records (credits, play counts, playlists, artists) and its errors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

SERVICE = "spotify_web"


# --- credits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """One person in one role group of a track's credits.

    `artist_uri` is the Spotify artist URI, or None for a name-only credit (no Spotify page).
    """

    name: str
    artist_uri: str | None
    role_group: str  # the group's title as the web player shows it: "Writers", "Producers"...
    subroles: tuple[str, ...]  # "composer", "lyricist", "producer", "main artist"...

    @property
    def artist_id(self) -> str | None:
        parts = self.artist_uri.split(":") if self.artist_uri else []
        is_artist = len(parts) == 3 and parts[:2] == ["spotify", "artist"] and parts[2]
        return parts[2] if is_artist else None


@dataclass(frozen=True)
class TrackCredits:
    """A track's credits as the logged-in web player shows them.

    `composers` and `lyricists` are the writers with that subrole; `producers` the Producers
    group plus anyone credited elsewhere with the "producer" subrole. `source_names` is the
    "Source" line of the credits view: usually the label or distributor, never the publisher
    (publishers come from The MLC). `label` is set only when the credits response names one.
    """

    track_id: str
    writers: tuple[Credit, ...]
    composers: tuple[Credit, ...]
    lyricists: tuple[Credit, ...]
    producers: tuple[Credit, ...]
    performers: tuple[Credit, ...]
    source_names: tuple[str, ...]
    label: str | None = None
    other: tuple[Credit, ...] = ()  # groups other than Performers, Writers, Producers


class CreditsUnavailableReason(StrEnum):
    NO_SP_DC = "no_sp_dc"  # no SPOTIFY_SP_DC configured: the credits need a logged-in token
    NOT_FOUND = "not_found"  # the web player knows no such track


@dataclass(frozen=True)
class CreditsUnavailable:
    track_id: str
    reason: CreditsUnavailableReason
    detail: str = ""


# --- play counts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlbumTrack:
    track_id: str
    name: str
    disc_number: int | None
    track_number: int | None
    play_count: int | None  # None: the web player shows none
    linked_track_id: str | None = None  # relinking: the track this one stands in for


@dataclass(frozen=True)
class AlbumPlayCounts:
    """An album's label and the play count of each of its tracks (pathfinder getAlbum)."""

    album_id: str
    name: str
    label: str | None
    release_date: str | None  # ISO 8601 as the web player sends it
    total_tracks: int
    tracks: tuple[AlbumTrack, ...]
    copyrights: tuple[tuple[str, str], ...] = ()  # (text, type: "C" | "P")

    @property
    def play_counts(self) -> dict[str, int | None]:
        return {t.track_id: t.play_count for t in self.tracks}


@dataclass(frozen=True)
class ArtistOverview:
    artist_id: str
    name: str
    followers: int | None
    monthly_listeners: int | None
    world_rank: int | None = None


# --- playlists --------------------------------------------------------------------------------


class ItemKind(StrEnum):
    TRACK = "track"
    EPISODE = "episode"
    LOCAL = "local"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class WebPlaylistItem:
    """One playlist entry. Only `kind == TRACK` items have a `track_id`; the web player gives
    no ISRC (that comes from the Web API)."""

    position: int
    kind: ItemKind
    track_id: str | None
    uri: str | None
    name: str | None
    added_at: datetime | None
    added_by: str | None  # user id, None on editorial playlists
    play_count: int | None = None


@dataclass(frozen=True)
class WebPlaylist:
    playlist_id: str
    name: str
    description: str | None
    owner_id: str | None
    owner_name: str | None
    followers: int | None
    revision_id: str | None
    editorial: bool  # Spotify-owned (37i9... ids)
    total: int
    items: tuple[WebPlaylistItem, ...]

    @property
    def track_ids(self) -> tuple[str, ...]:
        return tuple(i.track_id for i in self.items if i.track_id is not None)

    def kind_counts(self) -> Counter[ItemKind]:
        return Counter(item.kind for item in self.items)


# --- errors -----------------------------------------------------------------------------------


class SpotifyWebError(Exception):
    """The web player answered in a way this client cannot use."""


class PlaylistNotFound(SpotifyWebError):
    def __init__(self, playlist_id: str) -> None:
        super().__init__(
            f"Spotify playlist {playlist_id} does not exist or is private: the web player "
            f"returned no playlist for spotify:playlist:{playlist_id}. Check the id; only "
            "public playlists can be read."
        )
        self.playlist_id = playlist_id


class AlbumNotFound(SpotifyWebError):
    def __init__(self, album_id: str) -> None:
        super().__init__(
            f"Spotify album {album_id} does not exist: the web player returned no album for "
            f"spotify:album:{album_id}. Check the id."
        )
        self.album_id = album_id


class WebPlayerLoginRejected(SpotifyWebError):
    """SPOTIFY_SP_DC is set but the web player did not log in with it."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The web player refused the SPOTIFY_SP_DC cookie ({detail}): it gave an anonymous "
            "session, which cannot read credits. The cookie has expired or was copied wrong: "
            "log in at open.spotify.com, copy the sp_dc cookie again and update SPOTIFY_SP_DC."
        )


class MalformedResponse(SpotifyWebError):
    """A body that is not JSON or lacks what the web player always sends."""

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(
            f"Unreadable web player response for {what}: {problem}. Either the response was "
            "cut off (rerun) or Spotify changed the web player and "
            "track_assets/services/spotify_web/parsing.py needs an update."
        )
        self.what = what


class WebPlayerRequestFailed(SpotifyWebError):
    """An error status that retrying does not fix (4xx other than 401/429)."""

    def __init__(self, what: str, status: int, message: str = "") -> None:
        detail = f": {message}" if message else ""
        super().__init__(
            f"The web player answered HTTP {status} for {what}{detail}. If this persists, the "
            "web player's protocol has likely changed."
        )
        self.status = status


class PersistedQueryRejected(SpotifyWebError):
    """The page's own, freshly read hash was refused again (a deploy in progress?)."""

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"Pathfinder rejected the {operation} hash even just after reading it from the web "
            "player page (PersistedQueryNotFound twice). Spotify may be rolling out a new web "
            "player: rerun in a few minutes."
        )
        self.operation = operation


class WebPlayerBootstrapFailed(SpotifyWebError):
    """The page did not make the request the session is taken from."""

    def __init__(self, url: str, operation: str, problem: str) -> None:
        super().__init__(
            f"Opening {url} did not yield a {operation} request to copy the session from "
            f"({problem}). If the page works in a normal browser, the web player has changed "
            "and track_assets/services/spotify_web needs an update; try mode='page' meanwhile."
        )
