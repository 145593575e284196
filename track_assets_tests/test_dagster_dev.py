"""`dagster dev -w workspace.yaml` really serves the code location (webserver + daemon)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import httpx
import pytest

from track_assets_tests.support.dagster_dev import REPO_ROOT, dagster_dev
from track_assets_tests.support.postgres import free_port

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
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    with dagster_dev(port, env, stderr=subprocess.PIPE, stop_timeout=30) as process:
        entries = _wait_for_locations(f"http://127.0.0.1:{port}/graphql", process)
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
