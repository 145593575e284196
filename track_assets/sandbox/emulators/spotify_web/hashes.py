"""Persisted-query hashes that rotate: one sha256 per operation and generation.

The real hashes change when Spotify ships a new web player
(docs/services.md#pathfinder-persisted-queries); the page's bundle always carries the current
ones, so a client that re-reads the page recovers.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import date

from track_assets.sandbox.clock import SandboxClock

OPERATIONS = (
    "getTrack",
    "getAlbum",
    "fetchPlaylist",
    "queryArtistOverview",
    "queryTrackCreditsModal",
)


class PersistedQueries:
    """The generation is the sum of manual rotations, real-time periods and emulated days."""

    def __init__(
        self,
        seed: str,
        clock: SandboxClock,
        rotation_seconds: float = 0.0,
        rotation_days: int = 0,
        grace_generations: int = 0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seed = seed
        self._clock = clock
        self._rotation_seconds = rotation_seconds
        self._rotation_days = rotation_days
        self._grace = grace_generations
        self._monotonic = monotonic
        self._started = monotonic()
        self._start_day: date = clock.today()
        self._manual = 0
        self._lock = threading.Lock()

    def rotate(self) -> int:
        """New hashes now (the old ones stop answering unless within the grace)."""
        with self._lock:
            self._manual += 1
        return self.generation()

    def generation(self) -> int:
        with self._lock:
            generation = self._manual
        if self._rotation_seconds > 0:
            generation += int((self._monotonic() - self._started) // self._rotation_seconds)
        if self._rotation_days > 0:
            days = abs((self._clock.today() - self._start_day).days)
            generation += days // self._rotation_days
        return generation

    def hash_for(self, operation: str, generation: int) -> str:
        text = f"{self._seed}:{operation}:{generation}"
        return hashlib.sha256(text.encode()).hexdigest()

    def current(self) -> dict[str, str]:
        generation = self.generation()
        return {op: self.hash_for(op, generation) for op in OPERATIONS}

    def for_generation(self, generation: int) -> dict[str, str]:
        return {op: self.hash_for(op, generation) for op in OPERATIONS}

    def accepts(self, operation: str, sha256: str) -> bool:
        if operation not in OPERATIONS:
            return False
        current = self.generation()
        oldest = max(0, current - self._grace)
        return any(
            self.hash_for(operation, generation) == sha256
            for generation in range(oldest, current + 1)
        )
