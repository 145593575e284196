"""Request counters per emulated service: by endpoint and status, rate-limit violations, faults."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Status labels for requests that ended without an HTTP status line.
STATUS_RESET = "reset"
STATUS_NO_RESPONSE = "no_response"


@dataclass(frozen=True)
class CounterSnapshot:
    """One service's counts at one moment; statuses are strings ("200", "reset", ...)."""

    service: str
    requests: dict[str, dict[str, int]] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.requests.values())

    @property
    def total_violations(self) -> int:
        return sum(self.violations.values())

    def count(self, endpoint: str | None = None, status: int | str | None = None) -> int:
        """Requests to `endpoint` (all when None) that ended with `status` (any when None)."""
        rows = [self.requests.get(endpoint, {})] if endpoint is not None else self.requests.values()
        if status is None:
            return sum(sum(row.values()) for row in rows)
        return sum(row.get(str(status), 0) for row in rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "total": self.total,
            "violations": self.violations,
            "total_violations": self.total_violations,
            "faults": self.faults,
        }


class ServiceCounters:
    """The counters of one service. Thread-safe; requests are recorded when they end."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._requests: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._violations: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()

    def record_request(self, endpoint: str, status: int | str) -> None:
        with self._lock:
            self._requests[endpoint][str(status)] += 1

    def record_violation(self, limiter: str) -> None:
        """A request arrived faster than the limiter `limiter` allows (enforced or not)."""
        with self._lock:
            self._violations[limiter] += 1

    def record_fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def snapshot(self) -> CounterSnapshot:
        with self._lock:
            return CounterSnapshot(
                service=self.service,
                requests={
                    ep: dict(sorted(row.items())) for ep, row in sorted(self._requests.items())
                },
                violations=dict(sorted(self._violations.items())),
                faults=dict(sorted(self._faults.items())),
            )

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._violations.clear()
            self._faults.clear()


class Counters:
    """The counters of every service of one sandbox."""

    def __init__(self, services: Iterable[str]) -> None:
        self._services = {name: ServiceCounters(name) for name in services}

    def __getitem__(self, service: str) -> ServiceCounters:
        try:
            return self._services[service]
        except KeyError:
            raise KeyError(
                f"no counters for service {service!r}; known: {', '.join(self._services)}"
            ) from None

    def __contains__(self, service: object) -> bool:
        return service in self._services

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(self._services)

    def snapshot(self, service: str) -> CounterSnapshot:
        return self[service].snapshot()

    def reset(self, service: str | None = None) -> None:
        targets = [self[service]] if service is not None else self._services.values()
        for counters in targets:
            counters.reset()

    def as_dict(self) -> dict[str, Any]:
        return {name: counters.snapshot().as_dict() for name, counters in self._services.items()}
