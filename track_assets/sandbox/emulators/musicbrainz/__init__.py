"""The MusicBrainz WS/2 emulator (musicbrainzngs 0.7.1 runs against it with only the host changed)."""

from track_assets.sandbox.emulators.musicbrainz.app import musicbrainz_emulator

__all__ = ["musicbrainz_emulator"]
