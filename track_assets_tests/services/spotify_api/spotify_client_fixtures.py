"""Helpers of the Spotify client tests: clients built like the resource builds them, counts."""

from __future__ import annotations

from typing import Any

from track_assets.sandbox.counters import CounterSnapshot
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RetryPolicy
from track_assets.services.spotify_api import SpotifyApiClient
from track_assets.settings import ServiceSettings

# Retries without the production backoff (0.5 s and up), so injected faults cost milliseconds.
FAST_RETRIES = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05)


def client_for(sandbox: SandboxServer, **kwargs: Any) -> SpotifyApiClient:
    """A client made from the service settings, as the Dagster resource makes it."""
    settings = ServiceSettings(
        "spotify_api",
        sandbox.urls["spotify_api"],
        sandbox.credentials("spotify_api"),
        sandbox=True,
    )
    kwargs.setdefault("retry_policy", FAST_RETRIES)
    return SpotifyApiClient.from_settings(settings, **kwargs)


def served(sandbox: SandboxServer) -> CounterSnapshot:
    """What the emulator counted (route template -> status -> requests)."""
    return sandbox.counters.snapshot("spotify_api")
