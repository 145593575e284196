"""A sandbox catalog enriched once per database backend and Spotify tier, for the phase tests to
read: every playlist fetched (the fetch job's asset), then every playlist enriched (the
enrichment job's assets), in catalog order, as the sensors run them on a real instance. Each
run's result is kept; the database is copied after the fetches (phase 0 as it left things) and
at the end (for tests that go on from an enriched database without touching the shared one)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy.engine import make_url

from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.sandbox.catalog import Catalog
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.pipeline import (
    ENRICHMENT_ASSETS,
    OUTSIDE_VARIABLES,
    PHASE_ASSETS,
)
from track_assets_tests.support.postgres import PostgresServer

_copies = itertools.count()


@dataclass
class Databases:
    """Where a backend's databases come from: new ones, and copies of existing ones."""

    backend: str
    folder: Path
    postgres: PostgresServer | None = None

    def new(self, name: str) -> str:
        if self.postgres is None:
            return f"sqlite:///{self.folder / f'{name}.sqlite'}"
        return self.postgres.create_database(name)

    def copy(self, url: str, name: str) -> str:
        """A new database holding what `url` holds now (nobody may be connected to it)."""
        if self.postgres is None:
            target = self.folder / f"{name}.sqlite"
            shutil.copyfile(make_url(url).database, target)
            return f"sqlite:///{target}"
        source = make_url(url).database
        return self.postgres.create_database(name, template=source)

    @contextmanager
    def instance(self, home: Path) -> Iterator[dg.DagsterInstance]:
        """A real instance in `home` (its DAGSTER_HOME while open), on the backend's storage."""
        overrides = None
        if self.postgres is not None:
            url = self.postgres.create_database(f"dagster_{home.name}")
            overrides = {"storage": {"postgres": {"postgres_url": url}}}
        with dg.instance_for_test(overrides=overrides, temp_dir=str(home)) as instance:
            yield instance


@dataclass
class Enrichment:
    """One backend and tier's enriched catalog: the runs' results and the databases."""

    catalog: Catalog
    backend: str
    tier: str
    databases: Databases
    fetches: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)
    enrichments: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)
    fetched_url: str = ""  # a copy taken when every playlist had been fetched
    url: str = ""  # the database every run wrote (tests only read it)
    _enriched_copy: str = ""  # a copy taken at the end, never opened, to copy again

    def metadata(self, playlist_id: str, asset: str) -> Mapping[str, Any]:
        """The metadata of `asset`'s materialization for the playlist."""
        [materialization] = [
            event.materialization
            for result in self._runs(playlist_id)
            for event in result.get_asset_materialization_events()
            if event.asset_key == dg.AssetKey(asset)
        ]
        return materialization.metadata

    def check_evaluations(
        self, playlist_id: str, assets: Iterable[str]
    ) -> list[dg.AssetCheckEvaluation]:
        """The checks evaluated on `assets` in the playlist's runs."""
        keys = {dg.AssetKey(asset) for asset in assets}
        return [
            check
            for result in self._runs(playlist_id)
            for check in result.get_asset_check_evaluations()
            if check.asset_key in keys
        ]

    def _runs(self, playlist_id: str) -> list[dg.ExecuteInProcessResult]:
        return [self.fetches[playlist_id], self.enrichments[playlist_id]]

    def copy(self) -> str:
        """A new database with what the enrichment left: for a test that writes."""
        return self.databases.copy(self._enriched_copy, f"{self._name}_copy_{next(_copies)}")

    @property
    def _name(self) -> str:
        return f"enriched_{self.backend}_{self.tier}"


def enrich(
    catalog: Catalog,
    backend: str,
    tier: str,
    databases: Databases,
    resources_for: Callable[[str], dict],
    enrichment_assets: Sequence[dg.AssetsDefinition] = ENRICHMENT_ASSETS,
) -> Enrichment:
    """Fetch, then enrich, every playlist of `catalog` on a sandbox of `tier`; `resources_for`
    gives the resources for a database URL."""
    enrichment = Enrichment(catalog, backend, tier, databases)
    name = enrichment._name
    home = databases.folder / f"{name}_home"
    home.mkdir()
    enrichment.url = databases.new(name)
    resources = resources_for(enrichment.url)
    options = SandboxOptions(seed=1, tier=tier, rate_limits="off", date=catalog.reference_date)
    with ExitStack() as stack:
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for variable in OUTSIDE_VARIABLES:
            patch.delenv(variable, raising=False)
        instance = stack.enter_context(databases.instance(home))
        stack.enter_context(SandboxServer(all_emulators(), catalog, options, runtime_dir=home))
        playlist_ids = [p.id for p in catalog.playlists]
        instance.add_dynamic_partitions(PLAYLISTS_PARTITION, playlist_ids)

        def run(assets: Sequence[dg.AssetsDefinition], playlist_id: str):
            result = dg.materialize(
                assets, partition_key=playlist_id, instance=instance, resources=resources
            )
            assert result.success, (name, playlist_id, [a.key for a in assets])
            return result

        for playlist_id in playlist_ids:
            enrichment.fetches[playlist_id] = run(PHASE_ASSETS[:1], playlist_id)
        enrichment.fetched_url = databases.copy(enrichment.url, f"{name}_fetched")
        for playlist_id in playlist_ids:
            enrichment.enrichments[playlist_id] = run(enrichment_assets, playlist_id)
    enrichment._enriched_copy = databases.copy(enrichment.url, f"{name}_end")
    return enrichment
