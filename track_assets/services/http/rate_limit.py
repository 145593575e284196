"""Rate limiters, including a sliding-window limiter shared by all processes through a lock file."""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Protocol

# The window is widened by this fraction (never less than MIN_SAFETY_MARGIN seconds) because a
# grant here is not an arrival there: uneven latency can bring two requests granted exactly one
# window apart closer together on the wire, and the server counts arrivals.
SAFETY_MARGIN_FRACTION = 0.03
MIN_SAFETY_MARGIN = 0.01


class RateLimiter(Protocol):
    """Blocks until one more request may be sent; returns the seconds it waited."""

    def acquire(self) -> float: ...


class NullRateLimiter:
    """Never waits: for services without a limit, and for tests."""

    def acquire(self) -> float:
        return 0.0


class FileRateLimiter:
    """At most `max_requests` grants in any rolling `per_seconds` window, across OS processes.

    The grant log lives in a small file under `state_dir`, named by a hash of service and
    credential key and guarded by `flock`; every limiter on the same file shares the budget.
    """

    def __init__(
        self,
        service: str,
        credential_key: str,
        max_requests: int,
        per_seconds: float,
        state_dir: str | os.PathLike[str],
        safety_margin: float | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_requests < 1 or per_seconds <= 0:
            raise ValueError(
                f"{service} rate limit must allow at least 1 request in a positive window, "
                f"got {max_requests} per {per_seconds} s"
            )
        if safety_margin is None:
            safety_margin = max(MIN_SAFETY_MARGIN, SAFETY_MARGIN_FRACTION * per_seconds)
        self.service = service
        self.max_requests = max_requests
        self.per_seconds = per_seconds
        self.safety_margin = safety_margin
        self.path = Path(state_dir) / _state_file_name(service, credential_key)
        # Wall clock, not monotonic: grants are compared across processes.
        self._clock = clock
        self._sleep = sleep
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @property
    def window(self) -> float:
        return self.per_seconds + self.safety_margin

    def acquire(self) -> float:
        waited = 0.0
        while True:
            wait = self._try_grant()
            if wait <= 0:
                return waited
            self._sleep(wait)  # outside the lock, so other processes can take freed slots
            waited += wait

    def _try_grant(self) -> float:
        """Record a grant and return 0 if a slot is free, else the seconds until one frees up."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as state:
            fcntl.flock(state, fcntl.LOCK_EX)  # released when the file is closed
            now = self._clock()
            grants = [g for g in _read_grants(state) if now - self.window < g <= now + self.window]
            if len(grants) >= self.max_requests:
                return grants[-self.max_requests] + self.window - now
            grants.append(now)
            _write_grants(state, grants[-self.max_requests :])
            return 0.0


def _state_file_name(service: str, credential_key: str) -> str:
    digest = hashlib.sha256(f"{service}\0{credential_key}".encode()).hexdigest()[:24]
    readable = re.sub(r"[^A-Za-z0-9_.-]", "_", service)[:40]
    return f"ratelimit-{readable}-{digest}.json"


def _read_grants(state: IO[str]) -> list[float]:
    """The recorded grant times, sorted; a corrupt or empty file counts as no grants."""
    state.seek(0)
    try:
        grants = json.loads(state.read() or "[]")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    if not isinstance(grants, list) or not all(
        isinstance(g, int | float) and not isinstance(g, bool) and math.isfinite(g) for g in grants
    ):
        return []
    return sorted(float(g) for g in grants)


def _write_grants(state: IO[str], grants: list[float]) -> None:
    state.seek(0)
    state.truncate()
    state.write(json.dumps(grants))
    state.flush()
