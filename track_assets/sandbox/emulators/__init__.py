"""The emulated services, one module (or package) each, over the shared sandbox server base.

`all_emulators()` is what `track-assets sandbox serve` and the tests' full sandbox start: one
spec per service the pipeline talks to, named as in `track_assets.settings.SERVICE_NAMES`.
"""

from __future__ import annotations

from track_assets.sandbox.context import EmulatorSpec
from track_assets.sandbox.emulators.chartmetric import chartmetric_emulator
from track_assets.sandbox.emulators.mlc import mlc_emulator
from track_assets.sandbox.emulators.musicbrainz import musicbrainz_emulator
from track_assets.sandbox.emulators.spotify_api import spotify_api_emulator
from track_assets.sandbox.emulators.spotify_web import spotify_web_emulator


def all_emulators() -> list[EmulatorSpec]:
    return [
        spotify_api_emulator(),
        spotify_web_emulator(),
        chartmetric_emulator(),
        mlc_emulator(),
        musicbrainz_emulator(),
    ]


__all__ = [
    "all_emulators",
    "chartmetric_emulator",
    "mlc_emulator",
    "musicbrainz_emulator",
    "spotify_api_emulator",
    "spotify_web_emulator",
]
