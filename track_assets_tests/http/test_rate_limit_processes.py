"""The file limiter holds across two OS processes hitting one real HTTP server. Time is the
test's: it sets both processes' limiter clocks, step by step, and says which one goes first, so
what each is granted at each step is known in advance (no sleeps, no race)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from track_assets_tests.http.server import Canned, ScriptedServer

REPO_ROOT = Path(__file__).resolve().parents[2]

# 2 requests per second. Each granted request is answered and released at the same clock
# reading, so its slot is free again exactly a second later.
# (clock reading, the process that goes first, what it gets and then what the other gets,
# each as (requests granted, seconds the next one would wait))
STEPS = [
    (0.00, "a", (2, 1.0), (0, 1.0)),  # the other process finds the shared budget spent
    (0.50, "b", (0, 0.5), (0, 0.5)),
    (0.99, "a", (0, 0.01), (0, 0.01)),
    (1.00, "b", (2, 1.0), (0, 1.0)),  # a second after the first two completed: the whole budget
    (2.10, "a", (2, 1.0), (0, 1.0)),
    (2.60, "b", (0, 0.5), (0, 0.5)),
    (3.50, "b", (2, 1.0), (0, 1.0)),
]


def test_two_processes_share_two_requests_per_second(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.always("/hammer", Canned(200))
    workers = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "track_assets_tests.http.limiter_worker",
                server.url,
                str(tmp_path / "limits"),
                name,
            ],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    }
    try:
        order = []
        for reading, first, *expected in STEPS:
            second = "b" if first == "a" else "a"
            for name, (granted, wait) in zip((first, second), expected, strict=True):
                answer = _step(workers[name], reading)
                assert answer["granted"] == granted, (reading, name, answer)
                assert answer["wait"] == pytest.approx(wait, abs=1e-6), (reading, name, answer)
                order += [name] * granted
    finally:
        for worker in workers.values():
            worker.stdin.close()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    assert [w.returncode for w in workers.values()] == [0, 0]
    # The server saw every granted request, from the process it was granted to, in that order.
    assert [r.headers["x-worker"] for r in server.requests("/hammer")] == order
    assert order == ["a", "a", "b", "b", "a", "a", "b", "b"]


def _step(worker: subprocess.Popen, reading: float) -> dict:
    """Set the worker's clock to `reading`; what it was granted before it was refused."""
    worker.stdin.write(f"{reading!r}\n")
    worker.stdin.flush()
    line = worker.stdout.readline()
    if not line:
        raise AssertionError(f"the limiter worker exited: {worker.stderr.read()[-2000:]}")
    return json.loads(line)
