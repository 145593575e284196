"""A full sandbox (every emulator, a small generated catalog) announced in a temporary
DAGSTER_HOME, and the resources pointed at it with relaxed client-side limits."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from track_assets.defs.resources import (
    ChartmetricResource,
    DatabaseResource,
    ExportsResource,
    FreshnessResource,
    MlcResource,
    MusicBrainzResource,
    SpotifyApiResource,
    SpotifyWebResource,
    WebhookResource,
)
from track_assets.sandbox.catalog import Catalog, generate_catalog, load_catalog
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """A small demo catalog in which Chartmetric does not track the first editorial playlist,
    so every kind of playlist is there: editorial or not, known to Chartmetric or not."""
    data = generate_catalog(seed=11, playlists=4, tracks=40)
    editorial = next(p["id"] for p in data["playlists"] if p["id"].startswith("37i9"))
    cm = data["chartmetric"]
    cm["playlists"] = [p for p in cm["playlists"] if p["spotify_playlist_id"] != editorial]
    return load_catalog(data)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def instance(backend, request, monkeypatch) -> dg.DagsterInstance:
    """A real instance; instance_for_test points DAGSTER_HOME at its own folder, which is
    where the sandbox announces itself and where the resources look for it."""
    for name in OUTSIDE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return request.getfixturevalue(f"{backend}_instance")


@pytest.fixture
def sandbox_home(instance) -> Path:
    return Path(os.environ["DAGSTER_HOME"])


@pytest.fixture(params=["development", "extended"])
def tier(request) -> str:
    return request.param


@pytest.fixture
def sandbox(catalog, sandbox_home, tier) -> Iterator[SandboxServer]:
    options = SandboxOptions(seed=1, tier=tier, rate_limits="off", date=catalog.reference_date)
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=sandbox_home) as server:
        yield server


@pytest.fixture
def resources(backend, request) -> dict:
    relaxed = {"max_requests": 1000, "per_seconds": 1.0}
    return {
        "database": DatabaseResource(url=request.getfixturevalue(f"{backend}_url")),
        "chartmetric": ChartmetricResource(**relaxed),
        "spotify_api": SpotifyApiResource(**relaxed),
        "spotify_web": SpotifyWebResource(**relaxed),
        "mlc": MlcResource(**relaxed),
        # The MusicBrainz emulator keeps a 50/s per-User-Agent ceiling even with limits off.
        "musicbrainz": MusicBrainzResource(max_requests=40, per_seconds=1.0),
        "freshness": FreshnessResource(),
        "exports": ExportsResource(directory=str(request.getfixturevalue("tmp_path") / "exports")),
        "webhook": WebhookResource(),
    }
