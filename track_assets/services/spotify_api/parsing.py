"""Spotify Web API and accounts JSON -> our records: the only module that knows Spotify's keys.

Tolerant of what the development tier leaves out (the field becomes None with a reason in
`missing`), strict on what every answer carries (a missing or mistyped key raises
MalformedResponse naming the endpoint and the key). Shapes: track_assets_tests/fixtures/reference/spotify/webapi/.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from track_assets.services.spotify_api.models import (
    NOT_IN_TIER,
    NOT_RETURNED,
    AudioFeatures,
    Copyright,
    Image,
    MalformedResponse,
    PlaylistInfo,
    PlaylistItem,
    SpotifyAlbum,
    SpotifyAlbumRef,
    SpotifyArtist,
    SpotifyArtistRef,
    SpotifyTrack,
)

# Fields the development tier withholds since Feb/Mar 2026 (docs/services.md#access-tiers), by object.
WITHHELD_IN_DEVELOPMENT = {
    "track": frozenset({"popularity"}),
    "album": frozenset({"label", "popularity"}),
    "artist": frozenset({"followers", "popularity", "genres"}),
}

QUOTA_EXCEEDED = "QUOTA_EXCEEDED"  # errors/observed-error-bodies.json

_ABSENT = object()


@dataclass(frozen=True)
class ErrorBody:
    """An error answer: Web API `{"error": {status, message, reason}}` or accounts RFC 6749
    `{"error": "invalid_client", "error_description": ...}`; every part may be absent."""

    message: str | None = None
    reason: str | None = None
    oauth_error: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in: float


@dataclass(frozen=True)
class PlaylistPage:
    items: tuple[PlaylistItem, ...]
    next_url: str | None
    total: int


class _Reader:
    """Typed access to one JSON object at `where` (a path like `$.tracks[2].album`)."""

    def __init__(self, data: Any, endpoint: str, where: str) -> None:
        if not isinstance(data, Mapping):
            raise MalformedResponse(endpoint, where, f"is {_kind(data)}, not an object")
        self.data = data
        self.endpoint = endpoint
        self.where = where

    def _fail(self, key: str, problem: str) -> MalformedResponse:
        return MalformedResponse(self.endpoint, f"{self.where}.{key}", problem)

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                raise self._fail(key, "is missing")
            return _ABSENT
        return self.data[key]

    def text(self, key: str, *, required: bool = True, nullable: bool = False) -> Any:
        value = self._get(key, required)
        if value is _ABSENT or (value is None and nullable):
            return value
        if not isinstance(value, str):
            raise self._fail(key, f"is {_kind(value)}, not a string")
        return value

    def whole(self, key: str, *, required: bool = True, nullable: bool = False) -> Any:
        value = self._get(key, required)
        if value is _ABSENT or (value is None and nullable):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"is {_kind(value)}, not a whole number")
        return value

    def number(self, key: str) -> float:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, f"is {_kind(value)}, not a number")
        return self._finite(key, value)

    def seconds(self, key: str) -> float:
        """A positive whole number of seconds (a token's lifetime)."""
        value = self.whole(key)
        if value <= 0:
            raise self._fail(key, f"is {value}, not a positive number of seconds")
        return self._finite(key, value)

    def _finite(self, key: str, value: int | float) -> float:
        # JSON allows integers of any size and Python's json reads NaN and Infinity.
        try:
            number = float(value)
        except OverflowError:
            raise self._fail(key, "is a number too large to read") from None
        if not math.isfinite(number):
            raise self._fail(key, f"is {value!r}, not a finite number")
        return number

    def flag(self, key: str, *, required: bool = True, nullable: bool = False) -> Any:
        value = self._get(key, required)
        if value is _ABSENT or (value is None and nullable):
            return value
        if not isinstance(value, bool):
            raise self._fail(key, f"is {_kind(value)}, not true/false")
        return value

    def array(self, key: str, *, required: bool = True) -> list[Any]:
        value = self._get(key, required)
        if value is _ABSENT or (value is None and not required):
            return []
        if not isinstance(value, list):
            raise self._fail(key, f"is {_kind(value)}, not a list")
        return value

    def obj(self, key: str, *, required: bool = True) -> _Reader | None:
        value = self._get(key, required)
        if value is _ABSENT or (value is None and not required):
            return None
        return _Reader(value, self.endpoint, f"{self.where}.{key}")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _optional(value: Any) -> Any:
    return None if value is _ABSENT else value


class _MissingFields:
    """Collects `field -> reason` for the record's `missing` mapping."""

    def __init__(self, kind: str, tier: str | None) -> None:
        self._withheld = WITHHELD_IN_DEVELOPMENT.get(kind, frozenset())
        self._tier = tier
        self.reasons: dict[str, str] = {}

    def take(self, name: str, value: Any, key: str | None = None) -> Any:
        """`value` itself, or None with the reason recorded when absent or null."""
        if value is not _ABSENT and value is not None:
            return value
        withheld = (key or name) in self._withheld and self._tier != "extended"
        self.reasons[name] = NOT_IN_TIER if withheld and value is _ABSENT else NOT_RETURNED
        return None

    def frozen(self) -> Mapping[str, str]:
        return MappingProxyType(dict(self.reasons))


# --- plumbing -------------------------------------------------------------------------------


def decode_json(content: bytes, endpoint: str) -> Any:
    """The parsed body, or MalformedResponse (a truncated body, HTML from a proxy...)."""
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedResponse(endpoint, "the body", f"is not JSON ({error})") from None
    except RecursionError:  # json's decoder recurses once per nested array or object
        raise MalformedResponse(endpoint, "the body", "is nested too deeply to be read") from None


def parse_error(content: bytes) -> ErrorBody:
    """Whatever an error body says; never raises (a 403 from audio-features has no message)."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return ErrorBody()
    if not isinstance(data, Mapping):
        return ErrorBody()
    error = data.get("error")
    if isinstance(error, Mapping):
        message, reason = error.get("message"), error.get("reason")
        return ErrorBody(
            message=message if isinstance(message, str) else None,
            reason=reason if isinstance(reason, str) else None,
        )
    description = data.get("error_description")
    return ErrorBody(
        oauth_error=error if isinstance(error, str) else None,
        description=description if isinstance(description, str) else None,
    )


def parse_token(data: Any, endpoint: str) -> AccessToken:
    """`{"access_token": "BQ…", "token_type": "Bearer", "expires_in": 3600}`."""
    r = _Reader(data, endpoint, "$")
    token = r.text("access_token")
    if not token:
        raise MalformedResponse(endpoint, "$.access_token", "is empty")
    return AccessToken(value=token, expires_in=r.seconds("expires_in"))


def parse_several(data: Any, key: str, endpoint: str, count: int) -> list[Any]:
    """The list of a batch answer (`{"tracks": [obj|null, …]}`), one slot per requested id."""
    objects = _Reader(data, endpoint, "$").array(key)
    if len(objects) != count:
        raise MalformedResponse(
            endpoint, f"$.{key}", f"has {len(objects)} entries for {count} requested ids"
        )
    return objects


# --- shared pieces --------------------------------------------------------------------------


def _images(r: _Reader, key: str = "images") -> tuple[Image, ...]:
    images = []
    for i, raw in enumerate(r.array(key, required=False)):
        image = _Reader(raw, r.endpoint, f"{r.where}.{key}[{i}]")
        images.append(
            Image(
                url=image.text("url"),
                width=_optional(image.whole("width", required=False, nullable=True)),
                height=_optional(image.whole("height", required=False, nullable=True)),
            )
        )
    return tuple(images)


def _artist_refs(r: _Reader) -> tuple[SpotifyArtistRef, ...]:
    refs = []
    for i, raw in enumerate(r.array("artists", required=False)):
        artist = _Reader(raw, r.endpoint, f"{r.where}.artists[{i}]")
        refs.append(SpotifyArtistRef(id=artist.text("id", nullable=True), name=artist.text("name")))
    return tuple(refs)


# --- tracks ---------------------------------------------------------------------------------


def parse_album_ref(r: _Reader) -> SpotifyAlbumRef:
    missing = _MissingFields("album", None)
    return SpotifyAlbumRef(
        id=r.text("id", nullable=True),
        name=r.text("name"),
        album_type=missing.take("album_type", r.text("album_type", required=False, nullable=True)),
        release_date=missing.take(
            "release_date", r.text("release_date", required=False, nullable=True)
        ),
        release_date_precision=missing.take(
            "release_date_precision",
            r.text("release_date_precision", required=False, nullable=True),
        ),
        images=_images(r),
        artists=_artist_refs(r),
        total_tracks=_optional(r.whole("total_tracks", required=False, nullable=True)),
        missing=missing.frozen(),
    )


def parse_track(
    data: Any,
    endpoint: str,
    *,
    requested_id: str | None = None,
    tier: str | None = None,
    where: str = "$",
) -> SpotifyTrack:
    """A TrackObject. `requested_id` is the id we asked for (None: the track's own id);
    `tier` is the tier that answered (None: unknown), to tell withheld fields from others."""
    r = _Reader(data, endpoint, where)
    missing = _MissingFields("track", tier)
    track_id = r.text("id", nullable=True)
    external_ids = r.obj("external_ids", required=False)
    isrc = external_ids.text("isrc", required=False, nullable=True) if external_ids else _ABSENT
    linked_from = r.obj("linked_from", required=False)
    album = r.obj("album")
    assert album is not None
    is_local = r.flag("is_local", required=False)
    return SpotifyTrack(
        id=track_id,
        requested_id=requested_id if requested_id is not None else track_id,
        linked_from_id=linked_from.text("id") if linked_from is not None else None,
        name=r.text("name"),
        isrc=missing.take("isrc", isrc),
        duration_ms=r.whole("duration_ms"),
        explicit=r.flag("explicit"),
        popularity=missing.take("popularity", r.whole("popularity", required=False, nullable=True)),
        album=parse_album_ref(album),
        artists=_artist_refs(r),
        disc_number=_optional(r.whole("disc_number", required=False, nullable=True)),
        track_number=_optional(r.whole("track_number", required=False, nullable=True)),
        is_playable=_optional(r.flag("is_playable", required=False, nullable=True)),
        is_local=bool(_optional(is_local)),
        uri=_optional(r.text("uri", required=False, nullable=True)),
        missing=missing.frozen(),
    )


# --- albums and artists ---------------------------------------------------------------------


def parse_album(
    data: Any, endpoint: str, *, tier: str | None = None, where: str = "$"
) -> SpotifyAlbum:
    """A full AlbumObject (label, copyrights, UPC and popularity beside the simplified fields)."""
    r = _Reader(data, endpoint, where)
    missing = _MissingFields("album", tier)
    external_ids = r.obj("external_ids", required=False)
    upc = external_ids.text("upc", required=False, nullable=True) if external_ids else _ABSENT
    copyrights = []
    for i, raw in enumerate(r.array("copyrights", required=False)):
        c = _Reader(raw, endpoint, f"{r.where}.copyrights[{i}]")
        copyrights.append(Copyright(text=c.text("text"), type=c.text("type")))
    track_ids: list[str] = []
    page = r.obj("tracks", required=False)
    if page is not None:
        for i, raw in enumerate(page.array("items")):
            item = _Reader(raw, endpoint, f"{page.where}.items[{i}]")
            item_id = item.text("id", nullable=True)
            if item_id:
                track_ids.append(item_id)
    total = r.whole("total_tracks", required=False, nullable=True)
    if total is _ABSENT and page is not None:
        total = page.whole("total", required=False)
    return SpotifyAlbum(
        id=r.text("id"),
        name=r.text("name"),
        album_type=missing.take("album_type", r.text("album_type", required=False, nullable=True)),
        release_date=missing.take(
            "release_date", r.text("release_date", required=False, nullable=True)
        ),
        release_date_precision=missing.take(
            "release_date_precision",
            r.text("release_date_precision", required=False, nullable=True),
        ),
        # An empty label is Spotify not knowing it, not a label called "".
        label=missing.take("label", _blank_as_null(r.text("label", required=False, nullable=True))),
        popularity=missing.take("popularity", r.whole("popularity", required=False, nullable=True)),
        upc=missing.take("upc", _blank_as_null(upc)),
        images=_images(r),
        copyrights=tuple(copyrights),
        artists=_artist_refs(r),
        track_ids=tuple(track_ids),
        total_tracks=_optional(total),
        missing=missing.frozen(),
    )


def _blank_as_null(value: Any) -> Any:
    return None if value == "" else value


def parse_artist(
    data: Any, endpoint: str, *, tier: str | None = None, where: str = "$"
) -> SpotifyArtist:
    r = _Reader(data, endpoint, where)
    missing = _MissingFields("artist", tier)
    followers_obj = r.obj("followers", required=False)
    followers = followers_obj.whole("total", nullable=True) if followers_obj else _ABSENT
    genres = r.array("genres") if "genres" in r.data and r.data["genres"] is not None else _ABSENT
    if genres is not _ABSENT and not all(isinstance(g, str) for g in genres):
        raise MalformedResponse(endpoint, f"{r.where}.genres", "holds a value that is not a string")
    if genres == [] and tier != "extended":
        # Deprecated, and always empty outside the extended tier (docs/services.md#access-tiers:
        # genres come from Chartmetric there).
        genres = _ABSENT
    return SpotifyArtist(
        id=r.text("id"),
        name=r.text("name"),
        genres=missing.take("genres", tuple(genres) if genres is not _ABSENT else _ABSENT),
        followers=missing.take("followers", followers),
        popularity=missing.take("popularity", r.whole("popularity", required=False, nullable=True)),
        images=_images(r),
        missing=missing.frozen(),
    )


def parse_audio_features(data: Any, endpoint: str, *, where: str = "$") -> AudioFeatures:
    r = _Reader(data, endpoint, where)
    return AudioFeatures(
        track_id=r.text("id"),
        danceability=r.number("danceability"),
        energy=r.number("energy"),
        key=r.whole("key"),
        loudness=r.number("loudness"),
        mode=r.whole("mode"),
        speechiness=r.number("speechiness"),
        acousticness=r.number("acousticness"),
        instrumentalness=r.number("instrumentalness"),
        liveness=r.number("liveness"),
        valence=r.number("valence"),
        tempo=r.number("tempo"),
        time_signature=r.whole("time_signature"),
        duration_ms=r.whole("duration_ms"),
    )


# --- playlists ------------------------------------------------------------------------------


def parse_playlist(data: Any, endpoint: str, *, tier: str | None = None) -> PlaylistInfo:
    """A PlaylistObject. Its page of items is `tracks` (pre-2026, extended) or `items`
    (since Feb 2026), and absent for development-tier apps (docs/services.md#playlist-endpoints)."""
    r = _Reader(data, endpoint, "$")
    missing = _MissingFields("playlist", tier)
    owner = r.obj("owner")
    assert owner is not None
    followers_obj = r.obj("followers", required=False)
    followers = followers_obj.whole("total", nullable=True) if followers_obj else _ABSENT
    page = r.obj("items", required=False) or r.obj("tracks", required=False)
    total = page.whole("total") if page is not None else _ABSENT
    first_items: tuple[PlaylistItem, ...] = ()
    if page is None:
        missing.reasons["total_items"] = NOT_IN_TIER if tier != "extended" else NOT_RETURNED
    else:
        offset = page.whole("offset", required=False)
        start = offset if isinstance(offset, int) else 0
        first_items = tuple(
            parse_playlist_item(
                raw, endpoint, position=start + i, tier=tier, where=f"{page.where}.items[{i}]"
            )
            for i, raw in enumerate(page.array("items", required=False))
        )
    return PlaylistInfo(
        id=r.text("id"),
        name=r.text("name"),
        description=_optional(r.text("description", required=False, nullable=True)),
        owner_id=owner.text("id"),
        owner_name=_optional(owner.text("display_name", required=False, nullable=True)),
        followers=missing.take("followers", followers),
        snapshot_id=missing.take(
            "snapshot_id", r.text("snapshot_id", required=False, nullable=True)
        ),
        public=_optional(r.flag("public", required=False, nullable=True)),
        collaborative=_optional(r.flag("collaborative", required=False, nullable=True)),
        total_items=_optional(total),
        missing=missing.frozen(),
        first_items=first_items,
    )


def parse_playlist_page(data: Any, endpoint: str, *, tier: str | None = None) -> PlaylistPage:
    """A paging object of PlaylistTrackObjects; positions count from the page's `offset`."""
    r = _Reader(data, endpoint, "$")
    offset = r.whole("offset")
    items = tuple(
        parse_playlist_item(raw, endpoint, position=offset + i, tier=tier, where=f"$.items[{i}]")
        for i, raw in enumerate(r.array("items"))
    )
    return PlaylistPage(
        items=items,
        next_url=_optional(r.text("next", nullable=True)),
        total=r.whole("total"),
    )


def parse_playlist_item(
    data: Any, endpoint: str, *, position: int, tier: str | None = None, where: str = "$"
) -> PlaylistItem:
    """Entry kinds: a track, a local file (`is_local`), an episode (`type` "episode", only
    sent with additional_types=episode), or null content: no longer available."""
    r = _Reader(data, endpoint, where)
    content_key = "item" if "item" in r.data else "track"  # Feb 2026 renamed track -> item
    if content_key not in r.data:
        raise MalformedResponse(endpoint, f"{where}.track", "is missing (and so is .item)")
    added_at = _timestamp(r, "added_at")
    added_by_obj = r.obj("added_by", required=False)
    added_by = added_by_obj.text("id", required=False, nullable=True) if added_by_obj else None
    common = {"position": position, "added_at": added_at, "added_by": _optional(added_by) or None}
    content = r.obj(content_key, required=False)
    if content is None:
        return PlaylistItem(kind="unavailable", **common)
    if (
        r.flag("is_local", required=False) is True
        or content.flag("is_local", required=False) is True
    ):
        return PlaylistItem(
            kind="local",
            uri=_optional(content.text("uri", required=False, nullable=True)),
            name=content.text("name"),
            **common,
        )
    if content.text("type", required=False) == "episode":
        return PlaylistItem(
            kind="episode",
            uri=_optional(content.text("uri", required=False, nullable=True)),
            name=content.text("name"),
            episode_id=content.text("id"),
            **common,
        )
    track = parse_track(content.data, endpoint, tier=tier, where=content.where)
    if track.id is None:
        raise MalformedResponse(endpoint, f"{content.where}.id", "is null for a Spotify track")
    return PlaylistItem(kind="track", track=track, uri=track.uri, name=track.name, **common)


def _timestamp(r: _Reader, key: str) -> datetime | None:
    text = r.text(key, required=False, nullable=True)
    if text is _ABSENT or text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range
        raise MalformedResponse(
            r.endpoint, f"{r.where}.{key}", f"is {text!r}, not an ISO-8601 time"
        ) from None


# --- search ---------------------------------------------------------------------------------


def parse_track_search(data: Any, endpoint: str, *, tier: str | None = None) -> list[SpotifyTrack]:
    """The tracks of `GET /search?type=track` (`{"tracks": {paging, "items": [...]}}`)."""
    page = _Reader(data, endpoint, "$").obj("tracks")
    assert page is not None
    return [
        parse_track(raw, endpoint, tier=tier, where=f"$.tracks.items[{i}]")
        for i, raw in enumerate(page.array("items"))
    ]
