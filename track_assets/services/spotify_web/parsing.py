"""The web player's wire format: paths, persisted-query requests, and every response shape read
into our records. The only module that knows the web player's JSON field names.

Shapes: track_assets_tests/fixtures/reference/spotify/webplayer/ (real captures) and docs/services.md#spotify-web-player.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from track_assets.services.spotify_web.models import (
    AlbumTrack,
    ArtistOverview,
    Credit,
    ItemKind,
    MalformedResponse,
    TrackCredits,
    WebPlayerRequestFailed,
    WebPlaylistItem,
)

# -- paths (the same on open.spotify.com / api-partner / spclient and on the sandbox) ----------

PATHFINDER_PATH = "/pathfinder/v2/query"
PATHFINDER_GET_PATH = "/pathfinder/v1/query"
CREDITS_PATH = "/track-credits-view/v0/experimental/{track_id}/credits"
TOKEN_PATH = "/api/token"
CLIENT_TOKEN_PATH = "/v1/clienttoken"
# Spotify has long capped a playlist at 10,000 items: a total ten times that is a broken answer,
# not a playlist to page through (the pages asked for are counted from it).
MAX_PLAYLIST_ITEMS = 100_000

GET_TRACK = "getTrack"
GET_ALBUM = "getAlbum"
FETCH_PLAYLIST = "fetchPlaylist"
ARTIST_OVERVIEW = "queryArtistOverview"
CREDITS_MODAL_OPERATIONS = frozenset({"queryTrackCreditsModal", "queryTrackCreditsGroupedModal"})

PLAYLIST_PAGE_LIMIT = 25  # what the web player asks for (the capture got 25 when asking 100)
ALBUM_PAGE_LIMIT = 50

# The page that makes each operation, for reading its hash: /<kind>/<id>.
PAGE_KIND = {GET_TRACK: "track", GET_ALBUM: "album", FETCH_PLAYLIST: "playlist"}
PAGE_KIND[ARTIST_OVERVIEW] = "artist"

# Headers the page sends to pathfinder that a session copies (authorization is the token's).
SESSION_HEADERS = ("client-token", "app-platform", "spotify-app-version", "accept-language")

_CREDITS_URL = re.compile(r"/track-credits-view/v0/experimental/([0-9A-Za-z]+)/credits$")
_PAGE_URL = re.compile(r"^/(track|album|playlist|artist)/[0-9A-Za-z]+/?$")
_DIGITS = re.compile(r"^[0-9]+$")

# -- requests ----------------------------------------------------------------------------------


def uri(kind: str, entity_id: str) -> str:
    return f"spotify:{kind}:{entity_id}"


def id_of_uri(value: Any, kind: str) -> str | None:
    """The id of a `spotify:<kind>:<id>` URI, else None."""
    if not isinstance(value, str):
        return None
    parts = value.split(":")
    return parts[2] if len(parts) == 3 and parts[0] == "spotify" and parts[1] == kind else None


def track_variables(track_id: str) -> dict[str, Any]:
    return {"uri": uri("track", track_id)}


def album_variables(album_id: str, offset: int, limit: int = ALBUM_PAGE_LIMIT) -> dict[str, Any]:
    return {"uri": uri("album", album_id), "locale": "", "offset": offset, "limit": limit}


def playlist_variables(
    playlist_id: str, offset: int, limit: int = PLAYLIST_PAGE_LIMIT
) -> dict[str, Any]:
    return {
        "uri": uri("playlist", playlist_id),
        "offset": offset,
        "limit": limit,
        "enableWatchFeedEntrypoint": False,
    }


def artist_variables(artist_id: str) -> dict[str, Any]:
    return {"uri": uri("artist", artist_id), "locale": "", "includePrerelease": False}


def query_body(operation: str, variables: Mapping[str, Any], sha256: str) -> dict[str, Any]:
    """The POST /pathfinder/v2/query body the web player sends."""
    return {
        "variables": dict(variables),
        "operationName": operation,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}},
    }


@dataclass(frozen=True)
class PersistedQueryCall:
    """A pathfinder request as a page sent it."""

    operation: str
    variables: Mapping[str, Any]
    sha256: str | None


def persisted_query_of(method: str, url: str, body: str | None) -> PersistedQueryCall | None:
    """The operation, variables and hash of a pathfinder request (POST v2 or GET v1), else None."""
    parts = urlsplit(url)
    if not parts.path.startswith("/pathfinder/"):
        return None
    try:
        if method.upper() == "POST":
            payload = json.loads(body or "")
            operation = payload.get("operationName")
            variables = payload.get("variables")
            extensions = payload.get("extensions")
        else:
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            operation = query.get("operationName")
            variables = json.loads(query.get("variables", "{}"))
            extensions = json.loads(query.get("extensions", "{}"))
    except (ValueError, AttributeError):
        return None
    if not isinstance(operation, str):
        return None
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    sha256 = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return PersistedQueryCall(
        operation,
        variables if isinstance(variables, dict) else {},
        sha256 if isinstance(sha256, str) else None,
    )


def credits_track_id(url: str) -> str | None:
    """The track id of an spclient credits URL, else None."""
    match = _CREDITS_URL.search(urlsplit(url).path)
    return match.group(1) if match else None


def is_token_url(url: str) -> bool:
    return urlsplit(url).path == TOKEN_PATH


def endpoint_label(method: str, url: str, body: str | None = None) -> str:
    """A low-cardinality counter label for a request a page or the session makes."""
    method = method.upper()
    path = urlsplit(url).path
    call = persisted_query_of(method, url, body)
    if call is not None:
        return f"{method} {path}#{call.operation}"
    if credits_track_id(url) is not None:
        return f"{method} {CREDITS_PATH.replace('{track_id}', '{id}')}"
    if path in (TOKEN_PATH, CLIENT_TOKEN_PATH):
        return f"{method} {path}"
    page = _PAGE_URL.match(path)
    if page:
        return f"{method} /{page.group(1)}/{{id}}"
    return f"{method} page-resource"


# -- responses: envelope -----------------------------------------------------------------------


class PersistedQueryNotFound(Exception):
    """Pathfinder no longer knows the hash sent (the web player shipped new ones)."""


def load_json(body: bytes | str, what: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedResponse(what, f"the body is not JSON ({error})") from None
    except RecursionError:  # json's decoder recurses once per nested array or object
        raise MalformedResponse(what, "the body is nested too deeply to be read") from None


def _error_messages(payload: Any) -> list[str]:
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return []
    return [str(e.get("message", "")) for e in errors if isinstance(e, dict)]


def _spotify_error_message(payload: Any) -> str:
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", ""))
    messages = _error_messages(payload)
    return "; ".join(messages)


def pathfinder_data(status: int, body: bytes | str, what: str) -> dict[str, Any]:
    """The `data` object of a pathfinder answer.

    Raises PersistedQueryNotFound for a rotated hash (whatever the status), WebPlayerRequestFailed
    for another error status, MalformedResponse for a body that is not a pathfinder answer.
    """
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        if status != 200:
            raise WebPlayerRequestFailed(what, status) from None
        raise MalformedResponse(what, f"the body is not JSON ({error})") from None
    if "PersistedQueryNotFound" in _error_messages(payload):
        raise PersistedQueryNotFound(what)
    if status != 200:
        raise WebPlayerRequestFailed(what, status, _spotify_error_message(payload))
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        problem = "; ".join(_error_messages(payload)) or "no data object"
        raise MalformedResponse(what, problem)
    return data


def error_message(body: bytes | str) -> str:
    """The message of a Spotify error body, or ''."""
    try:
        return _spotify_error_message(json.loads(body))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return ""


# -- small readers -----------------------------------------------------------------------------


def _at(node: Any, *path: str) -> Any:
    """node[path[0]][path[1]]..., None where a step is missing or null."""
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _object(node: Any, what: str, *path: str) -> dict[str, Any]:
    value = _at(node, *path)
    if not isinstance(value, dict):
        raise MalformedResponse(what, f"no object at {'.'.join(path)}")
    return value


def _list(node: Any, what: str, *path: str) -> list[Any]:
    value = _at(node, *path)
    if not isinstance(value, list):
        raise MalformedResponse(what, f"no list at {'.'.join(path)}")
    return value


def _optional_int(value: Any, what: str, field: str) -> int | None:
    """An integer sent as a number or a string of digits (`playcount` is a string)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MalformedResponse(what, f"{field} is {value!r}, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.match(value):
        try:
            return int(value)
        except ValueError:  # more digits than Python converts (4300)
            raise MalformedResponse(what, f"{field} has {len(value)} digits") from None
    raise MalformedResponse(what, f"{field} is {value!r}, not a number")


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _iso_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime (a time without a zone is taken as UTC); None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range
        return None


# -- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebToken:
    access_token: str
    expires_at_ms: int | None
    is_anonymous: bool


def parse_token(body: bytes | str) -> WebToken:
    """`/api/token` (and the embed page's `settings.session`)."""
    what = "the web player token"
    payload = load_json(body, what)
    token = _at(payload, "accessToken")
    if not isinstance(token, str) or not token:
        raise MalformedResponse(what, "no accessToken")
    anonymous = _at(payload, "isAnonymous")
    return WebToken(
        access_token=token,
        expires_at_ms=_optional_int(
            _at(payload, "accessTokenExpirationTimestampMs"), what, "expiry"
        ),
        is_anonymous=anonymous is not False,
    )


# -- getTrack ----------------------------------------------------------------------------------


def parse_track_play_count(data: Mapping[str, Any], track_id: str) -> int | None:
    """`data.trackUnion.playcount`; None for an unknown track (null union) or no count shown."""
    what = f"getTrack of track {track_id}"
    if "trackUnion" not in data:
        raise MalformedResponse(what, "no trackUnion in data")
    union = data["trackUnion"]
    if union is None:
        return None
    if not isinstance(union, dict):
        raise MalformedResponse(what, "trackUnion is not an object")
    if union.get("__typename", "Track") != "Track":
        return None
    return _optional_int(union.get("playcount"), what, "trackUnion.playcount")


def track_exists(data: Mapping[str, Any]) -> bool:
    union = data.get("trackUnion")
    return isinstance(union, dict) and union.get("__typename", "Track") == "Track"


# -- getAlbum ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlbumPage:
    album_id: str
    name: str
    label: str | None
    release_date: str | None
    total_tracks: int
    offset: int
    tracks: tuple[AlbumTrack, ...]
    copyrights: tuple[tuple[str, str], ...] = ()  # (text, type: "C" | "P")


def parse_album_page(data: Mapping[str, Any], album_id: str, offset: int) -> AlbumPage | None:
    """One getAlbum page; None when the album does not exist (null union)."""
    what = f"getAlbum of album {album_id}"
    if "albumUnion" not in data:
        raise MalformedResponse(what, "no albumUnion in data")
    union = data["albumUnion"]
    if union is None or _at(union, "__typename") not in (None, "Album"):
        return None
    tracks_v2 = _object(union, what, "tracksV2")
    tracks = []
    for item in _list(tracks_v2, what, "items"):
        track = _object(item, what, "track")
        track_id = id_of_uri(track.get("uri"), "track")
        if track_id is None:
            raise MalformedResponse(what, f"album track without a track uri: {track.get('uri')!r}")
        linked = _at(track, "relinkingInformation", "linkedTrack", "uri")
        tracks.append(
            AlbumTrack(
                track_id=track_id,
                name=str(track.get("name") or ""),
                disc_number=_optional_int(track.get("discNumber"), what, "discNumber"),
                track_number=_optional_int(track.get("trackNumber"), what, "trackNumber"),
                play_count=_optional_int(track.get("playcount"), what, "playcount"),
                linked_track_id=id_of_uri(linked, "track"),
            )
        )
    total = _optional_int(tracks_v2.get("totalCount"), what, "tracksV2.totalCount")
    return AlbumPage(
        album_id=album_id,
        name=str(union.get("name") or ""),
        label=_optional_str(union.get("label")),
        release_date=_optional_str(_at(union, "date", "isoString")),
        total_tracks=total if total is not None else offset + len(tracks),
        offset=offset,
        tracks=tuple(tracks),
        copyrights=_copyrights(union),
    )


def _copyrights(union: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The album's copyright lines (text, "C" or "P"); an item missing either is left out."""
    items = _at(union, "copyright", "items")
    return tuple(
        (item["text"], item["type"])
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
        and isinstance(item.get("text"), str)
        and isinstance(item.get("type"), str)
    )


# -- fetchPlaylist -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaylistPage:
    playlist_id: str
    name: str
    description: str | None
    owner_id: str | None
    owner_name: str | None
    followers: int | None
    revision_id: str | None
    total: int
    offset: int
    items: tuple[WebPlaylistItem, ...]


_ITEM_KINDS = {
    "Track": ItemKind.TRACK,
    "Episode": ItemKind.EPISODE,
    "Chapter": ItemKind.EPISODE,
    "LocalTrack": ItemKind.LOCAL,
}


def _user_id(node: Any) -> str | None:
    data = _at(node, "data")
    username = _at(data, "username")
    if isinstance(username, str) and username:
        return username
    return id_of_uri(_at(data, "uri"), "user")


def parse_playlist_item(item: Any, position: int, what: str) -> WebPlaylistItem:
    if not isinstance(item, dict):
        raise MalformedResponse(what, f"playlist item {position} is not an object")
    data = _at(item, "itemV2", "data")
    typename = _at(data, "__typename")
    item_uri = _optional_str(_at(data, "uri"))
    known = _ITEM_KINDS.get(typename) if isinstance(typename, str) else None  # a list: unhashable
    kind = known if data and known is not None else ItemKind.UNAVAILABLE
    if item_uri and item_uri.startswith("spotify:local:"):
        kind = ItemKind.LOCAL
    track_id = id_of_uri(item_uri, "track") if kind is ItemKind.TRACK else None
    if kind is ItemKind.TRACK and track_id is None:
        kind = ItemKind.UNAVAILABLE
    play_count = None
    if kind is ItemKind.TRACK:
        play_count = _optional_int(_at(data, "playcount"), what, f"item {position} playcount")
    return WebPlaylistItem(
        position=position,
        kind=kind,
        track_id=track_id,
        uri=item_uri,
        name=_optional_str(_at(data, "name")),
        added_at=_iso_datetime(_at(item, "addedAt", "isoString")),
        added_by=_user_id(item.get("addedBy")),
        play_count=play_count,
    )


def parse_playlist_page(data: Mapping[str, Any], playlist_id: str) -> PlaylistPage | None:
    """One fetchPlaylist page; None when the playlist does not exist (null union)."""
    what = f"fetchPlaylist of playlist {playlist_id}"
    if "playlistV2" not in data:
        raise MalformedResponse(what, "no playlistV2 in data")
    union = data["playlistV2"]
    if union is None or _at(union, "__typename") not in (None, "Playlist"):
        return None
    content = _object(union, what, "content")
    offset = _optional_int(_at(content, "pagingInfo", "offset"), what, "pagingInfo.offset") or 0
    items = tuple(
        parse_playlist_item(item, offset + i, what)
        for i, item in enumerate(_list(content, what, "items"))
    )
    total = _optional_int(content.get("totalCount"), what, "content.totalCount")
    if total is None:
        raise MalformedResponse(what, "no content.totalCount")
    if not 0 <= total <= MAX_PLAYLIST_ITEMS:  # the pages to ask for are counted from it
        raise MalformedResponse(what, f"content.totalCount {total} is no playlist's length")
    owner = _at(union, "ownerV2")
    return PlaylistPage(
        playlist_id=playlist_id,
        name=str(union.get("name") or ""),
        description=_optional_str(union.get("description")),
        owner_id=_user_id(owner),
        owner_name=_optional_str(_at(owner, "data", "name")),
        followers=_optional_int(union.get("followers"), what, "followers"),
        revision_id=_optional_str(union.get("revisionId")),
        total=total,
        offset=offset,
        items=items,
    )


# -- queryArtistOverview -----------------------------------------------------------------------


def parse_artist_overview(data: Mapping[str, Any], artist_id: str) -> ArtistOverview | None:
    what = f"queryArtistOverview of artist {artist_id}"
    if "artistUnion" not in data:
        raise MalformedResponse(what, "no artistUnion in data")
    union = data["artistUnion"]
    if union is None or _at(union, "__typename") not in (None, "Artist"):
        return None
    stats = _at(union, "stats") or {}
    return ArtistOverview(
        artist_id=artist_id,
        name=str(_at(union, "profile", "name") or ""),
        followers=_optional_int(_at(stats, "followers"), what, "stats.followers"),
        monthly_listeners=_optional_int(
            _at(stats, "monthlyListeners"), what, "stats.monthlyListeners"
        ),
        world_rank=_optional_int(_at(stats, "worldRank"), what, "stats.worldRank") or None,
    )


# -- credits -----------------------------------------------------------------------------------

WRITERS = "writers"
PRODUCERS = "producers"
PERFORMERS = "performers"


def _credits_from_groups(
    track_id: str, groups: list[tuple[str, list[Credit]]], source_names: tuple[str, ...]
) -> TrackCredits:
    by_title: dict[str, list[Credit]] = {}
    other: list[Credit] = []
    for title, people in groups:
        key = title.strip().casefold()
        if key in (WRITERS, PRODUCERS, PERFORMERS):
            by_title.setdefault(key, []).extend(people)
        else:
            other.extend(people)
    writers = tuple(by_title.get(WRITERS, ()))
    producers = list(by_title.get(PRODUCERS, ()))
    for title, people in groups:
        if title.strip().casefold() == PRODUCERS:
            continue
        producers.extend(p for p in people if "producer" in p.subroles and p not in producers)
    return TrackCredits(
        track_id=track_id,
        writers=writers,
        composers=tuple(p for p in writers if "composer" in p.subroles),
        lyricists=tuple(p for p in writers if "lyricist" in p.subroles),
        producers=tuple(producers),
        performers=tuple(by_title.get(PERFORMERS, ())),
        source_names=source_names,
        other=tuple(other),
    )


def _artist_uri(value: Any) -> str | None:
    """A credited person's `spotify:artist:<id>`; None for a name-only credit ("" on the wire)
    or any other value."""
    return value if id_of_uri(value, "artist") else None


def _names(values: Any, what: str, field: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise MalformedResponse(what, f"{field} is not a list of names")
    return tuple(values)


def parse_spclient_credits(body: bytes | str, track_id: str) -> TrackCredits:
    """spclient `track-credits-view` (reference: spclient_track-credits_*.json)."""
    what = f"the credits of track {track_id}"
    payload = load_json(body, what)
    if not isinstance(payload, dict):
        raise MalformedResponse(what, "the body is not an object")
    groups: list[tuple[str, list[Credit]]] = []
    for group in _list(payload, what, "roleCredits"):
        title = _at(group, "roleTitle")
        if not isinstance(title, str):
            raise MalformedResponse(what, "a role group without roleTitle")
        people = []
        for person in _list(group, what, "artists"):
            name = _at(person, "name")
            if not isinstance(name, str) or not name.strip():
                raise MalformedResponse(what, f"a {title} credit without a name")
            people.append(
                Credit(
                    name=name,
                    artist_uri=_artist_uri(_at(person, "uri")),
                    role_group=title,
                    subroles=_names(_at(person, "subroles"), what, "subroles"),
                )
            )
        groups.append((title, people))
    sources = _names(payload.get("sourceNames"), what, "sourceNames")
    return _credits_from_groups(track_id, groups, sources)


def parse_credits_modal(data: Mapping[str, Any], track_id: str) -> TrackCredits:
    """pathfinder `queryTrackCreditsModal` (no capture: the paths public clients read,
    docs/services.md#pathfinder-operations): one contributor item per person and role."""
    what = f"the credits of track {track_id}"
    trait = _object(data, what, "trackUnion", "creditsTrait")
    groups: dict[str, dict[tuple[str, str | None], list[str]]] = {}
    for item in _list(trait, what, "contributors", "items"):
        name = _at(item, "name")
        if not isinstance(name, str) or not name.strip():
            raise MalformedResponse(what, "a contributor without a name")
        title = str(_at(item, "roleGroup", "name") or "Other")
        person = (name, _artist_uri(_at(item, "uri")))
        roles = groups.setdefault(title, {}).setdefault(person, [])
        role = _at(item, "role")
        if isinstance(role, str) and role and role.lower() not in roles:
            roles.append(role.lower())
    parsed = [
        (
            title,
            [
                Credit(name, artist_uri, title, tuple(roles))
                for (name, artist_uri), roles in people.items()
            ],
        )
        for title, people in groups.items()
    ]
    listed = _at(trait, "sources", "items")
    names = [_at(source, "name") for source in listed] if isinstance(listed, list) else []
    sources = tuple(name for name in names if isinstance(name, str) and name)
    return _credits_from_groups(track_id, parsed, sources)


def parse_credits_response(
    url: str, method: str, post_data: str | None, status: int, body: bytes, track_id: str
) -> TrackCredits:
    """Whichever credits request the page made: spclient or the pathfinder credits modal."""
    call = persisted_query_of(method, url, post_data)
    if call is not None and call.operation in CREDITS_MODAL_OPERATIONS:
        return parse_credits_modal(
            pathfinder_data(status, body, f"credits of {track_id}"), track_id
        )
    return parse_spclient_credits(body, track_id)


def is_credits_request(method: str, url: str, post_data: str | None, track_id: str) -> bool:
    if credits_track_id(url) == track_id:
        return True
    call = persisted_query_of(method, url, post_data)
    return (
        call is not None
        and call.operation in CREDITS_MODAL_OPERATIONS
        and call.variables.get("trackUri") == uri("track", track_id)
    )


def pathfinder_matcher(operation: str, entity_uri: str) -> Callable[[str, str, str | None], bool]:
    """A predicate on (method, url, post data): this operation for this entity."""

    def matches(method: str, url: str, post_data: str | None) -> bool:
        call = persisted_query_of(method, url, post_data)
        return (
            call is not None
            and call.operation == operation
            and call.variables.get("uri") == entity_uri
        )

    return matches
