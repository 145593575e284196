"""The doctor's service lines read the real hosts' answers: each body below is served over real
HTTP by a scripted server standing where the service would be, and the line must name what the
service said.

Spotify's bodies are recordings (fixtures/reference/spotify/, see fixtures/SOURCES.md). No real
error body of Chartmetric, The MLC or MusicBrainz is public: theirs are the shapes
docs/services.md reports (marked "reported" there), written out here; the Chartmetric token is
the vendor's documentation example (fixtures/reference/chartmetric/docs-examples/).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from track_assets.doctor.context import DoctorContext
from track_assets.doctor.probes import REAL
from track_assets.doctor.report import Check, Status
from track_assets.doctor.services import check_service
from track_assets.settings import load_settings
from track_assets_tests.http.server import Canned, ScriptedServer
from track_assets_tests.support.reference import reference_json, reference_text

TOKEN = "/api/token"
BATCH = "/v1/tracks"
SINGLE = f"/v1/tracks/{REAL.spotify_track_id}"
SPOTIFY_TOKEN = reference_json("spotify/webapi/token_client-credentials_200_2017.json")
RECORDED_TRACK = reference_json("spotify/webapi/track_5NcYCtoBkAGyxL5SCF64av_2024.json")


def observed(entry_id: str) -> dict:
    """One entry of spotify/errors/observed-error-bodies.json."""
    entries = reference_json("spotify/errors/observed-error-bodies.json")["entries"]
    return next(entry for entry in entries if entry["id"] == entry_id)


def observed_body(entry_id: str) -> bytes | dict:
    """The body as pasted when it was JSON, else its JSON form."""
    entry = observed(entry_id)
    verbatim = entry.get("body_verbatim")
    if verbatim is not None and not entry.get("normalised"):
        return verbatim.encode()
    return entry["body_json"]


JSON = {"Content-Type": "application/json"}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer().start()
    yield scripted
    scripted.stop()


def line(name: str, home: Path, **variables: str) -> Check:
    env = {"DAGSTER_HOME": str(home), "TRACK_ASSETS_SANDBOX": "off", **variables}
    ctx = DoctorContext(load_settings(env), timeout=3)
    return check_service(name, ctx)


# --- Spotify (recorded) -----------------------------------------------------------------------


def spotify_line(server: ScriptedServer, home: Path) -> Check:
    return line(
        "spotify_api",
        home,
        SPOTIFY_CLIENT_ID="0123456789abcdef0123456789abcdef",
        SPOTIFY_CLIENT_SECRET="fedcba9876543210fedcba9876543210",
        SPOTIFY_API_BASE_URL=server.url,
        SPOTIFY_ACCOUNTS_BASE_URL=server.url,
    )


@pytest.mark.parametrize(
    ("entry_id", "said"),
    [
        ("accounts-400-invalid-client", "(HTTP 400 invalid_client: Invalid client)"),
        ("accounts-invalid-client-secret", "(HTTP 400 invalid_client: Invalid client secret)"),
    ],
)
def test_spotify_refusing_the_app_credentials(server, tmp_path, entry_id, said):
    # The second entry records no status; the RFC 6749 one (and the first entry's) is 400.
    server.always(
        TOKEN, Canned(observed(entry_id).get("status") or 400, JSON, observed_body(entry_id))
    )
    check = spotify_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert check.detail.startswith(f"Spotify rejected the app credentials {said}")
    assert (check.facts["error"], check.facts["http_status"]) == ("SpotifyCredentialsRejected", 400)
    assert not server.requests(BATCH)  # nothing asked once the token was refused


def test_spotify_development_mode_is_detected_from_the_batch_403(server, tmp_path):
    server.always(TOKEN, Canned(200, JSON, SPOTIFY_TOKEN))
    forbidden = observed("webapi-403-removed-endpoint-devmode")
    server.always(BATCH, Canned(403, JSON, observed_body(forbidden["id"])))
    server.always(SINGLE, Canned(200, JSON, RECORDED_TRACK))
    check = spotify_line(server, tmp_path)
    assert check.status is Status.PASS, check.detail
    assert check.facts["tier"] == "development" and check.facts["probe_found"] is True
    assert "answered 403" in check.detail
    assert len(server.requests(BATCH)) == 1 and len(server.requests(SINGLE)) == 1


def test_spotify_extended_quota_mode_is_detected_from_the_batch_answer(server, tmp_path):
    server.always(TOKEN, Canned(200, JSON, SPOTIFY_TOKEN))
    server.always(BATCH, Canned(200, JSON, {"tracks": [RECORDED_TRACK]}))
    check = spotify_line(server, tmp_path)
    assert check.status is Status.PASS
    assert check.facts["tier"] == "extended" and "answered 200" in check.detail
    assert not server.requests(SINGLE)


def test_spotify_quota_lockout_fails_with_its_reason_and_wait(server, tmp_path):
    entry = observed("webapi-429-quota-exceeded-observed")
    server.always(TOKEN, Canned(200, JSON, SPOTIFY_TOKEN))
    headers = JSON | {"Retry-After": entry["headers"]["retry-after"]}
    server.always(BATCH, Canned(429, headers, observed_body(entry["id"])))
    check = spotify_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "reason: QUOTA_EXCEEDED" in check.detail and "48925 s" in check.detail
    assert len(server.requests(BATCH)) == 1  # a lockout is never waited out


def test_spotify_premium_refusal_is_not_taken_for_the_tier(server, tmp_path):
    message = observed("webapi-403-premium-required-devmode")["message_verbatim"]
    server.always(TOKEN, Canned(200, JSON, SPOTIFY_TOKEN))
    # Only the message was pasted; the wrapper is Spotify's usual (see the entry's note).
    server.always(BATCH, Canned(403, JSON, {"error": {"status": 403, "message": message}}))
    check = spotify_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert message in check.detail
    assert "needs an active Premium subscription" in check.detail


def test_spotify_refusing_every_token_fails_as_unauthorized(server, tmp_path):
    expired = reference_text("spotify/errors/error_401_access-token-expired_2019.json").encode()
    server.always(TOKEN, Canned(200, JSON, SPOTIFY_TOKEN))
    server.always(BATCH, Canned(401, JSON, expired))
    check = spotify_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "HTTP 401 again after refreshing the token once" in check.detail
    assert len(server.requests(TOKEN)) == 2  # a new token once, then the verdict


# --- Chartmetric (reported shapes, the documented token) ----------------------------------------

GET_IDS = f"/api/track/isrc/{REAL.isrc}/get-ids"
CM_TOKEN = reference_json("chartmetric/docs-examples/post-api-token_200_apidocs-example.json")


def chartmetric_line(server: ScriptedServer, home: Path) -> Check:
    return line(
        "chartmetric",
        home,
        CHARTMETRIC_REFRESH_TOKEN="a-refresh-token-from-chartmetric",
        CHARTMETRIC_BASE_URL=server.url,
    )


def test_chartmetric_refusing_the_refresh_token(server, tmp_path):
    # Errors are JSON with an `error` string; 401 for an invalid token (reported).
    server.always("/api/token", Canned(401, JSON, {"error": "invalid refresh token"}))
    check = chartmetric_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "refused the refresh token: HTTP 401 on POST /api/token (invalid refresh token)" in (
        check.detail
    )


def test_chartmetric_expired_subscription(server, tmp_path):
    server.always("/api/token", Canned(200, JSON, CM_TOKEN))
    server.always(GET_IDS, Canned(402, JSON, {"error": "subscription expired"}))
    check = chartmetric_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "HTTP 402 (subscription expired): the Chartmetric subscription has expired" in (
        check.detail
    )


def test_chartmetric_plan_without_stream_counts_passes_and_says_so(server, tmp_path):
    server.always("/api/token", Canned(200, JSON, CM_TOKEN))
    ids = {"obj": [{"isrc": REAL.isrc, "chartmetric_ids": [15678], "spotify_ids": []}]}
    server.always(GET_IDS, Canned(200, JSON, ids))
    stats = "/api/track/15678/spotify/stats/most-history"
    server.always(stats, Canned(403, JSON, {"error": "not included in your plan"}))
    check = chartmetric_line(server, tmp_path)
    assert check.status is Status.PASS, check.detail
    assert check.facts["spotify_streams"] == "not_in_plan"
    assert 'Spotify stream counts: not in the plan (HTTP 403 "not included in your plan")' in (
        check.detail
    )
    [asked] = server.requests(stats)
    assert asked.method == "GET"


# --- The MLC (reported shapes) ------------------------------------------------------------------


def mlc_line(server: ScriptedServer, home: Path) -> Check:
    return line(
        "mlc",
        home,
        MLC_USERNAME="someone@example.org",
        MLC_PASSWORD="a-password-of-someone",
        MLC_BASE_URL=server.url,
    )


NULL_TOKENS = {"accessToken": None, "idToken": None, "refreshToken": None, "tokenType": None}


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (
            403,
            NULL_TOKENS
            | {
                "error": "invalid_grant",
                "errorDescription": "Request failed with status code 403: Wrong email or password.",
            },
            "HTTP 403 on POST /oauth/token (Request failed with status code 403: Wrong email or "
            "password.)",
        ),
        (
            400,
            NULL_TOKENS
            | {"error": "Bad Request", "errorDescription": "Missing username or password"},
            "HTTP 400 on POST /oauth/token (Missing username or password)",
        ),
    ],
)
def test_mlc_refusing_the_login(server, tmp_path, status, body, said):
    server.always("/oauth/token", Canned(status, JSON, body))
    check = mlc_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert check.detail.startswith(f"mlc refused the login: {said}")
    assert "someone@example.org" not in check.detail


def test_mlc_refusing_the_bearer_fails_as_unauthorized(server, tmp_path):
    granted = {
        "accessToken": "an-access-token-0001",
        "idToken": "an-id-token-0001",
        "refreshToken": "a-refresh-token-0001",
        "tokenType": "Bearer",
        "expiresIn": "3600",
        "error": None,
        "errorDescription": None,
    }
    server.always("/oauth/token", Canned(200, JSON, granted))
    server.always("/search/recordings", Canned(401, JSON, {"message": "Unauthorized"}))
    check = mlc_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "mlc POST /search/recordings: credentials rejected (HTTP 401 again" in check.detail


# --- MusicBrainz (reported shapes) --------------------------------------------------------------

ISRC_PATH = f"/ws/2/isrc/{REAL.isrc}"
XML = {"Content-Type": "application/xml; charset=utf-8"}


def musicbrainz_line(server: ScriptedServer, home: Path) -> Check:
    return line(
        "musicbrainz",
        home,
        MUSICBRAINZ_CONTACT="doctor@example.org",
        MUSICBRAINZ_BASE_URL=server.url,
    )


def test_musicbrainz_refusing_the_user_agent(server, tmp_path):
    server.always(ISRC_PATH, Canned(403, XML, b""))
    check = musicbrainz_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "HTTP 403" in check.detail and "the User-Agent was refused" in check.detail
    [asked] = server.requests(ISRC_PATH)
    assert "( doctor@example.org )" in asked.headers["user-agent"]


def test_musicbrainz_error_document_is_quoted(server, tmp_path):
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><error><text>Invalid mbid.</text><text>For '
        b"usage, please see: https://musicbrainz.org/development/mmd</text></error>"
    )
    server.always(ISRC_PATH, Canned(400, XML, body))
    check = musicbrainz_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "HTTP 400 (Invalid mbid.)" in check.detail


def test_musicbrainz_rate_limit_text_fails_as_unavailable(server, tmp_path):
    text = (
        "Your requests are exceeding the allowable rate limit. Please see "
        "http://wiki.musicbrainz.org/XMLWebService for more information."
    )
    server.always(ISRC_PATH, Canned(503, XML, text.encode()))
    check = musicbrainz_line(server, tmp_path)
    assert check.status is Status.FAIL
    assert "last: HTTP 503" in check.detail and server.url in check.detail
    assert len(server.requests(ISRC_PATH)) == 2  # the doctor's budget: one retry


def test_the_recorded_bodies_used_here_are_json():
    """A guard on the fixtures: a verbatim paste that is not JSON would test nothing."""
    for entry_id in (
        "accounts-400-invalid-client",
        "accounts-invalid-client-secret",
        "webapi-403-removed-endpoint-devmode",
        "webapi-429-quota-exceeded-observed",
    ):
        body = observed_body(entry_id)
        assert json.loads(body) if isinstance(body, bytes) else body
