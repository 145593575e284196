"""What the pipeline tests share: the phase assets in graph order (and the enrichment job's),
and the environment variables that would point a test away from its own sandbox and database."""

from __future__ import annotations

import dagster as dg

import track_assets.defs.assets
from track_assets import phases
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.settings import SELECTING_VARIABLES

_BY_NAME = {
    a.key.to_user_string(): a
    for a in dg.load_assets_from_package_module(track_assets.defs.assets)
    if isinstance(a, dg.AssetsDefinition)
}

# What enrich_playlist_job materializes after the fetch job's phase 0: phases 1-7, as the
# registry lists them.
ENRICHMENT_ASSETS = tuple(_BY_NAME[name] for name in phases.ENRICHMENT_ASSETS)
# Phases 0-6 of one partition: the fetch and the enrichment but its events (phase 7).
PHASE_ASSETS = (
    _BY_NAME[phases.PLAYLIST_TRACKS.asset],
    *(a for a in ENRICHMENT_ASSETS if a.key.to_user_string() != "enrichment_events"),
)

# Unset in tests: credentials select real services, the others change where things go.
OUTSIDE_VARIABLES = (
    *SELECTING_VARIABLES,
    "TRACK_ASSETS_SANDBOX",
    "SPOTIFY_API_TIER",
    "TRACK_ASSETS_DATABASE_URL",
    "TRACK_ASSETS_WEBHOOK_URL",
    "TRACK_ASSETS_WEBHOOK_SECRET",
    "TRACK_ASSETS_CELERY_BROKER",
)


def fetch_playlist(instance, resources, playlist_id: str) -> dg.ExecuteInProcessResult:
    """Phase 0 of one playlist in a real in-process run (its partition added first); the run
    may fail: the caller says what it expects."""
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist_id])
    return dg.materialize(
        [PHASE_ASSETS[0]],
        partition_key=playlist_id,
        instance=instance,
        resources=resources,
        raise_on_error=False,
    )
