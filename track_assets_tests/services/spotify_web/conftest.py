"""A small generated catalog served by the web player emulator, one Chromium per test module,
and clients on them (fast retries; every client closed after its test)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from track_assets.sandbox.catalog import Catalog, generate
from track_assets.sandbox.emulators import spotify_web_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters, RetryPolicy
from track_assets.services.spotify_web import SERVICE, SpotifyWebClient, WebPlayerBrowser

ClientFactory = Callable[..., SpotifyWebClient]
FAST_RETRIES = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05)
SANDBOX_DAYS_AFTER_REFERENCE = 17  # play counts must be those of the sandbox date


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """60 playlist tracks on 3 playlists: one editorial (37i9...), one of 26 items (two pages of
    25) with a local file, an episode and an unavailable entry."""
    return generate(seed=3, playlists=3, tracks=60)


@pytest.fixture(scope="session")
def sandbox_day(catalog: Catalog) -> date:
    return catalog.reference_date + timedelta(days=SANDBOX_DAYS_AFTER_REFERENCE)


def web_sandbox(catalog: Catalog, day: date, **settings: Any) -> SandboxServer:
    options = SandboxOptions(
        seed=11,
        date=day,
        rate_limits="off",
        settings={SERVICE: settings} if settings else {},
    )
    return SandboxServer([spotify_web_emulator()], catalog=catalog, options=options)


@pytest.fixture(scope="module")
def module_sandbox(catalog: Catalog, sandbox_day: date) -> Iterator[SandboxServer]:
    with web_sandbox(catalog, sandbox_day) as server:
        yield server


@pytest.fixture
def sandbox(module_sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The module's emulator with fresh counters and no faults."""
    module_sandbox.counters.reset(SERVICE)
    module_sandbox.faults(SERVICE).clear()
    yield module_sandbox
    module_sandbox.faults(SERVICE).clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebPlayerBrowser]:
    with WebPlayerBrowser() as running:
        yield running


def client_on(
    server: SandboxServer,
    browser: WebPlayerBrowser,
    mode: str,
    *,
    logged_in: bool = True,
    **kwargs: Any,
) -> SpotifyWebClient:
    sp_dc = server.credentials(SERVICE)["SPOTIFY_SP_DC"] if logged_in else None
    kwargs.setdefault("retry_policy", FAST_RETRIES)
    kwargs.setdefault("page_timeout", 10.0)
    kwargs.setdefault("counters", RequestCounters())
    return SpotifyWebClient(
        server.urls[SERVICE], sp_dc=kwargs.pop("sp_dc", sp_dc), mode=mode, browser=browser, **kwargs
    )


@pytest.fixture(scope="module", params=["session", "page"])
def shared_client(
    request: pytest.FixtureRequest, module_sandbox: SandboxServer, browser: WebPlayerBrowser
) -> Iterator[SpotifyWebClient]:
    """One logged-in client per mode for the module's read-only tests (bootstrapped once)."""
    with client_on(module_sandbox, browser, request.param) as client:
        yield client


@pytest.fixture(params=["session", "page"])
def mode(request: pytest.FixtureRequest) -> str:
    """Runs the test once per access mode."""
    return request.param


@pytest.fixture
def make_client(sandbox: SandboxServer, browser: WebPlayerBrowser) -> Iterator[ClientFactory]:
    """New clients on the module sandbox, closed after the test: `make_client("page", ...)`;
    keywords go to the client."""
    clients: list[SpotifyWebClient] = []

    def make(mode: str, **kwargs: Any) -> SpotifyWebClient:
        client = client_on(sandbox, browser, mode, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
