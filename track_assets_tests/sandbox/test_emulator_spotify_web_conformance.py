"""The web player emulator against every real recording of what it serves.

For each file in track_assets_tests/fixtures/reference/spotify/webplayer/ and full/, the emulator is asked for the same
entity (the catalog is built from those files) and must answer with the same key paths and JSON
types, and the same values wherever the catalog models them. Trimmed recordings are compared
with our answer cut the way SOURCES.md says the recording was cut. Error bodies on record are
served byte for byte (`body_verbatim`), or JSON-equal where the record is JSON only or a
normalised object dump; the ones the web player does not serve are skipped with the reason.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import httpx
import pytest

from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.spotify_web import spotify_web_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.spotify_web_fixtures import (
    NEVER_GONNA,
    REFERENCE_DATE,
    RICK,
    STUPID_SONG,
    TODAYS_TOP_HITS,
    WHENEVER_ALBUM,
    Bundle,
    WebPlayerClient,
    reference_catalog_data,
    shape_differences,
    synthetic_id,
    without,
)
from track_assets_tests.support.reference import REFERENCE_DIR, reference_json, reference_path

WEBPLAYER = "spotify/webplayer/"
FULL = "spotify/full/"
ERRORS = "spotify/errors/"
RECORDINGS = sorted(
    f"{folder}{path.name}"
    for folder in (WEBPLAYER, FULL)
    for path in (REFERENCE_DIR / folder).glob("*.json")
)
EXPIRED_401_FILE = ERRORS + "error_401_access-token-expired_2019.json"
OBSERVED = reference_json(ERRORS + "observed-error-bodies.json")["entries"]
DAY = date.fromisoformat(REFERENCE_DATE)
NEXT_DATA = re.compile(r'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(reference_catalog_data())


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    options = SandboxOptions(seed=5, date=DAY, rate_limits="off")
    with SandboxServer([spotify_web_emulator()], catalog, options) as server:
        yield server


@pytest.fixture(scope="module")
def short_lived(catalog: Catalog) -> Iterator[SandboxServer]:
    """Tokens that live 0.3 s."""
    options = SandboxOptions(
        seed=6,
        date=DAY,
        rate_limits="off",
        settings={"spotify_web": {"token_lifetime_seconds": 0.3}},
    )
    with SandboxServer([spotify_web_emulator()], catalog, options) as server:
        yield server


@pytest.fixture(scope="module")
def limited(catalog: Catalog) -> Iterator[SandboxServer]:
    """One pathfinder/spclient request per token per 30 s."""
    options = SandboxOptions(
        seed=7,
        date=DAY,
        rate_limits="enforce",
        limits={"spotify_web": {"per_token": {"limit": 1, "window": 30.0}}},
    )
    with SandboxServer([spotify_web_emulator()], catalog, options) as server:
        yield server


@pytest.fixture(scope="module")
def client(sandbox: SandboxServer) -> Iterator[WebPlayerClient]:
    web = WebPlayerClient(sandbox.base_url("spotify_web"))
    yield web
    web.close()


def logged_in_token(web: WebPlayerClient, bundle: Bundle, sp_dc: str) -> str:
    """/api/token with the sp_dc cookie (as a header: httpx deprecates per-request cookies)."""
    answer = web.http.get(
        "/api/token", params=web.token_params(bundle), headers={"cookie": f"sp_dc={sp_dc}"}
    )
    assert answer.status_code == 200 and answer.json()["isAnonymous"] is False
    return answer.json()["accessToken"]


@pytest.fixture(scope="module")
def tokens(client: WebPlayerClient, sandbox: SandboxServer) -> dict[str, Any]:
    """The bundle of the track page, an anonymous and a logged-in (sp_dc) token."""
    bundle = client.bundle()
    sp_dc = sandbox.credentials("spotify_web")["SPOTIFY_SP_DC"]
    return {
        "bundle": bundle,
        "anonymous": client.token(bundle)["accessToken"],
        "logged_in": logged_in_token(client, bundle, sp_dc),
    }


# -- reading bodies -----------------------------------------------------------------------------


def values_at(body: Any, path: str) -> list[Any]:
    """Every value at the dotted `path` (`a.b[].c`: c of every element of list b)."""
    nodes = [body]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part[:-2] if many else part
        found = []
        for node in nodes:
            if not isinstance(node, dict) or key not in node:
                found.append("<absent>")
                continue
            child = node[key]
            if many:
                found.extend(child or [])
            else:
                found.append(child)
        nodes = found
    return nodes


def first_items(path: str, count: int) -> Callable[[Any], Any]:
    """Keep the first `count` elements of the list at dotted `path` (as a trimmed file did)."""

    def cut(body: Any) -> Any:
        copy = json.loads(json.dumps(body))
        *parents, last = path.split(".")
        node = copy
        for part in parents:
            node = node[part]
        node[last] = node[last][:count]
        return copy

    return cut


def deleted(*paths: str) -> Callable[[Any], Any]:
    return lambda body: without(body, *paths)


# -- the recordings -----------------------------------------------------------------------------

TRACK = "data.trackUnion"
ALBUM = "data.albumUnion"
PLAYLIST = "data.playlistV2"
ARTIST = "data.artistUnion"
ENTITY = "props.pageProps.state.data.entity"

GET_TRACK_VALUES = [
    f"{TRACK}.{p}"
    for p in (
        "__typename", "id", "uri", "name", "playcount", "trackNumber", "mediaType", "saved",
        "duration.totalMilliseconds", "contentRating.label", "playability.playable",
        "playability.reason", "firstArtist.totalCount", "firstArtist.items[].id",
        "firstArtist.items[].uri", "firstArtist.items[].profile.name",
        "firstArtist.items[].visuals.avatarImage.sources[].url", "otherArtists.items",
        "albumOfTrack.id", "albumOfTrack.uri", "albumOfTrack.name", "albumOfTrack.type",
        "albumOfTrack.date.isoString", "albumOfTrack.date.precision", "albumOfTrack.date.year",
        "albumOfTrack.copyright.items[].text", "albumOfTrack.copyright.items[].type",
        "albumOfTrack.copyright.totalCount", "albumOfTrack.coverArt.sources[].url",
        "albumOfTrack.coverArt.sources[].width", "albumOfTrack.coverArt.sources[].height",
        "albumOfTrack.tracks.totalCount", "albumOfTrack.tracks.items[].track.uri",
        "albumOfTrack.tracks.items[].track.trackNumber",
    )
]  # fmt: skip
GET_ALBUM_VALUES = [
    f"{ALBUM}.{p}"
    for p in (
        "__typename", "uri", "name", "type", "label", "date.isoString", "date.precision",
        "copyright.items[].text", "copyright.items[].type", "artists.items[].uri",
        "artists.items[].profile.name", "discs.items[].number", "discs.items[].tracks.totalCount",
        "coverArt.sources[].url", "tracksV2.totalCount", "tracksV2.items[].track.uri",
        "tracksV2.items[].track.name", "tracksV2.items[].track.trackNumber",
        "tracksV2.items[].track.discNumber", "tracksV2.items[].track.duration.totalMilliseconds",
        "tracksV2.items[].track.contentRating.label", "tracksV2.items[].track.artists.items[].uri",
        "tracksV2.items[].track.relinkingInformation.linkedTrack.uri",
    )
]  # fmt: skip
FETCH_PLAYLIST_VALUES = [
    f"{PLAYLIST}.{p}"
    for p in (
        "__typename", "uri", "name", "description", "followers", "revisionId",
        "ownerV2.data.name", "ownerV2.data.username", "ownerV2.data.uri", "content.totalCount",
        "content.pagingInfo.offset", "content.pagingInfo.limit", "content.items[].addedAt.isoString",
        "content.items[].addedBy", "content.items[].itemV2.data.uri",
        "content.items[].itemV2.data.name", "content.items[].itemV2.data.playcount",
        "content.items[].itemV2.data.trackDuration.totalMilliseconds",
        "content.items[].itemV2.data.contentRating.label",
        "content.items[].itemV2.data.albumOfTrack.uri",
        "content.items[].itemV2.data.albumOfTrack.name",
        "content.items[].itemV2.data.artists.items[].uri",
        "content.items[].itemV2.data.artists.items[].profile.name",
    )
]  # fmt: skip
ARTIST_VALUES = [
    f"{ARTIST}.{p}"
    for p in (
        "__typename", "id", "uri", "profile.name", "stats.followers", "stats.monthlyListeners",
        "stats.worldRank", "visuals.avatarImage.sources[].url",
        "onPlatformReputationTrait.verification.isVerified",
    )
]  # fmt: skip
EMBED_VALUES = [
    "page",
    "query.id",
    "props.pageProps.state.data.embeded_entity_uri",
    "props.pageProps.state.settings.entityContext",
    "props.pageProps.state.settings.session.isAnonymous",
    *(
        f"{ENTITY}.{p}"
        for p in (
            "id", "uri", "name", "title", "type", "duration", "isExplicit", "isPlayable",
            "playabilityReason", "artists", "releaseDate.isoString", "relatedEntityUri",
            "contentRatings.labels",
        )
    ),
]  # fmt: skip

# The lists the catalog has nothing for (the emulator sends them empty).
ARTIST_UNFILLABLE = tuple(
    f"$.{ARTIST}.{p}"
    for p in (
        "goods.concerts.items[]",
        "profile.externalLinks.items[]",
        "profile.playlistsV2.items[]",
        "stats.topCities.items[]",
    )
)
ARTIST_TRIMMED = deleted(
    *(
        f"{ARTIST}.{p}"
        for p in (
            "discography", "relatedContent", "relatedMusicVideos", "unmappedMusicVideosV2",
            "goods", "visualIdentity", "headerImage", "watchFeedEntrypoint", "profile.playlistsV2",
        )
    )
)  # fmt: skip


def _same_day_playcounts(ours: Any, recorded: Any) -> None:
    """getAlbum was captured on another day than getTrack: the catalog keeps getTrack's count
    for the first track (1137719792, not getAlbum's 1139813068); the other nine are equal."""
    path = f"{ALBUM}.tracksV2.items[].track.playcount"
    assert values_at(recorded, path)[0] == "1139813068"
    assert values_at(ours, path)[0] == "1137719792"
    assert values_at(ours, path)[1:] == values_at(recorded, path)[1:]


@dataclass(frozen=True)
class Recording:
    """How to ask the emulator for the entity of one recording, and what must agree."""

    fetch: str  # "pathfinder", "credits" or "embed"
    operation: str = ""
    variables: dict[str, Any] | None = None
    values: tuple[str, ...] = ()
    trim: Callable[[Any], Any] | None = None  # what SOURCES.md says was cut from the file
    unfillable: tuple[str, ...] = ()
    extra_check: Callable[[Any, Any], None] | None = None
    whole_body: bool = False  # every value is modelled: the bodies must be equal


GET_TRACK = Recording(
    "pathfinder",
    "getTrack",
    {"uri": f"spotify:track:{NEVER_GONNA}"},
    values=tuple(GET_TRACK_VALUES),
)
FETCH_PLAYLIST = Recording(
    "pathfinder",
    "fetchPlaylist",
    {
        "uri": f"spotify:playlist:{TODAYS_TOP_HITS}",
        "offset": 0,
        "limit": 100,
        "enableWatchFeedEntrypoint": False,
    },
    values=tuple(FETCH_PLAYLIST_VALUES),
)
ARTIST_OVERVIEW = Recording(
    "pathfinder",
    "queryArtistOverview",
    {"uri": f"spotify:artist:{RICK}", "locale": "", "includePrerelease": False},
    values=tuple(ARTIST_VALUES),
    unfillable=ARTIST_UNFILLABLE,
)

CASES: dict[str, Recording] = {
    WEBPLAYER + "pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.trimmed.json": replace(
        GET_TRACK,
        trim=deleted(
            f"{TRACK}.visualIdentity",
            f"{TRACK}.firstArtist.items[].relatedContent",
            f"{TRACK}.firstArtist.items[].discography",
        ),
    ),
    FULL + "pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.json": GET_TRACK,
    WEBPLAYER + "pathfinder_getAlbum_6N9PS4QXF1D0OWPk0Sxtb4_2026-06.json": Recording(
        "pathfinder",
        "getAlbum",
        {"uri": f"spotify:album:{WHENEVER_ALBUM}", "locale": "", "offset": 0, "limit": 50},
        values=tuple(GET_ALBUM_VALUES),
        extra_check=_same_day_playcounts,
    ),
    WEBPLAYER + "pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.trimmed.json": replace(
        FETCH_PLAYLIST, trim=first_items(f"{PLAYLIST}.content.items", 3)
    ),
    FULL + "pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.json": FETCH_PLAYLIST,
    WEBPLAYER
    + "pathfinder_queryArtistOverview_0gxyHStUsqpMadRV0Di1Qt_2026-06.trimmed.json": replace(
        ARTIST_OVERVIEW, trim=ARTIST_TRIMMED
    ),
    FULL + "pathfinder_queryArtistOverview_0gxyHStUsqpMadRV0Di1Qt_2026-06.json": ARTIST_OVERVIEW,
    WEBPLAYER + "spclient_track-credits_4LfCY65LvojKjWEnU7fNN4_2026-06.json": Recording(
        "credits", whole_body=True
    ),
    WEBPLAYER + "embed_track_next-data_4uLU6hMCjMI75M1A2tKUQC_2026-06.json": Recording(
        "embed", values=tuple(EMBED_VALUES)
    ),
}


def _served(case: Recording, client: WebPlayerClient, tokens: dict[str, Any]) -> Any:
    if case.fetch == "pathfinder":
        bundle = tokens["bundle"]
        # The recordings were made with the GET form (SpotifyScraper, docs/services.md#pathfinder-persisted-queries).
        response = client.get_query(
            tokens["anonymous"], case.operation, case.variables, bundle.hashes[case.operation]
        )
        assert response.status_code == 200, response.text
        return response.json()
    if case.fetch == "credits":
        response = client.credits(STUPID_SONG, tokens["logged_in"])
        assert response.status_code == 200, response.text
        return response.json()
    response = client.http.get(f"/embed/track/{NEVER_GONNA}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    match = NEXT_DATA.search(response.text)
    assert match, "the embed page has no __NEXT_DATA__ script"
    return json.loads(match.group(1))


@pytest.mark.parametrize("relative", RECORDINGS)
def test_the_served_body_has_the_recorded_keys_types_and_values(relative, client, tokens):
    case = CASES.get(relative)
    assert case is not None, f"new recording {relative}: add a conformance case (or a skip)"
    recorded = reference_json(relative)
    ours = _served(case, client, tokens)
    if case.trim is not None:
        ours = case.trim(ours)

    assert shape_differences(ours, recorded, unfillable=case.unfillable) == []
    if case.whole_body:
        assert ours == recorded
    for path in case.values:
        assert values_at(ours, path) == values_at(recorded, path), path
    if case.extra_check is not None:
        case.extra_check(ours, recorded)


def test_every_recording_has_a_case():
    assert sorted(CASES) == RECORDINGS


def test_the_token_endpoint_answers_the_session_object_of_the_embed_recording(client, tokens):
    """No /api/token answer is on record; the embed page's `settings.session` is the same
    session object (docs/services.md#web-player-tokens), so /api/token must carry its keys with the same types."""
    recorded = reference_json(
        WEBPLAYER + "embed_track_next-data_4uLU6hMCjMI75M1A2tKUQC_2026-06.json"
    )
    session = recorded["props"]["pageProps"]["state"]["settings"]["session"]
    answer = client.token(tokens["bundle"])
    assert shape_differences(without(answer, "clientId"), session) == []
    assert answer["isAnonymous"] is True
    assert answer["clientId"] == tokens["bundle"].client_id
    lifetime_ms = answer["accessTokenExpirationTimestampMs"] - time.time() * 1000
    assert 3_590_000 < lifetime_ms <= 3_600_000  # the default one-hour token


# -- error bodies -------------------------------------------------------------------------------


def _wait_for_expiry() -> None:
    time.sleep(0.35)  # the short_lived sandbox's tokens live 0.3 s


def _expired_on_pathfinder(server: SandboxServer, web: WebPlayerClient) -> httpx.Response:
    bundle = web.bundle()
    token = web.token(bundle)["accessToken"]
    _wait_for_expiry()
    variables = {"uri": f"spotify:track:{NEVER_GONNA}"}
    return web.get_query(token, "getTrack", variables, bundle.hashes["getTrack"])


def _expired_on_spclient(server: SandboxServer, web: WebPlayerClient) -> httpx.Response:
    sp_dc = server.credentials("spotify_web")["SPOTIFY_SP_DC"]
    token = logged_in_token(web, web.bundle(), sp_dc)
    _wait_for_expiry()
    return web.credits(STUPID_SONG, token)


def _second_request_of_a_token(server: SandboxServer, web: WebPlayerClient) -> httpx.Response:
    bundle = web.bundle()
    token = web.token(bundle)["accessToken"]
    variables = {"uri": f"spotify:track:{NEVER_GONNA}"}
    first = web.get_query(token, "getTrack", variables, bundle.hashes["getTrack"])
    assert first.status_code == 200
    return web.get_query(token, "getTrack", variables, bundle.hashes["getTrack"])


Provoke = Callable[[SandboxServer, WebPlayerClient], httpx.Response]


def _credits_of(track_id: str) -> Provoke:
    def ask(server: SandboxServer, web: WebPlayerClient) -> httpx.Response:
        sp_dc = server.credentials("spotify_web")["SPOTIFY_SP_DC"]
        return web.credits(track_id, logged_in_token(web, web.bundle(), sp_dc))

    return ask


@dataclass(frozen=True)
class ErrorCase:
    sandbox: str = "sandbox"  # the fixture to ask
    provoke: tuple[Provoke, ...] = ()
    skip: str = ""


NOT_WEB_PLAYER = "an api.spotify.com answer; the web player emulator has no such endpoint"
ERROR_CASES: dict[str, ErrorCase] = {
    EXPIRED_401_FILE: ErrorCase("short_lived", (_expired_on_pathfinder, _expired_on_spclient)),
    "webapi-429-rolling-window-recorded": ErrorCase("limited", (_second_request_of_a_token,)),
    "webapi-400-invalid-id": ErrorCase(provoke=(_credits_of(STUPID_SONG[:-1]),)),
    "webapi-404-non-existing-id": ErrorCase(provoke=(_credits_of(synthetic_id("no-track")),)),
    "webapi-429-quota-exceeded-observed": ErrorCase(
        skip="the Development Mode daily quota of api.spotify.com; the web player has none"
    ),
    "webapi-429-quota-exceeded-documented": ErrorCase(
        skip="the Development Mode daily quota of api.spotify.com; the web player has none"
    ),
    "webapi-403-removed-endpoint-devmode": ErrorCase(
        skip=f"/v1/playlists/{{id}}/tracks: {NOT_WEB_PLAYER}"
    ),
    "webapi-403-playlist-items-not-owner": ErrorCase(
        skip=f"/v1/playlists/{{id}}/items: {NOT_WEB_PLAYER}"
    ),
    "webapi-403-premium-required-devmode": ErrorCase(
        skip="api.spotify.com Premium check; only the message was recorded, no body"
    ),
    "webapi-403-audio-features-new-app": ErrorCase(skip=f"/v1/audio-features: {NOT_WEB_PLAYER}"),
    "webapi-404-editorial-playlist": ErrorCase(
        skip="api.spotify.com refuses 37i9 playlists; pathfinder fetchPlaylist serves them"
    ),
    "webapi-400-too-many-ids": ErrorCase(skip=f"batch ?ids= lookups: {NOT_WEB_PLAYER}"),
    "accounts-400-invalid-client": ErrorCase(
        skip="accounts.spotify.com client credentials; open.spotify.com/api/token takes none"
    ),
    "accounts-invalid-client-secret": ErrorCase(
        skip="accounts.spotify.com client credentials; open.spotify.com/api/token takes none"
    ),
}
ERROR_RECORDINGS = [EXPIRED_401_FILE, *(entry["id"] for entry in OBSERVED)]


def test_every_error_recording_has_a_case():
    assert sorted(ERROR_CASES) == sorted(ERROR_RECORDINGS)


@pytest.mark.parametrize("recording", ERROR_RECORDINGS)
def test_error_bodies_are_served_as_recorded(recording, request):
    case = ERROR_CASES[recording]
    if case.skip:
        pytest.skip(f"{ERRORS}observed-error-bodies.json#{recording}: {case.skip}")
    if recording == EXPIRED_401_FILE:
        status, verbatim, body = 401, reference_path(recording).read_bytes(), None
    else:
        entry = next(e for e in OBSERVED if e["id"] == recording)
        status, body = entry["status"], entry["body_json"]
        # A normalised entry's verbatim text is an object dump, not JSON: compare the JSON.
        verbatim = None if entry.get("normalised") else entry.get("body_verbatim")
        verbatim = verbatim.encode() if verbatim is not None else None
    server = request.getfixturevalue(case.sandbox)
    for provoke in case.provoke:
        web = WebPlayerClient(server.base_url("spotify_web"))
        try:
            response = provoke(server, web)
        finally:
            web.close()
        assert response.status_code == status, (provoke.__name__, response.text)
        assert response.headers["content-type"].startswith("application/json")
        if verbatim is not None:
            assert response.content == verbatim, provoke.__name__
        else:
            assert response.json() == body, provoke.__name__
        if status == 429:
            assert 1 <= int(response.headers["retry-after"]) <= 30
