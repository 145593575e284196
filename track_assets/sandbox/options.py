"""How a sandbox is started: seed, date, Spotify tier, limits, faults, per-service settings, ports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from track_assets.sandbox.rate_limits import LimitMode, parse_limit_mode

SPOTIFY_TIERS = ("development", "extended")
ADMIN = "admin"


@dataclass(frozen=True)
class SandboxOptions:
    """Everything but the emulators and the catalog. Per-service mappings are keyed by name.

    - `seed` fixes the credentials and the fault RNGs (None: new random ones each start).
    - `date` pins the clock (else TRACK_ASSETS_SANDBOX_DATE, else the real date).
    - `rate_limits` is the starting mode of every limiter ("enforce", "observe", "off");
      `limits[service][limiter]` overrides one limiter's settings, e.g. {"limit": 5, "mode": "off"}.
    - `faults[service]` holds FaultConfig settings, e.g. {"error_rate": 0.05}.
    - `settings[service]` is handed to the emulator as `context.settings` (after "tier").
    - `ports[service]` (or ports["admin"]) fixes a port; absent or 0 picks a free one.
    """

    seed: int | None = None
    date: date | None = None
    tier: str = "development"
    rate_limits: LimitMode = LimitMode.ENFORCE
    limits: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    faults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    ports: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tier not in SPOTIFY_TIERS:
            raise ValueError(f"tier {self.tier!r} is not one of {', '.join(SPOTIFY_TIERS)}")
        object.__setattr__(self, "rate_limits", parse_limit_mode(self.rate_limits, "rate_limits"))
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int)
        ):
            raise ValueError(f"seed must be a whole number (got {self.seed!r})")

    def check_services(self, services: Iterable[str]) -> None:
        """Raise ValueError if a per-service option names a service that is not served."""
        known = set(services)
        for option in ("limits", "faults", "settings"):
            unknown = sorted(set(getattr(self, option)) - known)
            if unknown:
                raise ValueError(
                    f"{option} names unknown service(s) {', '.join(unknown)}; "
                    f"served: {', '.join(sorted(known))}"
                )
        unknown_ports = sorted(set(self.ports) - known - {ADMIN})
        if unknown_ports:
            raise ValueError(f"ports names unknown service(s) {', '.join(unknown_ports)}")
        for name, port in self.ports.items():
            if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
                raise ValueError(f"ports.{name} must be a port number 0-65535 (got {port!r})")

    def service_settings(self, service: str) -> dict[str, Any]:
        return {"tier": self.tier, **self.settings.get(service, {})}
