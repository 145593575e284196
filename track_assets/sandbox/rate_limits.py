"""Server-side rate limits for emulators: rolling window, token bucket and daily quota.

Each limiter decides per client key (token, credential, User-Agent, IP: the emulator's choice)
whether a request conforms, and reports violations through the same rule whether it enforces
the limit (the emulator answers 429/503) or only observes it.
"""

from __future__ import annotations

import math
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from track_assets.sandbox.clock import SandboxClock
from track_assets.sandbox.counters import ServiceCounters


class LimitMode(StrEnum):
    ENFORCE = "enforce"  # non-conforming requests are refused and counted as violations
    OBSERVE = "observe"  # non-conforming requests are served but counted as violations
    OFF = "off"  # nothing is tracked: every request conforms


def parse_limit_mode(value: Any, where: str = "mode") -> LimitMode:
    try:
        return LimitMode(value)
    except ValueError:
        choices = ", ".join(mode.value for mode in LimitMode)
        raise ValueError(f"{where}: {value!r} is not one of {choices}") from None


@dataclass(frozen=True)
class Decision:
    """The verdict on one request.

    `allowed` is False only when the limit is enforced and the request does not conform;
    `violation` is True whenever it does not conform (also in observe mode).
    `retry_after` is how many seconds until a request with this key would conform (0 if one
    would now); `reset_at` is that moment as Unix epoch seconds.
    """

    allowed: bool
    violation: bool
    limit: int
    remaining: int
    retry_after: float
    reset_at: float

    @property
    def retry_after_seconds(self) -> int:
        """`retry_after` rounded up to whole seconds (at least 1 when refused), as Retry-After
        headers carry it."""
        return max(1, math.ceil(self.retry_after - 1e-9)) if self.retry_after > 0 else 0

    @property
    def reset_epoch(self) -> int:
        """`reset_at` rounded up to a whole Unix second (never earlier than the real moment)."""
        return math.ceil(self.reset_at)


def _positive_int(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise ValueError(f"{where} must be a whole number >= 1 (got {value!r})")
    if int(value) != value:
        raise ValueError(f"{where} must be a whole number >= 1 (got {value!r})")
    return int(value)


def _positive_float(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{where} must be a number > 0 (got {value!r})")
    if not math.isfinite(value):
        raise ValueError(f"{where} must be finite (got {value!r})")
    return float(value)


def _non_negative_float(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError(f"{where} must be a number >= 0 (got {value!r})")
    if not math.isfinite(value):
        raise ValueError(f"{where} must be finite (got {value!r})")
    return float(value)


def _boolean(where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where} must be true or false (got {value!r})")
    return value


class RateLimiter(ABC):
    """A named limit with a mode; `hit(key)` records one request and returns the decision."""

    kind: ClassVar[str]
    _validators: ClassVar[dict[str, Callable[[str, Any], Any]]]

    def __init__(
        self,
        name: str,
        mode: LimitMode = LimitMode.ENFORCE,
        on_violation: Callable[[], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._mode = mode
        self._on_violation = on_violation
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()

    @property
    def mode(self) -> LimitMode:
        return self._mode

    def hit(self, key: str) -> Decision:
        with self._lock:
            if self._mode is LimitMode.OFF:
                return self._unlimited()
            now = self._monotonic()
            conforms, remaining, retry_after = self._admit(key, now)
            decision = Decision(
                allowed=conforms or self._mode is LimitMode.OBSERVE,
                violation=not conforms,
                limit=self._reported_limit(),
                remaining=remaining,
                retry_after=retry_after,
                reset_at=self._wall() + max(retry_after, self._reset_after(key, now)),
            )
        if decision.violation and self._on_violation is not None:
            self._on_violation()
        return decision

    def use_clock(self, monotonic: Callable[[], float], wall: Callable[[], float]) -> None:
        """Read time from these from now on (a test moves time instead of waiting for it)."""
        with self._lock:
            self._monotonic, self._wall = monotonic, wall

    def configure(self, params: Mapping[str, Any]) -> None:
        """Change settings at runtime; all are validated before any is applied."""
        updates = self.validate(params)
        with self._lock:
            for key, value in updates.items():
                setattr(self, f"_{key}", value)

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The checked values of `params`; raises ValueError naming the bad setting."""
        if not isinstance(params, Mapping):
            raise ValueError(f"{self.name}: settings must be an object (got {params!r})")
        updates: dict[str, Any] = {}
        for key, value in params.items():
            where = f"{self.name}.{key}"
            if key == "mode":
                updates[key] = parse_limit_mode(value, where)
            elif key in self._validators:
                updates[key] = self._validators[key](where, value)
            else:
                known = ", ".join(["mode", *self._validators])
                raise ValueError(
                    f"{self.name}: unknown setting {key!r} for a {self.kind}; known: {known}"
                )
        return updates

    def settings(self) -> dict[str, Any]:
        with self._lock:
            values = {key: getattr(self, f"_{key}") for key in self._validators}
            return {"kind": self.kind, "mode": self._mode.value, **values}

    def reset(self) -> None:
        """Forget every client's history (a fresh window, full buckets, unused quotas)."""
        with self._lock:
            self._clear()

    def _unlimited(self) -> Decision:
        limit = self._reported_limit()
        return Decision(True, False, limit, limit, 0.0, self._wall())

    @abstractmethod
    def _admit(self, key: str, now: float) -> tuple[bool, int, float]:
        """(conforms, remaining, retry_after); records the request when it conforms."""

    @abstractmethod
    def _reset_after(self, key: str, now: float) -> float:
        """Seconds from `now` until the limit's reset moment for this key (after recording)."""

    @abstractmethod
    def _reported_limit(self) -> int: ...

    @abstractmethod
    def _clear(self) -> None: ...


class SlidingWindow(RateLimiter):
    """At most `limit` requests in any rolling `window` seconds (Spotify, Chartmetric, MLC).

    Refused requests do not take a slot unless `count_rejected` (then a client that keeps
    hammering stays locked out).
    """

    kind = "sliding_window"
    _validators: ClassVar = {
        "limit": _positive_int,
        "window": _positive_float,
        "count_rejected": _boolean,
    }

    def __init__(
        self,
        name: str,
        *,
        limit: int,
        window: float,
        count_rejected: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        self._limit = _positive_int(f"{name}.limit", limit)
        self._window = _positive_float(f"{name}.window", window)
        self._count_rejected = _boolean(f"{name}.count_rejected", count_rejected)
        self._arrivals: dict[str, deque[float]] = {}

    def _admit(self, key: str, now: float) -> tuple[bool, int, float]:
        arrivals = self._arrivals.setdefault(key, deque())
        while arrivals and arrivals[0] <= now - self._window:
            arrivals.popleft()
        if len(arrivals) < self._limit:
            arrivals.append(now)
            return True, self._limit - len(arrivals), 0.0
        if self._count_rejected:
            arrivals.append(now)
        # The request that must leave the window before one more fits.
        blocking = arrivals[len(arrivals) - self._limit]
        return False, 0, max(0.0, blocking + self._window - now)

    def _reset_after(self, key: str, now: float) -> float:
        arrivals = self._arrivals.get(key)
        return arrivals[0] + self._window - now if arrivals else 0.0

    def _reported_limit(self) -> int:
        return self._limit

    def _clear(self) -> None:
        self._arrivals.clear()


class TokenBucket(RateLimiter):
    """`rate` requests per second with bursts of `burst` (MusicBrainz: 1/s, burst 1 -> 503).

    A generic cell-rate rule: a request conforms if it arrives no earlier than its theoretical
    time minus the burst allowance minus `tolerance` seconds, which absorbs timing jitter so a
    client pacing at exactly the rate (plus a small margin) never counts as a violation.
    Early arrivals do not earn credit, so a client that is always slightly early still drifts
    into violations.
    """

    kind = "token_bucket"
    _validators: ClassVar = {
        "rate": _positive_float,
        "burst": _positive_int,
        "tolerance": _non_negative_float,
    }

    def __init__(
        self,
        name: str,
        *,
        rate: float,
        burst: int = 1,
        tolerance: float = 0.05,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        self._rate = _positive_float(f"{name}.rate", rate)
        self._burst = _positive_int(f"{name}.burst", burst)
        self._tolerance = _non_negative_float(f"{name}.tolerance", tolerance)
        self._due: dict[str, float] = {}  # theoretical arrival time of the next request

    def _admit(self, key: str, now: float) -> tuple[bool, int, float]:
        interval = 1.0 / self._rate
        allowance = (self._burst - 1) * interval
        due = self._due.get(key, now)
        if now < due - allowance - self._tolerance:
            return False, 0, max(0.0, due - allowance - now)
        due = max(due, now) + interval
        self._due[key] = due
        if len(self._due) > 10_000:
            self._forget_idle(now)
        remaining = math.floor((now - (due - allowance)) / interval + 1e-9) + 1
        return True, max(0, min(self._burst, remaining)), 0.0

    def _reset_after(self, key: str, now: float) -> float:
        due = self._due.get(key)
        if due is None:
            return 0.0
        return max(0.0, due - (self._burst - 1) / self._rate - now)

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, due in self._due.items() if due <= now]:
            del self._due[key]

    def _reported_limit(self) -> int:
        return self._burst

    def _clear(self) -> None:
        self._due.clear()


class DailyQuota(RateLimiter):
    """At most `limit` requests per key per emulated day (Spotify's QUOTA_EXCEEDED).

    The day is the sandbox clock's: pinning or advancing the clock to another date starts a
    fresh quota. Retry-After runs to the end of the emulated day.
    """

    kind = "daily_quota"
    _validators: ClassVar = {"limit": _positive_int}

    def __init__(self, name: str, *, limit: int, clock: SandboxClock, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self._limit = _positive_int(f"{name}.limit", limit)
        self._clock = clock
        self._day: date | None = None
        self._used: Counter[str] = Counter()

    def _admit(self, key: str, now: float) -> tuple[bool, int, float]:
        today = self._clock.today()
        if today != self._day:
            self._day = today
            self._used.clear()
        if self._used[key] < self._limit:
            self._used[key] += 1
            return True, self._limit - self._used[key], 0.0
        return False, 0, self._clock.seconds_until_tomorrow()

    def _reset_after(self, key: str, now: float) -> float:
        return self._clock.seconds_until_tomorrow()

    def _reported_limit(self) -> int:
        return self._limit

    def _clear(self) -> None:
        self._used.clear()

    def used(self, key: str) -> int:
        with self._lock:
            return self._used[key] if self._day == self._clock.today() else 0


_L = TypeVar("_L", bound=RateLimiter)


class ServiceLimits:
    """The named limiters of one service, configurable at start and at runtime.

    An emulator declares its limiters (with the real service's defaults) in its app factory;
    `overrides` from the sandbox options are applied as each is declared, and violations are
    counted in the service's counters under the limiter's name.
    """

    def __init__(
        self,
        service: str,
        clock: SandboxClock,
        counters: ServiceCounters | None = None,
        default_mode: LimitMode = LimitMode.ENFORCE,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.service = service
        self._clock = clock
        self._counters = counters
        self._default_mode = default_mode
        self._overrides = {name: dict(params) for name, params in (overrides or {}).items()}
        self._monotonic = monotonic
        self._wall = wall
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def sliding_window(
        self, name: str, *, limit: int, window: float, count_rejected: bool = False
    ) -> SlidingWindow:
        limiter = SlidingWindow(
            self._qualified(name),
            limit=limit,
            window=window,
            count_rejected=count_rejected,
            **self._common(name),
        )
        return self._register(name, limiter)

    def token_bucket(
        self, name: str, *, rate: float, burst: int = 1, tolerance: float = 0.05
    ) -> TokenBucket:
        limiter = TokenBucket(
            self._qualified(name), rate=rate, burst=burst, tolerance=tolerance, **self._common(name)
        )
        return self._register(name, limiter)

    def daily_quota(self, name: str, *, limit: int) -> DailyQuota:
        limiter = DailyQuota(
            self._qualified(name), limit=limit, clock=self._clock, **self._common(name)
        )
        return self._register(name, limiter)

    def __getitem__(self, name: str) -> RateLimiter:
        with self._lock:
            if name not in self._limiters:
                known = ", ".join(self._limiters) or "none"
                raise KeyError(f"{self.service} has no limiter {name!r}; known: {known}")
            return self._limiters[name]

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._limiters))

    def use_clock(self, monotonic: Callable[[], float], wall: Callable[[], float]) -> None:
        """Every limiter of the service, declared or still to come, reads time from these."""
        with self._lock:
            self._monotonic, self._wall = monotonic, wall
            limiters = list(self._limiters.values())
        for limiter in limiters:
            limiter.use_clock(monotonic, wall)

    def configure(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Change one limiter's settings; raises ValueError naming the bad setting."""
        limiter = self._known(name)
        limiter.configure(params)
        return limiter.settings()

    def validate(self, name: str, params: Mapping[str, Any]) -> None:
        """Raise ValueError if `configure(name, params)` would."""
        self._known(name).validate(params)

    def _known(self, name: str) -> RateLimiter:
        try:
            return self[name]
        except KeyError as error:
            raise ValueError(error.args[0]) from None

    def describe(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            limiters = dict(self._limiters)
        return {name: limiter.settings() for name, limiter in limiters.items()}

    def reset_state(self) -> None:
        with self._lock:
            limiters = list(self._limiters.values())
        for limiter in limiters:
            limiter.reset()

    def unused_overrides(self) -> list[str]:
        """Overrides naming a limiter the emulator never declared (a configuration mistake)."""
        with self._lock:
            return sorted(self._overrides)

    def _qualified(self, name: str) -> str:
        return f"{self.service}.{name}"

    def _common(self, name: str) -> dict[str, Any]:
        def record() -> None:
            if self._counters is not None:
                self._counters.record_violation(name)

        return {
            "mode": self._default_mode,
            "on_violation": record,
            "monotonic": self._monotonic,
            "wall": self._wall,
        }

    def _register(self, name: str, limiter: _L) -> _L:
        with self._lock:
            if name in self._limiters:
                raise ValueError(f"{self.service} already has a limiter named {name!r}")
            override = self._overrides.pop(name, None)
        if override is not None:
            limiter.configure(override)
        with self._lock:
            self._limiters[name] = limiter
        return limiter
