"""Thread-safe request counters per service, endpoint and status, as plain dicts for metadata."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

Snapshot = dict[str, dict[str, Any]]

_TIMINGS = ("backoff_seconds", "rate_limit_wait_seconds")
_EVENTS = ("retries", "token_refreshes", "malformed_bodies")


class RequestCounters:
    """Counts responses and transport errors, retries, refreshes and time spent waiting.

    A status is the HTTP code ("200") or "error:<ExceptionName>" for a transport error.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str, str]] = Counter()
        self._events: Counter[tuple[str, str]] = Counter()
        self._timings: Counter[tuple[str, str]] = Counter()

    def record(self, service: str, endpoint: str, status: int | str) -> None:
        with self._lock:
            self._requests[(service, endpoint, str(status))] += 1

    def record_retry(self, service: str) -> None:
        with self._lock:
            self._events[(service, "retries")] += 1

    def record_malformed(self, service: str) -> None:
        with self._lock:
            self._events[(service, "malformed_bodies")] += 1

    def record_token_refresh(self, service: str) -> None:
        with self._lock:
            self._events[(service, "token_refreshes")] += 1

    def record_backoff(self, service: str, seconds: float) -> None:
        with self._lock:
            self._timings[(service, "backoff_seconds")] += seconds

    def record_rate_limit_wait(self, service: str, seconds: float) -> None:
        with self._lock:
            self._timings[(service, "rate_limit_wait_seconds")] += seconds

    def total(self, service: str | None = None) -> int:
        """Requests sent (answered or not), for one service or all."""
        with self._lock:
            return sum(n for (svc, _, _), n in self._requests.items() if service in (None, svc))

    def snapshot(self) -> Snapshot:
        """Everything counted so far, e.g. `{"spotify_api": {"total": 12, "by_status": {...}}}`."""
        with self._lock:
            return _build_snapshot(dict(self._requests), dict(self._events), dict(self._timings))

    def since(self, before: Snapshot) -> Snapshot:
        """What was counted after `before` was taken (e.g. during one materialization)."""
        return snapshot_delta(before, self.snapshot())


def snapshot_delta(before: Snapshot, after: Snapshot) -> Snapshot:
    """`after` minus `before`, leaving out services with nothing new."""
    old_requests, old_events, old_timings = _flatten(before)
    new_requests, new_events, new_timings = _flatten(after)
    requests = {k: n - old_requests.get(k, 0) for k, n in new_requests.items()}
    events = {k: n - old_events.get(k, 0) for k, n in new_events.items()}
    timings = {k: s - old_timings.get(k, 0.0) for k, s in new_timings.items()}
    return _build_snapshot(requests, events, timings)


def _build_snapshot(
    requests: dict[tuple[str, str, str], int],
    events: dict[tuple[str, str], int],
    timings: dict[tuple[str, str], float],
) -> Snapshot:
    services = (
        {svc for svc, _, _ in requests} | {svc for svc, _ in events} | {svc for svc, _ in timings}
    )
    snapshot: Snapshot = {}
    for service in sorted(services):
        by_status: Counter[str] = Counter()
        by_endpoint: dict[str, dict[str, Any]] = {}
        for (svc, endpoint, status), n in sorted(requests.items()):
            if svc != service or n <= 0:
                continue
            by_status[status] += n
            entry = by_endpoint.setdefault(endpoint, {"total": 0, "by_status": {}})
            entry["total"] += n
            entry["by_status"][status] = n
        summary: dict[str, Any] = {"total": sum(by_status.values())}
        summary.update({name: events.get((service, name), 0) for name in _EVENTS})
        summary.update({name: round(timings.get((service, name), 0.0), 3) for name in _TIMINGS})
        if not any(summary.values()):
            continue
        summary["by_status"] = dict(sorted(by_status.items()))
        summary["by_endpoint"] = by_endpoint
        snapshot[service] = summary
    return snapshot


def _flatten(
    snapshot: Snapshot,
) -> tuple[
    dict[tuple[str, str, str], int], dict[tuple[str, str], int], dict[tuple[str, str], float]
]:
    requests: dict[tuple[str, str, str], int] = {}
    events: dict[tuple[str, str], int] = {}
    timings: dict[tuple[str, str], float] = {}
    for service, summary in snapshot.items():
        for endpoint, entry in summary.get("by_endpoint", {}).items():
            for status, n in entry["by_status"].items():
                requests[(service, endpoint, status)] = n
        for name in _EVENTS:
            events[(service, name)] = summary.get(name, 0)
        for name in _TIMINGS:
            timings[(service, name)] = summary.get(name, 0.0)
    return requests, events, timings
