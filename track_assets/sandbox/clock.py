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

    A pinned clock starts at the pinned date and the real time of day at which it was pinned,
    then runs at real speed, but never past the end of the pinned day: time stands still at
    23:59:59.999999 rather than roll into a day nobody pinned. So emulated time never goes back
    (a pin on the date combined with the real time of day would jump back a whole day when the
    real clock passes midnight). Thread-safe.
    """

    def __init__(
        self,
        pinned: date | None = None,
        real_now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._lock = threading.Lock()
        self._real_now = real_now
        self._pinned: date | None = None
        self._offset = timedelta(0)  # emulated now - real now, while pinned
        if pinned is not None:
            self.set_date(pinned)

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
            offset = self._offset
        if pinned is None:
            return real
        end_of_day = datetime.combine(pinned, time.max, tzinfo=UTC)
        return min(real + offset, end_of_day)

    def seconds_until_tomorrow(self) -> float:
        """Real seconds left in the emulated day (for quota Retry-After values)."""
        now = self.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0, tzinfo=UTC))
        return (midnight - now).total_seconds()

    def set_date(self, day: date) -> None:
        real = self._real_now().astimezone(UTC)
        with self._lock:
            self._pinned = day
            self._offset = datetime.combine(day, real.timetz()) - real

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
