"""Token refresh on 401 over real HTTP: refreshed once, then credentials are declared rejected."""

from __future__ import annotations

import pytest

from track_assets.services.http import ServiceHttpClient, Unauthorized
from track_assets_tests.http.fakes import CountingLimiter, RotatingTokens
from track_assets_tests.http.server import Canned, RecordedRequest, ScriptedServer


def accept_only(token: str):
    def respond(request: RecordedRequest) -> Canned:
        if request.headers.get("authorization") == f"Bearer {token}":
            return Canned(200, body={"id": "me"})
        return Canned(401, body={"error": {"status": 401, "message": "The access token expired"}})

    return respond


def test_expired_token_is_refreshed_once_and_the_request_retried(server: ScriptedServer) -> None:
    server.always("/v1/me", accept_only("fresh"))
    tokens = RotatingTokens("expired", "fresh")
    limiter = CountingLimiter()
    with ServiceHttpClient(
        "spotify_api", server.url, token_provider=tokens, rate_limiter=limiter
    ) as client:
        response = client.get("/v1/me")
        refreshes = client.counters.snapshot()["spotify_api"]["token_refreshes"]
    assert response.status_code == 200
    assert tokens.refreshes == 1
    assert refreshes == 1
    sent = [r.headers["authorization"] for r in server.requests("/v1/me")]
    assert sent == ["Bearer expired", "Bearer fresh"]
    assert limiter.acquired == 2
    assert limiter.held == 0


def test_rejected_refreshed_token_raises_unauthorized(server: ScriptedServer) -> None:
    server.always("/v1/me", accept_only("never-issued"))
    tokens = RotatingTokens("bad", "still-bad", "would-be-third")
    with (
        ServiceHttpClient("spotify_api", server.url, token_provider=tokens) as client,
        pytest.raises(Unauthorized) as raised,
    ):
        client.get("/v1/me", endpoint="GET /v1/me")
    assert tokens.refreshes == 1
    assert len(server.requests("/v1/me")) == 2
    assert raised.value.service == "spotify_api"
    message = str(raised.value)
    for expected in ("spotify_api", "GET /v1/me", "credentials rejected"):
        assert expected in message


def test_provider_chooses_the_auth_header(server: ScriptedServer) -> None:
    class ApiKey(RotatingTokens):
        def auth_headers(self, token: str) -> dict[str, str]:
            return {"X-Api-Key": token}

    server.always("/search", Canned(200))
    with ServiceHttpClient("mlc", server.url, token_provider=ApiKey("k-1")) as client:
        client.post("/search", json={"isrc": "USRC17607839"}, headers={"X-Trace": "t"})
    (request,) = server.requests("/search")
    assert request.headers["x-api-key"] == "k-1"
    assert request.headers["x-trace"] == "t"
    assert "authorization" not in request.headers
    assert request.body == b'{"isrc":"USRC17607839"}'
