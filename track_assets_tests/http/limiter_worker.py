"""A separate OS process for the cross-process limiter test: request a URL until a deadline,
printing (as JSON) when the limiter granted each request."""

from __future__ import annotations

import json
import sys
import time

from track_assets.services.http import FileRateLimiter, RetryPolicy, ServiceHttpClient


class RecordingLimiter(FileRateLimiter):
    """Notes the wall-clock time of each grant, as the client is about to send."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.granted: list[float] = []

    def acquire(self) -> float:
        waited = super().acquire()
        self.granted.append(time.time())
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
