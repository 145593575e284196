"""The web player emulator's settings (`SandboxOptions.settings["spotify_web"]`), checked at start."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class WebPlayerSettings:
    """Every key is optional; an unknown key or a bad value stops the sandbox from starting.

    - `token_lifetime_seconds`: life of a web-player access token (`/api/token`, embed page).
    - `client_token_lifetime_seconds`: life of a client token (`/v1/clienttoken`).
    - `hash_rotation_seconds`: new persisted-query hashes every N real seconds (0: never).
    - `hash_rotation_days`: new hashes every N emulated days of the sandbox clock (0: never);
      advancing the clock through the admin endpoint then rotates them.
    - `hash_grace_generations`: how many superseded hash generations still answer (0: none).
    - `totp_version`: the `totpVer` the page's bundle ships and `/api/token` accepts.
    - `playlist_page_size`: most items one `fetchPlaylist` page returns, whatever `limit` asks.
    - `album_page_size`: most tracks one `getAlbum` page returns.
    - `persisted_query_not_found_status`: HTTP status of the PersistedQueryNotFound answer.
    """

    token_lifetime_seconds: float = 3600.0
    client_token_lifetime_seconds: float = 1_209_600.0
    hash_rotation_seconds: float = 0.0
    hash_rotation_days: int = 0
    hash_grace_generations: int = 0
    totp_version: int = 61
    playlist_page_size: int = 25
    album_page_size: int = 50
    persisted_query_not_found_status: int = 200

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> WebPlayerSettings:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in settings.items():
            if key == "tier":  # every service gets it; the web player has no tiers
                continue
            if key not in known:
                raise ValueError(
                    f"settings.spotify_web: unknown setting {key!r}; "
                    f"known: {', '.join(sorted(known))}"
                )
            values[key] = _checked(f"settings.spotify_web.{key}", known[key].type, value)
        checked = cls(**values)
        for name in ("playlist_page_size", "album_page_size", "totp_version"):
            if getattr(checked, name) < 1:
                raise ValueError(f"settings.spotify_web.{name} must be >= 1")
        if checked.token_lifetime_seconds <= 0 or checked.client_token_lifetime_seconds <= 0:
            raise ValueError("settings.spotify_web: token lifetimes must be > 0 seconds")
        if not 200 <= checked.persisted_query_not_found_status <= 599:
            raise ValueError(
                "settings.spotify_web.persisted_query_not_found_status must be an HTTP status"
            )
        return checked


def _checked(where: str, kind: Any, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where} must be a number (got {value!r})")
    if kind in ("int", int):
        if int(value) != value:
            raise ValueError(f"{where} must be a whole number (got {value!r})")
        value = int(value)
    if value < 0:
        raise ValueError(f"{where} must be >= 0 (got {value!r})")
    return value
