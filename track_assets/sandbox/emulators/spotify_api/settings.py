"""The emulator's settings (`SandboxOptions.settings["spotify_api"]`) and limit defaults."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TIERS = ("development", "extended")
DEFAULT_TOKEN_LIFETIME = 3600  # seconds (every token recording, docs/services.md#accounts-token)

# Rate limits. Spotify publishes neither number (docs/services.md#web-api-rate-limits-and-quota,
# spotify/web-api#589); these are the defaults, overridable as `limits.spotify_api.rolling` /
# `limits.spotify_api.daily_quota`.
ROLLING_WINDOW_SECONDS = 30.0  # "a rolling 30 second window" ([rl])
ROLLING_LIMITS = {"development": 90, "extended": 180}  # lower in Development Mode ([rl])
# About 2,600 playlist loads in ~24 h preceded the observed lockout (Waynting/GuessSong#28).
DAILY_QUOTA = 2500


@dataclass(frozen=True)
class SpotifyApiSettings:
    """`tier`: "development" (default) or "extended"; `token_lifetime`: seconds a client
    credentials token lives (`expires_in` is this, rounded up to a whole second)."""

    tier: str = "development"
    token_lifetime: float = DEFAULT_TOKEN_LIFETIME

    @property
    def extended(self) -> bool:
        return self.tier == "extended"

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> SpotifyApiSettings:
        known = ("tier", "token_lifetime")
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ValueError(
                f"settings.spotify_api: unknown setting(s) {', '.join(unknown)}; "
                f"known: {', '.join(known)}"
            )
        tier = settings.get("tier", "development")
        if tier not in TIERS:
            raise ValueError(f"settings.spotify_api.tier must be one of {TIERS} (got {tier!r})")
        lifetime = settings.get("token_lifetime", DEFAULT_TOKEN_LIFETIME)
        if (
            isinstance(lifetime, bool)
            or not isinstance(lifetime, int | float)
            or not math.isfinite(lifetime)
            or lifetime <= 0
        ):
            raise ValueError(
                f"settings.spotify_api.token_lifetime must be seconds > 0 (got {lifetime!r})"
            )
        return cls(tier=tier, token_lifetime=float(lifetime))
