"""Rate limiters: the slot every request attempt takes, and a sliding-window limiter shared by
the processes of one machine through a lock file (db/rate_limits.py shares one through
PostgreSQL across machines).

A request holds its slot from its grant until its response (or error) is back, and then counts
in the window for `per_seconds` from that moment. The server counts arrivals, and a request
arrives before its response completes, so the next request granted on that slot arrives more
than a window after it, whatever the latency between grant and send
(docs/architecture.md#pools-and-rate-limits).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

# A pending grant whose request never reports back (its process died mid-request) counts as
# completed at its expiry: the request's timeout plus this margin after the grant, by which any
# request that was sent at all has reached the server.
HOLD_MARGIN_SECONDS = 10.0
DEFAULT_HOLD_SECONDS = 30.0 + HOLD_MARGIN_SECONDS  # the HTTP layer's default timeout, and margin


def hold_for(timeout_seconds: float) -> float:
    """How long a grant may stay pending for requests that wait `timeout_seconds` for an answer."""
    return timeout_seconds + HOLD_MARGIN_SECONDS


@dataclass(frozen=True)
class Grant:
    """One slot taken: `token` names it to `release`, `waited` is the seconds spent waiting."""

    token: str
    waited: float = 0.0


class RateLimiter(ABC):
    """Takes a slot before each request attempt and gives it back when the attempt is over."""

    @abstractmethod
    def acquire(self) -> Grant:
        """Block until a slot is free, and take it (pending until released)."""

    @abstractmethod
    def release(self, grant: Grant) -> None:
        """The attempt is over (its response or error is back): its slot counts from now."""

    @contextmanager
    def slot(self) -> Iterator[Grant]:
        """A slot held for the `with` block: send inside it, and read the response."""
        grant = self.acquire()
        try:
            yield grant
        finally:
            self.release(grant)

    def close(self) -> None:  # noqa: B027 - most limiters hold nothing open
        """Let go of what the limiter keeps open (a database engine); it stays usable."""


class NullRateLimiter(RateLimiter):
    """Never waits: for services without a limit, and for tests."""

    def acquire(self) -> Grant:
        return Grant("")

    def release(self, grant: Grant) -> None:
        pass


class SlidingWindowLimiter(RateLimiter):
    """At most `max_requests` slots taken in any rolling `per_seconds` window, where a slot is
    taken from its grant until `per_seconds` after its release (or after its expiry,
    `hold_seconds` after the grant, if it is never released). Subclasses keep the grants."""

    def __init__(
        self,
        service: str,
        max_requests: int,
        per_seconds: float,
        *,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_requests < 1 or not per_seconds > 0 or not math.isfinite(per_seconds):
            raise ValueError(
                f"{service} rate limit must allow at least 1 request in a positive window, "
                f"got {max_requests} per {per_seconds} s"
            )
        if not hold_seconds > 0 or not math.isfinite(hold_seconds):
            raise ValueError(
                f"{service} rate limit: hold_seconds must be positive, got {hold_seconds}"
            )
        self.service = service
        self.max_requests = max_requests
        self.per_seconds = per_seconds
        self.hold_seconds = hold_seconds
        self._sleep = sleep

    def acquire(self) -> Grant:
        waited = 0.0
        while True:
            token, wait = self._try_grant()
            if token is not None:
                return Grant(token, waited)
            self._sleep(wait)  # holding no lock, so other processes can take freed slots
            waited += wait

    @abstractmethod
    def _try_grant(self) -> tuple[str | None, float]:
        """Take a slot if one is free: (its token, 0); else (None, seconds until one may be)."""


def seconds_until_free(
    completed: Iterable[float],
    pending_expiries: Iterable[float],
    now: float,
    *,
    max_requests: int,
    per_seconds: float,
) -> float:
    """0 if a slot is free at `now`, else the seconds until one may be.

    A completed grant frees its slot `per_seconds` after its completion; a pending one at its
    expiry's, or, if released now, `per_seconds` from now: so waiting for it is never too long.
    """
    free_at = [done + per_seconds for done in completed]
    free_at += [min(expiry, now) + per_seconds for expiry in pending_expiries]
    busy = sorted(moment for moment in free_at if moment > now)
    if len(busy) < max_requests:
        return 0.0
    return busy[len(busy) - max_requests] - now


def limiter_key(service: str, credential_key: str) -> str:
    """The name of a shared budget: a hash of service and credential, never the credential."""
    return hashlib.sha256(f"{service}\0{credential_key}".encode()).hexdigest()


class FileRateLimiter(SlidingWindowLimiter):
    """The sliding window across the OS processes of one machine.

    The grants live in a small file under `state_dir`, named by a hash of service and credential
    key and guarded by `flock`; every limiter on the same file shares the budget. Times are the
    machine's wall clock (`clock`), read under the lock.
    """

    def __init__(
        self,
        service: str,
        credential_key: str,
        max_requests: int,
        per_seconds: float,
        state_dir: str | os.PathLike[str],
        *,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(service, max_requests, per_seconds, hold_seconds=hold_seconds, sleep=sleep)
        self.path = Path(state_dir) / _state_file_name(service, credential_key)
        # Wall clock, not monotonic: grants are compared across processes.
        self._clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _try_grant(self) -> tuple[str | None, float]:
        with self._locked_state() as state:
            now = self._clock()
            grants = _read_grants(state).live(now, self.per_seconds)
            wait = seconds_until_free(
                grants.completed,
                grants.pending.values(),
                now,
                max_requests=self.max_requests,
                per_seconds=self.per_seconds,
            )
            if wait > 0:
                return None, wait
            token = uuid.uuid4().hex
            grants.pending[token] = now + self.hold_seconds
            _write_grants(state, grants)
            return token, 0.0

    def release(self, grant: Grant) -> None:
        with self._locked_state() as state:
            now = self._clock()
            grants = _read_grants(state)
            if grants.pending.pop(grant.token, None) is None:
                return  # long expired and forgotten, or the file was reset
            grants.completed.append(now)
            _write_grants(state, grants.live(now, self.per_seconds))

    @contextmanager
    def _locked_state(self) -> Iterator[IO[str]]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as state:
            fcntl.flock(state, fcntl.LOCK_EX)  # released when the file is closed
            yield state


@dataclass
class _Grants:
    completed: list[float] = field(default_factory=list)  # completion times
    pending: dict[str, float] = field(default_factory=dict)  # token -> expiry

    def live(self, now: float, per_seconds: float) -> _Grants:
        """Without the grants that no longer hold a slot (and completions from more than a
        window ahead, left by a clock set back)."""
        return _Grants(
            [done for done in self.completed if now - per_seconds < done <= now + per_seconds],
            {token: expiry for token, expiry in self.pending.items() if expiry + per_seconds > now},
        )


def _state_file_name(service: str, credential_key: str) -> str:
    digest = limiter_key(service, credential_key)[:24]
    readable = re.sub(r"[^A-Za-z0-9_.-]", "_", service)[:40]
    return f"ratelimit-{readable}-{digest}.json"


def _read_grants(state: IO[str]) -> _Grants:
    """The recorded grants; a corrupt, empty or unknown file counts as no grants."""
    state.seek(0)
    try:
        data = json.loads(state.read() or "{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _Grants()
    if not isinstance(data, dict):
        return _Grants()
    completed, pending = data.get("completed"), data.get("pending")
    if not isinstance(completed, list) or not isinstance(pending, dict):
        return _Grants()
    if not all(map(_is_time, completed)) or not all(map(_is_time, pending.values())):
        return _Grants()
    return _Grants(
        [float(done) for done in completed], {str(t): float(e) for t, e in pending.items()}
    )


def _is_time(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _write_grants(state: IO[str], grants: _Grants) -> None:
    state.seek(0)
    state.truncate()
    state.write(json.dumps({"completed": sorted(grants.completed), "pending": grants.pending}))
    state.flush()
