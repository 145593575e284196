"""A catalog with every Chartmetric resolution case, and sandboxes and clients serving it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.truth import CmMethod, CmReason, ground_truth
from track_assets.sandbox.emulators.chartmetric import chartmetric_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.chartmetric import ChartmetricClient
from track_assets.services.http import RetryPolicy
from track_assets_tests.sandbox.cm_mlc_fixtures import CATALOG_DATE, catalog_data

# Fast retries for tests that inject faults; rate-limit waits come from the headers anyway.
FAST_RETRIES = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)

ClientFactory = Callable[..., ChartmetricClient]


def client_catalog() -> Catalog:
    return load_catalog(with_ambiguous_tracks(catalog_data()))


def with_ambiguous_tracks(data: dict[str, Any]) -> dict[str, Any]:
    """The demo generator makes no ambiguous Chartmetric match; add two. By ISRC: a second id
    for an ISRC, listing the same Spotify track. By Spotify id: two ids without ISRC that both
    list a track Chartmetric did not know."""
    data = copy.deepcopy(data)
    truth = ground_truth(load_catalog(data))
    by_isrc = next(
        e
        for e in truth.values()
        if e.chartmetric.method is CmMethod.ISRC and len(e.chartmetric.candidate_ids) == 1
    )
    unknown = [e for e in truth.values() if e.chartmetric.reason is CmReason.NOT_FOUND]
    assert len(unknown) >= 2, "the catalog must keep a track Chartmetric does not know"
    cm_tracks = data["chartmetric"]["tracks"]
    original = next(t for t in cm_tracks if t["id"] == by_isrc.chartmetric.chartmetric_id)
    next_id = max(t["id"] for t in cm_tracks) + 1
    cm_tracks.append({**copy.deepcopy(original), "id": next_id})
    for n in (1, 2):
        cm_tracks.append(
            {
                **copy.deepcopy(original),
                "id": next_id + n,
                "isrc": None,
                "spotify_track_ids": [unknown[0].spotify_track_id],
            }
        )
    return data


def start_sandbox(catalog: Catalog, **options: Any) -> SandboxServer:
    options.setdefault("seed", 5)
    options.setdefault("date", CATALOG_DATE)
    server = SandboxServer([chartmetric_emulator()], catalog, SandboxOptions(**options))
    server.start()
    return server


def refresh_token_of(server: SandboxServer) -> str:
    return server.credentials("chartmetric")["CHARTMETRIC_REFRESH_TOKEN"]
