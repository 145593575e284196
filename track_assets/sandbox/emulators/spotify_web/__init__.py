"""Emulator of Spotify's web player: open.spotify.com pages (with a real JS bundle), the TOTP
token endpoint, pathfinder persisted queries with rotating hashes, and spclient credits.
"""

from track_assets.sandbox.emulators.spotify_web.app import (
    CONTROL_ROTATE,
    SERVICE,
    build_app,
    spotify_web_emulator,
)
from track_assets.sandbox.emulators.spotify_web.settings import WebPlayerSettings

__all__ = [
    "CONTROL_ROTATE",
    "SERVICE",
    "WebPlayerSettings",
    "build_app",
    "spotify_web_emulator",
]
