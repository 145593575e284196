"""The recorded MusicBrainz responses kept beside these tests (recordings/, see SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

RECORDINGS = Path(__file__).parent / "recordings"


def recorded_bytes(name: str) -> bytes:
    return (RECORDINGS / name).read_bytes()
