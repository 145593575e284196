"""A small generated catalog, one running spotify_api emulator per tier, and clients on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from track_assets.sandbox.catalog import Catalog, generate
from track_assets.sandbox.server import SandboxServer
from track_assets.services.spotify_api import SpotifyApiClient
from track_assets_tests.sandbox.spotify_api_fixtures import spotify_sandbox
from track_assets_tests.services.spotify_api.spotify_client_fixtures import client_for

ClientFactory = Callable[..., SpotifyApiClient]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """60 playlist tracks (more than one batch of 50) on 3 playlists, one editorial."""
    return generate(seed=5, playlists=3, tracks=60)


@pytest.fixture(scope="module", params=["extended", "development"])
def tier_sandbox(request: pytest.FixtureRequest, catalog: Catalog) -> Iterator[SandboxServer]:
    with spotify_sandbox(catalog, request.param) as server:
        yield server


@pytest.fixture
def sandbox(tier_sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The module's emulator (each tier in turn) with fresh counters and no faults."""
    tier_sandbox.counters.reset("spotify_api")
    tier_sandbox.faults("spotify_api").clear()
    yield tier_sandbox
    tier_sandbox.faults("spotify_api").clear()


@pytest.fixture
def tier(sandbox: SandboxServer) -> str:
    return sandbox.options.tier


@pytest.fixture
def make_client(sandbox: SandboxServer) -> Iterator[ClientFactory]:
    """Clients on `sandbox` (closed after the test); keyword arguments go to the client."""
    clients: list[SpotifyApiClient] = []

    def make(**kwargs: Any) -> SpotifyApiClient:
        client = client_for(sandbox, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
