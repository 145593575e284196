"""The Chartmetric client's token, rate-limit and error handling, against the emulator over real
HTTP: tokens reused and renewed, the real 1 request/s limit, injected faults, refused tokens."""

from __future__ import annotations

import hashlib
import time

import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.server import SandboxServer
from track_assets.services.chartmetric import (
    ChartmetricCredentialsRejected,
    MalformedResponse,
)
from track_assets.services.http import FileRateLimiter, ServiceUnavailable
from track_assets_tests.services.chartmetric.cm_client_fixtures import (
    refresh_token_of,
    start_sandbox,
)

TOKEN = "POST /api/token"
TRACK = "GET /api/track/{id}"
EMULATOR_TOKEN = "/api/token"
EMULATOR_TRACK = "/api/track/{cm_id}"


def _client_counts(client, endpoint: str) -> dict[str, int]:
    return client.counters.snapshot()["chartmetric"]["by_endpoint"][endpoint]["by_status"]


# --- tokens -----------------------------------------------------------------------------------


def test_one_token_serves_many_calls(sandbox: SandboxServer, client_for, catalog: Catalog):
    client = client_for(sandbox)
    before = sandbox.counters.snapshot("chartmetric").count(EMULATOR_TOKEN)
    for cm_track in catalog.cm_tracks[:4]:
        assert client.track(cm_track.id).chartmetric_id == cm_track.id
    client.chartmetric_ids_for_isrc(catalog.cm_tracks[0].isrc)
    assert _client_counts(client, TOKEN) == {"200": 1}
    assert _client_counts(client, TRACK) == {"200": 4}
    assert sandbox.counters.snapshot("chartmetric").count(EMULATOR_TOKEN) - before == 1
    assert client.counters.snapshot()["chartmetric"]["token_refreshes"] == 0


def test_an_expired_token_is_renewed(catalog: Catalog, client_for):
    # The emulator's tokens live 0.4 s but announce expires_in = 1 (whole seconds): the client
    # first meets a 401 (and refreshes), later renews on its own before expires_in runs out.
    server = start_sandbox(
        catalog, rate_limits="off", settings={"chartmetric": {"token_lifetime_seconds": 0.4}}
    )
    try:
        client = client_for(server)
        cm_id = catalog.cm_tracks[0].id
        assert client.track(cm_id).chartmetric_id == cm_id
        time.sleep(0.5)  # expired at the emulator, not yet for the client
        assert client.track(cm_id).chartmetric_id == cm_id
        assert client.counters.snapshot()["chartmetric"]["token_refreshes"] == 1
        time.sleep(1.0)  # past the client's own renewal time: a new token before asking
        assert client.track(cm_id).chartmetric_id == cm_id
        emulator = server.counters.snapshot("chartmetric")
    finally:
        server.stop()
    assert client.counters.snapshot()["chartmetric"]["token_refreshes"] == 1
    assert _client_counts(client, TOKEN) == {"200": 3}
    assert _client_counts(client, TRACK) == {"200": 3, "401": 1}
    assert emulator.count(EMULATOR_TOKEN, 200) == 3
    assert emulator.count(EMULATOR_TRACK, 401) == 1


def test_a_refused_refresh_token_says_which_setting_to_check(
    sandbox: SandboxServer, client_for, catalog: Catalog
):
    before = sandbox.counters.snapshot("chartmetric").count(EMULATOR_TOKEN, 401)
    client = client_for(sandbox, refresh_token="not-the-refresh-token")
    with pytest.raises(ChartmetricCredentialsRejected) as raised:
        client.track(catalog.cm_tracks[0].id)
    message = str(raised.value)
    assert "CHARTMETRIC_REFRESH_TOKEN" in message and "HTTP 401" in message
    assert "not-the-refresh-token" not in message  # secrets stay out of messages
    # Refused once, not retried, and no data request was sent without a token.
    assert sandbox.counters.snapshot("chartmetric").count(EMULATOR_TOKEN, 401) - before == 1
    assert set(client.counters.snapshot()["chartmetric"]["by_endpoint"]) == {TOKEN}


# --- rate limits ------------------------------------------------------------------------------


def test_a_burst_paced_by_the_limiter_gets_no_429(catalog: Catalog, client_for, tmp_path):
    server = start_sandbox(catalog)  # the real limit: 1 request/s, enforced
    try:
        refresh = refresh_token_of(server)
        key = hashlib.sha256(refresh.encode()).hexdigest()[:16]
        limiter = FileRateLimiter("chartmetric", key, 1, 1.0, tmp_path)
        client = client_for(server, rate_limiter=limiter)
        for cm_track in catalog.cm_tracks[:4]:
            assert client.track(cm_track.id).chartmetric_id == cm_track.id
        emulator = server.counters.snapshot("chartmetric")
    finally:
        server.stop()
    assert emulator.violations == {}
    assert emulator.count(status=429) == 0
    assert emulator.count(status=200) == 5  # the token and four tracks
    summary = client.counters.snapshot()["chartmetric"]
    assert summary["by_status"] == {"200": 5}
    assert summary["rate_limit_wait_seconds"] >= 3.5  # the limiter, not luck, kept the pace


def test_without_a_limiter_a_429_is_waited_out_until_the_reset(catalog: Catalog, client_for):
    server = start_sandbox(catalog)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    try:
        client = client_for(server, sleep=sleep)
        cm_id = catalog.cm_tracks[0].id
        # Minting the token used this second's one request: the track call is refused first.
        assert client.track(cm_id).chartmetric_id == cm_id
        emulator = server.counters.snapshot("chartmetric")
    finally:
        server.stop()
    assert _client_counts(client, TRACK) == {"200": 1, "429": 1}
    assert emulator.count(EMULATOR_TRACK, 429) == 1 == emulator.violations["requests"]
    # One wait, until X-RateLimit-Reset (a whole second at most), was enough; a short backoff
    # (0.01-0.05 s with this retry policy) would have been refused again.
    assert len(waits) == 1 and 0.05 <= waits[0] <= 2.0


# --- faults -----------------------------------------------------------------------------------


def test_an_injected_server_error_is_retried(sandbox: SandboxServer, client, catalog: Catalog):
    cm_id = catalog.cm_tracks[1].id
    client.track(cm_id)  # mint the token first, so the fault hits the track call
    sandbox.faults("chartmetric").fail_next(1, status=500, endpoint=EMULATOR_TRACK)
    assert client.track(cm_id).chartmetric_id == cm_id
    assert _client_counts(client, TRACK) == {"200": 2, "500": 1}
    assert client.counters.snapshot()["chartmetric"]["retries"] == 1


def test_a_server_error_that_persists_fails_with_the_endpoint(
    sandbox: SandboxServer, client, catalog: Catalog
):
    cm_id = catalog.cm_tracks[1].id
    client.track(cm_id)
    sandbox.faults("chartmetric").fail_next(3, status=503, endpoint=EMULATOR_TRACK)
    with pytest.raises(ServiceUnavailable, match=r"GET /api/track/\{id\} failed 3 times"):
        client.track(cm_id)


def test_a_malformed_body_raises_malformed_response(
    sandbox: SandboxServer, client, catalog: Catalog
):
    cm_id = catalog.cm_tracks[2].id
    client.track(cm_id)
    sandbox.faults("chartmetric").fail_next(1, kind="malformed", endpoint=EMULATOR_TRACK)
    assert client.track(cm_id).chartmetric_id == cm_id  # asked again, like a 5xx
    attempts = client._http.retry_policy.max_attempts
    sandbox.faults("chartmetric").fail_next(attempts, kind="malformed", endpoint=EMULATOR_TRACK)
    with pytest.raises(MalformedResponse) as raised:
        client.track(cm_id)
    assert raised.value.endpoint == TRACK
    assert "not valid JSON" in str(raised.value) and TRACK in str(raised.value)
    assert client.track(cm_id).chartmetric_id == cm_id  # the next call is fine again
