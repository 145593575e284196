"""A separate OS process for the cross-process limiter test: request a URL until a deadline."""

from __future__ import annotations

import sys
import time

from track_assets.services.http import FileRateLimiter, RetryPolicy, ServiceHttpClient


def hammer(base_url: str, state_dir: str, start_at: float, stop_at: float, worker: str) -> int:
    limiter = FileRateLimiter("test_service", "shared-credential", 2, 1.0, state_dir)
    sent = 0
    with ServiceHttpClient(
        "test_service", base_url, rate_limiter=limiter, retry_policy=RetryPolicy(max_attempts=1)
    ) as client:
        time.sleep(max(0.0, start_at - time.time()))
        while time.time() < stop_at:
            client.get("/hammer", headers={"X-Worker": worker}).raise_for_status()
            sent += 1
    return sent


if __name__ == "__main__":
    base_url, state_dir, start_at, stop_at, worker = sys.argv[1:]
    print(hammer(base_url, state_dir, float(start_at), float(stop_at), worker))
