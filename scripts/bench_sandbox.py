"""Throughput of the sandbox itself on loopback, rate limits off (the pipeline must never wait
on it): starts `track-assets sandbox serve` as a subprocess, as `make demo` does, and drives one
simple authenticated lookup per service from client threads for a fixed time.

    .venv/bin/python scripts/bench_sandbox.py [--seconds 5] [--threads 8]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from track_assets.sandbox.catalog import DEMO_PLAYLISTS, DEMO_SEED, DEMO_TRACKS, generate

Request = Callable[[httpx.Client], httpx.Response]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per service")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    catalog = generate(DEMO_SEED, DEMO_PLAYLISTS, DEMO_TRACKS)
    with tempfile.TemporaryDirectory() as home, running_sandbox(Path(home)) as runtime:
        requests = service_requests(runtime["services"], catalog)
        print(
            f"sandbox throughput, {args.threads} client threads, {args.seconds:g} s each, "
            "rate limits off (requests/second, all answered 200):"
        )
        total_requests = total_seconds = 0.0
        for name, request in requests.items():
            count, seconds, failures = drive(request, args.seconds, args.threads)
            total_requests += count
            total_seconds += seconds
            print(f"  {name:34} {count / seconds:8.0f}   ({count} requests, {failures} not 200)")
        print(f"  {'all':34} {total_requests / total_seconds:8.0f}")
    return 0


@contextlib.contextmanager
def running_sandbox(home: Path) -> Iterator[dict]:
    cli = Path(sys.executable).with_name("track-assets")
    process = subprocess.Popen(
        [str(cli), "sandbox", "serve", "--rate-limits", "off", "--tier", "extended"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield json.loads(process.stdout.readline())
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def service_requests(services: dict, catalog) -> dict[str, Request]:
    api = services["spotify_api"]
    basic = base64.b64encode(
        "{SPOTIFY_CLIENT_ID}:{SPOTIFY_CLIENT_SECRET}".format(**api["credentials"]).encode()
    ).decode()
    spotify_token = httpx.post(
        f"{api['urls']['accounts']}/api/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    ).json()["access_token"]
    track_id = catalog.tracks[0].id

    cm = services["chartmetric"]
    cm_token = httpx.post(
        f"{cm['urls']['base']}/api/token",
        json={"refreshtoken": cm["credentials"]["CHARTMETRIC_REFRESH_TOKEN"]},
    ).json()["token"]
    cm_id = catalog.cm_tracks[0].id

    mlc = services["mlc"]
    mlc_token = httpx.post(
        f"{mlc['urls']['base']}/oauth/token",
        json={
            "username": mlc["credentials"]["MLC_USERNAME"],
            "password": mlc["credentials"]["MLC_PASSWORD"],
        },
    ).json()["idToken"]
    song_code = catalog.mlc_works[0].song_code

    mb = services["musicbrainz"]
    mbid = catalog.mb_artists[0].mbid
    user_agent = f"track-assets-bench/1 ( {mb['credentials']['MUSICBRAINZ_CONTACT']} )"

    web = services["spotify_web"]
    return {
        "spotify_api GET /v1/tracks/{id}": lambda c: c.get(
            f"{api['urls']['base']}/v1/tracks/{track_id}",
            headers={"Authorization": f"Bearer {spotify_token}"},
        ),
        "spotify_web GET /track/{id} (page)": lambda c: c.get(
            f"{web['urls']['base']}/track/{track_id}"
        ),
        "chartmetric GET /api/track/{id}": lambda c: c.get(
            f"{cm['urls']['base']}/api/track/{cm_id}",
            headers={"Authorization": f"Bearer {cm_token}"},
        ),
        "mlc GET /work/id/{code}": lambda c: c.get(
            f"{mlc['urls']['base']}/work/id/{song_code}",
            headers={"Authorization": f"Bearer {mlc_token}"},
        ),
        "musicbrainz GET /ws/2/artist/{mbid}": lambda c: c.get(
            f"{mb['urls']['base']}/ws/2/artist/{mbid}",
            params={"inc": "url-rels aliases"},
            headers={"User-Agent": user_agent},
        ),
    }


def drive(request: Request, seconds: float, threads: int) -> tuple[int, float, int]:
    counts = [0] * threads
    failures = [0] * threads
    deadline = time.perf_counter() + seconds
    with httpx.Client(limits=httpx.Limits(max_connections=threads)) as client:
        first = request(client)
        if first.status_code != 200:
            raise SystemExit(f"warm-up request answered {first.status_code}: {first.text[:300]}")

        def worker(slot: int) -> None:
            while time.perf_counter() < deadline:
                if request(client).status_code != 200:
                    failures[slot] += 1
                counts[slot] += 1

        started = time.perf_counter()
        pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return sum(counts), time.perf_counter() - started, sum(failures)


if __name__ == "__main__":
    sys.exit(main())
