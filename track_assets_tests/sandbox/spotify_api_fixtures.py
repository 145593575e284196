"""Shared by the spotify_api emulator tests: a catalog of the recorded entities, a running
sandbox, tokens, and the comparison of a served response with a recording.

`recorded_catalog_data()` builds a catalog file (JSON-ready dict) holding the very tracks,
albums, artists, playlists and episodes of track_assets_tests/fixtures/reference/spotify/webapi/, with their ids, names,
ISRCs, markets, popularity and so on, as far as the catalog format holds them. What it cannot
hold (an empty track name, release date "0000") is replaced and listed in `UNREPRESENTABLE`.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import httpx

from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.spotify_api import spotify_api_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.reference import reference_json

WEBAPI = "spotify/webapi/"
REFERENCE_DATE = date(2026, 11, 1)
RECORDED_HOST = "https://api.spotify.com"

# Entities whose recorded values the catalog format cannot hold (values not compared).
UNREPRESENTABLE = frozenset(
    {
        "4YhITuwINLCfXYB2WCXbCZ",  # track with name "" (catalog names are non-empty)
        "0SD7WKX5j92D3g3N4JM8N3",  # album released "0000", name ""
        "0LyfQWJT6nXafLPZqxe9Of",  # "Various Artists", also recorded with name ""
    }
)

# Relinking and playability in the market-ES recordings (requested id -> served id).
RELINKED = {
    "3jfr0TF6DQcOLat8gGn7E2": "5FVd6KXrgO9B3JPmC8OPst",
    "4oI9kesyxHUr8fqiLd6uO9": "1CFz8ZV88CFLwmggjGrW4c",
}
NOT_IN_ES = ("6fi8e1nv4QBqODf9puRcyX", *RELINKED)
OFFSET_PLAYLIST = "4dn0iEoAxn69ea0Tyov8V5"  # 244 items; recorded: 0, 61, 62 (local), 100, 101
EPISODES_PLAYLIST = "23Ay9WfURne0LvtlCvYTkj"
EDITORIAL_PLAYLIST = "37i9dQZF1DXcBWIGoYBM5M"

_PLAYS = {
    "start_date": "2026-01-01",
    "start_count": 1000,
    "daily_growth_rate": 0.001,
    "daily_increment": 10,
    "compounding_days": 30,
}


def recorded(name: str) -> Any:
    return reference_json(WEBAPI + name)


class _Collector:
    def __init__(self) -> None:
        self.artists: dict[str, dict] = {}
        self.albums: dict[str, dict] = {}
        self.tracks: dict[str, dict] = {}
        self.album_tracks: dict[str, list[str]] = {}

    def artist(self, raw: Mapping[str, Any]) -> str:
        artist_id = raw["id"]
        entry = self.artists.setdefault(artist_id, {"id": artist_id, "name": raw["name"]})
        if not entry["name"] and raw["name"]:
            entry["name"] = raw["name"]
        if "genres" in raw:  # a full ArtistObject
            entry["genres"] = raw["genres"]
            entry["images"] = raw["images"]
            if "popularity" in raw:
                entry["popularity"] = raw["popularity"]
            if "followers" in raw:
                entry["followers"] = raw["followers"]["total"]
        return artist_id

    def album(self, raw: Mapping[str, Any], artist_ids: list[str]) -> str:
        album_id = raw["id"]
        entry = self.albums.setdefault(
            album_id,
            {
                "id": album_id,
                "name": raw["name"] or "Untitled",
                "release_date": "2014",
                "release_date_precision": "year",
                "label": "",
                "artist_ids": [],
                "track_ids": [],
            },
        )
        for key in ("album_type", "images", "available_markets", "popularity", "label"):
            if key in raw and raw[key] is not None:
                entry[key] = raw[key]
        if raw.get("release_date") and raw["release_date"] != "0000":
            entry["release_date"] = raw["release_date"]
            entry["release_date_precision"] = raw["release_date_precision"]
        if "copyrights" in raw:
            entry["copyrights"] = raw["copyrights"]
        if raw.get("external_ids", {}).get("upc"):
            entry["upc"] = raw["external_ids"]["upc"]
        album_artists = [self.artist(a) for a in raw.get("artists", [])] or artist_ids
        if not entry["artist_ids"]:
            entry["artist_ids"] = album_artists
        for item in raw.get("tracks", {}).get("items", []):
            self.track(item, album_id=album_id)
        return album_id

    def track(self, raw: Mapping[str, Any], album_id: str | None = None) -> str:
        track_id = raw["id"]
        artist_ids = [self.artist(a) for a in raw["artists"]]
        if album_id is None:
            album_id = self.album(raw["album"], artist_ids)
        full = "external_ids" in raw  # a TrackObject, not an album's simplified track
        entry = self.tracks.get(track_id)
        if entry is None or (full and not entry["_full"]):
            entry = {
                "id": track_id,
                "name": raw["name"] or "Untitled",
                "isrc": raw.get("external_ids", {}).get("isrc"),
                "album_id": album_id,
                "artist_ids": artist_ids,
                "disc_number": max(1, raw["disc_number"]),
                "track_number": max(1, raw["track_number"]),
                "duration_ms": raw["duration_ms"],
                "explicit": raw["explicit"],
                "popularity": {
                    "start_date": REFERENCE_DATE.isoformat(),
                    "start_value": raw.get("popularity", 0),
                    "daily_change": 0,
                },
                "plays": dict(_PLAYS),
                "_full": full,
            }
            if "available_markets" in raw:
                entry["available_markets"] = raw["available_markets"]
            self.tracks[track_id] = entry
        listed = self.album_tracks.setdefault(album_id, [])
        if track_id not in listed:
            listed.append(track_id)
        return track_id


def recorded_catalog_data() -> dict[str, Any]:
    """A catalog (JSON-ready) of every entity in the Web API recordings."""
    c = _Collector()
    for name in (
        "artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json",
        "artist_1feoGrmmD8QmNqtK2Gdwy8_2024.json",
    ):
        c.artist(recorded(name))
    for artist in recorded("artists_several_2-ids_2014.json")["artists"]:
        c.artist(artist)
    for name in (
        "track_5NcYCtoBkAGyxL5SCF64av_2024.json",
        "track_1t2qKa8K72IBC8yQlhD9bU_popularity-0_no-markets_2024.json",
        "track_market-ES_relinked-linked_from_2017.json",
        "track_market-ES_unplayable-restrictions_2017.json",
    ):
        c.track(recorded(name))
    for name in (
        "tracks_several_2-ids_2014.json",
        "tracks_several_unknown-id-returns-null_2015.json",
        "tracks_several_market-ES_relinked-linked_from_2017.json",
    ):
        for track in recorded(name)["tracks"]:
            if track is not None:
                c.track(track)
    album = recorded("album_4yS3vUFIaE2xilaeYz3p9q_2024.json")
    c.album(album, [])
    for album in recorded("albums_several_2-ids_2014.json")["albums"]:
        c.album(album, [])

    playlists = []
    first = recorded("playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json")
    playlists.append(_playlist(c, first, first["tracks"]["items"]))

    local_view = recorded("playlist_4dn0iEoAxn69ea0Tyov8V5_local-tracks_2019.trimmed.json")
    later = recorded("playlist-tracks_offset100_next-previous_2019.trimmed.json")["items"]
    known = local_view["tracks"]["items"]  # original indices 0, 61, 62
    filler = known[0]
    items = [filler] * 244
    items[61], items[62] = known[1], known[2]
    items[100], items[101] = later
    playlists.append(_playlist(c, local_view, items))

    mixed = recorded("playlist-tracks_tracks-and-episodes_2022.json")["items"]
    episodes = []
    for item in mixed:
        if item["track"]["type"] == "episode":
            e = item["track"]
            episodes.append(
                {
                    "id": e["id"],
                    "name": e["name"],
                    "description": e["description"],
                    "show": {
                        "id": e["show"]["id"],
                        "name": e["show"]["name"],
                        "publisher": e["show"]["publisher"],
                    },
                    "duration_ms": e["duration_ms"],
                    "release_date": e["release_date"],
                    "explicit": e["explicit"],
                }
            )
    playlists.append(
        _playlist(
            c,
            {
                "id": EPISODES_PLAYLIST,
                "name": "Tracks and episodes",
                "owner": {"id": "randomUser", "display_name": "randomUser"},
            },
            mixed,
        )
    )

    # The requested (relinked-from) track of the single-track recording is only named there.
    if "3jfr0TF6DQcOLat8gGn7E2" not in c.tracks:
        target = c.tracks["5FVd6KXrgO9B3JPmC8OPst"]
        twin = {**target, "id": "3jfr0TF6DQcOLat8gGn7E2", "available_markets": ["GB", "US"]}
        twin["relinked_to"] = "5FVd6KXrgO9B3JPmC8OPst"
        c.tracks[twin["id"]] = twin
        c.album_tracks[target["album_id"]].append(twin["id"])
    for requested, served in RELINKED.items():
        c.tracks[served]["available_markets"] = ["ES", "GB", "US"]
        c.tracks[requested]["relinked_to"] = served
    for track_id in NOT_IN_ES:
        c.tracks[track_id]["available_markets"] = ["GB", "US"]

    # Tracks known only from the 2016 audio-features recording: give them an album.
    for features in recorded("audio-features_several_3-ids_2016.json")["audio_features"]:
        if features["id"] not in c.tracks:
            c.track(
                {
                    "id": features["id"],
                    "name": f"Track {features['id']}",
                    "artists": [{"id": "0oSGxfWSnnOXhD2fKuz2Gy", "name": "David Bowie"}],
                    "album": {"id": "5AudioFeaturesA1bum000", "name": "Audio features"},
                    "disc_number": 1,
                    "track_number": 1,
                    "duration_ms": features["duration_ms"],
                    "explicit": False,
                    "external_ids": {},
                }
            )
    # A Spotify-owned editorial playlist (id of Today's Top Hits, webplayer/ recording).
    playlists.append(
        {
            "id": EDITORIAL_PLAYLIST,
            "name": "Today's Top Hits",
            "owner": {"id": "spotify", "display_name": "Spotify"},
            "items": [
                {"kind": "track", "track_id": "5NcYCtoBkAGyxL5SCF64av", "added_at": None},
                {"kind": "track", "track_id": "18A7ha5BitZjmdHTCwXFbU", "added_at": None},
            ],
        }
    )

    for album_id, entry in c.albums.items():
        entry["track_ids"] = c.album_tracks.get(album_id, [])
    for entry in c.tracks.values():
        entry.pop("_full", None)
    return {
        "format_version": 1,
        "seed": None,
        "reference_date": REFERENCE_DATE.isoformat(),
        "playlists": playlists,
        "tracks": list(c.tracks.values()),
        "albums": list(c.albums.values()),
        "artists": list(c.artists.values()),
        "episodes": episodes,
    }


def _playlist(c: _Collector, raw: Mapping[str, Any], items: list[Mapping[str, Any]]) -> dict:
    entries = []
    for item in items:
        content = item["track"]
        entry: dict[str, Any] = {
            "added_at": item["added_at"],
            "added_by": (item.get("added_by") or {}).get("id"),
        }
        if content is None:
            entry["kind"] = "unavailable"
        elif item["is_local"]:
            artist = content["artists"][0]["name"] if content["artists"] else ""
            entry["kind"] = "local"
            entry["local"] = {
                "name": content["name"],
                "artist": artist,
                "album": content["album"]["name"],
                "duration_ms": content["duration_ms"],
            }
        elif content["type"] == "episode":
            entry["kind"] = "episode"
            entry["episode_id"] = content["id"]
        else:
            entry["kind"] = "track"
            entry["track_id"] = c.track(content)
        entries.append(entry)
    playlist: dict[str, Any] = {
        "id": raw["id"],
        "name": raw["name"],
        "owner": {"id": raw["owner"]["id"], "display_name": raw["owner"]["display_name"]},
        "items": entries,
    }
    for key in ("description", "public", "collaborative", "snapshot_id", "images"):
        if key in raw:
            playlist[key] = raw[key]
    if "followers" in raw:
        playlist["followers"] = raw["followers"]["total"]
    return playlist


def recorded_catalog() -> Catalog:
    return load_catalog(recorded_catalog_data())


# -- running the emulator -------------------------------------------------------------------------


@contextlib.contextmanager
def spotify_sandbox(
    catalog: Catalog,
    tier: str = "development",
    *,
    rate_limits: str = "off",
    limits: Mapping[str, Mapping[str, Any]] | None = None,
    settings: Mapping[str, Any] | None = None,
    day: date = REFERENCE_DATE,
) -> Iterator[SandboxServer]:
    """A sandbox serving only spotify_api; rate limits off unless asked for."""
    options = SandboxOptions(
        seed=11,
        date=day,
        tier=tier,
        rate_limits=rate_limits,
        limits={"spotify_api": dict(limits)} if limits else {},
        settings={"spotify_api": dict(settings)} if settings else {},
    )
    with SandboxServer([spotify_api_emulator()], catalog=catalog, options=options) as server:
        yield server


def basic_auth(sandbox: SandboxServer) -> dict[str, str]:
    creds = sandbox.credentials("spotify_api")
    pair = f"{creds['SPOTIFY_CLIENT_ID']}:{creds['SPOTIFY_CLIENT_SECRET']}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


def fetch_token(sandbox: SandboxServer) -> str:
    response = httpx.post(
        sandbox.base_url("spotify_api") + "/api/token",
        data={"grant_type": "client_credentials"},
        headers=basic_auth(sandbox),
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@contextlib.contextmanager
def api_client(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """httpx client on the emulator's /v1 with a fresh bearer token."""
    token = fetch_token(sandbox)
    with httpx.Client(
        base_url=sandbox.base_url("spotify_api") + "/v1",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


# -- comparing a served response with a recording ---------------------------------------------------

# Fields the February 2026 changes removed for Development Mode, by object `type`.
REMOVED_IN_DEVELOPMENT = {
    "track": {"popularity", "available_markets", "linked_from"},
    "album": {"label", "popularity", "album_group", "available_markets"},
    "artist": {"followers", "popularity"},
    "show": {"available_markets", "publisher"},
}
# Recorded as a string or null depending on the track (both appear in the recordings).
NULLABLE = frozenset({"preview_url", "audio_preview_url"})
# `number` in the OpenAPI AudioFeaturesObject: a whole value may be written `0`.
FLOAT_FIELDS = frozenset(
    {
        "acousticness",
        "danceability",
        "energy",
        "instrumentalness",
        "liveness",
        "loudness",
        "speechiness",
        "tempo",
        "valence",
    }
)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


def shape_differences(
    recording: Any,
    served: Any,
    *,
    tier: str,
    era_additions: frozenset[str] = frozenset(),
    absent: frozenset[str] = frozenset(),
    path: str = "$",
) -> list[str]:
    """Where `served` differs from `recording` in key sets (recursively) or JSON types.

    `era_additions`: paths (`$.album.total_tracks`, `$.tracks[].is_local`) of keys the current
    API has that an older recording lacks. `absent`: paths of recorded keys the served response
    must not have (a development-tier playlist has no page of items). In the development tier
    the removed fields of each recorded object (by its `type`) are expected absent too.
    """
    kind_r, kind_s = _type_name(recording), _type_name(served)
    if kind_r != kind_s:
        name = path.rsplit(".", 1)[-1]
        if name in NULLABLE and {kind_r, kind_s} <= {"str", "null"}:
            return []
        if name in FLOAT_FIELDS and {kind_r, kind_s} == {"int", "float"}:
            return []
        return [f"{path}: recorded {kind_r}, served {kind_s}"]
    if kind_r == "object":
        expected = set(recording)
        if tier == "development":
            expected -= REMOVED_IN_DEVELOPMENT.get(recording.get("type"), set())
        expected -= {p.rsplit(".", 1)[-1] for p in absent if p.rsplit(".", 1)[0] == path}
        additions = {p.rsplit(".", 1)[-1] for p in era_additions if p.rsplit(".", 1)[0] == path}
        problems = []
        missing = expected - set(served)
        extra = set(served) - expected - additions
        if missing:
            problems.append(f"{path}: missing {sorted(missing)}")
        if extra:
            problems.append(f"{path}: unexpected {sorted(extra)}")
        for key in sorted(expected & set(served)):
            problems += shape_differences(
                recording[key],
                served[key],
                tier=tier,
                era_additions=era_additions,
                absent=absent,
                path=f"{path}.{key}",
            )
        return problems
    if kind_r == "list":
        return _list_differences(recording, served, tier, era_additions, absent, path + "[]")
    return []


def _list_differences(
    recording: list,
    served: list,
    tier: str,
    era_additions: frozenset[str],
    absent: frozenset[str],
    path: str,
) -> list[str]:
    """Every recorded element shape must occur among the served elements, and vice versa."""
    if not recording or not served:
        return []  # an empty list tells nothing about element types

    def diff(r: Any, s: Any) -> list[str]:
        return shape_differences(
            r, s, tier=tier, era_additions=era_additions, absent=absent, path=path
        )

    problems: list[str] = []
    for what, left, right, flip in (
        ("recorded", recording, served, False),
        ("served", served, recording, True),
    ):
        seen: set[str] = set()
        for element in left:
            signature = json.dumps(_skeleton(element), sort_keys=True)
            if signature in seen:
                continue
            seen.add(signature)
            best: list[str] | None = None
            for other in right:
                found = diff(other, element) if flip else diff(element, other)
                if not found:
                    best = []
                    break
                if best is None or len(found) < len(best):
                    best = found
            if best:
                problems.append(f"{path}: a {what} element has no counterpart, e.g. {best[:3]}")
    return problems


def _skeleton(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted({json.dumps(_skeleton(v), sort_keys=True) for v in value})
    return _type_name(value)


VALUE_KEYS = frozenset(
    {
        "id",
        "uri",
        "type",
        "href",
        "next",
        "previous",
        "total",
        "limit",
        "offset",
        "isrc",
        "upc",
        "label",
        "popularity",
        "duration_ms",
        "track_number",
        "disc_number",
        "explicit",
        "is_playable",
        "reason",
        "is_local",
        "added_at",
        "release_date",
        "release_date_precision",
        "album_type",
        "name",
        "display_name",
        "snapshot_id",
        "genres",
    }
)


def value_differences(
    recording: Any,
    served: Any,
    base_url: str,
    *,
    lists: str = "exact",
    ignore: frozenset[str] = frozenset(),
    path: str = "$",
) -> list[str]:
    """Recorded identity values (ids, names, ISRCs, paging links...) that the served response
    does not repeat; recorded `https://api.spotify.com` URLs are read as `base_url`.

    `lists`: "exact" (same elements in the same order), "prefix" (a trimmed recording: its
    elements are the first served ones) or "skip". `ignore`: paths not compared.
    """
    if path in ignore:
        return []
    if isinstance(recording, dict) and isinstance(served, dict):
        if recording.get("id") in UNREPRESENTABLE:
            return []
        problems = []
        for key, value in recording.items():
            if key not in served or f"{path}.{key}" in ignore:
                continue
            if (key in VALUE_KEYS and not isinstance(value, dict | list)) or key == "genres":
                expected = value
                if isinstance(value, str) and value.startswith(RECORDED_HOST):
                    expected = base_url.rstrip("/") + value[len(RECORDED_HOST) :]
                if served[key] != expected:
                    problems.append(f"{path}.{key}: recorded {expected!r}, served {served[key]!r}")
            else:
                problems += value_differences(
                    value, served[key], base_url, lists=lists, ignore=ignore, path=f"{path}.{key}"
                )
        return problems
    if isinstance(recording, list) and isinstance(served, list):
        if lists == "skip":
            return []
        if len(recording) != len(served) and not (
            lists == "prefix" and len(served) > len(recording)
        ):
            return [f"{path}: recorded {len(recording)} elements, served {len(served)}"]
        problems = []
        for i, r in enumerate(recording):
            problems += value_differences(
                r, served[i], base_url, lists=lists, ignore=ignore, path=f"{path}[{i}]"
            )
        return problems
    return []
