"""Machines sharing one budget through PostgreSQL: separate OS processes, each with a
DAGSTER_HOME of its own (nothing shared on disk, as on two machines), send requests through the
limiter the service resources choose, to one real HTTP server that records when each request
arrived. Counted from those arrivals, no rolling window holds more than the limit, even when a
process pauses between its grant and its send (which a limiter counting grant times lets
through); with a file limiter per machine the same runs exceed it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from track_assets_tests.http.server import Canned, ScriptedServer

REPO_ROOT = Path(__file__).resolve().parents[2]
LIMIT, WINDOW = 3, 0.3  # requests per window, shared by every machine


def most_in_a_window(arrivals: list[float], window: float) -> int:
    """The most arrivals in any closed interval `window` seconds long."""
    times = sorted(arrivals)
    return max(
        sum(1 for later in times[i:] if later - start <= window) for i, start in enumerate(times)
    )


def run_machines(
    server: ScriptedServer,
    database_url: str | None,
    folder: Path,
    *,
    machines: int,
    count: int,
    window: float = WINDOW,
    latency: float = 0.0,
) -> tuple[set[str], list[float]]:
    """Each machine sends `count` requests, all starting at once; the kinds of limiter they
    used, and the server's arrival times."""
    server.always("/hammer", Canned(200))
    workers = []
    for n in range(machines):
        home = folder / f"machine-{n}" / "dagster_home"
        home.mkdir(parents=True)
        url = database_url or f"sqlite:///{home / 'track_assets.sqlite'}"
        arguments = (url, str(home), str(n), str(count), str(LIMIT), str(window), str(latency))
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "track_assets_tests.http.machine_worker",
                    server.url,
                    *arguments,
                ],
                cwd=REPO_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        kinds = {worker.stdout.readline().strip() for worker in workers}  # all set up
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            worker.stdin.close()
            worker.wait(timeout=60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    failed = [worker.stderr.read()[-2000:] for worker in workers if worker.returncode != 0]
    assert failed == []
    arrivals = [request.arrived_at for request in server.requests("/hammer")]
    assert len(arrivals) == machines * count
    return kinds, arrivals


@pytest.mark.postgres
@pytest.mark.parametrize("latency", [0.0, WINDOW / 2], ids=["sent-at-once", "sent-late"])
def test_machines_sharing_postgresql_never_exceed_the_limit(
    server, postgres_url, engine_at_head, tmp_path, latency
):
    engine_at_head(postgres_url).dispose()
    kinds, arrivals = run_machines(
        server, postgres_url, tmp_path, machines=3, count=4 * LIMIT, latency=latency
    )
    assert kinds == {"PostgresRateLimiter"}
    assert most_in_a_window(arrivals, WINDOW) == LIMIT


def test_machines_with_a_file_limiter_each_exceed_it(server, tmp_path):
    # A budget each: both bursts arrive within a second, twice the limit.
    kinds, arrivals = run_machines(server, None, tmp_path, machines=2, count=LIMIT, window=1.0)
    assert kinds == {"FileRateLimiter"}
    assert most_in_a_window(arrivals, 1.0) == 2 * LIMIT
