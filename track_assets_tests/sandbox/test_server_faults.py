"""Each injected fault reaches a real httpx client as the symptom a flaky service would show."""

from __future__ import annotations

import json
import threading
import time
from xml.etree import ElementTree

import httpx
import pytest

from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer

ITEM = "/v1/items/{item_id}"


def _wait_for(condition, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_injected_5xx_uses_each_service_error_body(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(1, status=502)
    sandbox.faults("scores").fail_next(1, status=503)

    echo = httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers)
    assert echo.status_code == 502
    assert echo.json() == {"error": {"status": 502, "message": "echo says Bad Gateway"}}
    scores = httpx.get(sandbox.base_url("scores") + "/ws/2/artist/x")
    assert scores.status_code == 503
    assert scores.headers["content-type"] == "application/xml"
    assert "<error><text>Service Unavailable</text></error>" in scores.text

    assert (
        httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers).status_code == 200
    )
    assert sandbox.counters.snapshot("echo").faults == {"status_502": 1}


def test_injected_429_carries_retry_after(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(1, status=429, retry_after=7)
    scripted = httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers)
    assert scripted.status_code == 429
    assert scripted.headers["retry-after"] == "7"
    assert scripted.json()["error"]["status"] == 429

    sandbox.faults("echo").configure(rate_limit_rate=1.0, retry_after=3)
    random_429 = httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers)
    assert random_429.status_code == 429
    assert random_429.headers["retry-after"] == "3"


def test_timeout_fault_hangs_past_the_client_timeout(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(1, kind="timeout")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers, timeout=0.3)
    assert time.monotonic() - started < 2
    # The server notices the client giving up and records a request with no response.
    counters = sandbox.counters
    assert _wait_for(lambda: counters.snapshot("echo").count(ITEM, "no_response") == 1)
    assert (
        httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers).status_code == 200
    )


def test_a_hanging_request_is_released_when_the_sandbox_stops(emulators):
    server = SandboxServer(
        emulators, options=SandboxOptions(faults={"scores": {"timeout_rate": 1.0}})
    )
    url = server.start()["scores"] + "/ws/2/artist/x"
    outcome: list[object] = []

    def patient_client() -> None:
        try:
            outcome.append(httpx.get(url, timeout=60))
        except httpx.HTTPError as error:
            outcome.append(error)

    thread = threading.Thread(target=patient_client)
    thread.start()
    assert _wait_for(lambda: server.counters.snapshot("scores").faults == {"timeout": 1})
    started = time.monotonic()
    server.stop()
    thread.join(10)
    assert time.monotonic() - started < 5
    assert not thread.is_alive()
    assert isinstance(outcome[0], httpx.TransportError)


def test_reset_fault_drops_the_connection_without_a_response(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(1, kind="reset")
    with httpx.Client(base_url=sandbox.base_url("echo"), headers=echo_headers) as client:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            client.get("/v1/items/1")
        assert client.get("/v1/items/1").status_code == 200  # a new connection works
    snapshot = sandbox.counters.snapshot("echo")
    assert snapshot.requests[ITEM] == {"200": 1, "reset": 1}
    assert snapshot.faults == {"reset": 1}


def test_malformed_fault_answers_200_with_a_body_that_does_not_parse(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(1, kind="malformed")
    response = httpx.get(sandbox.base_url("echo") + "/v1/items/12345", headers=echo_headers)
    assert response.status_code == 200
    assert response.content.startswith(b'{"id":"12345"')
    with pytest.raises(json.JSONDecodeError):
        response.json()

    sandbox.faults("scores").fail_next(1, kind="malformed")
    xml = httpx.get(sandbox.base_url("scores") + "/ws/2/artist/abc")
    assert xml.status_code == 200
    assert '<metadata><artist id="abc"/></metadata>'.startswith(xml.text)
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(xml.text)


def test_slow_fault_delays_the_real_response(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(1, kind="slow", seconds=0.4)
    started = time.monotonic()
    response = httpx.get(sandbox.base_url("echo") + "/v1/items/9", headers=echo_headers)
    assert time.monotonic() - started >= 0.38
    assert response.status_code == 200
    assert response.json()["id"] == "9"


def test_fail_next_is_deterministic_and_targets_one_endpoint(sandbox, echo_headers):
    sandbox.faults("echo").fail_next(2, status=500, endpoint=ITEM)
    sandbox.faults("echo").fail_next(1, status=401, endpoint=ITEM)
    with httpx.Client(base_url=sandbox.base_url("echo"), headers=echo_headers) as client:
        assert client.post("/v1/echo", json={"a": 1}).status_code == 200  # another endpoint
        statuses = [client.get(f"/v1/items/{n}").status_code for n in range(5)]
        assert client.post("/v1/echo", json={"a": 1}).status_code == 200
    assert statuses == [500, 500, 401, 200, 200]
    assert sandbox.faults("echo").pending() == []


def _statuses(emulators, seed: int, count: int = 40) -> list[int]:
    options = SandboxOptions(
        seed=seed, faults={"scores": {"error_rate": 0.3, "error_statuses": [500, 503]}}
    )
    with SandboxServer(emulators, options=options) as server, httpx.Client() as client:
        url = server.base_url("scores") + "/ws/2/artist/x"
        return [client.get(url).status_code for _ in range(count)]


def test_random_faults_are_reproducible_with_a_seed(emulators):
    first = _statuses(emulators, seed=11)
    assert first == _statuses(emulators, seed=11)
    assert {200, 500, 503} == set(first)
    assert first != _statuses(emulators, seed=12)


def test_random_faults_can_be_limited_to_some_endpoints(sandbox, echo_headers):
    sandbox.faults("echo").configure(error_rate=1.0, endpoints=["/v1/echo"])
    with httpx.Client(base_url=sandbox.base_url("echo"), headers=echo_headers) as client:
        assert client.get("/v1/items/1").status_code == 200
        assert client.post("/v1/echo", json={}).status_code == 503
