"""Fixtures: a generated catalog, a sandbox serving its MusicBrainz side with the limits off,
and clients on it (each with its own counters)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from track_assets.sandbox.catalog.generate import generate
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.musicbrainz import musicbrainz_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters
from track_assets.services.musicbrainz import MusicBrainzClient

CONTACT = "tests@track-assets.invalid"

ClientFactory = Callable[..., MusicBrainzClient]


def start_sandbox(catalog: Catalog, **options: Any) -> SandboxServer:
    options.setdefault("seed", 5)
    server = SandboxServer(
        [musicbrainz_emulator()], catalog=catalog, options=SandboxOptions(**options)
    )
    server.start()
    return server


@pytest.fixture(scope="package")
def catalog() -> Catalog:
    return generate(seed=11, playlists=3, tracks=30)


@pytest.fixture(scope="package")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    """Rate limits off so functional tests need not pace; the limiter test starts its own."""
    server = start_sandbox(catalog, rate_limits="off")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client_for() -> ClientFactory:
    def build(server: SandboxServer, **kwargs: Any) -> MusicBrainzClient:
        kwargs.setdefault("counters", RequestCounters())
        contact = kwargs.pop("contact", CONTACT)
        return MusicBrainzClient(server.base_url("musicbrainz"), contact, **kwargs)

    return build


@pytest.fixture
def client(sandbox: SandboxServer, client_for: ClientFactory) -> Iterator[MusicBrainzClient]:
    sandbox.faults("musicbrainz").clear()
    yield client_for(sandbox)
    sandbox.faults("musicbrainz").clear()
