"""The MLC Public Search API emulator over real HTTP: token flow, idToken-only auth, searches,
works (checked against the real portal data for SB5VH7 and MA0PFZ), errors and rate limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.mlc import mlc_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.cm_mlc_fixtures import (
    CATALOG_DATE,
    MA0PFZ_FILE,
    PORTAL_ISRCS,
    SB5VH7_FILE,
    emulator_catalog,
    mlc_tokens,
)
from track_assets_tests.support.clock import ManualClock
from track_assets_tests.support.reference import reference_json

# The Public Search API fields named in docs/services.md#mlc-search-endpoints and #mlc-work-fields.
TOKEN_KEYS = {"accessToken", "idToken", "refreshToken", "tokenType", "expiresIn"}
TOKEN_ERROR_KEYS = {"accessToken", "refreshToken", "error", "errorDescription"}
RECORDING_KEYS = {"id", "isrc", "title", "artist", "labels", "mlcsongCode"}
WORK_KEYS = {
    "mlcSongCode", "primaryTitle", "iswc", "artists", "membersSongId", "akas", "writers",
    "publishers",
}  # fmt: skip
WRITER_KEYS = {
    "writerId", "writerFirstName", "writerLastName", "writerIPI", "writerRoleCode", "chainId",
    "chainParentId",
}  # fmt: skip
PUBLISHER_KEYS = {
    "publisherId", "publisherName", "publisherIpiNumber", "mlcPublisherNumber",
    "publisherRoleCode", "collectionShare", "chainId", "chainParentId", "administrators",
    "parentPublishers",
}  # fmt: skip
SONGCODE_KEYS = {"iswc", "mlcSongCode", "workTitle", "writers"}
SONGCODE_WRITER_KEYS = {
    "writerFirstName", "writerLastName", "writerIPI", "writerId", "writerRoleCode",
}  # fmt: skip
UNAUTHORIZED = {"message": "Unauthorized"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return emulator_catalog()


def _server(catalog: Catalog, **options) -> SandboxServer:
    options.setdefault("seed", 9)
    options.setdefault("date", CATALOG_DATE)
    return SandboxServer([mlc_emulator()], catalog, SandboxOptions(**options))


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    with _server(catalog, rate_limits="off") as server:
        yield server


@pytest.fixture(scope="module")
def tokens(sandbox: SandboxServer) -> dict:
    return mlc_tokens(sandbox)


@pytest.fixture(scope="module")
def api(sandbox: SandboxServer, tokens: dict) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {tokens['idToken']}"}
    with httpx.Client(base_url=sandbox.base_url("mlc"), headers=headers) as client:
        yield client


def _known_share(publisher: dict) -> Decimal:
    """docs/matching.md#publisher-status: a publisher at 0 counts its administrators' shares."""
    share = Decimal(str(publisher["collectionShare"]))
    if share == 0:
        share = sum(
            (Decimal(str(a["collectionShare"])) for a in publisher["administrators"]), Decimal(0)
        )
    return share


# --- token ------------------------------------------------------------------------------------


def test_token_response_has_both_tokens_and_expires_in_as_a_string(tokens):
    assert set(tokens) >= TOKEN_KEYS
    assert tokens["expiresIn"] == "3600" and isinstance(tokens["expiresIn"], str)
    assert tokens["tokenType"] == "Bearer"
    assert tokens["idToken"] != tokens["accessToken"]
    assert tokens["idToken"].count(".") == 2  # a JWT
    assert tokens["error"] is None and tokens["errorDescription"] is None


@pytest.mark.parametrize(
    ("why", "body_of", "status", "error", "description"),
    [
        (
            "wrong password",
            lambda user, password: {"username": user, "password": password + "x"},
            403,
            "invalid_grant",
            "Request failed with status code 403: Wrong email or password.",
        ),
        (
            "unknown user",
            lambda user, password: {"username": "x" + user, "password": password},
            403,
            "invalid_grant",
            "Request failed with status code 403: Wrong email or password.",
        ),
        (
            "no password",
            lambda user, password: {"username": user},
            400,
            "Bad Request",
            "Missing username or password",
        ),
        (
            "empty object",
            lambda user, password: {},
            400,
            "Bad Request",
            "Missing username or password",
        ),
        (
            "unknown refresh token",
            lambda user, password: {"refreshToken": "not-issued"},
            403,
            "invalid_grant",
            None,
        ),
    ],
)
def test_token_failures_have_the_null_token_shape(
    sandbox, why, body_of, status, error, description
):
    credentials = sandbox.credentials("mlc")
    body = body_of(credentials["MLC_USERNAME"], credentials["MLC_PASSWORD"])
    response = httpx.post(f"{sandbox.base_url('mlc')}/oauth/token", json=body)
    assert response.status_code == status, why
    failure = response.json()
    assert set(failure) >= TOKEN_ERROR_KEYS
    assert failure["accessToken"] is None and failure["refreshToken"] is None
    assert failure["idToken"] is None and failure["expiresIn"] is None
    assert failure["error"] == error
    if description is not None:
        assert failure["errorDescription"] == description


def test_a_form_encoded_login_is_not_understood(sandbox):
    credentials = sandbox.credentials("mlc")
    response = httpx.post(
        f"{sandbox.base_url('mlc')}/oauth/token",
        data={"username": credentials["MLC_USERNAME"], "password": credentials["MLC_PASSWORD"]},
    )
    assert response.status_code == 400
    assert response.json()["errorDescription"] == "Missing username or password"


def test_the_refresh_token_gets_a_new_id_token_and_no_new_refresh_token(sandbox, tokens):
    response = httpx.post(
        f"{sandbox.base_url('mlc')}/oauth/token", json={"refreshToken": tokens["refreshToken"]}
    )
    assert response.status_code == 200
    renewed = response.json()
    assert renewed["idToken"] not in (None, tokens["idToken"])
    assert renewed["refreshToken"] is None  # keep using the one from the login
    search = httpx.post(
        f"{sandbox.base_url('mlc')}/search/recordings",
        json={"isrc": PORTAL_ISRCS["SB5VH7"]},
        headers={"Authorization": f"Bearer {renewed['idToken']}"},
    )
    assert search.status_code == 200


@pytest.mark.parametrize(
    ("why", "authorization"),
    [
        ("the accessToken", "Bearer {access}"),
        ("no header", None),
        ("an unknown token", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
        ("the refresh token", "Bearer {refresh}"),
        ("the idToken without a scheme", "{id}"),
    ],
)
def test_data_endpoints_take_only_the_id_token(sandbox, tokens, why, authorization):
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(
            access=tokens["accessToken"], refresh=tokens["refreshToken"], id=tokens["idToken"]
        )
    response = httpx.post(
        f"{sandbox.base_url('mlc')}/search/recordings",
        json={"isrc": PORTAL_ISRCS["SB5VH7"]},
        headers=headers,
    )
    assert response.status_code == 401, why
    assert response.json() == UNAUTHORIZED


def test_an_expired_id_token_is_refused(catalog):
    with _server(
        catalog, rate_limits="off", settings={"mlc": {"token_lifetime_seconds": 0.4}}
    ) as server:
        issued = mlc_tokens(server)
        assert issued["expiresIn"] == "1"
        headers = {"Authorization": f"Bearer {issued['idToken']}"}
        url = f"{server.base_url('mlc')}/work/id/SB5VH7"
        assert httpx.get(url, headers=headers).status_code == 200
        time.sleep(0.5)
        expired = httpx.get(url, headers=headers)
    assert expired.status_code == 401
    assert expired.json() == UNAUTHORIZED


# --- recordings -------------------------------------------------------------------------------


def test_recordings_by_isrc_use_lower_case_s_in_the_song_code(api, catalog):
    response = api.post("/search/recordings", json={"isrc": PORTAL_ISRCS["MA0PFZ"]})
    assert response.status_code == 200
    [recording] = response.json()
    assert set(recording) == RECORDING_KEYS  # no `mlcSongCode` here
    assert recording["mlcsongCode"] == "MA0PFZ"
    assert recording["isrc"] == PORTAL_ISRCS["MA0PFZ"]


def test_one_isrc_can_lead_to_several_works(api, catalog):
    isrc, recordings = next(
        (isrc, rs)
        for isrc, rs in catalog.mlc_recordings_by_isrc.items()
        if len({r.song_code for r in rs if r.song_code}) > 1
    )
    found = api.post("/search/recordings", json={"isrc": isrc}).json()
    assert {r["mlcsongCode"] for r in found} == {r.song_code for r in recordings}
    assert len(found) == len(recordings)


def test_an_isrc_without_recordings_gives_an_empty_list(api, catalog):
    missing = next(
        t.isrc for t in catalog.tracks if t.isrc and t.isrc not in catalog.mlc_recordings_by_isrc
    )
    response = api.post("/search/recordings", json={"isrc": missing})
    assert (response.status_code, response.json()) == (200, [])


def test_a_recording_without_a_work_has_a_null_song_code(api, catalog):
    isrc = next(
        isrc
        for isrc, rs in catalog.mlc_recordings_by_isrc.items()
        if all(r.song_code is None for r in rs)
    )
    found = api.post("/search/recordings", json={"isrc": isrc}).json()
    assert found and all(r["mlcsongCode"] is None for r in found)


def test_isrcs_are_matched_as_sent(api):
    dashed = "-".join(
        (PORTAL_ISRCS["SB5VH7"][:2], PORTAL_ISRCS["SB5VH7"][2:5], PORTAL_ISRCS["SB5VH7"][5:])
    )
    assert api.post("/search/recordings", json={"isrc": dashed}).json() == []
    assert (
        api.post("/search/recordings", json={"isrc": PORTAL_ISRCS["SB5VH7"].lower()}).json() == []
    )


def test_recordings_by_title_and_artist(api, catalog):
    recording = next(r for r in catalog.mlc_recordings if r.artist)
    found = api.post(
        "/search/recordings", json={"title": recording.title, "artist": recording.artist}
    ).json()
    assert recording.id in {r["id"] for r in found}
    assert all(r["title"].casefold() == recording.title.casefold() for r in found)


@pytest.mark.parametrize(
    ("why", "body"),
    [
        ("no criteria", {}),
        ("empty criteria", {"isrc": ""}),
        ("not an object", ["x"]),
        ("a number", {"isrc": 7}),
    ],
)
def test_recording_search_needs_a_criterion(api, why, body):
    response = api.post("/search/recordings", json=body)
    assert response.status_code == 400, why


# --- song code search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("why", "body"),
    [
        ("title only", {"title": "SPEEDOMETER"}),
        ("writer only", {"writers": [{"writerLastName": "UZAMAH"}]}),
        ("empty writer list", {"title": "SPEEDOMETER", "writers": []}),
        ("empty writer", {"title": "SPEEDOMETER", "writers": [{}]}),
        ("blank writer fields", {"title": "SPEEDOMETER", "writers": [{"writerLastName": ""}]}),
    ],
)
def test_songcode_search_needs_a_title_and_a_writer_field(api, why, body):
    response = api.post("/search/songcode", json=body)
    assert response.status_code == 400, why
    assert response.content == b""  # Royalte saw an empty 400 body


def test_songcode_search_finds_the_work_by_title_and_writer(api):
    body = {"title": "Speedometer", "writers": [{"writerLastName": "UZAMAH"}]}
    response = api.post("/search/songcode", json=body)
    assert response.status_code == 200
    [work] = response.json()
    assert set(work) == SONGCODE_KEYS
    assert work["mlcSongCode"] == "SB5VH7" and work["workTitle"] == "SPEEDOMETER"
    assert all(set(w) == SONGCODE_WRITER_KEYS for w in work["writers"])
    other_writer = {"title": "Speedometer", "writers": [{"writerLastName": "NOBODY"}]}
    assert api.post("/search/songcode", json=other_writer).json() == []


# --- works ------------------------------------------------------------------------------------


def test_work_objects_have_the_public_search_api_fields(api, catalog):
    for work in catalog.mlc_works:
        body = api.get(f"/work/id/{work.song_code}").json()
        assert set(body) == WORK_KEYS
        assert body["mlcSongCode"] == work.song_code  # capital S in work objects
        assert all(set(w) == WRITER_KEYS for w in body["writers"])
        for publisher in body["publishers"]:
            assert set(publisher) == PUBLISHER_KEYS
            assert all(set(a) == PUBLISHER_KEYS for a in publisher["administrators"])


def test_writer_and_publisher_chains_follow_who_represents_whom(api, catalog):
    for work in catalog.mlc_works:
        body = api.get(f"/work/id/{work.song_code}").json()
        chain_of = {p["chainId"]: p["publisherId"] for p in body["publishers"]}
        assert len(chain_of) == len(body["publishers"])  # one chain per original publisher
        represented = {w for p in work.publishers for w in p.writer_ids}
        for writer in body["writers"]:
            if writer["writerId"] in represented:
                publisher = next(
                    p for p in work.publishers if p.publisher_id == chain_of[writer["chainId"]]
                )
                assert writer["writerId"] in publisher.writer_ids
            else:
                assert writer["chainId"] is None
        for publisher in body["publishers"]:
            for admin in publisher["administrators"]:
                assert admin["chainId"] == publisher["chainId"]
                assert admin["chainParentId"] == publisher["publisherId"]


def test_sb5vh7_carries_its_share_on_the_administrator_as_in_the_real_data(api):
    portal = reference_json(SB5VH7_FILE)
    body = api.get("/work/id/SB5VH7").json()
    assert body["iswc"] == portal["iswc"] == "T3246856991"
    [publisher] = body["publishers"]
    [original] = portal["originalPublishers"]
    assert publisher["publisherName"] == original["publisherName"]
    assert publisher["collectionShare"] == original["publisherShare"] == 0
    [admin] = publisher["administrators"]
    [portal_admin] = original["administratorPublishers"]
    assert admin["publisherName"] == portal_admin["publisherName"] == "SONY/ATV TUNES LLC"
    assert admin["collectionShare"] == portal_admin["publisherShare"] == 50
    assert admin["publisherRoleCode"] == "AM"
    assert sum(_known_share(p) for p in body["publishers"]) == portal["totalKnownShares"] == 50
    chains = {w["writerLastName"]: w["chainId"] for w in body["writers"]}
    assert chains["UZAMAH"] == publisher["chainId"]  # CROWN UZAMAH is represented
    assert chains["HAHEEB"] is None  # SAHEEB HAHEEB has no publisher
    ipis = {w["writerLastName"]: w["writerIPI"] for w in body["writers"]}
    assert ipis == {"HAHEEB": "01219346165", "UZAMAH": None}


def test_ma0pfz_has_thirty_percent_known_for_both_writers_as_in_the_real_data(api):
    portal = reference_json(MA0PFZ_FILE)
    body = api.get("/work/id/MA0PFZ").json()
    assert body["iswc"] is None and portal["iswc"] is None
    [publisher] = body["publishers"]
    assert publisher["publisherName"] == "SONGTRUST AVE"
    assert publisher["collectionShare"] == portal["totalKnownShares"] == 30
    assert publisher["administrators"] == []
    assert {w["chainId"] for w in body["writers"]} == {publisher["chainId"]}
    assert sorted(w["writerIPI"] or "" for w in body["writers"]) == ["", "00860617237"]


def test_unknown_work_is_404(api):
    response = api.get("/work/id/ZZZZZ9")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_works_batch_takes_an_array_of_lower_case_s_song_codes(api):
    response = api.post("/works", json=[{"mlcsongCode": "SB5VH7"}, {"mlcsongCode": "MA0PFZ"}])
    assert response.status_code == 200
    assert [w["mlcSongCode"] for w in response.json()] == ["SB5VH7", "MA0PFZ"]
    partly = api.post("/works", json=[{"mlcsongCode": "ZZZZZ9"}, {"mlcsongCode": "MA0PFZ"}])
    assert [w["mlcSongCode"] for w in partly.json()] == ["MA0PFZ"]


@pytest.mark.parametrize(
    ("why", "body"),
    [
        ("the songCodes object one client sends", {"songCodes": ["SB5VH7"]}),
        ("the work objects' capital S", [{"mlcSongCode": "SB5VH7"}]),
        ("bare strings", ["SB5VH7"]),
    ],
)
def test_works_batch_refuses_other_bodies(api, why, body):
    assert api.post("/works", json=body).status_code == 400, why


def test_wrong_methods_and_routes_are_json_errors(api):
    assert api.get("/works").status_code == 405
    assert api.get("/search/isrc").json() == {"message": "Not Found"}


# --- rate limit, settings, faults -------------------------------------------------------------


def test_past_five_requests_a_second_the_api_answers_429_with_retry_after(catalog):
    clock = ManualClock()  # the limiter's time moves only when the test moves it
    with _server(catalog) as server:
        server.limits("mlc").use_clock(clock.monotonic, clock.wall)
        headers = {"Authorization": f"Bearer {mlc_tokens(server)['idToken']}"}
        url = f"{server.base_url('mlc')}/work/id/SB5VH7"
        with httpx.Client(headers=headers) as client:
            responses = [client.get(url) for _ in range(8)]
        violations = server.counters.snapshot("mlc").violations
        clock.advance(1.05)
        with httpx.Client(headers=headers) as client:
            recovered = client.get(url)
    statuses = [r.status_code for r in responses]
    assert statuses.count(429) == 3  # five a second, per user
    refused = next(r for r in responses if r.status_code == 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json() == {"message": "Too Many Requests"}
    assert violations["requests"] == statuses.count(429)
    assert recovered.status_code == 200


@pytest.mark.parametrize("settings", [{"token_lifetime_seconds": -1}, {"expires_in": 10}])
def test_bad_settings_stop_the_start(catalog, settings):
    with pytest.raises(ValueError, match=r"settings\.mlc"):
        _server(catalog, settings={"mlc": settings}).start()


def test_injected_errors_use_the_gateway_message_body(sandbox, api):
    sandbox.faults("mlc").fail_next(1, status=503)
    response = api.get("/work/id/SB5VH7")
    assert response.status_code == 503
    assert set(response.json()) == {"message"}
