"""Client-side limits for runs against the sandbox with its rate limits off (tests, accuracy
measurement): as fast as the emulators answer, under the one ceiling they keep even then."""

from __future__ import annotations

from track_assets.sandbox.emulators.musicbrainz.app import PER_USER_AGENT_PER_SECOND
from track_assets.settings import RESOURCE_VARIABLES, SERVICE_NAMES

_UNBOUNDED = 1000

RELAXED_LIMITS: dict[str, dict[str, int | float]] = {
    name: {"max_requests": _UNBOUNDED, "per_seconds": 1.0} for name in SERVICE_NAMES
} | {"musicbrainz": {"max_requests": int(PER_USER_AGENT_PER_SECOND * 0.8), "per_seconds": 1.0}}


def relaxed_limit_environment() -> dict[str, str]:
    """The same limits as the variables a deployment sets (`CHARTMETRIC_MAX_REQUESTS`, ...)."""
    return {
        RESOURCE_VARIABLES[name][field]: str(value)
        for name, limits in RELAXED_LIMITS.items()
        for field, value in limits.items()
    }
