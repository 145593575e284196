"""A separate OS process for the cross-process limiter test. Its limiter's clock is set from
stdin, one reading per line; at each reading it requests a URL until the limiter would make it
wait, then prints (as one JSON line) how many requests it was granted and how long it would
have waited. It never sleeps: the test decides when time passes and which process goes first."""

from __future__ import annotations

import json
import sys

from track_assets.services.http import FileRateLimiter, RetryPolicy, ServiceHttpClient

MAX_GRANTS_PER_READING = 10  # a limiter that never refuses still ends the step


class WouldWait(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the limiter would wait {seconds:.3f} s")
        self.seconds = seconds


def refuse(seconds: float) -> None:
    raise WouldWait(seconds)


def serve(base_url: str, state_dir: str, worker: str) -> None:
    now = [0.0]
    limiter = FileRateLimiter(
        "test_service",
        "shared-credential",
        2,
        1.0,
        state_dir,
        clock=lambda: now[0],
        sleep=refuse,
    )
    with ServiceHttpClient(
        "test_service", base_url, rate_limiter=limiter, retry_policy=RetryPolicy(max_attempts=1)
    ) as client:
        for line in sys.stdin:
            now[0] = float(line)
            granted, wait = 0, None
            while granted < MAX_GRANTS_PER_READING:
                try:
                    client.get("/hammer", headers={"X-Worker": worker}).raise_for_status()
                except WouldWait as refusal:
                    wait = refusal.seconds
                    break
                granted += 1
            print(json.dumps({"granted": granted, "wait": wait}), flush=True)


if __name__ == "__main__":
    serve(*sys.argv[1:])
