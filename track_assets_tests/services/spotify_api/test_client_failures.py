"""How the client meets failures over real HTTP: quota lockout, the 30 s window, bad
credentials, expiring tokens, server errors, malformed bodies, a misconfigured tier."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from track_assets.sandbox.catalog import Catalog, ground_truth
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters, ServiceHttpClient, ServiceUnavailable
from track_assets.services.spotify_api import (
    ClientCredentialsTokens,
    MalformedResponse,
    NotInTier,
    SpotifyApiClient,
    SpotifyCredentialsRejected,
    SpotifyQuotaExceeded,
)
from track_assets_tests.sandbox.spotify_api_fixtures import spotify_sandbox
from track_assets_tests.services.spotify_api.conftest import ClientFactory
from track_assets_tests.services.spotify_api.spotify_client_fixtures import (
    FAST_RETRIES,
    client_for,
    served,
)


def some_track_ids(catalog: Catalog, n: int) -> list[str]:
    return sorted(ground_truth(catalog))[:n]


def test_quota_lockout_fails_fast_with_how_long_it_lasts(catalog: Catalog) -> None:
    quota = {"daily_quota": {"limit": 3, "mode": "enforce"}}
    ids = some_track_ids(catalog, 6)
    with (
        spotify_sandbox(catalog, "development", limits=quota) as sandbox,
        client_for(sandbox, tier="development") as client,
    ):
        started = time.monotonic()
        with pytest.raises(SpotifyQuotaExceeded) as raised:
            client.tracks(ids)
        elapsed = time.monotonic() - started
        counts = served(sandbox)

    assert elapsed < 5
    error = raised.value
    assert error.reason == "QUOTA_EXCEEDED"
    assert error.endpoint == "GET /v1/tracks/{id}"
    # The emulator locks out until the end of its day (real time of day, pinned date).
    now = datetime.now(UTC)
    until_midnight = (
        datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC) - now
    )
    assert error.retry_after == pytest.approx(until_midnight.total_seconds(), abs=5)
    message = str(error)
    for expected in ("QUOTA_EXCEEDED", f"{error.retry_after:.0f} s", "Extended Quota Mode"):
        assert expected in message
    # Three served, the fourth locked out and never retried.
    assert counts.count("/v1/tracks/{id}", 200) == 3
    assert counts.count("/v1/tracks/{id}", 429) == 1
    assert client.counters.snapshot()["spotify_api"]["retries"] == 0


def test_rolling_window_429_is_waited_out(catalog: Catalog) -> None:
    # The emulator's 30 s window tightened to 3 requests per 2 s, so the wait stays short.
    rolling = {"rolling": {"limit": 3, "window": 2.0, "mode": "enforce"}}
    ids = some_track_ids(catalog, 5)
    with (
        spotify_sandbox(catalog, "development", limits=rolling) as sandbox,
        client_for(sandbox, tier="development") as client,
    ):
        tracks = client.tracks(ids)
        counts = served(sandbox)

    assert [tracks[t].id for t in ids] == ids
    assert counts.count("/v1/tracks/{id}", 200) == 5
    refused = counts.count("/v1/tracks/{id}", 429)
    assert refused >= 1
    summary = client.counters.snapshot()["spotify_api"]
    assert summary["retries"] == refused
    assert summary["backoff_seconds"] >= 1.0  # Retry-After honoured, not the 10 ms backoff


@pytest.mark.parametrize("tier_sandbox", ["development"], indirect=True)
@pytest.mark.parametrize("wrong", ["SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"])
def test_bad_credentials_are_rejected_with_what_to_check(
    sandbox: SandboxServer, wrong: str
) -> None:
    url = sandbox.base_url("spotify_api")
    credentials = sandbox.credentials("spotify_api")
    credentials[wrong] = "f" * 32
    with (
        SpotifyApiClient(
            url,
            url,
            credentials["SPOTIFY_CLIENT_ID"],
            credentials["SPOTIFY_CLIENT_SECRET"],
            retry_policy=FAST_RETRIES,
        ) as client,
        pytest.raises(SpotifyCredentialsRejected) as raised,
    ):
        client.albums(["4yS3vUFIaE2xilaeYz3p9q"])

    message = str(raised.value)
    assert "SPOTIFY_CLIENT_ID" in message and "SPOTIFY_CLIENT_SECRET" in message
    assert raised.value.description in ("Invalid client", "Invalid client secret")
    assert raised.value.status == 400
    assert f"(HTTP 400 invalid_client: {raised.value.description})" in message
    counts = served(sandbox)
    assert counts.count("/api/token", 400) == 1
    assert counts.total == 1  # no Web API call was attempted


def test_token_expired_mid_run_is_refreshed_once(catalog: Catalog) -> None:
    # The emulator's tokens die after 0.3 s while saying `expires_in: 1`, so the client still
    # trusts its token when the API calls it expired.
    ids = some_track_ids(catalog, 2)
    with (
        spotify_sandbox(catalog, "development", settings={"token_lifetime": 0.3}) as sandbox,
        client_for(sandbox, tier="development") as client,
    ):
        first = client.track(ids[0])
        time.sleep(0.5)
        second = client.track(ids[1])
        counts = served(sandbox)

    assert (first.id, second.id) == tuple(ids)
    assert counts.count("/v1/tracks/{id}", 401) == 1
    assert counts.count("/v1/tracks/{id}", 200) == 2
    assert counts.count("/api/token", 200) == 2
    assert client.counters.snapshot()["spotify_api"]["token_refreshes"] == 1


@pytest.mark.parametrize("tier_sandbox", ["development"], indirect=True)
def test_token_is_cached_until_shortly_before_it_expires(sandbox: SandboxServer) -> None:
    now = [1000.0]
    url = sandbox.base_url("spotify_api")
    credentials = sandbox.credentials("spotify_api")
    with ServiceHttpClient("spotify_api", url, counters=RequestCounters()) as accounts:
        tokens = ClientCredentialsTokens(
            accounts,
            credentials["SPOTIFY_CLIENT_ID"],
            credentials["SPOTIFY_CLIENT_SECRET"],
            clock=lambda: now[0],
        )
        first = tokens.token()
        now[0] += 3600 - 61  # expires_in 3600, renewed 60 s early
        assert tokens.token() == first
        now[0] += 2
        renewed = tokens.token()

    assert renewed != first
    assert tokens.fetches == 2
    assert served(sandbox).count("/api/token", 200) == 2


def test_injected_server_errors_are_retried(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    ids = some_track_ids(catalog, 3)
    endpoint = "/v1/tracks" if tier == "extended" else "/v1/tracks/{id}"
    sandbox.faults("spotify_api").fail_next(2, status=500, endpoint=endpoint)
    client = make_client(tier=tier)

    tracks = client.tracks(ids)

    assert [tracks[t].id for t in ids] == ids
    counts = served(sandbox)
    assert counts.count(endpoint, 500) == 2
    assert client.counters.snapshot()["spotify_api"]["retries"] == 2


@pytest.mark.parametrize("tier_sandbox", ["development"], indirect=True)
def test_server_errors_past_the_attempt_budget_name_the_endpoint(
    catalog: Catalog, sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    sandbox.faults("spotify_api").fail_next(10, status=503, endpoint="/v1/artists/{id}")
    client = make_client(tier="development")

    with pytest.raises(ServiceUnavailable) as raised:
        client.artists([catalog.artists[0].id])

    assert raised.value.attempts == FAST_RETRIES.max_attempts
    assert "GET /v1/artists/{id}" in str(raised.value)
    assert served(sandbox).count("/v1/artists/{id}", 503) == FAST_RETRIES.max_attempts


def test_malformed_body_raises_malformed_response(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    endpoint = "/v1/tracks" if tier == "extended" else "/v1/tracks/{id}"
    client = make_client(tier=tier)
    attempts = client._http.retry_policy.max_attempts
    sandbox.faults("spotify_api").fail_next(attempts, kind="malformed", endpoint=endpoint)

    with pytest.raises(MalformedResponse) as raised:
        client.tracks(some_track_ids(catalog, 2))

    assert raised.value.endpoint == f"GET {endpoint}"
    assert "not JSON" in str(raised.value)
    # Asked again like a 5xx, up to the attempt budget.
    assert served(sandbox).count(endpoint, 200) == attempts


def test_one_malformed_body_is_asked_again(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    endpoint = "/v1/tracks" if tier == "extended" else "/v1/tracks/{id}"
    sandbox.faults("spotify_api").fail_next(kind="malformed", endpoint=endpoint)
    ids = some_track_ids(catalog, 2)
    found = make_client(tier=tier).tracks(ids)
    assert all(found[i] is not None for i in ids)


@pytest.mark.parametrize("tier_sandbox", ["development"], indirect=True)
def test_extended_tier_configured_for_development_credentials_says_so(
    catalog: Catalog, sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    client = make_client(tier="extended")

    with pytest.raises(NotInTier) as raised:
        client.tracks(some_track_ids(catalog, 2))

    assert "SPOTIFY_API_TIER=development" in str(raised.value)
    assert client.tier == "extended"
    assert served(sandbox).count("/v1/tracks/{id}") == 0
