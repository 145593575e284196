"""Pathfinder GraphQL persisted queries: parse the GET (v1) and POST (v2) forms, check the hash
and the variables, and answer from the catalog (docs/services.md#pathfinder-persisted-queries).

Success is `{"data": {...}}`; a hash the server does not know is
`{"errors":[{"message":"PersistedQueryNotFound"}]}`; an unknown entity is a null union.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from track_assets.sandbox.emulators.spotify_web.hashes import PersistedQueries
from track_assets.sandbox.emulators.spotify_web.shapes import Shapes

PERSISTED_QUERY_NOT_FOUND = {"errors": [{"message": "PersistedQueryNotFound"}]}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BASE62_ID = r"[0-9A-Za-z]{22}"


class PathfinderError(Exception):
    """A request the server refuses before running it (status + GraphQL-style body)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"errors": [{"message": message}]}


@dataclass(frozen=True)
class PersistedQuery:
    operation: str
    variables: Mapping[str, Any]
    sha256: str


# Variables each operation declares: name -> (GraphQL type, required). Types: ID/String are
# strings, Int a whole number, Boolean true/false. Extra variables are ignored, as GraphQL does.
VARIABLES: dict[str, dict[str, tuple[str, bool]]] = {
    "getTrack": {"uri": ("ID", True)},
    "getAlbum": {
        "uri": ("ID", True),
        "locale": ("String", True),
        "offset": ("Int", True),
        "limit": ("Int", True),
    },
    "fetchPlaylist": {
        "uri": ("ID", True),
        "offset": ("Int", True),
        "limit": ("Int", True),
        "enableWatchFeedEntrypoint": ("Boolean", False),
    },
    "queryArtistOverview": {
        "uri": ("ID", True),
        "locale": ("String", True),
        "includePrerelease": ("Boolean", False),
    },
    "queryTrackCreditsModal": {
        "trackUri": ("ID", True),
        "contributorsLimit": ("Int", True),
        "contributorsOffset": ("Int", True),
    },
}
LOGGED_IN_OPERATIONS = frozenset({"queryTrackCreditsModal"})


def operation_name_of(query: Mapping[str, str], body: bytes) -> str | None:
    """The operationName of a GET query string or POST body, if it is a plain name."""
    name = query.get("operationName")
    if name is None and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return None
        name = parsed.get("operationName") if isinstance(parsed, dict) else None
    return name if isinstance(name, str) and _OPERATION_NAME.match(name) else None


def parse_get(query: Mapping[str, str]) -> PersistedQuery:
    for name in ("operationName", "variables", "extensions"):
        if name not in query:
            raise PathfinderError(400, f"Missing query parameter '{name}'")
    variables = _json_parameter(query["variables"], "variables")
    extensions = _json_parameter(query["extensions"], "extensions")
    return _persisted(query["operationName"], variables, extensions)


def parse_post(body: bytes, content_type: str) -> PersistedQuery:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise PathfinderError(415, "Content-Type must be application/json")
    try:
        parsed = json.loads(body)
    except ValueError:
        raise PathfinderError(400, "The request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise PathfinderError(400, "The request body must be a JSON object")
    for name in ("operationName", "variables", "extensions"):
        if name not in parsed:
            raise PathfinderError(400, f"Missing '{name}' in the request body")
    return _persisted(parsed["operationName"], parsed["variables"], parsed["extensions"])


def _json_parameter(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise PathfinderError(400, f"Parameter '{name}' is not valid JSON") from None


def _persisted(operation: Any, variables: Any, extensions: Any) -> PersistedQuery:
    if not isinstance(operation, str) or not _OPERATION_NAME.match(operation):
        raise PathfinderError(400, "operationName must be a GraphQL name")
    if not isinstance(variables, dict):
        raise PathfinderError(400, "variables must be a JSON object")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if not isinstance(persisted, dict):
        raise PathfinderError(400, "extensions.persistedQuery is missing")
    if persisted.get("version") != 1 or isinstance(persisted.get("version"), bool):
        raise PathfinderError(400, "Unsupported persisted query version")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise PathfinderError(400, "extensions.persistedQuery.sha256Hash must be a sha256 hex")
    return PersistedQuery(operation, variables, sha256)


def check_variables(query: PersistedQuery) -> dict[str, Any]:
    """The declared variables, coerced as GraphQL would; raise PathfinderError(400) if not."""
    declared = VARIABLES[query.operation]
    values: dict[str, Any] = {}
    for name, (kind, required) in declared.items():
        value = query.variables.get(name)
        if value is None:
            if required:
                raise PathfinderError(
                    400, f"Variable '{name}' has coerced Null value for NonNull type '{kind}!'"
                )
            continue
        ok = {
            "ID": isinstance(value, str),
            "String": isinstance(value, str),
            "Int": isinstance(value, int)
            and not isinstance(value, bool)
            and -(2**31) <= value < 2**31,
            "Boolean": isinstance(value, bool),
        }[kind]
        if not ok:
            raise PathfinderError(
                400, f"Variable '{name}' has an invalid value: expected type '{kind}'"
            )
        if kind == "Int" and value < 0:
            raise PathfinderError(400, f"Variable '{name}' must not be negative")
        values[name] = value
    return values


def entity_id(uri: str, kind: str) -> str | None:
    match = re.fullmatch(rf"spotify:{kind}:({_BASE62_ID})", uri)
    return match.group(1) if match else None


@dataclass(frozen=True)
class PathfinderLimits:
    playlist_page_size: int
    album_page_size: int


def run_query(
    query: PersistedQuery,
    queries: PersistedQueries,
    shapes: Shapes,
    limits: PathfinderLimits,
) -> tuple[int, dict[str, Any]] | None:
    """(status, body) for a known hash, or None when the hash is not (or no longer) known."""
    if not queries.accepts(query.operation, query.sha256):
        return None
    variables = check_variables(query)
    resolver = _RESOLVERS[query.operation]
    return 200, {"data": resolver(variables, shapes, limits)}


def _get_track(variables: dict[str, Any], shapes: Shapes, limits: PathfinderLimits) -> Any:
    track = shapes.track(entity_id(variables["uri"], "track") or "")
    return {"trackUnion": shapes.track_union(track) if track else None}


def _get_album(variables: dict[str, Any], shapes: Shapes, limits: PathfinderLimits) -> Any:
    album = shapes.catalog.albums_by_id.get(entity_id(variables["uri"], "album") or "")
    limit = min(variables["limit"], limits.album_page_size)
    union = shapes.album_union(album, variables["offset"], limit) if album else None
    return {"albumUnion": union}


def _fetch_playlist(variables: dict[str, Any], shapes: Shapes, limits: PathfinderLimits) -> Any:
    playlist = shapes.catalog.playlists_by_id.get(entity_id(variables["uri"], "playlist") or "")
    limit = min(variables["limit"], limits.playlist_page_size)
    union = shapes.playlist_v2(playlist, variables["offset"], limit) if playlist else None
    return {"playlistV2": union}


def _artist_overview(variables: dict[str, Any], shapes: Shapes, limits: PathfinderLimits) -> Any:
    artist = shapes.catalog.artists_by_id.get(entity_id(variables["uri"], "artist") or "")
    return {"artistUnion": shapes.artist_union(artist) if artist else None}


def _credits_modal(variables: dict[str, Any], shapes: Shapes, limits: PathfinderLimits) -> Any:
    track = shapes.track(entity_id(variables["trackUri"], "track") or "")
    if track is None:
        return {"trackUnion": None}
    offset, limit = variables["contributorsOffset"], variables["contributorsLimit"]
    return {"trackUnion": shapes.credits_modal(track, offset, limit)}


_RESOLVERS: dict[str, Callable[[dict[str, Any], Shapes, PathfinderLimits], Any]] = {
    "getTrack": _get_track,
    "getAlbum": _get_album,
    "fetchPlaylist": _fetch_playlist,
    "queryArtistOverview": _artist_overview,
    "queryTrackCreditsModal": _credits_modal,
}
