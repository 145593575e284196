"""The web player emulator's protocol over real HTTP: the TOTP token endpoint, anonymous vs
logged-in (sp_dc) tokens, spclient credits, pathfinder GET v1 / POST v2, persisted-query hashes
that rotate (read back from the page's bundle as a client does), fetchPlaylist paging, unknown
ids, fault injection and counters (docs/services.md#spotify-web-player, docs/services.md#web-player-tokens).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.timeseries import play_count_on
from track_assets.sandbox.emulators.spotify_api import spotify_api_emulator
from track_assets.sandbox.emulators.spotify_web import CONTROL_ROTATE, SERVICE, spotify_web_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.spotify_api_fixtures import fetch_token
from track_assets_tests.sandbox.spotify_web_fixtures import (
    ALL_OUT_80S,
    NEVER_GONNA,
    REFERENCE_DATE,
    RICK,
    STUPID_SONG,
    TODAYS_TOP_HITS,
    WHENEVER_ALBUM,
    Bundle,
    WebPlayerClient,
    reference_catalog_data,
    synthetic_id,
    totp,
)
from track_assets_tests.support.reference import reference_json

DAY = date.fromisoformat(REFERENCE_DATE)
USER_PLAYLIST = synthetic_id("user-playlist")[:22]
UNKNOWN = synthetic_id("nothing-by-this-id")
CREDITS_CAPTURE = "spotify/webplayer/spclient_track-credits_4LfCY65LvojKjWEnU7fNN4_2026-06.json"
# docs/services.md#web-player-tokens (spotapi#38): what /api/token answers an outdated TOTP client.
NOT_PERMITTED = (
    "Usage of this endpoint is not permitted under the Spotify Developer Terms and Developer "
    "Policy, and applicable law"
)
PERSISTED_QUERY_NOT_FOUND = {"errors": [{"message": "PersistedQueryNotFound"}]}
CREDITS_LABEL = "/track-credits-view/v0/experimental/{track_id}/credits"
NEXT_DATA = re.compile(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', re.S)


def _error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}


def _graphql_error(message: str) -> dict[str, Any]:
    return {"errors": [{"message": message}]}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(reference_catalog_data())


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    """The web player and, for a real Web API token, the Web API; limits off."""
    options = SandboxOptions(seed=5, date=DAY, rate_limits="off")
    emulators = [spotify_web_emulator(), spotify_api_emulator()]
    with SandboxServer(emulators, catalog, options) as server:
        yield server


@pytest.fixture
def web(sandbox: SandboxServer) -> Iterator[WebPlayerClient]:
    client = WebPlayerClient(sandbox.base_url(SERVICE))
    yield client
    client.close()


@pytest.fixture
def bundle(web: WebPlayerClient) -> Bundle:
    """The bundle the track page names now (read afresh: hashes may have rotated)."""
    return web.bundle()


@pytest.fixture
def sp_dc(sandbox: SandboxServer) -> str:
    return sandbox.credentials(SERVICE)["SPOTIFY_SP_DC"]


def token_answer(web: WebPlayerClient, bundle: Bundle, sp_dc: str | None = None) -> httpx.Response:
    """GET /api/token as the page sends it, with the sp_dc cookie when given."""
    headers = {"cookie": f"sp_dc={sp_dc}"} if sp_dc else {}
    return web.http.get("/api/token", params=web.token_params(bundle), headers=headers)


@pytest.fixture
def anonymous(web: WebPlayerClient, bundle: Bundle) -> str:
    return web.token(bundle)["accessToken"]


@pytest.fixture
def logged_in(web: WebPlayerClient, bundle: Bundle, sp_dc: str) -> str:
    answer = token_answer(web, bundle, sp_dc)
    assert answer.status_code == 200
    return answer.json()["accessToken"]


@pytest.fixture
def client_token(web: WebPlayerClient, bundle: Bundle) -> str:
    return web.client_token(bundle)


def _plays(catalog: Catalog, track_id: str) -> str:
    return str(play_count_on(catalog.tracks_by_id[track_id], DAY))


# -- the token endpoint -------------------------------------------------------------------------


# Only NOT_PERMITTED is on record (an outdated or wrong TOTP); the other messages are the
# emulator's own diagnostics for requests the page never sends.
TOTP_CASES = [
    ("the current code and version", {}, None),
    ("a refresh (reason=transport)", {"reason": "transport"}, None),
    ("a code from 30 s ago (one step of clock skew)", {"shift": -30}, None),
    ("a code from 5 minutes ago", {"shift": -300}, NOT_PERMITTED),
    ("a code of another secret", {"secret": [7] * 21}, NOT_PERMITTED),
    ("totpServer differs from the server's code", {"totpServer": "000000"}, NOT_PERMITTED),
    ("the previous totpVer", {"version": -1}, NOT_PERMITTED),
    ("a newer totpVer", {"version": +1}, NOT_PERMITTED),
    ("no totp", {"totp": None}, "totp is missing or not 6 digits"),
    ("no totpServer", {"totpServer": None}, "totpServer is missing or not 6 digits"),
    ("no totpVer", {"totpVer": None}, "totpVer is missing or not a number"),
    ("a 5-digit code", {"totp": "12345"}, "totp is missing or not 6 digits"),
    ("no reason", {"reason": None}, "reason must be one of init, transport"),
    (
        "another productType",
        {"productType": "mobile-web-player"},
        "productType must be web-player",
    ),
]


@pytest.mark.parametrize(
    ("why", "overrides", "message"),
    TOTP_CASES,
    ids=[case[0] for case in TOTP_CASES],
)
def test_the_token_endpoint_checks_the_totp_parameters(web, bundle, why, overrides, message):
    overrides = dict(overrides)
    code = totp(
        overrides.pop("secret", bundle.totp_secret), time.time() + overrides.pop("shift", 0)
    )
    params = web.token_params(
        bundle,
        totp=code,
        totpServer=code,
        totpVer=str(bundle.totp_version + overrides.pop("version", 0)),
    )
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    response = web.http.get("/api/token", params=params)
    if message is None:
        assert response.status_code == 200, response.text
        assert response.json()["isAnonymous"] is True
    else:
        assert response.status_code == 400
        assert response.json() == _error(400, message)


@pytest.mark.parametrize(
    ("cookie", "anonymous"),
    [("none", True), ("the sandbox's sp_dc", False), ("another sp_dc", True)],
    ids=["no cookie", "sandbox sp_dc", "other sp_dc"],
)
def test_the_sp_dc_cookie_decides_whether_the_token_is_logged_in(
    web, bundle, sp_dc, cookie, anonymous
):
    value = {"none": None, "the sandbox's sp_dc": sp_dc, "another sp_dc": "AQ" + "x" * 158}[cookie]
    response = token_answer(web, bundle, value)
    assert response.status_code == 200
    session = response.json()
    assert session["isAnonymous"] is anonymous
    assert session["accessToken"].startswith("BQ")
    assert session["clientId"] == bundle.client_id


# -- credits (spclient) -------------------------------------------------------------------------


CREDITS_CASES = [
    ("logged in (sp_dc)", 200, "recorded"),
    ("anonymous /api/token", 403, _error(403, "Forbidden")),
    ("anonymous embed page", 403, _error(403, "Forbidden")),
    # exportify#100 (docs/services.md#web-player-tokens): a Web API token gets 403 "Client not allowed".
    ("Web API, issued by the sandbox", 403, _error(403, "Client not allowed")),
    ("Web API, recorded in 2017", 403, _error(403, "Client not allowed")),
    ("no Authorization header", 401, _error(401, "No token provided")),
]


@pytest.mark.parametrize(
    ("who", "status", "body"),
    CREDITS_CASES,
    ids=[case[0] for case in CREDITS_CASES],
)
def test_credits_need_a_logged_in_web_player_token(
    sandbox, web, anonymous, logged_in, who, status, body
):
    if who == "anonymous embed page":
        page = web.http.get(f"/embed/track/{STUPID_SONG}").text
        next_data = json.loads(NEXT_DATA.search(page).group(1))
        token = next_data["props"]["pageProps"]["state"]["settings"]["session"]["accessToken"]
    else:
        token = {
            "logged in (sp_dc)": logged_in,
            "anonymous /api/token": anonymous,
            "Web API, issued by the sandbox": fetch_token(sandbox),
            "Web API, recorded in 2017": reference_json(
                "spotify/webapi/token_client-credentials_200_2017.json"
            )["access_token"],
            "no Authorization header": None,
        }[who]
    response = web.credits(STUPID_SONG, token)
    assert response.status_code == status, response.text
    expected = reference_json(CREDITS_CAPTURE) if body == "recorded" else body
    assert response.json() == expected


def test_the_web_api_token_refused_by_spclient_is_a_working_web_api_token(sandbox):
    token = fetch_token(sandbox)
    response = httpx.get(
        f"{sandbox.base_url('spotify_api')}/v1/tracks/{STUPID_SONG}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.json()["id"] == STUPID_SONG


def test_credits_want_the_web_player_platform_header(web, logged_in):
    response = web.http.get(
        f"/track-credits-view/v0/experimental/{STUPID_SONG}/credits",
        headers={"authorization": f"Bearer {logged_in}"},
    )
    assert response.status_code == 400
    assert response.json() == _error(400, "Missing or unknown app-platform header")


# -- pathfinder ---------------------------------------------------------------------------------


def test_get_v1_and_post_v2_answer_the_same_data(catalog, web, bundle, anonymous, client_token):
    variables = {"uri": f"spotify:track:{NEVER_GONNA}"}
    get = web.get_query(anonymous, "getTrack", variables, bundle.hashes["getTrack"])
    post = web.post_query(anonymous, client_token, "getTrack", variables, bundle.hashes["getTrack"])
    assert get.status_code == post.status_code == 200
    assert get.json() == post.json()
    assert get.json()["data"]["trackUnion"]["playcount"] == _plays(catalog, NEVER_GONNA)


def test_a_logged_in_token_reads_pathfinder_too(catalog, web, bundle, logged_in):
    variables = {"uri": f"spotify:artist:{RICK}", "locale": ""}
    response = web.get_query(
        logged_in, "queryArtistOverview", variables, bundle.hashes["queryArtistOverview"]
    )
    assert response.status_code == 200
    stats = response.json()["data"]["artistUnion"]["stats"]
    rick = catalog.artists_by_id[RICK]
    assert (stats["followers"], stats["monthlyListeners"]) == (
        rick.followers,
        rick.monthly_listeners,
    )


TRACK_VARIABLES = {"uri": f"spotify:track:{NEVER_GONNA}"}


REFUSALS = [
    (
        "GET without Authorization",
        lambda w, b, t, c: w.http.get(
            "/pathfinder/v1/query",
            params={
                "operationName": "getTrack",
                "variables": json.dumps(TRACK_VARIABLES),
                "extensions": json.dumps(
                    {"persistedQuery": {"version": 1, "sha256Hash": b.hashes["getTrack"]}}
                ),
            },
            headers={"app-platform": "WebPlayer"},
        ),
        401,
        _error(401, "No token provided"),
    ),
    (
        "GET with a token this web player never issued",
        lambda w, b, t, c: w.get_query(
            "BQ" + "a" * 174, "getTrack", TRACK_VARIABLES, b.hashes["getTrack"]
        ),
        401,
        _error(401, "Invalid access token"),
    ),
    (
        "GET with an app-platform other than WebPlayer",
        lambda w, b, t, c: w.get_query(
            t, "getTrack", TRACK_VARIABLES, b.hashes["getTrack"], **{"app-platform": "iOS"}
        ),
        400,
        _error(400, "Missing or unknown app-platform header"),
    ),
    (
        "POST without client-token",
        lambda w, b, t, c: w.http.post(
            "/pathfinder/v2/query",
            json={
                "variables": TRACK_VARIABLES,
                "operationName": "getTrack",
                "extensions": {
                    "persistedQuery": {"version": 1, "sha256Hash": b.hashes["getTrack"]}
                },
            },
            headers={"authorization": f"Bearer {t}", "app-platform": "WebPlayer"},
        ),
        400,
        _error(400, "Missing client-token header"),
    ),
    (
        "POST with an unknown client-token",
        lambda w, b, t, c: w.post_query(
            t, "AA" + "b" * 230, "getTrack", TRACK_VARIABLES, b.hashes["getTrack"]
        ),
        401,
        _error(401, "Invalid client token"),
    ),
    (
        "POST as text/plain",
        lambda w, b, t, c: w.http.post(
            "/pathfinder/v2/query",
            content=b"{}",
            headers={
                "authorization": f"Bearer {t}",
                "client-token": c,
                "content-type": "text/plain",
            },
        ),
        415,
        _graphql_error("Content-Type must be application/json"),
    ),
    (
        "variables that are not JSON",
        lambda w, b, t, c: w.get_query(t, "getTrack", "{uri:", b.hashes["getTrack"]),
        400,
        _graphql_error("Parameter 'variables' is not valid JSON"),
    ),
    (
        "a required variable left out",
        lambda w, b, t, c: w.get_query(t, "getTrack", {}, b.hashes["getTrack"]),
        400,
        _graphql_error("Variable 'uri' has coerced Null value for NonNull type 'ID!'"),
    ),
    (
        "limit as a string",
        lambda w, b, t, c: w.get_query(
            t,
            "fetchPlaylist",
            {"uri": f"spotify:playlist:{TODAYS_TOP_HITS}", "offset": 0, "limit": "25"},
            b.hashes["fetchPlaylist"],
        ),
        400,
        _graphql_error("Variable 'limit' has an invalid value: expected type 'Int'"),
    ),
    (
        "another operation's hash",
        lambda w, b, t, c: w.get_query(t, "getTrack", TRACK_VARIABLES, b.hashes["getAlbum"]),
        200,
        PERSISTED_QUERY_NOT_FOUND,
    ),
    (
        "an operation the bundle does not have",
        lambda w, b, t, c: w.get_query(t, "getEpisode", {}, b.hashes["getTrack"]),
        200,
        PERSISTED_QUERY_NOT_FOUND,
    ),
    (
        "the credits modal with an anonymous token",
        lambda w, b, t, c: w.get_query(
            t,
            "queryTrackCreditsModal",
            {
                "trackUri": f"spotify:track:{STUPID_SONG}",
                "contributorsLimit": 100,
                "contributorsOffset": 0,
            },
            b.hashes["queryTrackCreditsModal"],
        ),
        403,
        _graphql_error("Forbidden"),
    ),
]


@pytest.mark.parametrize(
    ("why", "request_of", "status", "body"),
    REFUSALS,
    ids=[case[0] for case in REFUSALS],
)
def test_pathfinder_refuses_what_the_web_player_would_not_send(
    web, bundle, anonymous, client_token, why, request_of, status, body
):
    response = request_of(web, bundle, anonymous, client_token)
    assert response.status_code == status, response.text
    assert response.json() == body


def test_the_credits_modal_pages_the_contributors_for_a_logged_in_token(
    catalog, web, bundle, logged_in
):
    people = [
        (person.name, role, group.title)
        for group in catalog.tracks_by_id[STUPID_SONG].credits.role_groups
        for person in group.contributors
        for role in person.subroles
    ]
    seen = []
    for offset in range(0, len(people), 2):
        variables = {
            "trackUri": f"spotify:track:{STUPID_SONG}",
            "contributorsLimit": 2,
            "contributorsOffset": offset,
        }
        response = web.get_query(
            logged_in, "queryTrackCreditsModal", variables, bundle.hashes["queryTrackCreditsModal"]
        )
        assert response.status_code == 200
        trait = response.json()["data"]["trackUnion"]["creditsTrait"]
        assert trait["contributors"]["totalCount"] == len(people)
        assert len(trait["contributors"]["items"]) <= 2
        seen += [
            (p["name"], p["role"], p["roleGroup"]["name"]) for p in trait["contributors"]["items"]
        ]
        assert trait["sources"]["items"] == [{"name": "Olivia Rodrigo PS"}]
    assert seen == people
    assert len(people) == 6  # main artist, composer+lyricist twice, producer


# -- persisted-query hashes ---------------------------------------------------------------------


def test_a_rotated_hash_is_not_found_and_the_reloaded_bundle_has_the_new_one(
    catalog, sandbox, web, anonymous, client_token
):
    old = web.bundle()
    assert (
        web.get_query(anonymous, "getTrack", TRACK_VARIABLES, old.hashes["getTrack"]).status_code
        == 200
    )

    rotated = web.http.post(CONTROL_ROTATE)
    assert rotated.status_code == 200

    stale_get = web.get_query(anonymous, "getTrack", TRACK_VARIABLES, old.hashes["getTrack"])
    stale_post = web.post_query(
        anonymous, client_token, "getTrack", TRACK_VARIABLES, old.hashes["getTrack"]
    )
    for stale in (stale_get, stale_post):
        assert stale.status_code == 200
        assert stale.json() == PERSISTED_QUERY_NOT_FOUND

    new = web.bundle()  # what a client does on PersistedQueryNotFound: read the page again
    assert new.url != old.url
    assert set(new.hashes) == set(old.hashes)
    assert all(new.hashes[op] != old.hashes[op] for op in old.hashes)
    fresh = web.post_query(
        anonymous, client_token, "getTrack", TRACK_VARIABLES, new.hashes["getTrack"]
    )
    assert fresh.status_code == 200
    assert fresh.json()["data"]["trackUnion"]["playcount"] == _plays(catalog, NEVER_GONNA)

    # A page loaded before the rotation still gets its (old) bundle.
    kept = web.http.get(old.url)
    assert kept.status_code == 200
    assert old.hashes["getTrack"] in kept.text and new.hashes["getTrack"] not in kept.text


def test_hashes_rotate_with_the_emulated_days_and_a_grace_generation(catalog):
    options = SandboxOptions(
        seed=8,
        date=DAY,
        rate_limits="off",
        settings={SERVICE: {"hash_rotation_days": 1, "hash_grace_generations": 1}},
    )
    with SandboxServer([spotify_web_emulator()], catalog, options) as server:
        web = WebPlayerClient(server.base_url(SERVICE))
        try:
            day0 = web.bundle()
            token = web.token(day0)["accessToken"]

            def status_of(bundle: Bundle) -> int | str:
                response = web.get_query(
                    token, "getTrack", TRACK_VARIABLES, bundle.hashes["getTrack"]
                )
                assert response.status_code == 200
                return (
                    "data" if "data" in response.json() else response.json()["errors"][0]["message"]
                )

            assert status_of(day0) == "data"
            advance = httpx.post(f"{server.admin_url}/clock", json={"advance_days": 1})
            assert advance.status_code == 200
            day1 = web.bundle()
            assert day1.hashes["getTrack"] != day0.hashes["getTrack"]
            assert (status_of(day0), status_of(day1)) == ("data", "data")  # one generation of grace

            httpx.post(f"{server.admin_url}/clock", json={"advance_days": 1}).raise_for_status()
            day2 = web.bundle()
            assert [status_of(b) for b in (day0, day1, day2)] == [
                "PersistedQueryNotFound",
                "data",
                "data",
            ]
        finally:
            web.close()


# -- fetchPlaylist paging -----------------------------------------------------------------------


PAGING_CASES = [
    (TODAYS_TOP_HITS, 100, [25, 25]),  # editorial, 37i9...; 25 per page as captured
    (TODAYS_TOP_HITS, 10, [10, 10, 10, 10, 10]),
    (ALL_OUT_80S, 100, [2]),  # editorial
    (USER_PLAYLIST, 100, [1]),
]


@pytest.mark.parametrize(
    ("playlist_id", "asked", "pages"),
    PAGING_CASES,
    ids=["editorial 50, limit 100", "editorial 50, limit 10", "editorial 2", "user playlist 1"],
)
def test_fetch_playlist_pages_25_at_most_and_in_catalog_order(
    catalog, web, bundle, anonymous, client_token, playlist_id, asked, pages
):
    playlist = catalog.playlists_by_id[playlist_id]
    expected = [f"spotify:track:{item.track_id}" for item in playlist.items]
    uris, sizes, offset = [], [], 0
    while True:
        variables = {
            "uri": f"spotify:playlist:{playlist_id}",
            "offset": offset,
            "limit": asked,
            "enableWatchFeedEntrypoint": False,
        }
        response = web.post_query(
            anonymous, client_token, "fetchPlaylist", variables, bundle.hashes["fetchPlaylist"]
        )
        assert response.status_code == 200
        content = response.json()["data"]["playlistV2"]["content"]
        assert content["totalCount"] == len(expected)
        assert content["pagingInfo"] == {"offset": offset, "limit": min(asked, 25)}
        items = content["items"]
        if not items:
            break
        sizes.append(len(items))
        uris += [item["itemV2"]["data"]["uri"] for item in items]
        offset += len(items)
    assert sizes == pages
    assert uris == expected
    assert offset == len(expected)


def test_fetch_playlist_serves_the_editorial_playlist_with_play_counts(
    catalog, web, bundle, anonymous
):
    variables = {"uri": f"spotify:playlist:{TODAYS_TOP_HITS}", "offset": 25, "limit": 100}
    response = web.get_query(anonymous, "fetchPlaylist", variables, bundle.hashes["fetchPlaylist"])
    assert response.status_code == 200
    playlist = response.json()["data"]["playlistV2"]
    assert playlist["ownerV2"]["data"]["username"] == "spotify"
    item = playlist["content"]["items"][0]["itemV2"]["data"]
    track_id = catalog.playlists_by_id[TODAYS_TOP_HITS].items[25].track_id
    assert item["uri"] == f"spotify:track:{track_id}"
    assert item["playcount"] == _plays(catalog, track_id)


# -- unknown ids --------------------------------------------------------------------------------


NULL_UNIONS = [
    ("getTrack", {"uri": f"spotify:track:{UNKNOWN}"}, "trackUnion"),
    ("getTrack", {"uri": f"spotify:album:{WHENEVER_ALBUM}"}, "trackUnion"),  # not a track uri
    (
        "getAlbum",
        {"uri": f"spotify:album:{UNKNOWN}", "locale": "", "offset": 0, "limit": 50},
        "albumUnion",
    ),
    (
        "fetchPlaylist",
        {"uri": f"spotify:playlist:{UNKNOWN}", "offset": 0, "limit": 25},
        "playlistV2",
    ),
    ("queryArtistOverview", {"uri": f"spotify:artist:{UNKNOWN}", "locale": ""}, "artistUnion"),
]


@pytest.mark.parametrize(
    ("operation", "variables", "union"),
    NULL_UNIONS,
    ids=["track", "album uri as a track", "album", "playlist", "artist"],
)
def test_an_unknown_entity_is_a_null_union(web, bundle, anonymous, operation, variables, union):
    response = web.get_query(anonymous, operation, variables, bundle.hashes[operation])
    assert response.status_code == 200
    assert response.json() == {"data": {union: None}}


UNKNOWN_PATHS = [
    (
        f"/track-credits-view/v0/experimental/{UNKNOWN}/credits",
        404,
        _error(404, "non existing id"),
    ),
    (
        f"/track-credits-view/v0/experimental/{UNKNOWN[:-1]}/credits",
        400,
        _error(400, "invalid id"),
    ),
    (f"/embed/track/{UNKNOWN}", 404, "Page not found"),
    ("/web-player/web-player.000000000000.js", 404, "Page not found"),
]


@pytest.mark.parametrize(
    ("path", "status", "body"),
    UNKNOWN_PATHS,
    ids=["credits, unknown id", "credits, malformed id", "embed page", "bundle build"],
)
def test_unknown_ids_outside_pathfinder(web, logged_in, path, status, body):
    headers = {"authorization": f"Bearer {logged_in}", "app-platform": "WebPlayer"}
    response = web.http.get(path, headers=headers)
    assert response.status_code == status
    if isinstance(body, dict):
        assert response.json() == body
    else:
        assert body in response.text


# -- faults and counters ------------------------------------------------------------------------


@pytest.fixture
def faults(sandbox: SandboxServer) -> Iterator[Any]:
    injector = sandbox.faults(SERVICE)
    injector.clear()
    sandbox.counters.reset(SERVICE)
    yield injector
    injector.clear()


def test_a_scripted_503_reaches_the_client_for_its_operation_only(
    catalog, sandbox, faults, web, bundle, anonymous, client_token
):
    faults.fail_next(1, status=503, endpoint="/pathfinder/v2/query#getTrack")
    playlist = {"uri": f"spotify:playlist:{ALL_OUT_80S}", "offset": 0, "limit": 100}
    other = web.post_query(
        anonymous, client_token, "fetchPlaylist", playlist, bundle.hashes["fetchPlaylist"]
    )
    failed = web.post_query(
        anonymous, client_token, "getTrack", TRACK_VARIABLES, bundle.hashes["getTrack"]
    )
    again = web.post_query(
        anonymous, client_token, "getTrack", TRACK_VARIABLES, bundle.hashes["getTrack"]
    )

    assert other.status_code == 200
    assert failed.status_code == 503
    assert failed.json() == _error(503, "Service Unavailable")
    assert again.status_code == 200
    assert again.json()["data"]["trackUnion"]["playcount"] == _plays(catalog, NEVER_GONNA)
    snapshot = sandbox.counters.snapshot(SERVICE)
    assert snapshot.requests["/pathfinder/v2/query#getTrack"] == {"200": 1, "503": 1}
    assert snapshot.faults == {"status_503": 1}


def test_an_injected_429_reads_like_the_rolling_window_429(sandbox, faults, web, logged_in):
    faults.fail_next(1, status=429, retry_after=7, endpoint=CREDITS_LABEL)
    limited = web.credits(STUPID_SONG, logged_in)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    recorded = next(
        e
        for e in reference_json("spotify/errors/observed-error-bodies.json")["entries"]
        if e["id"] == "webapi-429-rolling-window-recorded"
    )
    assert limited.json() == recorded["body_json"]
    assert web.credits(STUPID_SONG, logged_in).status_code == 200


def test_malformed_and_reset_faults_reach_the_client(sandbox, faults, web, bundle):
    faults.fail_next(1, kind="malformed", endpoint="/api/token")
    malformed = web.http.get("/api/token", params=web.token_params(bundle))
    assert malformed.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        malformed.json()

    faults.fail_next(1, kind="reset", endpoint="/v1/clienttoken")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        web.client_token(bundle)
    assert web.client_token(bundle).startswith("AA")
    snapshot = sandbox.counters.snapshot(SERVICE)
    assert snapshot.faults == {"malformed": 1, "reset": 1}
    assert snapshot.requests["/v1/clienttoken"] == {"200": 1, "reset": 1}


def test_counters_count_each_request_by_endpoint_operation_and_status(sandbox, web, sp_dc):
    sandbox.counters.reset(SERVICE)
    bundle = web.bundle()  # the page and its bundle
    anonymous = web.token(bundle)["accessToken"]
    logged_in = token_answer(web, bundle, sp_dc).json()["accessToken"]
    client_token = web.client_token(bundle)
    for _ in range(2):
        web.post_query(
            anonymous, client_token, "getTrack", TRACK_VARIABLES, bundle.hashes["getTrack"]
        )
    playlist = {"uri": f"spotify:playlist:{TODAYS_TOP_HITS}", "offset": 0, "limit": 25}
    web.get_query(anonymous, "fetchPlaylist", playlist, bundle.hashes["fetchPlaylist"])
    web.credits(STUPID_SONG, logged_in)
    web.credits(STUPID_SONG, anonymous)

    expected = {
        "/track/{entity_id}": {"200": 1},
        "/web-player/web-player.{build}.js": {"200": 1},
        "/api/token": {"200": 2},
        "/v1/clienttoken": {"200": 1},
        "/pathfinder/v2/query#getTrack": {"200": 2},
        "/pathfinder/v1/query#fetchPlaylist": {"200": 1},
        CREDITS_LABEL: {"200": 1, "403": 1},
    }
    assert sandbox.counters.snapshot(SERVICE).requests == expected
    admin = httpx.get(f"{sandbox.admin_url}/counters").json()[SERVICE]
    assert admin["requests"] == expected
    assert admin["total"] == 10
    assert admin["violations"] == {} and admin["faults"] == {}


def test_the_per_token_limit_answers_429_and_counts_a_violation(catalog):
    options = SandboxOptions(
        seed=9,
        date=DAY,
        rate_limits="enforce",
        limits={SERVICE: {"per_token": {"limit": 2, "window": 30.0}}},
    )
    with SandboxServer([spotify_web_emulator()], catalog, options) as server:
        web = WebPlayerClient(server.base_url(SERVICE))
        try:
            bundle = web.bundle()
            token = web.token(bundle)["accessToken"]
            statuses = [
                web.get_query(
                    token, "getTrack", TRACK_VARIABLES, bundle.hashes["getTrack"]
                ).status_code
                for _ in range(3)
            ]
            other_token = web.token(bundle)["accessToken"]
            fresh = web.get_query(
                other_token, "getTrack", TRACK_VARIABLES, bundle.hashes["getTrack"]
            )
        finally:
            web.close()
        assert statuses == [200, 200, 429]
        assert fresh.status_code == 200  # the window is per token
        snapshot = server.counters.snapshot(SERVICE)
        assert snapshot.violations == {"per_token": 1}
        assert snapshot.requests["/pathfinder/v1/query#getTrack"] == {"200": 3, "429": 1}
