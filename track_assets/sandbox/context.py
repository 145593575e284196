"""What an emulator is registered with (`EmulatorSpec`) and what it is given (`SandboxContext`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette

from track_assets.sandbox.clock import SandboxClock
from track_assets.sandbox.counters import ServiceCounters
from track_assets.sandbox.credentials import CredentialFactory
from track_assets.sandbox.endpoint_labels import EndpointLabeler
from track_assets.sandbox.faults import ErrorRenderer, FaultInjector, default_error_renderer
from track_assets.sandbox.hosting import StopSignal
from track_assets.sandbox.rate_limits import ServiceLimits


@dataclass(frozen=True)
class SandboxContext:
    """Everything one emulator needs; built by the server and passed to its app factory.

    - `catalog`: the sandbox's catalog object (shared by all emulators, read-only).
    - `clock`: the emulated today (`clock.today()`, `clock.now()`).
    - `limits`: declare limiters here (`limits.sliding_window("rolling", limit=.., window=30)`)
      and call `.hit(key)` per request; violations are counted automatically.
    - `faults`: this service's fault injector (applied around the app; rarely needed inside).
    - `counters`: this service's request counters (recorded by the server, readable here).
    - `settings`: per-service settings, always with "tier" ("development" or "extended").
    - `credentials`: the credentials issued for this start, under the pipeline's variable
      names (e.g. SPOTIFY_CLIENT_ID); the emulator must accept these and refuse others.
    - `rng`: a per-service RNG, seeded from the sandbox seed, for tokens and the like.
    """

    service: str
    base_url: str
    urls: Mapping[str, str]
    catalog: Any
    clock: SandboxClock
    counters: ServiceCounters
    limits: ServiceLimits
    faults: FaultInjector
    settings: Mapping[str, Any]
    credentials: Mapping[str, str]
    rng: random.Random
    stop: StopSignal = field(repr=False)

    @property
    def tier(self) -> str:
        return str(self.settings.get("tier", "development"))

    async def sleep(self, seconds: float) -> bool:
        """Wait inside a handler; ends early (returning False) when the sandbox stops."""
        return await self.stop.sleep(seconds)


@dataclass(frozen=True)
class EmulatorSpec:
    """One emulated service: its name, how to build its app, and its protocol details.

    - `url_keys`: the runtime file's URL keys for this service, all pointing at its one port
      (spotify_api: ("base", "accounts"); spotify_web: ("base", "pathfinder", "spclient")).
    - `error_renderer`: draws the service's own error body for injected faults.
    - `credentials`: a factory for this service's credentials; None uses the known shape
      for the five project services (see `credentials.KNOWN_CREDENTIALS`).
    - `endpoint_label`: refines the route label of a request (e.g. a GraphQL operation).
    """

    name: str
    app_factory: Callable[[SandboxContext], Starlette]
    url_keys: tuple[str, ...] = ("base",)
    error_renderer: ErrorRenderer = default_error_renderer
    credentials: CredentialFactory | None = None
    endpoint_label: EndpointLabeler | None = None

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").isalnum():
            raise ValueError(f"emulator name {self.name!r} must be letters, digits and _")
        if "base" not in self.url_keys:
            raise ValueError(f"{self.name}: url_keys must include 'base' (got {self.url_keys})")
