"""A clock that moves only when a test moves it, for limiters that take an injected clock."""

from __future__ import annotations

import threading
import time


class ManualClock:
    """Monotonic and wall readings that start at now and advance together, by `advance` only."""

    def __init__(self) -> None:
        self._start_monotonic = time.monotonic()
        self._start_wall = time.time()
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._start_monotonic + self._elapsed

    def wall(self) -> float:
        with self._lock:
            return self._start_wall + self._elapsed

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._elapsed += seconds
