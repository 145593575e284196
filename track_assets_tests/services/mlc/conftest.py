"""Fixtures: the emulator catalog (with the real SB5VH7 and MA0PFZ works), a sandbox with
rate limits off, and MLC clients on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.mlc import mlc_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters, RetryPolicy
from track_assets.services.mlc import MlcClient
from track_assets_tests.sandbox.cm_mlc_fixtures import CATALOG_DATE, emulator_catalog

# Fast retries for tests that inject faults; 429 waits come from Retry-After anyway.
FAST_RETRIES = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)

ClientFactory = Callable[..., MlcClient]


def start_mlc_sandbox(catalog: Any, **options: Any) -> SandboxServer:
    options.setdefault("seed", 5)
    options.setdefault("date", CATALOG_DATE)
    server = SandboxServer([mlc_emulator()], catalog, SandboxOptions(**options))
    server.start()
    return server


def build_client(server: SandboxServer, **kwargs: Any) -> MlcClient:
    credentials = server.credentials("mlc")
    kwargs.setdefault("counters", RequestCounters())
    kwargs.setdefault("retry_policy", FAST_RETRIES)
    username = kwargs.pop("username", credentials["MLC_USERNAME"])
    password = kwargs.pop("password", credentials["MLC_PASSWORD"])
    return MlcClient(server.base_url("mlc"), username, password, **kwargs)


@pytest.fixture(scope="package")
def catalog() -> Catalog:
    return emulator_catalog()


@pytest.fixture(scope="package")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    """Rate limits off so functional tests need not pace; the limiter test starts its own."""
    server = start_mlc_sandbox(catalog, rate_limits="off")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client_for() -> Iterator[ClientFactory]:
    """Builds clients on a sandbox (own counters each) and closes them after the test."""
    made: list[MlcClient] = []

    def build(server: SandboxServer, **kwargs: Any) -> MlcClient:
        client = build_client(server, **kwargs)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def client(sandbox: SandboxServer, client_for: ClientFactory) -> MlcClient:
    return client_for(sandbox)
