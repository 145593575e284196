"""Request counters fed by real HTTP traffic, and the delta an asset reports for one run."""

from __future__ import annotations

import random

from track_assets.services.http import RequestCounters, RetryPolicy, ServiceHttpClient
from track_assets_tests.http.server import Canned, ScriptedServer

POLICY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


def test_counts_by_service_endpoint_and_status_and_delta(server: ScriptedServer) -> None:
    server.always("/v1/tracks/a", Canned(200))
    server.always("/v1/tracks/b", Canned(404))
    server.script("/v1/tracks/c", Canned(500), Canned(429, {"Retry-After": "0"}), Canned(200))
    server.always("/ws/2/recording", Canned(200))
    counters = RequestCounters()
    spotify = ServiceHttpClient(
        "spotify_api", server.url, counters=counters, retry_policy=POLICY, rng=random.Random(3)
    )
    musicbrainz = ServiceHttpClient("musicbrainz", server.url, counters=counters)
    with spotify, musicbrainz:
        for track_id in ("a", "b", "c"):
            spotify.get(f"/v1/tracks/{track_id}", endpoint="GET /v1/tracks/{id}")
        musicbrainz.get("/ws/2/recording")
        before = counters.snapshot()
        spotify.get("/v1/tracks/a", endpoint="GET /v1/tracks/{id}")
        spotify.get("/v1/tracks/a", endpoint="GET /v1/tracks/{id}")
        delta = counters.since(before)

    assert counters.total() == 8
    assert counters.total("spotify_api") == 7
    assert counters.total("musicbrainz") == 1
    assert counters.total("chartmetric") == 0

    spotify_before = before["spotify_api"]
    assert spotify_before["total"] == 5
    assert spotify_before["retries"] == 2
    assert spotify_before["backoff_seconds"] > 0
    assert spotify_before["by_status"] == {"200": 2, "404": 1, "429": 1, "500": 1}
    assert spotify_before["by_endpoint"] == {
        "GET /v1/tracks/{id}": {
            "total": 5,
            "by_status": {"200": 2, "404": 1, "429": 1, "500": 1},
        }
    }
    assert before["musicbrainz"]["by_endpoint"] == {
        "GET /ws/2/recording": {"total": 1, "by_status": {"200": 1}}
    }

    assert delta == {
        "spotify_api": {
            "total": 2,
            "retries": 0,
            "token_refreshes": 0,
            "malformed_bodies": 0,
            "backoff_seconds": 0.0,
            "rate_limit_wait_seconds": 0.0,
            "by_status": {"200": 2},
            "by_endpoint": {"GET /v1/tracks/{id}": {"total": 2, "by_status": {"200": 2}}},
        }
    }


def test_counters_are_safe_across_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    counters = RequestCounters()

    def record_many(_: int) -> None:
        for _ in range(1000):
            counters.record("chartmetric", "GET /api/track/{id}", 200)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record_many, range(8)))
    assert counters.total("chartmetric") == 8000
