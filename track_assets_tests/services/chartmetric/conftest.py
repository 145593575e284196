"""Fixtures: the catalog, its ground truth, a sandbox with relaxed limits, clients on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.truth import ExpectedTrack, ground_truth
from track_assets.sandbox.server import SandboxServer
from track_assets.services.chartmetric import ChartmetricClient
from track_assets.services.http import RequestCounters
from track_assets_tests.sandbox.cm_mlc_fixtures import CATALOG_DATE
from track_assets_tests.services.chartmetric.cm_client_fixtures import (
    FAST_RETRIES,
    ClientFactory,
    client_catalog,
    refresh_token_of,
    start_sandbox,
)


@pytest.fixture(scope="package")
def catalog() -> Catalog:
    return client_catalog()


@pytest.fixture(scope="package")
def truth(catalog: Catalog) -> dict[str, ExpectedTrack]:
    return ground_truth(catalog, CATALOG_DATE)


@pytest.fixture(scope="package")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    """Rate limits off so functional tests need not pace; the limiter tests start their own."""
    server = start_sandbox(catalog, rate_limits="off")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client_for() -> Iterator[ClientFactory]:
    """Builds clients on a sandbox (own counters each) and closes them after the test."""
    made: list[ChartmetricClient] = []

    def build(server: SandboxServer, **kwargs: Any) -> ChartmetricClient:
        kwargs.setdefault("counters", RequestCounters())
        kwargs.setdefault("retry_policy", FAST_RETRIES)
        refresh = kwargs.pop("refresh_token", refresh_token_of(server))
        client = ChartmetricClient(server.base_url("chartmetric"), refresh, **kwargs)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def client(sandbox: SandboxServer, client_for: ClientFactory) -> ChartmetricClient:
    return client_for(sandbox)
