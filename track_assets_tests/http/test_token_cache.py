"""The shared token cache: reuse until the renewal margin, one fetch for many threads, one
refetch after a 401 (over real HTTP), and failed fetches never remembered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from track_assets.services.http import ServiceError, ServiceHttpClient, TokenCache, Unauthorized
from track_assets_tests.http.fakes import FakeTime
from track_assets_tests.http.server import Canned, RecordedRequest, ScriptedServer


class CredentialsRejected(ServiceError):
    """Stands for a service's own error, raised by its token exchange."""

    def __init__(self) -> None:
        super().__init__("refused", service="svc", endpoint="POST /token")


class ScriptedFetch:
    """A token exchange answering with `grants` in order: (token, expires_in) or an exception."""

    def __init__(self, *grants: tuple[str, float] | Exception, pause: float = 0.0) -> None:
        self._grants = list(grants)
        self._pause = pause
        self.calls = 0

    def __call__(self) -> tuple[str, float]:
        self.calls += 1
        time.sleep(self._pause)  # a slow exchange, so concurrent callers really overlap
        grant = self._grants.pop(0)
        if isinstance(grant, Exception):
            raise grant
        return grant


def all_at_once(threads: int, call: Callable[[], str]) -> list[str]:
    """`call` from `threads` threads released together; their results."""
    start = threading.Barrier(threads)

    def run() -> str:
        start.wait()
        return call()

    with ThreadPoolExecutor(threads) as pool:
        return [f.result() for f in [pool.submit(run) for _ in range(threads)]]


# --- expiry -----------------------------------------------------------------------------------


def test_a_token_is_reused_until_a_minute_before_it_expires() -> None:
    clock = FakeTime()
    fetch = ScriptedFetch(("t1", 3600), ("t2", 3600))
    cache = TokenCache(fetch, clock=clock.clock)

    assert cache.token() == "t1"
    clock.now += 3600 - 60 - 0.5
    assert cache.token() == "t1"
    clock.now += 0.5
    assert cache.token() == "t2"
    assert fetch.calls == cache.fetches == 2


def test_a_short_lived_token_is_renewed_a_tenth_of_its_life_early() -> None:
    clock = FakeTime()
    cache = TokenCache(ScriptedFetch(("t1", 100), ("t2", 100)), clock=clock.clock)

    assert cache.token() == "t1"
    clock.now += 89.5
    assert cache.token() == "t1"
    clock.now += 0.5
    assert cache.token() == "t2"


def test_expiry_counts_from_when_the_fetch_started() -> None:
    clock = FakeTime()

    def slow_fetch() -> tuple[str, float]:
        clock.now += 30  # the exchange itself took 30 s of the token's life
        return f"t{cache.fetches + 1}", 3600

    cache = TokenCache(slow_fetch, clock=clock.clock)
    assert cache.token() == "t1"
    clock.now += 3600 - 60 - 30
    assert cache.token() == "t2"


# --- many threads -----------------------------------------------------------------------------


def test_concurrent_callers_share_one_fetch() -> None:
    fetch = ScriptedFetch(("t1", 3600), ("t2", 3600), pause=0.05)
    cache = TokenCache(fetch)

    assert all_at_once(16, cache.token) == ["t1"] * 16
    assert fetch.calls == 1


def test_concurrent_refreshes_of_the_same_stale_token_share_one_fetch() -> None:
    fetch = ScriptedFetch(("t1", 3600), ("t2", 3600), ("t3", 3600), pause=0.05)
    cache = TokenCache(fetch)
    stale = cache.token()

    assert all_at_once(16, lambda: cache.refresh(stale)) == ["t2"] * 16
    assert fetch.calls == 2


def test_refreshing_a_token_already_replaced_fetches_nothing() -> None:
    fetch = ScriptedFetch(("t1", 3600), ("t2", 3600))
    cache = TokenCache(fetch)
    stale = cache.token()
    cache.refresh(stale)

    assert cache.refresh(stale) == "t2"
    assert fetch.calls == 2


# --- failures ---------------------------------------------------------------------------------


def test_a_failed_fetch_is_not_remembered() -> None:
    fetch = ScriptedFetch(CredentialsRejected(), ("t1", 3600))
    cache = TokenCache(fetch)

    with pytest.raises(CredentialsRejected):
        cache.token()
    assert cache.token() == "t1"
    assert (fetch.calls, cache.fetches) == (2, 1)


def test_a_refused_token_is_not_handed_out_again_when_its_refetch_fails() -> None:
    fetch = ScriptedFetch(("t1", 3600), CredentialsRejected(), ("t2", 3600))
    cache = TokenCache(fetch)

    with pytest.raises(CredentialsRejected):
        cache.refresh(cache.token())
    assert cache.token() == "t2"


# --- a 401 over real HTTP ---------------------------------------------------------------------


def accept_only(token: str, refusal_delay: float = 0.0) -> Callable[[RecordedRequest], Canned]:
    def respond(request: RecordedRequest) -> Canned:
        if request.headers.get("authorization") == f"Bearer {token}":
            return Canned(200, body={"ok": True})
        return Canned(401, body={"error": "invalid_token"}, delay=refusal_delay)

    return respond


def bearers(server: ScriptedServer) -> list[str]:
    return [r.headers["authorization"] for r in server.requests("/data")]


def test_a_401_refetches_once_then_raises_unauthorized(server: ScriptedServer) -> None:
    server.always("/data", accept_only("never-issued"))
    fetch = ScriptedFetch(("t1", 3600), ("t2", 3600), ("t3", 3600))
    with (
        ServiceHttpClient("svc", server.url, token_provider=TokenCache(fetch)) as client,
        pytest.raises(Unauthorized),
    ):
        client.get("/data")
    assert fetch.calls == 2
    assert bearers(server) == ["Bearer t1", "Bearer t2"]


def test_a_refetch_refused_by_the_service_raises_its_own_error(server: ScriptedServer) -> None:
    server.always("/data", accept_only("t2"))
    fetch = ScriptedFetch(("t1", 3600), CredentialsRejected(), ("t2", 3600))
    with ServiceHttpClient("svc", server.url, token_provider=TokenCache(fetch)) as client:
        with pytest.raises(CredentialsRejected):
            client.get("/data")
        assert client.get("/data").status_code == 200
    assert bearers(server) == ["Bearer t1", "Bearer t2"]


def test_concurrent_401s_share_one_refetch(server: ScriptedServer) -> None:
    # The 401s are slow, so every thread has sent the first token before any refetch.
    server.always("/data", accept_only("t2", refusal_delay=0.2))
    fetch = ScriptedFetch(("t1", 3600), ("t2", 3600), ("t3", 3600), pause=0.05)
    with ServiceHttpClient("svc", server.url, token_provider=TokenCache(fetch)) as client:
        statuses = all_at_once(8, lambda: str(client.get("/data").status_code))
        refreshes = client.counters.snapshot()["svc"]["token_refreshes"]
    assert statuses == ["200"] * 8
    assert fetch.calls == 2
    assert refreshes == 8  # one per request that met a 401
    assert sorted(bearers(server)) == ["Bearer t1"] * 8 + ["Bearer t2"] * 8
