"""Test doubles for the HTTP layer's injectable hooks: sleeps, clocks, token providers, limiters."""

from __future__ import annotations

import time

from track_assets.services.http import Grant, RateLimiter, TokenProvider


class RecordingSleep:
    """Really sleeps, and remembers every requested duration."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        time.sleep(seconds)


class FakeTime:
    """A clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RotatingTokens(TokenProvider):
    """Hands out `tokens` in order: the first from token(), the next on each refresh()."""

    def __init__(self, *tokens: str) -> None:
        self._tokens = list(tokens)
        self.refreshes = 0

    def token(self) -> str:
        return self._tokens[min(self.refreshes, len(self._tokens) - 1)]

    def refresh(self, stale: str) -> str:
        self.refreshes += 1
        return self.token()


class CountingLimiter(RateLimiter):
    """Never waits; counts the slots taken and given back, and when (time.time())."""

    def __init__(self) -> None:
        self.acquired = 0
        self.released = 0
        self.events: list[tuple[str, float]] = []  # ("acquire" | "release", time.time())

    @property
    def held(self) -> int:
        return self.acquired - self.released

    def acquire(self) -> Grant:
        self.acquired += 1
        self.events.append(("acquire", time.time()))
        return Grant(str(self.acquired))

    def release(self, grant: Grant) -> None:
        self.released += 1
        self.events.append(("release", time.time()))
