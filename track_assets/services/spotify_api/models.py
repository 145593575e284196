"""Typed records and errors of the Spotify Web API client (our names, never Spotify's JSON keys)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Literal

Tier = Literal["development", "extended"]
TIERS: tuple[Tier, ...] = ("development", "extended")
TierSetting = Literal["development", "extended", "auto"]

ItemKind = Literal["track", "local", "episode", "unavailable"]
ITEM_KINDS: tuple[ItemKind, ...] = ("track", "local", "episode", "unavailable")

# Why a field of a record is None (`record.missing[field]`).
NOT_IN_TIER = "not_in_tier"  # the development tier withholds it since Feb/Mar 2026
NOT_RETURNED = "not_returned"  # absent or null in the answer for another reason

Missing = Mapping[str, str]


def _no_missing() -> Missing:
    return MappingProxyType({})


@dataclass(frozen=True)
class Image:
    url: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class SpotifyArtistRef:
    """An artist as named inside a track or album; `id` is None for a local file's artist."""

    id: str | None
    name: str


@dataclass(frozen=True)
class SpotifyAlbumRef:
    """The simplified album inside a track (it never carries the label)."""

    id: str | None
    name: str
    album_type: str | None
    release_date: str | None  # as Spotify writes it: "2019", "2019-06" or "2019-06-21"
    release_date_precision: str | None  # "year" | "month" | "day"
    images: tuple[Image, ...] = ()
    artists: tuple[SpotifyArtistRef, ...] = ()
    total_tracks: int | None = None
    missing: Missing = field(default_factory=_no_missing, hash=False)

    @property
    def widest_image(self) -> Image | None:
        return max(self.images, key=lambda image: image.width or 0, default=None)


@dataclass(frozen=True)
class SpotifyTrack:
    """A track as the Web API answered for `requested_id`.

    With a `market`, Spotify may answer with another track (relinking): `id` is then the one
    it served, `requested_id` the one we asked for; `linked_from_id` is what Spotify's
    `linked_from` said (the development tier no longer sends it). Local files have `id` None.
    """

    id: str | None
    requested_id: str | None
    linked_from_id: str | None
    name: str
    isrc: str | None
    duration_ms: int
    explicit: bool
    popularity: int | None
    album: SpotifyAlbumRef
    artists: tuple[SpotifyArtistRef, ...]
    disc_number: int | None = None
    track_number: int | None = None
    is_playable: bool | None = None  # only answered when a market is given
    is_local: bool = False
    uri: str | None = None
    missing: Missing = field(default_factory=_no_missing, hash=False)

    @property
    def relinked(self) -> bool:
        return self.requested_id is not None and self.id != self.requested_id


@dataclass(frozen=True)
class Copyright:
    text: str
    type: str  # "C" (composition) or "P" (sound recording)


@dataclass(frozen=True)
class SpotifyAlbum:
    """A full album. `track_ids` are those of the page embedded in the album (up to 50);
    `total_tracks` says how many the album has."""

    id: str
    name: str
    album_type: str | None
    release_date: str | None
    release_date_precision: str | None
    label: str | None
    popularity: int | None
    upc: str | None
    images: tuple[Image, ...]
    copyrights: tuple[Copyright, ...]
    artists: tuple[SpotifyArtistRef, ...]
    track_ids: tuple[str, ...]
    total_tracks: int | None
    missing: Missing = field(default_factory=_no_missing, hash=False)

    @property
    def widest_image(self) -> Image | None:
        return max(self.images, key=lambda image: image.width or 0, default=None)


@dataclass(frozen=True)
class SpotifyArtist:
    id: str
    name: str
    genres: tuple[str, ...] | None
    followers: int | None
    popularity: int | None
    images: tuple[Image, ...] = ()
    missing: Missing = field(default_factory=_no_missing, hash=False)


@dataclass(frozen=True)
class AudioFeatures:
    track_id: str
    danceability: float
    energy: float
    key: int  # -1 (unknown) .. 11
    loudness: float  # dB
    mode: int  # 0 minor, 1 major
    speechiness: float
    acousticness: float
    instrumentalness: float
    liveness: float
    valence: float
    tempo: float  # BPM
    time_signature: int
    duration_ms: int


@dataclass(frozen=True)
class PlaylistInfo:
    """A playlist's metadata. `total_items` is None when the answer carries no page of items
    (the development tier, for any playlist a client-credentials app does not own);
    `first_items` is the page of entries the answer carries, empty when it carries none."""

    id: str
    name: str
    description: str | None
    owner_id: str
    owner_name: str | None
    followers: int | None
    snapshot_id: str | None
    public: bool | None
    collaborative: bool | None
    total_items: int | None
    missing: Missing = field(default_factory=_no_missing, hash=False)
    first_items: tuple[PlaylistItem, ...] = ()


@dataclass(frozen=True)
class PlaylistItem:
    """One playlist entry: `kind` "track" carries `track`; "local" and "episode" carry their
    `uri` and `name`; "unavailable" (Spotify sent null) carries neither."""

    position: int
    kind: ItemKind
    added_at: datetime | None  # aware UTC; None on very old playlists
    added_by: str | None
    track: SpotifyTrack | None = None
    uri: str | None = None
    name: str | None = None
    episode_id: str | None = None

    @property
    def track_id(self) -> str | None:
        return self.track.id if self.track is not None else None


# --- errors -----------------------------------------------------------------------------------


class SpotifyError(Exception):
    """Something the Spotify Web API client cannot recover from; the message says what to do."""


class SpotifyCredentialsRejected(SpotifyError):
    """The accounts service refused the client id or secret (`invalid_client`)."""

    def __init__(self, description: str | None, status: int | None = None) -> None:
        self.description = description
        self.status = status
        said = (f"HTTP {status} " if status else "") + "invalid_client"
        said += f": {description}" if description else ""
        super().__init__(
            f"Spotify rejected the app credentials ({said}). Check SPOTIFY_CLIENT_ID and "
            "SPOTIFY_CLIENT_SECRET: they must be the Client ID and Client secret of an app on "
            "https://developer.spotify.com/dashboard (unset both to use the sandbox)."
        )


class SpotifyQuotaExceeded(SpotifyError):
    """Spotify locked these credentials out for longer than we are willing to wait."""

    def __init__(self, *, endpoint: str, retry_after: float | None, reason: str | None) -> None:
        self.endpoint = endpoint
        self.retry_after = retry_after  # seconds; None when Spotify did not say
        self.reason = reason
        self.retry_at = (
            datetime.now(UTC) + timedelta(seconds=retry_after) if retry_after is not None else None
        )
        cause = (
            "the Development Mode quota of this developer account is used up"
            if reason == "QUOTA_EXCEEDED"
            else "the rate limit locked these credentials out"
        )
        if self.retry_at is not None and retry_after is not None:
            lasts = (
                f"The lockout lasts {retry_after:.0f} s ({retry_after / 3600:.1f} h), until about "
                f"{self.retry_at:%Y-%m-%d %H:%M} UTC. Not waiting: rerun after that time"
            )
        else:
            lasts = "Spotify did not say for how long (no Retry-After). Not waiting: rerun later"
        super().__init__(
            f"Spotify answered 429 on {endpoint}: {cause} (reason: {reason or 'none given'}). "
            f"{lasts}, spread the work over several days, or use an app in Extended Quota Mode "
            "(SPOTIFY_API_TIER=extended). The quota is shared by every Client ID of the account."
        )


class PlaylistNotAccessible(SpotifyError):
    """The Web API will not serve this playlist (or its items) to this app."""

    def __init__(self, playlist_id: str, status: int, reason: str) -> None:
        self.playlist_id = playlist_id
        self.status = status
        self.reason = reason
        super().__init__(
            f"Spotify Web API answered {status} for playlist {playlist_id}: {reason}. "
            "Read it through Chartmetric or the web player instead."
        )


class NotInTier(SpotifyError):
    """The app's access tier does not include this endpoint or data; record it as
    not applicable rather than failing."""

    def __init__(self, what: str, tier: str, detail: str = "") -> None:
        self.what = what
        self.tier = tier
        super().__init__(
            f"Spotify Web API: {what} is not available to this app ({tier} tier)"
            + (f"; {detail}" if detail else "")
            + "."
        )


class SpotifyApiError(SpotifyError):
    """An answer the client has no rule for (an unexpected status)."""

    def __init__(self, *, endpoint: str, status: int, message: str | None) -> None:
        self.endpoint = endpoint
        self.status = status
        self.api_message = message
        hint = ""
        if message and "premium" in message.lower():
            hint = " The owner of a Development Mode app needs an active Premium subscription."
        super().__init__(
            f"Spotify Web API {endpoint} answered HTTP {status}"
            + (f": {message}" if message else "")
            + "."
            + hint
        )


class MalformedResponse(SpotifyError):
    """A body that is not the JSON Spotify documents (truncated, a key missing, a wrong type)."""

    def __init__(self, endpoint: str, where: str, problem: str) -> None:
        self.endpoint = endpoint
        self.where = where
        self.problem = problem
        super().__init__(
            f"Spotify Web API {endpoint} sent a malformed answer: {where} {problem}. "
            "Rerun; if it persists the API changed and the parser needs updating."
        )
