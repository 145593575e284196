"""The sandbox's emulated "today": the real date unless pinned (env, admin endpoint, tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

SANDBOX_DATE_VARIABLE = "TRACK_ASSETS_SANDBOX_DATE"


def parse_sandbox_date(text: str, source: str = SANDBOX_DATE_VARIABLE) -> date:
    """A strict YYYY-MM-DD date; the error names where the value came from."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{source}={text!r} is not a date in the form YYYY-MM-DD") from None


class SandboxClock:
    """Emulated date and time (UTC). Pinned to a date, or following the real date when not.

    `now()` is the pinned date combined with the real time of day, so a pinned sandbox still
    sees time pass within the day. Thread-safe.
    """

    def __init__(
        self,
        pinned: date | None = None,
        real_now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._lock = threading.Lock()
        self._pinned = pinned
        self._real_now = real_now

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], default: date | None = None) -> SandboxClock:
        """`default` wins over the environment; an empty variable means "the real date"."""
        if default is not None:
            return cls(default)
        raw = environ.get(SANDBOX_DATE_VARIABLE, "").strip()
        return cls(parse_sandbox_date(raw) if raw else None)

    @property
    def pinned(self) -> bool:
        with self._lock:
            return self._pinned is not None

    def today(self) -> date:
        with self._lock:
            pinned = self._pinned
        return pinned if pinned is not None else self._real_now().astimezone(UTC).date()

    def now(self) -> datetime:
        real = self._real_now().astimezone(UTC)
        with self._lock:
            pinned = self._pinned
        if pinned is None:
            return real
        return datetime.combine(pinned, real.timetz())

    def seconds_until_tomorrow(self) -> float:
        """Real seconds left in the emulated day (for quota Retry-After values)."""
        now = self.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0, tzinfo=UTC))
        return (midnight - now).total_seconds()

    def set_date(self, day: date) -> None:
        with self._lock:
            self._pinned = day

    def advance_days(self, days: int) -> date:
        """Pin the clock `days` after the current emulated date (negative goes back)."""
        day = self.today() + timedelta(days=days)
        self.set_date(day)
        return day

    def follow_real_date(self) -> None:
        with self._lock:
            self._pinned = None

    def describe(self) -> dict[str, Any]:
        return {
            "date": self.today().isoformat(),
            "now": self.now().isoformat(),
            "pinned": self.pinned,
        }
