"""One machine of the shared rate-limit test: a separate OS process with a DAGSTER_HOME of its
own, whose limiter comes from the service resource as a run's would (through PostgreSQL for a
PostgreSQL database URL, else a file under DAGSTER_HOME). It prints "ready", waits for a line on
stdin, then sends `count` requests, each sleeping up to `latency` seconds (seeded, random) after
its grant and before it is sent: a process descheduled between the two."""

from __future__ import annotations

import os
import random
import sys
import time

import httpx

from track_assets.defs.resources import DatabaseResource, MlcResource
from track_assets.services.http import RetryPolicy, ServiceHttpClient


class LateTransport(httpx.HTTPTransport):
    """Sends each request only after a random pause (the slot is already taken by then)."""

    def __init__(self, latency: float, rng: random.Random) -> None:
        super().__init__()
        self._latency = latency
        self._rng = rng

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self._rng.uniform(0.0, self._latency))
        return super().handle_request(request)


def serve(
    base_url: str,
    database_url: str,
    home: str,
    worker: str,
    count: str,
    max_requests: str,
    per_seconds: str,
    latency: str,
) -> None:
    os.environ["DAGSTER_HOME"] = home
    resource = MlcResource(
        max_requests=int(max_requests),
        per_seconds=float(per_seconds),
        database=DatabaseResource(url=database_url),
    )
    limiter = resource.rate_limiter("one-shared-account")
    transport = LateTransport(float(latency), random.Random(worker))
    with ServiceHttpClient(
        "mlc",
        base_url,
        rate_limiter=limiter,
        transport=transport,
        retry_policy=RetryPolicy(max_attempts=1),
    ) as client:
        print(type(limiter).__name__, flush=True)
        sys.stdin.readline()
        for _ in range(int(count)):
            client.get("/hammer", headers={"X-Worker": worker}).raise_for_status()
    limiter.close()


if __name__ == "__main__":
    serve(*sys.argv[1:])
