"""Helpers for the web player emulator's tests.

- `reference_catalog_data()`: a catalog whose entities are the ones in the real captures
  (track_assets_tests/fixtures/reference/spotify/webplayer/ and full/), as far as the catalog model holds them.
- `WebPlayerClient`: does over httpx what the page's bundle does (read the page, its bundle, the
  hashes and TOTP secret in it; token, client token, pathfinder, spclient), written from
  docs/services.md#spotify-web-player, not from the emulator's code.
- `shape_of` / `shape_differences`: the recursive key sets and JSON types of two bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import struct
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from track_assets_tests.support.reference import reference_json

REFERENCE_DATE = "2026-06-11"
RICK = "0gxyHStUsqpMadRV0Di1Qt"
NEVER_GONNA = "4uLU6hMCjMI75M1A2tKUQC"
NEVER_GONNA_LINKED = "4PTG3Z6ehGkBFwjybzWkR8"
WHENEVER_ALBUM = "6N9PS4QXF1D0OWPk0Sxtb4"
WHENEVER_REMASTER = "6eUW0wxWtzkFdaEFsTJto6"
TODAYS_TOP_HITS = "37i9dQZF1DXcBWIGoYBM5M"
ALL_OUT_80S = "37i9dQZF1DX4UtSsGT1Sbe"
STUPID_SONG = "4LfCY65LvojKjWEnU7fNN4"
CULTURE_CLUB = "6kz53iCdBSqhQCZ21CoLcc"
VARIOUS_ARTISTS = "0LyfQWJT6nXafLPZqxe9Of"

CAPTURES = {
    "getTrack": "spotify/full/pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.json",
    "getTrack.trimmed": "spotify/webplayer/pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.trimmed.json",
    "getAlbum": "spotify/webplayer/pathfinder_getAlbum_6N9PS4QXF1D0OWPk0Sxtb4_2026-06.json",
    "fetchPlaylist": "spotify/full/pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.json",
    "fetchPlaylist.trimmed": "spotify/webplayer/pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.trimmed.json",
    "queryArtistOverview": "spotify/full/pathfinder_queryArtistOverview_0gxyHStUsqpMadRV0Di1Qt_2026-06.json",
    "queryArtistOverview.trimmed": "spotify/webplayer/pathfinder_queryArtistOverview_0gxyHStUsqpMadRV0Di1Qt_2026-06.trimmed.json",
    "credits": "spotify/webplayer/spclient_track-credits_4LfCY65LvojKjWEnU7fNN4_2026-06.json",
    "embed": "spotify/webplayer/embed_track_next-data_4uLU6hMCjMI75M1A2tKUQC_2026-06.json",
}

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def synthetic_id(label: str) -> str:
    """A stable 22-character base62 id for an entity the captures do not name."""
    number = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(chars)


def _id(uri: str) -> str:
    return uri.rsplit(":", 1)[1]


def _images(sources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"url": s["url"], "width": s.get("width"), "height": s.get("height")} for s in sources]


def _plays(count: int) -> dict[str, Any]:
    """A play count that stays `count` (no growth), so the captured figure is served as is."""
    return {
        "start_date": REFERENCE_DATE,
        "start_count": count,
        "daily_growth_rate": 0.0,
        "daily_increment": 0,
        "compounding_days": 0,
    }


def _popularity(value: int = 50) -> dict[str, Any]:
    return {"start_date": REFERENCE_DATE, "start_value": value, "daily_change": 0.0}


class _CatalogBuilder:
    def __init__(self) -> None:
        self.artists: dict[str, dict[str, Any]] = {}
        self.albums: dict[str, dict[str, Any]] = {}
        self.tracks: dict[str, dict[str, Any]] = {}

    def artist(self, artist_id: str, name: str, **fields: Any) -> None:
        entry = self.artists.setdefault(artist_id, {"id": artist_id, "name": name, "images": []})
        entry.update(fields)

    def album(self, album_id: str, name: str, artist_ids: list[str], **fields: Any) -> None:
        self.albums.setdefault(
            album_id,
            {
                "id": album_id,
                "name": name,
                "album_type": "album",
                "release_date": "2020-01-01",
                "release_date_precision": "day",
                "label": "",
                "copyrights": [],
                "upc": None,
                "images": [],
                "artist_ids": artist_ids,
                "track_ids": [],
            },
        ).update(fields)

    def track(self, track_id: str, name: str, album_id: str, artist_ids: list[str], **f: Any):
        album = self.albums[album_id]
        if track_id not in album["track_ids"]:
            album["track_ids"].append(track_id)
        entry = {
            "id": track_id,
            "name": name,
            "isrc": None,
            "album_id": album_id,
            "artist_ids": artist_ids,
            "disc_number": 1,
            "track_number": album["track_ids"].index(track_id) + 1,
            "duration_ms": 200_000,
            "explicit": False,
            "popularity": _popularity(),
            "plays": _plays(1_000_000),
        }
        entry.update(f)
        self.tracks[track_id] = entry


def reference_catalog_data() -> dict[str, Any]:
    """Rick Astley's track, album and artist page, Today's Top Hits (25 captured items + 25 more),
    the credits capture's track, and what an artist overview needs around them."""
    get_track = reference_json(CAPTURES["getTrack"])["data"]["trackUnion"]
    get_album = reference_json(CAPTURES["getAlbum"])["data"]["albumUnion"]
    playlist = reference_json(CAPTURES["fetchPlaylist"])["data"]["playlistV2"]
    overview = reference_json(CAPTURES["queryArtistOverview"])["data"]["artistUnion"]
    credits = reference_json(CAPTURES["credits"])
    b = _CatalogBuilder()

    rick = get_track["firstArtist"]["items"][0]
    b.artist(
        RICK,
        "Rick Astley",
        followers=overview["stats"]["followers"],
        monthly_listeners=overview["stats"]["monthlyListeners"],
        images=_images(rick["visuals"]["avatarImage"]["sources"]),
    )
    related = rick["relatedContent"]["relatedArtists"]["items"][0]
    b.artist(
        CULTURE_CLUB, "Culture Club", images=_images(related["visuals"]["avatarImage"]["sources"])
    )
    b.artist(VARIOUS_ARTISTS, "Various Artists")

    # The album of the getTrack/getAlbum captures, relinked to its remaster (as captured).
    remaster = overview["discography"]["popularReleasesAlbums"]["items"][0]
    b.album(
        WHENEVER_REMASTER,
        remaster["name"],
        [RICK],
        release_date="1987-11-12",
        label=remaster["label"],
        copyrights=[{"text": c["text"], "type": c["type"]} for c in remaster["copyright"]["items"]],
        images=_images(remaster["coverArt"]["sources"]),
    )
    b.album(
        WHENEVER_ALBUM,
        get_album["name"],
        [RICK],
        release_date="1987-11-12",
        label=get_album["label"],
        copyrights=[
            {"text": c["text"], "type": c["type"]} for c in get_album["copyright"]["items"]
        ],
        images=_images(get_album["coverArt"]["sources"]),
    )
    for item in get_album["tracksV2"]["items"]:
        track = item["track"]
        linked = _id(track["relinkingInformation"]["linkedTrack"]["uri"])
        plays = 1_137_719_792 if linked == NEVER_GONNA_LINKED else int(track["playcount"])
        b.track(
            linked,
            track["name"],
            WHENEVER_REMASTER,
            [RICK],
            duration_ms=track["duration"]["totalMilliseconds"],
            plays=_plays(plays),
        )
    for item in get_album["tracksV2"]["items"]:
        track = item["track"]
        track_id = _id(track["uri"])
        plays = get_track["playcount"] if track_id == NEVER_GONNA else track["playcount"]
        b.track(
            track_id,
            track["name"],
            WHENEVER_ALBUM,
            [RICK],
            duration_ms=track["duration"]["totalMilliseconds"],
            relinked_to=_id(track["relinkingInformation"]["linkedTrack"]["uri"]),
            plays=_plays(int(plays)),
        )

    # A single, a compilation and an album by others that Rick appears on.
    single = overview["discography"]["singles"]["items"][0]["releases"]["items"][0]
    b.album(
        _id(single["uri"]),
        single["name"],
        [RICK],
        album_type="single",
        release_date="2026-04-10",
        label=single["label"],
        copyrights=[{"text": c["text"], "type": c["type"]} for c in single["copyright"]["items"]],
        images=_images(single["coverArt"]["sources"]),
    )
    for number, uri in enumerate(
        t["track"]["uri"]
        for t in get_track["firstArtist"]["items"][0]["discography"]["singles"]["items"][0][
            "releases"
        ]["items"][0]["tracks"]["items"]
    ):
        b.track(_id(uri), f"Raindrops {number + 1}", _id(single["uri"]), [RICK])
    compilation = overview["discography"]["compilations"]["items"][0]["releases"]["items"][0]
    b.album(
        _id(compilation["uri"]),
        compilation["name"],
        [RICK],
        album_type="compilation",
        release_date="2019-12-29",
        label=compilation["label"],
        copyrights=[
            {"text": c["text"], "type": c["type"]} for c in compilation["copyright"]["items"]
        ],
        images=_images(compilation["coverArt"]["sources"]),
    )
    b.track(
        synthetic_id("best-of-me-1"), "Never Gonna Give You Up", _id(compilation["uri"]), [RICK]
    )
    appears = overview["relatedContent"]["appearsOn"]["items"][0]["releases"]["items"][0]
    b.album(
        _id(appears["uri"]),
        appears["name"],
        [VARIOUS_ARTISTS],
        album_type="compilation",
        release_date="2024",
        release_date_precision="year",
        images=_images(appears["coverArt"]["sources"]),
    )
    b.track(synthetic_id("songs-for-mum-1"), "Together Forever", _id(appears["uri"]), [RICK])
    b.album(synthetic_id("culture-club-album"), "Colour by Numbers", [CULTURE_CLUB])
    culture_track = synthetic_id("culture-club-track")
    b.track(culture_track, "Karma Chameleon", synthetic_id("culture-club-album"), [CULTURE_CLUB])

    # Today's Top Hits: the 25 captured items, then 25 more (the capture's totalCount is 50).
    items = []
    for entry in playlist["content"]["items"]:
        data = entry["itemV2"]["data"]
        album = data["albumOfTrack"]
        for artist in data["artists"]["items"] + album["artists"]["items"]:
            b.artist(_id(artist["uri"]), artist["profile"]["name"])
        parent = entry["itemV3"]["data"]["identityTrait"]["contentHierarchyParent"]
        b.album(
            _id(album["uri"]),
            album["name"],
            [_id(a["uri"]) for a in album["artists"]["items"]],
            album_type="single" if album["name"] == data["name"] else "album",
            release_date=parent["publishingMetadataTrait"]["firstPublishedAt"]["isoString"],
            images=_images(album["coverArt"]["sources"]),
        )
        b.track(
            _id(data["uri"]),
            data["name"],
            _id(album["uri"]),
            [_id(a["uri"]) for a in data["artists"]["items"]],
            duration_ms=data["trackDuration"]["totalMilliseconds"],
            explicit=data["contentRating"]["label"] == "EXPLICIT",
            plays=_plays(int(data["playcount"])),
        )
        items.append(
            {
                "kind": "track",
                "added_at": entry["addedAt"]["isoString"],
                "added_by": None,
                "track_id": _id(data["uri"]),
            }
        )
    filler_artist = synthetic_id("filler-artist")
    b.artist(filler_artist, "Sandbox Filler")
    b.album(synthetic_id("filler-album"), "More Hits", [filler_artist])
    for n in range(playlist["content"]["totalCount"] - len(items)):
        track_id = synthetic_id(f"filler-{n}")
        b.track(track_id, f"Hit {n + 26}", synthetic_id("filler-album"), [filler_artist])
        items.append(
            {
                "kind": "track",
                "added_at": "2026-06-05T04:00:00Z",
                "added_by": None,
                "track_id": track_id,
            }
        )

    # The credits capture's track.
    performers = {a["name"]: a for g in credits["roleCredits"] for a in g["artists"]}
    for name, person in performers.items():
        b.artist(
            _id(person["uri"]),
            name,
            images=[{"url": person["imageUri"], "width": 640, "height": 640}],
        )
    olivia = _id(performers["Olivia Rodrigo"]["uri"])
    b.album(synthetic_id("guts"), "GUTS", [olivia], label=credits["sourceNames"][0])
    b.track(
        STUPID_SONG,
        credits["trackTitle"],
        synthetic_id("guts"),
        [olivia],
        credits={
            "role_groups": [
                {
                    "title": group["roleTitle"],
                    "contributors": [
                        {
                            "name": a["name"],
                            "artist_id": _id(a["uri"]) if a["uri"] else None,
                            "subroles": a["subroles"],
                        }
                        for a in group["artists"]
                    ],
                }
                for group in credits["roleCredits"]
            ],
            "source_names": credits["sourceNames"],
        },
    )

    playlists = [
        {
            "id": TODAYS_TOP_HITS,
            "name": playlist["name"],
            "description": playlist["description"],
            "owner": {"id": "spotify", "display_name": "Spotify"},
            "followers": playlist["followers"],
            "snapshot_id": playlist["revisionId"],
            "images": _images(playlist["images"]["items"][0]["sources"]),
            "editorial": True,
            "items": items,
        },
        {
            "id": ALL_OUT_80S,
            "name": "All Out 80s",
            "description": "The biggest songs of the 1980s.",
            "owner": {"id": "spotify", "display_name": "Spotify"},
            "followers": 8_000_000,
            "images": _images(playlist["images"]["items"][0]["sources"]),
            "editorial": True,
            "items": [
                {
                    "kind": "track",
                    "added_at": "2026-01-01T00:00:00Z",
                    "added_by": None,
                    "track_id": t,
                }
                for t in (NEVER_GONNA, culture_track)
            ],
        },
        {
            "id": synthetic_id("user-playlist")[:22],
            "name": "songs i love",
            "description": "",
            "owner": {"id": "lena.berg", "display_name": "Lena Berg"},
            "followers": 3,
            "items": [
                {
                    "kind": "track",
                    "added_at": "2026-03-01T12:00:00Z",
                    "added_by": "lena.berg",
                    "track_id": STUPID_SONG,
                }
            ],
        },
    ]
    return {
        "format_version": 1,
        "reference_date": REFERENCE_DATE,
        "playlists": playlists,
        "tracks": list(b.tracks.values()),
        "albums": list(b.albums.values()),
        "artists": list(b.artists.values()),
    }


# -- the shapes of JSON bodies ---------------------------------------------------------------


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def shape_of(value: Any, path: str = "$", out: dict[str, set[str]] | None = None):
    """{path: JSON types seen there}; list elements share the path `...[]`."""
    out = {} if out is None else out
    out.setdefault(path, set()).add(_json_type(value))
    if isinstance(value, dict):
        for key, child in value.items():
            shape_of(child, f"{path}.{key}", out)
    elif isinstance(value, list):
        for child in value:
            shape_of(child, f"{path}[]", out)
    return out


def shape_differences(
    ours: Any,
    captured: Any,
    unfillable: Iterable[str] = (),
    nullable: Iterable[str] = (),
) -> list[str]:
    """Every key path and JSON type on one side and not the other.

    `unfillable`: path prefixes (lists the catalog has nothing for) whose inner paths the
    capture may have and we may not. `nullable`: paths where we may send null for an object.
    """
    mine, theirs = shape_of(ours), shape_of(captured)
    skip = tuple(unfillable)
    nulls = set(nullable)
    problems = [f"missing {p}" for p in sorted(set(theirs) - set(mine)) if not p.startswith(skip)]
    problems += [f"extra {p} {sorted(mine[p])}" for p in sorted(set(mine) - set(theirs))]
    for path in sorted(set(mine) & set(theirs)):
        allowed = theirs[path] | ({"null"} if path in nulls else set())
        if not mine[path] <= allowed:
            problems.append(
                f"type {path}: ours {sorted(mine[path])}, captured {sorted(theirs[path])}"
            )
    return problems


def without(body: Any, *paths: str) -> Any:
    """A deep copy of `body` without the dotted `paths` (`a.b[].c`: every element of list b)."""
    copy = json.loads(json.dumps(body))
    for path in paths:
        _delete(copy, path.split("."))
    return copy


def _delete(node: Any, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(node, dict) or key not in node:
        return
    if not rest:
        del node[key]
        return
    children = node[key] if many else [node[key]]
    for child in children or []:
        _delete(child, rest)


# -- a client that does what the page does ---------------------------------------------------


def totp(secret: list[int], unix_seconds: float) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits) keyed as the web player keys it (docs/services.md#web-player-tokens)."""
    key = "".join(str(b ^ ((i % 33) + 9)) for i, b in enumerate(secret)).encode()
    mac = hmac.new(key, struct.pack(">Q", int(unix_seconds // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@dataclass(frozen=True)
class Bundle:
    url: str
    hashes: dict[str, str]
    client_id: str
    client_version: str
    totp_secret: list[int]
    totp_version: int


class WebPlayerClient:
    """The requests the page makes, over plain HTTP, for strictness tests."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def bundle(self, page: str = f"/track/{NEVER_GONNA}") -> Bundle:
        html = self.http.get(page).text
        src = re.search(r'<script src="([^"]+\.js)"', html)
        assert src, "the page names no bundle"
        js = self.http.get(src.group(1)).text
        return Bundle(
            url=src.group(1),
            hashes=dict(
                re.findall(r'registerPersistedQuery\("(\w+)", "query", "([0-9a-f]{64})"\)', js)
            ),
            client_id=json.loads(re.search(r"const CLIENT_ID = (\"[^\"]+\")", js).group(1)),
            client_version=json.loads(
                re.search(r"const CLIENT_VERSION = (\"[^\"]+\")", js).group(1)
            ),
            totp_secret=json.loads(re.search(r"const TOTP_SECRET = (\[[^\]]*\])", js).group(1)),
            totp_version=int(re.search(r"const TOTP_VERSION = (\d+)", js).group(1)),
        )

    def token_params(self, bundle: Bundle, **overrides: str) -> dict[str, str]:
        code = totp(bundle.totp_secret, time.time())
        params = {
            "reason": "init",
            "productType": "web-player",
            "totp": code,
            "totpServer": code,
            "totpVer": str(bundle.totp_version),
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def token(self, bundle: Bundle, sp_dc: str | None = None) -> dict[str, Any]:
        cookies = {"sp_dc": sp_dc} if sp_dc else None
        response = self.http.get("/api/token", params=self.token_params(bundle), cookies=cookies)
        response.raise_for_status()
        return response.json()

    def client_token(self, bundle: Bundle) -> str:
        response = self.http.post(
            "/v1/clienttoken",
            json={
                "client_data": {
                    "client_version": bundle.client_version,
                    "client_id": bundle.client_id,
                    "js_sdk_data": {"device_type": "computer"},
                }
            },
            headers={"accept": "application/json"},
        )
        response.raise_for_status()
        return response.json()["granted_token"]["token"]

    def get_query(
        self, token: str, operation: str, variables: Any, sha256: str, **headers: str
    ) -> httpx.Response:
        params = {
            "operationName": operation,
            "variables": variables if isinstance(variables, str) else json.dumps(variables),
            "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256}}),
        }
        return self.http.get(
            "/pathfinder/v1/query",
            params=params,
            headers={"authorization": f"Bearer {token}", "app-platform": "WebPlayer", **headers},
        )

    def post_query(
        self, token: str, client_token: str, operation: str, variables: Any, sha256: str
    ) -> httpx.Response:
        body = {
            "variables": variables,
            "operationName": operation,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}},
        }
        return self.http.post(
            "/pathfinder/v2/query",
            json=body,
            headers={
                "authorization": f"Bearer {token}",
                "client-token": client_token,
                "app-platform": "WebPlayer",
            },
        )

    def credits(self, track_id: str, token: str | None) -> httpx.Response:
        headers = {"app-platform": "WebPlayer"}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return self.http.get(
            f"/track-credits-view/v0/experimental/{track_id}/credits", headers=headers
        )
