"""A separate OS process for the cross-process limiter test: request a URL until a deadline,
printing (as JSON) the time the limiter stamped on each grant."""

from __future__ import annotations

import json
import sys
import time

from track_assets.services.http import FileRateLimiter, RetryPolicy, ServiceHttpClient


class RecordingLimiter(FileRateLimiter):
    """Notes each grant's time as the limiter stamped it in the shared file, under its lock (the
    time this process reads after acquire() returns can lag by however long the OS kept it
    waiting, which on a loaded machine exceeds the safety margin)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, clock=self._read_clock, **kwargs)
        self.granted: list[float] = []
        self._last_reading = 0.0

    def _read_clock(self) -> float:
        self._last_reading = time.time()
        return self._last_reading

    def acquire(self) -> float:
        waited = super().acquire()
        self.granted.append(self._last_reading)  # the reading the granting attempt made
        return waited


def hammer(
    base_url: str, state_dir: str, start_at: float, stop_at: float, worker: str
) -> list[float]:
    limiter = RecordingLimiter("test_service", "shared-credential", 2, 1.0, state_dir)
    with ServiceHttpClient(
        "test_service", base_url, rate_limiter=limiter, retry_policy=RetryPolicy(max_attempts=1)
    ) as client:
        time.sleep(max(0.0, start_at - time.time()))
        while time.time() < stop_at:
            client.get("/hammer", headers={"X-Worker": worker}).raise_for_status()
    return limiter.granted


if __name__ == "__main__":
    base_url, state_dir, start_at, stop_at, worker = sys.argv[1:]
    print(json.dumps(hammer(base_url, state_dir, float(start_at), float(stop_at), worker)))
