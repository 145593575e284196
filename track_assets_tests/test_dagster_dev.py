"""`dagster dev -w workspace.yaml` really serves the code location (webserver + daemon)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from track_assets_tests.support.postgres import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
LOCATIONS_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name
    locationOrLoadError { __typename ... on PythonError { message } }
} } } }
"""


@pytest.mark.slow
def test_dagster_dev_loads_the_track_assets_location(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    dagster = Path(sys.executable).with_name("dagster")
    process = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # dagster dev stops cleanly on SIGINT; a non-interactive parent may have it ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        entries = _wait_for_locations(f"http://127.0.0.1:{port}/graphql", process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert [e["name"] for e in entries] == ["track_assets"]
    assert entries[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation"


def _wait_for_locations(url: str, process: subprocess.Popen, timeout: float = 90) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dagster dev exited: {process.stderr.read().decode()[-2000:]}")
        try:
            response = httpx.post(url, json={"query": LOCATIONS_QUERY}, timeout=5)
            entries = response.json()["data"]["workspaceOrError"]["locationEntries"]
            if entries and entries[0]["locationOrLoadError"] is not None:
                return entries
        except (httpx.TransportError, KeyError, TypeError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError("dagster dev did not load the code location in time")
