"""The spotify_api emulator is as strict as Spotify: tokens, tiers, id limits, paging, rate
limits, quota and injected faults, over real HTTP.

Contract: docs/services.md#spotify-web-api. Verbatim error bodies are read from
track_assets_tests/fixtures/reference/spotify/errors/ (not from the emulator), so a drifting emulator fails here.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from datetime import time as time_of_day
from typing import Any

import httpx
import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.clock import SandboxClock
from track_assets.sandbox.emulators.spotify_api import spotify_api_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.spotify_api_fixtures import (
    EDITORIAL_PLAYLIST,
    EPISODES_PLAYLIST,
    OFFSET_PLAYLIST,
    REFERENCE_DATE,
    basic_auth,
    fetch_token,
    recorded,
    recorded_catalog,
    spotify_sandbox,
)
from track_assets_tests.support.clock import ManualClock
from track_assets_tests.support.reference import reference_json, reference_path

OBSERVED = {
    entry["id"]: entry
    for entry in reference_json("spotify/errors/observed-error-bodies.json")["entries"]
}
REMOVED_ENDPOINT = OBSERVED["webapi-403-removed-endpoint-devmode"]["body_verbatim"].encode()
NOT_OWNER = OBSERVED["webapi-403-playlist-items-not-owner"]["body_verbatim"].encode()
NO_AUDIO_FEATURES = OBSERVED["webapi-403-audio-features-new-app"]["body_verbatim"].encode()
EDITORIAL_404 = OBSERVED["webapi-404-editorial-playlist"]["body_verbatim"].encode()
QUOTA_429 = OBSERVED["webapi-429-quota-exceeded-observed"]["body_verbatim"].encode()
ROLLING_429 = OBSERVED["webapi-429-rolling-window-recorded"]["body_json"]
INVALID_CLIENT = OBSERVED["accounts-400-invalid-client"]["body_verbatim"].encode()
INVALID_SECRET = OBSERVED["accounts-invalid-client-secret"]["body_verbatim"].encode()
TOO_MANY_IDS = OBSERVED["webapi-400-too-many-ids"]["body_json"]
INVALID_ID = OBSERVED["webapi-400-invalid-id"]["body_json"]
NON_EXISTING_ID = OBSERVED["webapi-404-non-existing-id"]["body_json"]
EXPIRED = reference_path("spotify/errors/error_401_access-token-expired_2019.json").read_bytes()

TRACK = "5NcYCtoBkAGyxL5SCF64av"  # track_5NcYCtoBkAGyxL5SCF64av_2024.json
ALBUM = "4yS3vUFIaE2xilaeYz3p9q"  # album_4yS3vUFIaE2xilaeYz3p9q_2024.json
ARTIST = "7gXb99Sf9nNmpNYeAgIQFG"  # artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json
PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs"  # playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json
RELINKED_FROM, RELINKED_TO = "3jfr0TF6DQcOLat8gGn7E2", "5FVd6KXrgO9B3JPmC8OPst"
UNPLAYABLE_IN_ES = "6fi8e1nv4QBqODf9puRcyX"
UNKNOWN = "11dFghVXANMlKmJXsNCbd8"  # well-formed, not in the catalog (the Ringobot capture)


def _error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}


def _unknown_ids(count: int) -> list[str]:
    return [f"{i:022d}" for i in range(count)]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return recorded_catalog()


@pytest.fixture(scope="module")
def development(catalog: Catalog) -> Iterator[SandboxServer]:
    with spotify_sandbox(catalog, "development") as server:
        yield server


@pytest.fixture(scope="module")
def extended(catalog: Catalog) -> Iterator[SandboxServer]:
    with spotify_sandbox(catalog, "extended") as server:
        yield server


def _client(sandbox: SandboxServer) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.base_url("spotify_api") + "/v1",
        headers={"Authorization": f"Bearer {fetch_token(sandbox)}"},
    )


@pytest.fixture(scope="module")
def dev(development: SandboxServer) -> Iterator[httpx.Client]:
    with _client(development) as client:
        yield client


@pytest.fixture(scope="module")
def ext(extended: SandboxServer) -> Iterator[httpx.Client]:
    with _client(extended) as client:
        yield client


@pytest.fixture
def clients(dev: httpx.Client, ext: httpx.Client) -> dict[str, httpx.Client]:
    return {"development": dev, "extended": ext}


# --- the token endpoint --------------------------------------------------------------------------


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


GRANT = {"grant_type": "client_credentials"}


@pytest.mark.parametrize(
    ("why", "request_of", "status", "body"),
    [
        (
            "Basic header (the recorded request)",
            lambda cid, secret: {"data": GRANT, "headers": _basic(cid, secret)},
            200,
            None,
        ),
        (
            "client_id and client_secret as form fields",
            lambda cid, secret: {"data": {**GRANT, "client_id": cid, "client_secret": secret}},
            200,
            None,
        ),
        (
            "unknown client id in the Basic header",
            lambda cid, secret: {"data": GRANT, "headers": _basic("x" + cid, secret)},
            400,
            INVALID_CLIENT,
        ),
        (
            "wrong secret in the Basic header",
            lambda cid, secret: {"data": GRANT, "headers": _basic(cid, secret + "x")},
            400,
            INVALID_SECRET,
        ),
        (
            "unknown client id as a form field",
            lambda cid, secret: {
                "data": {**GRANT, "client_id": "x" + cid, "client_secret": secret}
            },
            400,
            INVALID_CLIENT,
        ),
        (
            "wrong secret as a form field",
            lambda cid, secret: {"data": {**GRANT, "client_id": cid, "client_secret": "x"}},
            400,
            INVALID_SECRET,
        ),
        ("no credentials at all", lambda cid, secret: {"data": GRANT}, 400, INVALID_CLIENT),
        (
            "Basic header that is not base64",
            lambda cid, secret: {"data": GRANT, "headers": {"Authorization": "Basic !!"}},
            400,
            INVALID_CLIENT,
        ),
        (
            "no grant_type (spotify/web-api#1503)",
            lambda cid, secret: {"data": {"client_id": cid}, "headers": _basic(cid, secret)},
            400,
            b'{"error":"unsupported_grant_type","error_description":'
            b'"grant_type parameter is missing"}',
        ),
        (
            "a JSON body instead of a form",
            lambda cid, secret: {"json": GRANT, "headers": _basic(cid, secret)},
            415,
            b'{"error":"server_error","error_description":"Unexpected status: 415"}',
        ),
    ],
)
def test_token_endpoint(development, dev, why, request_of, status, body):
    creds = development.credentials("spotify_api")
    response = httpx.post(
        development.base_url("spotify_api") + "/api/token",
        **request_of(creds["SPOTIFY_CLIENT_ID"], creds["SPOTIFY_CLIENT_SECRET"]),
    )
    assert response.status_code == status, why
    if body is not None:
        assert response.content == body, why
        return
    token = response.json()
    recording = recorded("token_client-credentials_200_2017.json")
    assert set(token) == set(recording)  # no refresh_token: client credentials just re-ask
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3600)
    # Shaped like the recorded tokens: "BQ" and 81-84 more URL-safe characters (2017, 2019).
    assert re.fullmatch(r"BQ[A-Za-z0-9_-]{78,90}", token["access_token"])
    used = dev.get(f"/tracks/{TRACK}", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert used.status_code == 200, why


@pytest.mark.parametrize(
    ("why", "authorization", "status", "message"),
    [
        ("no Authorization header", None, 401, "No token provided"),
        ("a token never issued", "Bearer BQneverIssuedByThisSandbox", 401, "Invalid access token"),
        (
            "client credentials instead of a token",
            "<basic>",
            400,
            "Only valid bearer authentication supported",
        ),
    ],
)
def test_api_refuses_requests_without_a_valid_bearer_token(
    development, why, authorization, status, message
):
    headers = {}
    if authorization == "<basic>":
        headers = basic_auth(development)
    elif authorization is not None:
        headers = {"Authorization": authorization}
    response = httpx.get(
        development.base_url("spotify_api") + f"/v1/tracks/{TRACK}", headers=headers
    )
    assert (response.status_code, response.json()) == (status, _error(status, message)), why


def test_a_token_expires_after_its_lifetime_with_the_recorded_401(catalog):
    # token_lifetime is the emulator's setting for the 3600 s (expires_in rounds it up).
    with spotify_sandbox(catalog, settings={"token_lifetime": 0.5}) as sandbox:
        response = httpx.post(
            sandbox.base_url("spotify_api") + "/api/token", data=GRANT, headers=basic_auth(sandbox)
        )
        token = response.json()
        assert token["expires_in"] == 1
        url = sandbox.base_url("spotify_api") + f"/v1/albums/{ALBUM}"
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        assert httpx.get(url, headers=bearer).status_code == 200
        time.sleep(0.55)
        expired = httpx.get(url, headers=bearer)
        assert (expired.status_code, expired.content) == (401, EXPIRED)
        assert expired.headers["www-authenticate"] == 'Bearer realm="spotify"'
        fresh = {"Authorization": f"Bearer {fetch_token(sandbox)}"}
        assert httpx.get(url, headers=fresh).status_code == 200


def test_tokens_last_3600_seconds_by_default(development):
    response = httpx.post(
        development.base_url("spotify_api") + "/api/token",
        data=GRANT,
        headers=basic_auth(development),
    )
    assert response.json()["expires_in"] == 3600


# --- the development tier ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("why", "path", "status", "body"),
    [
        ("batch tracks", f"/tracks?ids={TRACK}", 403, REMOVED_ENDPOINT),
        ("batch tracks, spotipy's path", f"/tracks/?ids={TRACK}", 403, REMOVED_ENDPOINT),
        ("batch albums", f"/albums?ids={ALBUM}", 403, REMOVED_ENDPOINT),
        ("batch artists", f"/artists?ids={ARTIST}", 403, REMOVED_ENDPOINT),
        ("playlist /tracks", f"/playlists/{PLAYLIST}/tracks", 403, REMOVED_ENDPOINT),
        ("playlist /items, not owned", f"/playlists/{PLAYLIST}/items", 403, NOT_OWNER),
        ("playlist /items, 244 items", f"/playlists/{OFFSET_PLAYLIST}/items", 403, NOT_OWNER),
        ("/items with episodes", f"/playlists/{EPISODES_PLAYLIST}/items", 403, NOT_OWNER),
        ("audio features of one track", f"/audio-features/{TRACK}", 403, NO_AUDIO_FEATURES),
        ("audio features of several", f"/audio-features?ids={TRACK}", 403, NO_AUDIO_FEATURES),
        ("editorial playlist", f"/playlists/{EDITORIAL_PLAYLIST}", 404, EDITORIAL_404),
        ("editorial items", f"/playlists/{EDITORIAL_PLAYLIST}/items", 404, EDITORIAL_404),
        ("algorithmic (goofy#261)", "/playlists/37i9dQZEVXbqUGAw5VCQ7w", 404, EDITORIAL_404),
    ],
)
def test_development_tier_refuses_with_the_observed_bodies(dev, why, path, status, body):
    response = dev.get(path)
    assert (response.status_code, response.content) == (status, body), why


@pytest.mark.parametrize(
    ("why", "tier", "path", "params"),
    [
        ("extended tier serves the batch", "extended", "/tracks", {"ids": TRACK}),
        ("extended tier serves /tracks", "extended", f"/playlists/{PLAYLIST}/tracks", {}),
        ("extended tier serves /items", "extended", f"/playlists/{PLAYLIST}/items", {}),
        ("extended tier serves audio features", "extended", f"/audio-features/{TRACK}", {}),
        ("extended tier serves editorial", "extended", f"/playlists/{EDITORIAL_PLAYLIST}", {}),
        ("single track in development", "development", f"/tracks/{TRACK}", {}),
        ("single album in development", "development", f"/albums/{ALBUM}", {}),
        ("single artist in development", "development", f"/artists/{ARTIST}", {}),
        ("playlist metadata in development", "development", f"/playlists/{PLAYLIST}", {}),
    ],
)
def test_what_each_tier_serves(clients, why, tier, path, params):
    response = clients[tier].get(path, params=params)
    assert response.status_code == 200, (why, response.text)


# (object path, recording, key path in the JSON, keys removed for Development Mode, kept keys)
FIELD_CASES = [
    pytest.param(
        f"/tracks/{TRACK}",
        "track_5NcYCtoBkAGyxL5SCF64av_2024.json",
        "",
        {"popularity", "available_markets"},
        {"external_ids", "name", "duration_ms", "explicit", "album", "artists"},
        id="track",
    ),
    pytest.param(
        f"/tracks/{TRACK}",
        "track_5NcYCtoBkAGyxL5SCF64av_2024.json",
        "album",
        {"available_markets"},
        {"release_date", "images", "total_tracks"},
        id="album-in-track",
    ),
    pytest.param(
        f"/albums/{ALBUM}",
        "album_4yS3vUFIaE2xilaeYz3p9q_2024.json",
        "",
        {"label", "popularity", "available_markets"},
        {"copyrights", "external_ids", "release_date", "tracks", "genres"},
        id="album",
    ),
    pytest.param(
        f"/artists/{ARTIST}",
        "artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json",
        "",
        {"followers", "popularity"},
        {"genres", "images", "name"},
        id="artist",
    ),
    pytest.param(
        f"/tracks/{RELINKED_FROM}?market=ES",
        "track_market-ES_relinked-linked_from_2017.json",
        "",
        {"linked_from", "popularity"},
        {"is_playable", "external_ids"},
        id="relinked-track",
    ),
]


def _at(data: dict, path: str) -> dict:
    for key in filter(None, path.split(".")):
        data = data[key]
    return data


@pytest.mark.parametrize(("path", "recording", "where", "removed", "kept"), FIELD_CASES)
def test_removed_fields_are_absent_in_development_and_recorded_in_extended(
    dev, ext, path, recording, where, removed, kept
):
    expected = _at(recorded(recording), where)
    in_development = _at(dev.get(path).json(), where)
    in_extended = _at(ext.get(path).json(), where)
    assert removed & set(in_development) == set()
    assert kept <= set(in_development)
    assert removed | kept <= set(in_extended)
    for key in removed - {"available_markets", "linked_from"}:  # recorded values kept
        assert in_extended[key] == expected[key], key
    if "linked_from" in removed:
        assert in_extended["linked_from"]["id"] == expected["linked_from"]["id"]


def test_isrc_is_still_served_in_development(dev):
    recording = recorded("track_5NcYCtoBkAGyxL5SCF64av_2024.json")
    track = dev.get(f"/tracks/{TRACK}").json()
    assert track["external_ids"] == recording["external_ids"]  # restored March 2026


def test_development_playlist_is_metadata_only(dev):
    recording = recorded("playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json")
    playlist = dev.get(f"/playlists/{PLAYLIST}").json()
    assert "tracks" not in playlist and "items" not in playlist
    assert (playlist["name"], playlist["owner"]["id"]) == (
        recording["name"],
        recording["owner"]["id"],
    )


@pytest.mark.parametrize(
    ("why", "tier", "limit", "status", "served_limit"),
    [
        ("development default is 5", "development", None, 200, 5),
        ("development maximum is 10", "development", "10", 200, 10),
        ("development refuses 11", "development", "11", 400, None),
        ("development refuses 50", "development", "50", 400, None),
        ("extended default is 20", "extended", None, 200, 20),
        ("extended allows 50", "extended", "50", 200, 50),
        ("extended refuses 51", "extended", "51", 400, None),
    ],
)
def test_search_limit_per_tier(clients, why, tier, limit, status, served_limit):
    params = {"q": "a", "type": "track"}
    if limit is not None:
        params["limit"] = limit
    response = clients[tier].get("/search", params=params)
    assert response.status_code == status, why
    if status == 400:
        assert response.json() == _error(400, "Invalid limit")
        return
    page = response.json()["tracks"]
    assert page["limit"] == served_limit
    assert len(page["items"]) == min(served_limit, page["total"])


# --- the extended tier ---------------------------------------------------------------------------


def test_extended_serves_editorial_playlists_with_their_items(ext):
    playlist = ext.get(f"/playlists/{EDITORIAL_PLAYLIST}").json()
    assert playlist["owner"]["id"] == "spotify"
    assert playlist["tracks"]["total"] == 2
    items = ext.get(f"/playlists/{EDITORIAL_PLAYLIST}/tracks").json()["items"]
    assert [i["track"]["id"] for i in items] == [TRACK, "18A7ha5BitZjmdHTCwXFbU"]


def test_extended_serves_audio_features_with_null_for_unknown_ids(ext):
    recording = recorded("audio-features_single_2017.json")
    single = ext.get(f"/audio-features/{RELINKED_FROM}").json()
    assert set(single) == set(recording)
    assert (single["id"], single["type"], single["duration_ms"]) == (
        recording["id"],
        "audio_features",
        recording["duration_ms"],
    )
    several = ext.get("/audio-features", params={"ids": f"{TRACK},{UNKNOWN},{RELINKED_FROM}"})
    features = several.json()["audio_features"]
    assert [f and f["id"] for f in features] == [TRACK, None, RELINKED_FROM]
    assert features[2] == single  # the same track always has the same features
    for f in (features[0], single):
        assert all(
            0 <= f[k] <= 1
            for k in ("acousticness", "danceability", "energy", "liveness", "valence")
        )
        assert -1 <= f["key"] <= 11 and f["mode"] in (0, 1)


@pytest.mark.parametrize(
    ("why", "tier", "path", "params", "served_id", "linked_from", "playable"),
    [
        ("relinked with market", "extended", f"/tracks/{RELINKED_FROM}", {"market": "ES"},
         RELINKED_TO, RELINKED_FROM, True),
        ("no relinking without market", "extended", f"/tracks/{RELINKED_FROM}", {},
         RELINKED_FROM, None, None),
        ("development cannot see the link", "development", f"/tracks/{RELINKED_FROM}",
         {"market": "ES"}, RELINKED_TO, None, True),
        ("unplayable, no linked track", "extended", f"/tracks/{UNPLAYABLE_IN_ES}",
         {"market": "ES"}, UNPLAYABLE_IN_ES, None, False),
        ("playable in its market", "extended", f"/tracks/{UNPLAYABLE_IN_ES}", {"market": "GB"},
         UNPLAYABLE_IN_ES, None, True),
        ("batch relinked with market", "extended", "/tracks",
         {"ids": "4oI9kesyxHUr8fqiLd6uO9", "market": "ES"}, "1CFz8ZV88CFLwmggjGrW4c",
         "4oI9kesyxHUr8fqiLd6uO9", True),
    ],
)  # fmt: skip
def test_market_relinking(clients, why, tier, path, params, served_id, linked_from, playable):
    body = clients[tier].get(path, params=params).json()
    track = body["tracks"][0] if "tracks" in body else body
    assert track["id"] == served_id, why
    assert (track.get("linked_from") or {}).get("id") == linked_from, why
    assert track.get("is_playable") == playable, why
    if "market" in params:
        assert "available_markets" not in track, why  # a market answer drops them
    if playable is False:
        assert track["restrictions"] == {"reason": "market"}
    if linked_from is not None:
        assert track["linked_from"]["uri"] == f"spotify:track:{linked_from}"


# --- ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("why", "path", "key", "known", "maximum"),
    [
        ("50 tracks", "/tracks", "tracks", TRACK, 50),
        ("20 albums", "/albums", "albums", ALBUM, 20),
        ("50 artists", "/artists", "artists", ARTIST, 50),
        ("100 audio features", "/audio-features", "audio_features", TRACK, 100),
    ],
)
def test_batch_id_limits(ext, why, path, key, known, maximum):
    ids = [known, *_unknown_ids(maximum - 1)]
    served = ext.get(path, params={"ids": ",".join(ids)})
    assert served.status_code == 200, why
    assert [x and x["id"] for x in served.json()[key]] == [known] + [None] * (maximum - 1)
    refused = ext.get(path, params={"ids": ",".join([*ids, UNKNOWN])})
    assert (refused.status_code, refused.json()) == (400, TOO_MANY_IDS), why


@pytest.mark.parametrize(
    ("why", "path"),
    [
        ("21 characters", "/tracks/5NcYCtoBkAGyxL5SCF64a"),
        ("23 characters", "/tracks/5NcYCtoBkAGyxL5SCF64avX"),
        ("not base62", "/tracks/5NcYCtoBkAGyxL5SCF64a-"),
        ("a URI, not an id", "/tracks/spotify:track:5NcYCtoBkAGyxL5SCF64av"),
        ("malformed album id", "/albums/not-an-id"),
        ("malformed artist id", "/artists/not-an-id"),
        ("one malformed id in a batch", f"/tracks?ids={TRACK},nope"),
        ("empty ids", "/tracks?ids="),
        ("an empty slot in a batch", f"/artists?ids={ARTIST},,{ARTIST}"),
    ],
)
def test_malformed_ids_are_invalid_id(ext, why, path):
    response = ext.get(path)
    assert (response.status_code, response.json()) == (400, INVALID_ID), why


@pytest.mark.parametrize(
    ("why", "tier", "path"),
    [
        ("track", "development", f"/tracks/{UNKNOWN}"),
        ("album", "development", f"/albums/{UNKNOWN}"),
        ("artist", "development", f"/artists/{UNKNOWN}"),
        ("track, extended", "extended", f"/tracks/{UNKNOWN}"),
        ("audio features, extended", "extended", f"/audio-features/{UNKNOWN}"),
    ],
)
def test_an_unknown_id_alone_is_non_existing_id(clients, why, tier, path):
    response = clients[tier].get(path)
    assert (response.status_code, response.json()) == (404, NON_EXISTING_ID), why


@pytest.mark.parametrize(
    ("path", "key", "known"),
    [("/tracks", "tracks", TRACK), ("/albums", "albums", ALBUM), ("/artists", "artists", ARTIST)],
)
def test_unknown_ids_are_null_in_request_order_and_duplicates_are_kept(ext, path, key, known):
    ids = [UNKNOWN, known, _unknown_ids(1)[0], known]
    response = ext.get(path, params={"ids": ",".join(ids)})
    assert response.status_code == 200
    assert [x and x["id"] for x in response.json()[key]] == [None, known, None, known]


# --- paging ------------------------------------------------------------------------------------------


def _follow(client: httpx.Client, first: dict, key: str | None = None) -> list[dict]:
    pages = [first]
    while pages[-1]["next"] is not None:
        response = client.get(pages[-1]["next"])  # an absolute URL
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body[key] if key else body)
    return pages


@pytest.mark.parametrize(
    ("why", "endpoint", "limit", "sizes"),
    [
        ("/tracks pages of 100 (as recorded)", "tracks", 100, [100, 100, 44]),
        ("/items pages of 50", "items", 50, [50, 50, 50, 50, 44]),
        ("/items default 20", "items", None, [20] * 12 + [4]),
    ],
)
def test_following_next_walks_the_whole_playlist(extended, ext, why, endpoint, limit, sizes):
    params = {"limit": limit} if limit else {}
    first = ext.get(f"/playlists/{OFFSET_PLAYLIST}/{endpoint}", params=params).json()
    pages = _follow(ext, first)
    base = extended.base_url("spotify_api") + f"/v1/playlists/{OFFSET_PLAYLIST}/{endpoint}?"
    assert [len(p["items"]) for p in pages] == sizes, why
    assert all(p["href"].startswith(base) for p in pages)
    assert all(p["next"].startswith(base) for p in pages[:-1])
    assert [p["offset"] for p in pages] == [sum(sizes[:i]) for i in range(len(sizes))]
    assert {p["total"] for p in pages} == {244}
    items = [i for p in pages for i in p["items"]]
    # The recorded local files are at original indices 61 and 62 (SOURCES.md).
    assert [n for n, i in enumerate(items) if i["is_local"]] == [61, 62]
    assert items[62]["track"]["uri"].startswith("spotify:local:")
    # `previous` leads back to the page before.
    back = ext.get(pages[1]["previous"]).json()
    assert back["items"] == pages[0]["items"] and back["previous"] is None


def test_recorded_next_and_previous_links_work_when_followed(extended, ext):
    recording = recorded("playlist-tracks_offset100_next-previous_2019.trimmed.json")
    base = extended.base_url("spotify_api")
    for link, offset in ((recording["next"], 200), (recording["previous"], 0)):
        url = link.replace("https://api.spotify.com", base)
        page = ext.get(url).json()
        assert (page["offset"], page["limit"], page["total"]) == (offset, 100, 244)


def test_search_paging_follows_next_to_the_end(dev):
    first = dev.get("/search", params={"q": "a", "type": "track", "limit": 10}).json()["tracks"]
    pages = _follow(dev, first, key="tracks")
    ids = [t["id"] for p in pages for t in p["items"]]
    assert len(ids) == first["total"] == len(set(ids)) > 10


@pytest.mark.parametrize(
    ("why", "path", "limit"),
    [
        ("/items above 50", f"/playlists/{OFFSET_PLAYLIST}/items", "51"),
        ("/tracks above 100", f"/playlists/{OFFSET_PLAYLIST}/tracks", "101"),
        ("negative", f"/playlists/{OFFSET_PLAYLIST}/items", "-1"),
        ("not a number", f"/playlists/{OFFSET_PLAYLIST}/items", "ten"),
        ("album tracks above 50", f"/albums/{ALBUM}/tracks", "51"),
    ],
)
def test_bad_page_limits_are_refused(ext, why, path, limit):
    response = ext.get(path, params={"limit": limit})
    assert (response.status_code, response.json()) == (400, _error(400, "Invalid limit")), why


# --- rate limits and quota -----------------------------------------------------------------------------


def _limited(
    catalog: Catalog, tier: str, limits: dict, mode: str = "enforce", moment: datetime | None = None
) -> SandboxServer:
    server = SandboxServer(
        [spotify_api_emulator()],
        catalog=catalog,
        options=SandboxOptions(
            seed=5,
            date=REFERENCE_DATE,
            tier=tier,
            rate_limits=mode,
            limits={"spotify_api": limits},
        ),
    )
    if moment is not None:
        server.clock = SandboxClock(REFERENCE_DATE, real_now=lambda: moment)
    return server


def test_rolling_window_answers_429_with_retry_after_and_no_reason(catalog):
    with _limited(catalog, "development", {"rolling": {"limit": 3}}) as server:
        with _client(server) as client:
            assert [client.get(f"/tracks/{TRACK}").status_code for _ in range(3)] == [200] * 3
            refused = client.get(f"/tracks/{TRACK}")
            assert (refused.status_code, refused.json()) == (429, ROLLING_429)
            assert "reason" not in refused.json()["error"]
            assert 28 <= int(refused.headers["Retry-After"]) <= 30  # the 30 s window
            # The window is the app's, not the token's.
            with _client(server) as second:
                assert second.get(f"/albums/{ALBUM}").status_code == 429
        snapshot = server.counters.snapshot("spotify_api")
        assert snapshot.violations == {"rolling": 2}
        assert snapshot.count("/v1/tracks/{id}", 429) == 1


def test_rolling_window_admits_again_once_it_has_rolled_on(catalog):
    limits = {"rolling": {"limit": 2, "window": 0.4}}
    with _limited(catalog, "extended", limits) as server, _client(server) as client:
        clock = ManualClock()  # from here the limiter's time moves only when the test moves it
        server.limits("spotify_api").use_clock(clock.monotonic, clock.wall)
        statuses = [client.get(f"/artists/{ARTIST}").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        clock.advance(0.39)
        assert client.get(f"/artists/{ARTIST}").status_code == 429  # not yet rolled on
        clock.advance(0.06)
        assert client.get(f"/artists/{ARTIST}").status_code == 200


def test_observe_mode_serves_but_counts_violations(catalog):
    with _limited(catalog, "development", {"rolling": {"limit": 1}}, mode="observe") as server:
        with _client(server) as client:
            assert [client.get(f"/tracks/{TRACK}").status_code for _ in range(3)] == [200] * 3
        assert server.counters.snapshot("spotify_api").violations == {"rolling": 2}


# The observed lockout: `retry-after: 48925` (errors/observed-error-bodies.json); the emulated
# time of day is pinned 48925 s before midnight so the quota's Retry-After is exactly that.
LOCKOUT_MOMENT = datetime.combine(REFERENCE_DATE, time_of_day(10, 24, 35), tzinfo=UTC)


def test_daily_quota_answers_quota_exceeded_with_a_long_retry_after(catalog):
    limits = {"daily_quota": {"limit": 3}}
    with _limited(catalog, "development", limits, moment=LOCKOUT_MOMENT) as server:
        with _client(server) as client:
            paths = [f"/tracks/{TRACK}", f"/albums/{ALBUM}", f"/artists/{ARTIST}"]
            assert [client.get(p).status_code for p in paths] == [200] * 3
            refused = client.get(f"/playlists/{PLAYLIST}")
            assert (refused.status_code, refused.content) == (429, QUOTA_429)
            assert refused.headers["Retry-After"] == "48925"
            # Counted per developer account: a new token does not help.
            with _client(server) as second:
                assert second.get(f"/tracks/{TRACK}").content == QUOTA_429
            # The next emulated day starts a fresh quota.
            server.clock.advance_days(1)
            assert client.get(f"/tracks/{TRACK}").status_code == 200
        assert server.counters.snapshot("spotify_api").violations == {"daily_quota": 2}


def test_daily_quota_retry_after_runs_to_the_end_of_the_emulated_day(catalog):
    moment = datetime.combine(REFERENCE_DATE, time_of_day(23, 0), tzinfo=UTC)
    limits = {"daily_quota": {"limit": 1}}
    with _limited(catalog, "development", limits, moment=moment) as server, _client(server) as c:
        assert c.get(f"/tracks/{TRACK}").status_code == 200
        refused = c.get(f"/tracks/{TRACK}")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"  # 23:00 -> midnight


def test_extended_tier_has_no_daily_quota(catalog):
    with _limited(catalog, "extended", {"daily_quota": {"limit": 2}}) as server:
        with _client(server) as client:
            assert [client.get(f"/tracks/{TRACK}").status_code for _ in range(5)] == [200] * 5
        assert server.counters.snapshot("spotify_api").violations == {}


# --- injected faults and counters ------------------------------------------------------------------


@pytest.fixture
def fresh(catalog: Catalog) -> Iterator[tuple[SandboxServer, httpx.Client]]:
    with spotify_sandbox(catalog, "extended") as server, _client(server) as client:
        yield server, client


@pytest.mark.parametrize(
    ("why", "script", "status", "body", "retry_after"),
    [
        ("a 503", {"status": 503}, 503, _error(503, "Service Unavailable"), None),
        ("a 500", {"status": 500}, 500, _error(500, "Internal Server Error"), None),
        ("a 429 with Retry-After", {"status": 429, "retry_after": 7}, 429, ROLLING_429, "7"),
        ("a 429, default Retry-After", {"status": 429}, 429, ROLLING_429, "1"),
    ],
)
def test_injected_errors_reach_the_client_in_spotify_shape(
    fresh, why, script, status, body, retry_after
):
    server, client = fresh
    server.faults("spotify_api").fail_next(**script)
    failed = client.get(f"/tracks/{TRACK}")
    assert (failed.status_code, failed.json()) == (status, body), why
    assert failed.headers.get("Retry-After") == retry_after
    assert client.get(f"/tracks/{TRACK}").status_code == 200  # only the next request


def test_an_injected_error_on_the_token_endpoint_has_the_accounts_shape(fresh):
    server, _ = fresh
    server.faults("spotify_api").fail_next(status=503)
    failed = httpx.post(
        server.base_url("spotify_api") + "/api/token", data=GRANT, headers=basic_auth(server)
    )
    assert failed.status_code == 503
    assert failed.json() == {"error": "server_error", "error_description": "Service Unavailable"}


def test_an_endpoint_scoped_fault_waits_for_that_endpoint(fresh):
    server, client = fresh
    server.faults("spotify_api").fail_next(2, status=502, endpoint="/v1/tracks/{id}")
    assert client.get(f"/albums/{ALBUM}").status_code == 200
    assert [client.get(f"/tracks/{TRACK}").status_code for _ in range(3)] == [502, 502, 200]


def test_an_injected_connection_reset_reaches_the_client(fresh):
    server, client = fresh
    server.faults("spotify_api").fail_next(kind="reset")
    with pytest.raises(httpx.TransportError):
        client.get(f"/tracks/{TRACK}")
    assert client.get(f"/tracks/{TRACK}").status_code == 200


def test_an_injected_truncated_body_is_not_json(fresh):
    server, client = fresh
    server.faults("spotify_api").fail_next(kind="malformed")
    truncated = client.get(f"/tracks/{TRACK}")
    assert truncated.status_code == 200
    with pytest.raises(ValueError):
        truncated.json()
    assert client.get(f"/tracks/{TRACK}").json()["id"] == TRACK


def test_counters_count_every_request_by_endpoint_status_and_fault(fresh):
    server, client = fresh  # the fixture fetched one token
    server.faults("spotify_api").fail_next(status=503, endpoint="/v1/albums/{id}")
    client.get(f"/tracks/{TRACK}")
    client.get(f"/tracks/{UNKNOWN}")
    client.get("/tracks/nope")
    client.get(f"/albums/{ALBUM}")
    client.get(f"/albums/{ALBUM}")
    client.get(f"/playlists/{PLAYLIST}/items")
    expected = {
        "/api/token": {"200": 1},
        "/v1/albums/{id}": {"200": 1, "503": 1},
        "/v1/playlists/{id}/items": {"200": 1},
        "/v1/tracks/{id}": {"200": 1, "400": 1, "404": 1},
    }
    snapshot = server.counters.snapshot("spotify_api")
    assert snapshot.requests == expected
    assert snapshot.total == 7
    assert snapshot.faults == {"status_503": 1}
    reported = httpx.get(server.admin_url + "/counters").json()["spotify_api"]
    assert (reported["requests"], reported["faults"]) == (expected, {"status_503": 1})
