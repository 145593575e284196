"""A full sandbox (every emulator, a small generated catalog) announced in a temporary
DAGSTER_HOME, and the resources pointed at it with relaxed client-side limits; the catalog
enriched once per backend and tier (`enriched`) for the tests that only read what it left."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from track_assets.accuracy import relaxed_resources
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
from track_assets.defs.resources import ExportsResource
from track_assets.sandbox.catalog import Catalog, generate_catalog, load_catalog
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.enrichment import Databases, Enrichment, enrich
from track_assets_tests.support.pipeline import ENRICHMENT_ASSETS, OUTSIDE_VARIABLES
from track_assets_tests.support.postgres import PostgresServer

# The extended tier changes only where playlists and track metadata come from (the Web API
# instead of the web player), so its catalog is enriched through phase 1.
ENRICHED_THROUGH = {"development": ENRICHMENT_ASSETS, "extended": (spotify_track_metadata,)}


@pytest.fixture(scope="session")
def demo_catalog() -> Catalog:
    """A small demo catalog in which Chartmetric does not track the first editorial playlist,
    so every kind of playlist is there: editorial or not, known to Chartmetric or not."""
    data = generate_catalog(seed=11, playlists=4, tracks=40)
    editorial = next(p["id"] for p in data["playlists"] if p["id"].startswith("37i9"))
    cm = data["chartmetric"]
    cm["playlists"] = [p for p in cm["playlists"] if p["spotify_playlist_id"] != editorial]
    return load_catalog(data)


@pytest.fixture(scope="module")
def catalog(demo_catalog) -> Catalog:
    return demo_catalog


@pytest.fixture(scope="session")
def enrichments(
    demo_catalog, tmp_path_factory
) -> Callable[[str, str, PostgresServer | None], Enrichment]:
    """The demo catalog enriched on first use for a backend and tier, then kept for the session."""
    built: dict[tuple[str, str], Enrichment] = {}

    def enrichment(backend: str, tier: str, postgres: PostgresServer | None) -> Enrichment:
        if (backend, tier) not in built:
            folder = tmp_path_factory.mktemp(f"enriched_{backend}_{tier}")
            built[backend, tier] = enrich(
                demo_catalog,
                backend,
                tier,
                Databases(backend, folder, postgres),
                lambda url: pipeline_resources(url, folder / "exports"),
                ENRICHED_THROUGH[tier],
            )
        return built[backend, tier]

    return enrichment


@pytest.fixture
def enriched(enrichments, backend, tier, request) -> Enrichment:
    """The demo catalog enriched on this backend and tier (shared: read it, do not write it)."""
    postgres = request.getfixturevalue("postgres_server") if backend == "postgres" else None
    return enrichments(backend, tier, postgres)


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
def resources(backend, request, tmp_path) -> dict:
    """The resources on a new, empty database."""
    return pipeline_resources(request.getfixturevalue(f"{backend}_url"), tmp_path / "exports")


@pytest.fixture
def resources_on_a_copy(enriched, tmp_path) -> dict:
    """The resources on a copy of the enriched database, for a test that goes on from it."""
    return pipeline_resources(enriched.copy(), tmp_path / "exports")


def pipeline_resources(database_url: str, export_dir: Path) -> dict:
    """Every resource the assets need, the services' client-side limits relaxed (the accuracy
    measurement's resources), the exports in `export_dir`."""
    return relaxed_resources(database_url) | {"exports": ExportsResource(directory=str(export_dir))}
