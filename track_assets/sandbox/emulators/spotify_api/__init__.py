"""Spotify accounts service + Web API emulator (both tiers) over the sandbox catalog."""

from track_assets.sandbox.emulators.spotify_api.app import (
    build_spotify_api_app,
    spotify_api_emulator,
)
from track_assets.sandbox.emulators.spotify_api.settings import SpotifyApiSettings

__all__ = ["SpotifyApiSettings", "build_spotify_api_app", "spotify_api_emulator"]
