"""The spotify_api emulator against the real recordings in track_assets_tests/fixtures/reference/spotify/.

Every file in track_assets_tests/fixtures/reference/spotify/webapi/ is a test, once per tier: the emulator, serving a catalog
of the recorded entities (spotify_api_fixtures.recorded_catalog), is sent the recorded request
and must answer with the recorded keys and JSON types, and repeat the recorded identity values
(ids, names, ISRCs, paging links...). SOURCES.md: the recordings (2014-2024) predate the
February 2026 changes and "show the full objects as Extended Quota Mode apps still receive
them", so in the extended tier the shape must be the recorded one; in the development tier it
is the recorded one without the fields removed for Development Mode, or, for an endpoint that
tier no longer serves, the observed error body (errors/observed-error-bodies.json).

Every error body in track_assets_tests/fixtures/reference/spotify/errors/ is a test too: the emulator, brought into the
recorded situation, answers `body_verbatim` byte for byte (JSON-equal where the source pasted
no wire body, i.e. only `body_json` or a `normalised` object dump).

A new recording without a case here fails (it does not pass unnoticed); a recording the
emulator cannot serve is skipped with a reason that names it.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    REFERENCE_DATE,
    WEBAPI,
    basic_auth,
    fetch_token,
    recorded,
    recorded_catalog,
    shape_differences,
    spotify_sandbox,
    value_differences,
)
from track_assets_tests.support.reference import reference_json, reference_path

TIERS = ("extended", "development")
# SOURCES.md "Age warning": every webapi/ file (2014-2024) shows what an Extended Quota Mode
# app receives; none was made by a Development Mode app.
RECORDED_TIER = "extended"
OBSERVED = "spotify/errors/observed-error-bodies.json"


@dataclass(frozen=True)
class Case:
    """How to serve one recording.

    - `path`, `params`: the recorded request (`/v1/...`, or `/api/token` for a token).
    - `era_additions`: paths of keys the emulator (like the 2024 API) has that the older
      recording lacks; each must be a key of a 2024 recording (checked below).
    - `development`: None if the development tier serves it too, else the id of the observed
      error entry it answers there instead.
    - `development_absent`: recorded paths a development-tier answer leaves out.
    - `ignore`: value paths not compared, each for the reason given where it is set.
    - `lists`: value_differences list mode ("prefix" for trimmed recordings).
    - `pick`: for a trimmed embedded page, the served positions the recorded items were at.
    - `known`: the exact shape differences the emulator has from this recording, explained.
    """

    path: str
    params: dict[str, str] = field(default_factory=dict)
    era_additions: frozenset[str] = frozenset()
    development: str | None = None
    development_absent: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    lists: str = "exact"
    pick: tuple[int, ...] = ()
    known: tuple[str, ...] = ()

    @property
    def is_token(self) -> bool:
        return self.path == "/api/token"


REMOVED_ENDPOINT = "webapi-403-removed-endpoint-devmode"
NO_AUDIO_FEATURES = "webapi-403-audio-features-new-app"

# Keys a 2014-2017 track has gained since: `is_local` and the simplified album's dates and
# track count (all in track_5NcYCtoBkAGyxL5SCF64av_2024.json); 2014-2015 albums also lacked
# `artists`.
OLD_TRACK = ("is_local", "album.release_date", "album.release_date_precision", "album.total_tracks")


def _old_track(prefix: str, *more: str) -> frozenset[str]:
    return frozenset(f"{prefix}.{key}" for key in (*OLD_TRACK, *more))


# The fixture catalog gives the tracks of the market-ES recordings only GB/US (ES/GB/US for
# their relinked twins) so that the relinking is visible; their recorded markets are not kept.
RELINKED_MARKETS = "available_markets"

CASES: dict[str, Case] = {
    "token_client-credentials_200_2017.json": Case("/api/token"),
    "token_client-credentials_200_scope-empty_2019.json": Case(
        "/api/token",
        # The two token recordings disagree: 2017 has no `scope`, 2019 an empty one. The
        # emulator answers in the 2017 layout (docs/services.md#accounts-token: `{"access_token","token_type",
        # "expires_in"}`); `scope` carries nothing for client credentials.
        known=("$: missing ['scope']",),
    ),
    "tracks_several_2-ids_2014.json": Case(
        "/v1/tracks",
        {"ids": "4oI9kesyxHUr8fqiLd6uO9,7D8BAYkrR9peCB9XSKCADc"},
        era_additions=_old_track("$.tracks[]", "album.artists"),
        development=REMOVED_ENDPOINT,
        ignore=frozenset({f"$.tracks[0].{RELINKED_MARKETS}"}),
    ),
    "tracks_several_unknown-id-returns-null_2015.json": Case(
        "/v1/tracks",
        {"ids": "0eGsygTp906u18L0Oimnem,1lDWb6b6iecccdsdckTC3G"},
        era_additions=_old_track("$.tracks[]", "album.artists"),
        development=REMOVED_ENDPOINT,
    ),
    "tracks_several_market-ES_relinked-linked_from_2017.json": Case(
        "/v1/tracks",
        {"ids": "4oI9kesyxHUr8fqiLd6uO9", "market": "ES"},
        era_additions=_old_track("$.tracks[]"),
        development=REMOVED_ENDPOINT,
    ),
    "track_market-ES_relinked-linked_from_2017.json": Case(
        "/v1/tracks/3jfr0TF6DQcOLat8gGn7E2", {"market": "ES"}, era_additions=_old_track("$")
    ),
    "track_market-ES_unplayable-restrictions_2017.json": Case(
        "/v1/tracks/6fi8e1nv4QBqODf9puRcyX", {"market": "ES"}, era_additions=_old_track("$")
    ),
    "track_5NcYCtoBkAGyxL5SCF64av_2024.json": Case("/v1/tracks/5NcYCtoBkAGyxL5SCF64av"),
    "track_1t2qKa8K72IBC8yQlhD9bU_popularity-0_no-markets_2024.json": Case(
        "/v1/tracks/1t2qKa8K72IBC8yQlhD9bU"
    ),
    "album_4yS3vUFIaE2xilaeYz3p9q_2024.json": Case("/v1/albums/4yS3vUFIaE2xilaeYz3p9q"),
    "albums_several_2-ids_2014.json": Case(
        "/v1/albums",
        {"ids": "2agWNCZl5Ts9W05mij8EPh,3JquYMWj5wrzuZCNAvOYN9"},
        # In album_4yS3vUFIaE2xilaeYz3p9q_2024.json, not in the 2014 albums.
        era_additions=frozenset(
            {
                "$.albums[].copyrights",
                "$.albums[].label",
                "$.albums[].total_tracks",
                "$.albums[].tracks.items[].is_local",
            }
        ),
        development=REMOVED_ENDPOINT,
        ignore=frozenset({f"$.albums[0].tracks.items[0].{RELINKED_MARKETS}"}),
    ),
    "artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json": Case("/v1/artists/7gXb99Sf9nNmpNYeAgIQFG"),
    "artist_1feoGrmmD8QmNqtK2Gdwy8_2024.json": Case("/v1/artists/1feoGrmmD8QmNqtK2Gdwy8"),
    "artists_several_2-ids_2014.json": Case(
        "/v1/artists",
        {"ids": "0oSGxfWSnnOXhD2fKuz2Gy,3dBVyJ7JuOMt4GE9607Qin"},
        era_additions=frozenset({"$.artists[].followers"}),  # artist_*_2024.json have it
        development=REMOVED_ENDPOINT,
    ),
    "audio-features_several_3-ids_2016.json": Case(
        "/v1/audio-features",
        {"ids": "1zHlj4dQ8ZAtrayhuDDmkY,7ouMYWpwJ422jRcDASZB7P,4VqPOruhp5EdPBeR92t6lQ"},
        development=NO_AUDIO_FEATURES,
    ),
    "audio-features_single_2017.json": Case(
        "/v1/audio-features/3jfr0TF6DQcOLat8gGn7E2", development=NO_AUDIO_FEATURES
    ),
    "playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json": Case(
        "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs",
        {"additional_types": "track"},
        # docs/services.md#access-tiers: a Development Mode app gets metadata only for a playlist it does not own
        development_absent=frozenset({"$.tracks"}),
    ),
    "playlist_4dn0iEoAxn69ea0Tyov8V5_local-tracks_2019.trimmed.json": Case(
        "/v1/playlists/4dn0iEoAxn69ea0Tyov8V5",
        development_absent=frozenset({"$.tracks"}),
        # A 2019 playlist URI names its owner ("spotify:user:marcel%23spotify:playlist:…");
        # the 2024 recording has the current form "spotify:playlist:<id>".
        ignore=frozenset({"$.uri"}),
        pick=(0, 61, 62),  # SOURCES.md: tracks.items cut to original indices 0, 61 and 62
    ),
    "playlist-tracks_5LkNhFidYyyjRWwnkcMbQs_limit100_2024.json": Case(
        "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/tracks",
        {"limit": "100", "offset": "0", "additional_types": "track,episode"},
        development=REMOVED_ENDPOINT,
    ),
    "playlist-tracks_offset100_next-previous_2019.trimmed.json": Case(
        "/v1/playlists/4dn0iEoAxn69ea0Tyov8V5/tracks",
        {"limit": "100", "offset": "100"},
        development=REMOVED_ENDPOINT,
        lists="prefix",  # SOURCES.md: items[] cut to the first 2 of 100
    ),
    "playlist-tracks_tracks-and-episodes_2022.json": Case(
        "/v1/playlists/23Ay9WfURne0LvtlCvYTkj/tracks",
        {"additional_types": "track,episode"},
        development=REMOVED_ENDPOINT,
        # The catalog holds no episode or show images, show markets or explicit flag.
        ignore=frozenset(
            f"$.items[{i}].track.{key}"
            for i in (0, 1)
            for key in ("images", "show.images", "show.available_markets", "show.explicit")
        ),
    ),
}

# Recordings (file name, or error entry id) the emulator cannot reproduce, with the reason.
CANNOT_SERVE: dict[str, str] = {
    "webapi-403-premium-required-devmode": (
        f"{OBSERVED} entry webapi-403-premium-required-devmode: the emulator does not model "
        "the app owner's Premium subscription, and the source pasted only the message text "
        "(no body to compare)"
    ),
}


def _webapi_files() -> list[str]:
    return sorted(p.name for p in reference_path(WEBAPI).glob("*.json"))


def _error_files() -> list[str]:
    names = sorted(p.name for p in reference_path("spotify/errors").glob("*.json"))
    return [n for n in names if n != "observed-error-bodies.json"]


def _observed() -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in reference_json(OBSERVED)["entries"]}


# -- sandboxes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return recorded_catalog()


@pytest.fixture(scope="module")
def sandboxes(catalog: Catalog) -> Iterator[dict[str, SandboxServer]]:
    with (
        spotify_sandbox(catalog, "extended") as extended,
        spotify_sandbox(catalog, "development") as development,
    ):
        yield {"extended": extended, "development": development}


@pytest.fixture(scope="module")
def clients(sandboxes: dict[str, SandboxServer]) -> Iterator[dict[str, httpx.Client]]:
    opened = {
        tier: httpx.Client(
            base_url=sandbox.base_url("spotify_api"),
            headers={"Authorization": f"Bearer {fetch_token(sandbox)}"},
        )
        for tier, sandbox in sandboxes.items()
    }
    yield opened
    for client in opened.values():
        client.close()


def _served(case: Case, sandbox: SandboxServer, client: httpx.Client) -> httpx.Response:
    if case.is_token:
        return httpx.post(
            sandbox.base_url("spotify_api") + case.path,
            data={"grant_type": "client_credentials"},
            headers=basic_auth(sandbox),
        )
    return client.get(case.path, params=case.params)


def _picked(case: Case, served: Any) -> Any:
    """The served body with the embedded page cut to the positions the recording kept."""
    if not case.pick or "tracks" not in served:  # development: metadata only
        return served
    view = copy.deepcopy(served)
    view["tracks"]["items"] = [served["tracks"]["items"][i] for i in case.pick]
    return view


# -- the recordings -------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", _webapi_files())
def test_recording_is_served_with_the_recorded_shape_and_values(name, tier, sandboxes, clients):
    if name in CANNOT_SERVE:
        pytest.skip(CANNOT_SERVE[name])
    case = CASES.get(name)
    if case is None:
        pytest.fail(
            f"{WEBAPI}{name} is a new recording with no case in CASES: add its request, or "
            "list it in CANNOT_SERVE with the reason"
        )
    sandbox, client = sandboxes[tier], clients[tier]
    response = _served(case, sandbox, client)
    recording = recorded(name)

    if tier != RECORDED_TIER and case.development is not None:
        entry = _observed()[case.development]
        assert (response.status_code, response.content) == (
            entry["status"],
            entry["body_verbatim"].encode(),
        )
        return

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    served = response.json()
    absent = case.development_absent if tier == "development" else frozenset()
    assert shape_differences(
        recording, served, tier=tier, era_additions=case.era_additions, absent=absent
    ) == list(case.known)
    if case.is_token:
        for key, value in recording.items():
            if key not in ("access_token", "scope"):
                assert served[key] == value, key
        return
    assert (
        value_differences(
            recording,
            _picked(case, served),
            sandbox.base_url("spotify_api"),
            lists=case.lists,
            ignore=case.ignore | _development_blanks(tier, served),
        )
        == []
    )


def _development_blanks(tier: str, served: Any) -> frozenset[str]:
    """A top-level artist's deprecated `genres` is served empty in development (docs/services.md#access-tiers)."""
    if tier != "development" or not isinstance(served, dict) or served.get("type") != "artist":
        return frozenset()
    assert served["genres"] == []
    return frozenset({"$.genres"})


def _keys_anywhere(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_anywhere(v)}
    return set()


def test_era_additions_are_keys_of_the_2024_recordings():
    newest = {
        key
        for name in _webapi_files()
        if name.removesuffix(".json").endswith("_2024")
        for key in _keys_anywhere(recorded(name))
    }
    claimed = {path.rsplit(".", 1)[-1] for case in CASES.values() for path in case.era_additions}
    assert claimed - newest == set()


def test_every_case_names_an_existing_recording():
    assert set(CASES) - set(_webapi_files()) == set()


@pytest.mark.parametrize("name", [n for n in _webapi_files() if n.startswith("playlist-tracks_")])
@pytest.mark.parametrize("tier", TIERS)
def test_playlist_items_endpoint_serves_the_recorded_page(name, tier, sandboxes, clients):
    """`/items`, the 2026 name of `/tracks`: the same page in the extended tier (with the
    `track` spelling and a limit of at most 50), 403 for a client-credentials token in the
    development tier (observed entry webapi-403-playlist-items-not-owner)."""
    case = CASES[name]
    params = {**case.params, "limit": str(min(50, int(case.params.get("limit", "50"))))}
    response = clients[tier].get(case.path.removesuffix("/tracks") + "/items", params=params)
    if tier == "development":
        entry = _observed()["webapi-403-playlist-items-not-owner"]
        assert (response.status_code, response.content) == (403, entry["body_verbatim"].encode())
        return
    assert response.status_code == 200, response.text
    recording, served = recorded(name), response.json()
    assert shape_differences(recording, served, tier=tier) == []
    assert served["limit"] == int(params["limit"])
    assert served["href"].startswith(sandboxes[tier].base_url("spotify_api") + case.path[:-7])
    assert "/items?" in served["href"]
    paging = {"$.href", "$.limit", "$.next", "$.previous"}
    problems = value_differences(
        recording,
        served,
        sandboxes[tier].base_url("spotify_api"),
        lists="prefix",
        ignore=case.ignore | paging,
    )
    assert problems == []


@pytest.mark.parametrize("tier", TIERS)
def test_search_by_isrc_serves_the_recorded_track(tier, sandboxes, clients):
    """No search response was recorded; `isrc:` must find the recorded track, drawn exactly
    like `GET /tracks/{id}` (its recording), in a paging object with the recorded keys."""
    recording = recorded("track_5NcYCtoBkAGyxL5SCF64av_2024.json")
    isrc = recording["external_ids"]["isrc"]
    response = clients[tier].get("/v1/search", params={"q": f"isrc:{isrc}", "type": "track"})
    assert response.status_code == 200, response.text
    page = response.json()["tracks"]
    page_keys = set(recorded("playlist-tracks_5LkNhFidYyyjRWwnkcMbQs_limit100_2024.json"))
    assert set(page) == page_keys
    assert [t["id"] for t in page["items"]] == [recording["id"]]
    assert page["total"] == 1
    assert shape_differences(recording, page["items"][0], tier=tier) == []
    base = sandboxes[tier].base_url("spotify_api")
    assert value_differences(recording, page["items"][0], base) == []


# -- the error bodies -----------------------------------------------------------------------------


class _Situation:
    """What an error trigger may use: the module's clients, fresh sandboxes, a pause."""

    def __init__(self, catalog: Catalog, clients: dict[str, httpx.Client]) -> None:
        self.catalog = catalog
        self.clients = clients

    def sandbox(
        self, tier: str, **options: Any
    ) -> contextlib.AbstractContextManager[SandboxServer]:
        return spotify_sandbox(self.catalog, tier, **options)

    @staticmethod
    def wait(seconds: float) -> None:
        time.sleep(seconds)


def _expired_token(context: _Situation) -> httpx.Response:
    with context.sandbox("development", settings={"token_lifetime": 0.05}) as sandbox:
        token = fetch_token(sandbox)
        context.wait(0.1)
        # The recording: GET /v1/albums/{id} with an expired token.
        return httpx.get(
            sandbox.base_url("spotify_api") + "/v1/albums/4yS3vUFIaE2xilaeYz3p9q",
            headers={"Authorization": f"Bearer {token}"},
        )


def _quota_exceeded(context: _Situation) -> httpx.Response:
    # The observed lockout answered `retry-after: 48925`: with the emulated time of day pinned
    # 48925 s before midnight, the quota's Retry-After (to the end of the day) is that value.
    moment = datetime.combine(REFERENCE_DATE, time_of_day(10, 24, 35), tzinfo=UTC)
    server = SandboxServer(
        [spotify_api_emulator()],
        catalog=context.catalog,
        options=SandboxOptions(
            seed=11,
            date=REFERENCE_DATE,
            tier="development",
            rate_limits="enforce",
            limits={"spotify_api": {"daily_quota": {"limit": 2}}},
        ),
    )
    server.clock = SandboxClock(REFERENCE_DATE, real_now=lambda: moment)
    with server, _bearer_client(server) as client:
        statuses = [client.get("/tracks/5NcYCtoBkAGyxL5SCF64av").status_code for _ in range(2)]
        assert statuses == [200, 200]
        return client.get("/playlists/5LkNhFidYyyjRWwnkcMbQs")


def _rolling_window(context: _Situation) -> httpx.Response:
    limits = {"rolling": {"limit": 2}}
    with (
        context.sandbox("extended", rate_limits="enforce", limits=limits) as sandbox,
        _bearer_client(sandbox) as client,
    ):
        for _ in range(2):
            assert client.get("/albums/4yS3vUFIaE2xilaeYz3p9q").status_code == 200
        return client.get("/albums/4yS3vUFIaE2xilaeYz3p9q")


def _bearer_client(sandbox: SandboxServer) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.base_url("spotify_api") + "/v1",
        headers={"Authorization": f"Bearer {fetch_token(sandbox)}"},
    )


def _token_request(context: _Situation, client_id: str, secret: str) -> httpx.Response:
    with context.sandbox("development") as sandbox:
        creds = sandbox.credentials("spotify_api")
        pair = (
            f"{client_id or creds['SPOTIFY_CLIENT_ID']}:{secret or creds['SPOTIFY_CLIENT_SECRET']}"
        )
        return httpx.post(
            sandbox.base_url("spotify_api") + "/api/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()},
        )


def _get(tier: str, path: str) -> Callable[[_Situation], httpx.Response]:
    return lambda context: context.clients[tier].get(path)


FIFTY_ONE_IDS = ",".join(f"{i:022d}" for i in range(51))

# How to bring the emulator into each recorded error situation.
TRIGGERS: dict[str, Callable[[_Situation], httpx.Response]] = {
    "error_401_access-token-expired_2019.json": _expired_token,
    "webapi-429-quota-exceeded-observed": _quota_exceeded,
    "webapi-429-quota-exceeded-documented": _quota_exceeded,
    "webapi-403-removed-endpoint-devmode": _get(
        "development", "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/tracks"
    ),
    "webapi-403-playlist-items-not-owner": _get(
        "development", "/v1/playlists/5LkNhFidYyyjRWwnkcMbQs/items"
    ),
    "webapi-403-audio-features-new-app": _get(
        "development", "/v1/audio-features?ids=3jfr0TF6DQcOLat8gGn7E2"
    ),
    "webapi-404-editorial-playlist": _get(
        "development", f"/v1/playlists/{EDITORIAL_PLAYLIST}?limit=50&locale=RU"
    ),
    "webapi-400-too-many-ids": _get("extended", f"/v1/tracks?ids={FIFTY_ONE_IDS}"),
    "webapi-400-invalid-id": _get("development", "/v1/tracks/not-a-spotify-id"),
    "webapi-404-non-existing-id": _get("development", "/v1/tracks/11dFghVXANMlKmJXsNCbd8"),
    "accounts-400-invalid-client": lambda c: _token_request(c, "not-our-client", ""),
    "accounts-invalid-client-secret": lambda c: _token_request(c, "", "not-our-secret"),
    "webapi-429-rolling-window-recorded": _rolling_window,
}


def _error_cases() -> list[Any]:
    cases = [pytest.param(name, None, id=name) for name in _error_files()]
    cases += [pytest.param(entry_id, entry_id, id=entry_id) for entry_id in _observed()]
    return cases


@pytest.mark.parametrize(("name", "entry_id"), _error_cases())
def test_error_body_is_the_recorded_one(name, entry_id, catalog, clients):
    if name in CANNOT_SERVE:
        pytest.skip(CANNOT_SERVE[name])
    trigger = TRIGGERS.get(name)
    if trigger is None:
        pytest.fail(
            f"{name} is a new recorded error with no trigger in TRIGGERS: add one, or list "
            "it in CANNOT_SERVE with the reason"
        )
    response = trigger(_Situation(catalog, clients))

    if entry_id is None:  # a recorded response file, byte for byte
        recording = reference_path("spotify/errors/" + name).read_bytes()
        assert response.status_code == json.loads(recording)["error"]["status"]
        assert response.content == recording
        return
    entry = _observed()[entry_id]
    if entry.get("status") is not None:
        assert response.status_code == entry["status"]
    else:
        assert response.status_code == 400  # RFC 6749 §5.2 for invalid_client
    if "body_verbatim" in entry and not entry.get("normalised"):
        assert response.content == entry["body_verbatim"].encode()
    else:
        assert response.json() == entry["body_json"]
    for header, value in {**entry.get("headers", {}), **entry.get("headers_seen", {})}.items():
        if header in ("server", "via"):
            continue  # Google's edge proxies, not the API
        assert response.headers.get(header) == value, header
