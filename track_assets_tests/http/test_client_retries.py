"""Retries over real HTTP: Retry-After, backoff fallback, 5xx and network errors, quota lockouts."""

from __future__ import annotations

import itertools
import random
import socket
import time

import httpx
import pytest

from track_assets.services.http import (
    RetryAfterTooLong,
    RetryPolicy,
    ServiceHttpClient,
    ServiceUnavailable,
)
from track_assets_tests.http.fakes import CountingLimiter, RecordingSleep
from track_assets_tests.http.server import Canned, ScriptedServer

FAST = RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=1.0, max_retry_after=60)


def client_for(server_url: str, **kwargs) -> ServiceHttpClient:
    kwargs.setdefault("retry_policy", FAST)
    kwargs.setdefault("rng", random.Random(1))
    return ServiceHttpClient("spotify_api", server_url, **kwargs)


def gaps(server: ScriptedServer, path: str) -> list[float]:
    arrivals = [r.arrived_at for r in server.requests(path)]
    return [later - earlier for earlier, later in itertools.pairwise(arrivals)]


def test_retry_after_is_honoured(server: ScriptedServer) -> None:
    server.script("/v1/tracks", Canned(429, {"Retry-After": "1"}), Canned(200, body={"ok": True}))
    with client_for(server.url) as client:
        response = client.get("/v1/tracks")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert len(server.requests("/v1/tracks")) == 2
    assert gaps(server, "/v1/tracks")[0] >= 1.0


def test_a_service_specific_wait_header_replaces_retry_after(server: ScriptedServer) -> None:
    # Chartmetric answers 429 with X-RateLimit-Reset (a Unix time), not Retry-After.
    reset_at = 1_900_000_000.0
    server.script(
        "/api/track/1",
        Canned(429, {"X-RateLimit-Reset": str(int(reset_at))}),
        Canned(200, body={"obj": {}}),
    )
    sleep = RecordingSleep()

    def until_reset(response: httpx.Response) -> float | None:
        reset = response.headers.get("X-RateLimit-Reset")
        return None if reset is None else float(reset) - (reset_at - 2.5)

    with client_for(server.url, sleep=sleep, retry_after=until_reset) as client:
        assert client.get("/api/track/1").status_code == 200
    assert sleep.calls == [2.5]


def test_missing_or_zero_retry_after_falls_back_to_growing_backoff(server: ScriptedServer) -> None:
    server.script(
        "/v1/tracks",
        Canned(429),
        Canned(429, {"Retry-After": "0"}),
        Canned(503),
        Canned(200),
    )
    sleep = RecordingSleep()
    with client_for(server.url, sleep=sleep) as client:
        response = client.get("/v1/tracks")
    assert response.status_code == 200
    assert len(server.requests("/v1/tracks")) == 4
    assert len(sleep.calls) == 3
    assert all(waited > 0 for waited in sleep.calls)
    assert sleep.calls[0] < sleep.calls[1] < sleep.calls[2]
    for gap, waited in zip(gaps(server, "/v1/tracks"), sleep.calls, strict=True):
        assert gap >= waited


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_then_succeed(server: ScriptedServer, status: int) -> None:
    server.script("/v1/albums", Canned(status), Canned(status), Canned(200))
    limiter = CountingLimiter()
    with client_for(server.url, rate_limiter=limiter) as client:
        assert client.get("/v1/albums").status_code == 200
    assert len(server.requests("/v1/albums")) == 3
    assert limiter.acquired == 3  # every attempt, retries included, waits for the limiter
    assert limiter.held == 0


def test_each_attempt_holds_its_slot_from_before_it_is_sent_until_its_answer_is_read(
    server: ScriptedServer,
) -> None:
    server.script("/v1/albums", Canned(503, delay=0.2), Canned(200, body=b"x" * 10, delay=0.2))
    limiter = CountingLimiter()
    sleep = RecordingSleep()
    with client_for(server.url, rate_limiter=limiter, sleep=sleep) as client:
        assert client.get("/v1/albums").status_code == 200
    arrivals = [request.arrived_at for request in server.requests("/v1/albums")]
    assert [kind for kind, _ in limiter.events] == ["acquire", "release"] * 2
    moments = [moment for _, moment in limiter.events]
    for attempt, arrived in enumerate(arrivals):
        granted, released = moments[2 * attempt], moments[2 * attempt + 1]
        assert granted <= arrived
        assert released >= arrived + 0.2  # the server's delay: the answer was back
    # The backoff between the attempts holds no slot.
    assert moments[2] - moments[1] >= sleep.calls[0] > 0


def test_dropped_connection_is_retried_then_succeeds(server: ScriptedServer) -> None:
    server.script("/v1/albums", Canned(close=True), Canned(200))
    with client_for(server.url) as client:
        assert client.get("/v1/albums").status_code == 200
        by_status = client.counters.snapshot()["spotify_api"]["by_status"]
    assert by_status == {"200": 1, "error:RemoteProtocolError": 1}


def test_read_timeout_is_retried_then_succeeds(server: ScriptedServer) -> None:
    server.script("/v1/albums", Canned(200, delay=1.0), Canned(200))
    with client_for(server.url, timeout=0.2) as client:
        assert client.get("/v1/albums").status_code == 200
        by_status = client.counters.snapshot()["spotify_api"]["by_status"]
    assert by_status == {"200": 1, "error:ReadTimeout": 1}


def test_exhausted_attempts_name_service_endpoint_status_and_count(server: ScriptedServer) -> None:
    server.always("/v1/albums", Canned(503))
    with client_for(server.url) as client, pytest.raises(ServiceUnavailable) as raised:
        client.get("/v1/albums", endpoint="GET /v1/albums")
    assert len(server.requests("/v1/albums")) == FAST.max_attempts
    assert raised.value.attempts == FAST.max_attempts
    message = str(raised.value)
    for expected in ("spotify_api", "GET /v1/albums", "HTTP 503", f"{FAST.max_attempts} times"):
        assert expected in message


def test_nothing_listening_raises_service_unavailable_after_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleep = RecordingSleep()
    with client_for(f"http://127.0.0.1:{port}", sleep=sleep) as client:
        with pytest.raises(ServiceUnavailable, match="ConnectError") as raised:
            client.get("/v1/tracks")
        by_status = client.counters.snapshot()["spotify_api"]["by_status"]
    assert raised.value.attempts == FAST.max_attempts
    assert len(sleep.calls) == FAST.max_attempts - 1
    assert by_status == {"error:ConnectError": FAST.max_attempts}
    assert isinstance(raised.value.__cause__, httpx.ConnectError)


def test_quota_lockout_fails_fast_without_sleeping(server: ScriptedServer) -> None:
    server.script("/v1/tracks", Canned(429, {"Retry-After": "48925"}))
    sleep = RecordingSleep()
    started = time.monotonic()
    with client_for(server.url, sleep=sleep) as client, pytest.raises(RetryAfterTooLong) as raised:
        client.get("/v1/tracks", endpoint="GET /v1/tracks")
    assert time.monotonic() - started < 0.5
    assert sleep.calls == []
    assert len(server.requests("/v1/tracks")) == 1
    assert raised.value.service == "spotify_api"
    assert raised.value.retry_after == 48925
    message = str(raised.value)
    for expected in ("spotify_api", "GET /v1/tracks", "48925", "13.6 h", "quota lockout"):
        assert expected in message


def test_client_errors_are_returned_without_retry(server: ScriptedServer) -> None:
    server.always("/v1/tracks/unknown", Canned(404, body={"error": {"status": 404}}))
    server.always("/v1/me", Canned(401))
    with client_for(server.url) as client:
        assert client.get("/v1/tracks/unknown").status_code == 404
        assert client.get("/v1/me").status_code == 401  # no token provider: nothing to refresh
    assert len(server.requests()) == 2


HTML_ERROR_PAGE = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.mark.parametrize(
    "bad_body",
    [b'{"tracks": [{"id": "4uLU6hMCjMI75M1A2tKUQC", "na', HTML_ERROR_PAGE, b""],
    ids=["cut_off_json", "html_page", "empty"],
)
def test_a_success_without_json_is_retried_like_a_5xx(
    server: ScriptedServer, bad_body: bytes
) -> None:
    server.script("/v1/tracks", Canned(200, body=bad_body), Canned(200, body={"tracks": []}))
    sleep = RecordingSleep()
    with client_for(server.url, sleep=sleep, expects_json=True) as client:
        response = client.get("/v1/tracks")
        snapshot = client.counters.snapshot()["spotify_api"]
    assert response.json() == {"tracks": []}
    assert len(server.requests("/v1/tracks")) == 2
    assert len(sleep.calls) == 1 and sleep.calls[0] > 0
    assert snapshot["malformed_bodies"] == 1 and snapshot["retries"] == 1


def test_malformed_bodies_stop_at_the_attempt_budget_and_the_last_is_returned(
    server: ScriptedServer,
) -> None:
    server.script("/v1/tracks", *[Canned(200, body=HTML_ERROR_PAGE)] * FAST.max_attempts)
    with client_for(server.url, sleep=RecordingSleep(), expects_json=True) as client:
        response = client.get("/v1/tracks")
    assert response.content == HTML_ERROR_PAGE  # the service's parser reports it as malformed
    assert len(server.requests("/v1/tracks")) == FAST.max_attempts


def test_without_expects_json_a_non_json_success_is_returned_at_once(
    server: ScriptedServer,
) -> None:
    # A webhook receiver may answer anything; only JSON services ask for the check.
    server.script("/hook", Canned(200, body=HTML_ERROR_PAGE))
    with client_for(server.url) as client:
        assert client.get("/hook").content == HTML_ERROR_PAGE
    assert len(server.requests("/hook")) == 1
