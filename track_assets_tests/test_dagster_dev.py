"""`make dev` really serves the code location (sandbox, webserver, daemon, code server), on the
loopback interface only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from track_assets.settings import SANDBOX_RUNTIME_FILENAME
from track_assets_tests.support.dagster_dev import REPO_ROOT
from track_assets_tests.support.make_dev import make_dev
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES
from track_assets_tests.support.postgres import free_port
from track_assets_tests.support.sockets import assert_loopback_only, listening_sockets

pytestmark = pytest.mark.slow

LOCATIONS_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name
    locationOrLoadError { __typename ... on PythonError { message } }
} } } }
"""


@dataclass
class Dev:
    home: Path
    port: int
    process: subprocess.Popen
    locations: list


@pytest.fixture(scope="module")
def dev(tmp_path_factory) -> Iterator[Dev]:
    """What `make dev` runs, on a free port and a DAGSTER_HOME of its own (the repository's
    dagster.yaml), until the code location has loaded."""
    home = tmp_path_factory.mktemp("make_dev") / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES}
    env["DAGSTER_HOME"] = str(home)
    port = free_port()
    with (
        open(home.parent / "make-dev.log", "w+b") as log,
        make_dev(port, env, log) as process,
    ):
        locations = _wait_for_locations(f"http://127.0.0.1:{port}/graphql", process, log)
        yield Dev(home, port, process, locations)


def test_make_dev_loads_the_track_assets_location(dev):
    assert [e["name"] for e in dev.locations] == ["track_assets"]
    assert dev.locations[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation"


def test_make_dev_listens_on_loopback_only(dev):
    """Every socket of make dev's process tree (scripts/with_sandbox, the sandbox, dagster dev,
    its webserver, daemon and code servers, and any run the sensors launched meanwhile)."""
    listeners = listening_sockets(dev.process.pid)
    tcp = assert_loopback_only(listeners, "make dev")
    runtime = json.loads((dev.home / SANDBOX_RUNTIME_FILENAME).read_text())
    sandbox_ports = {httpx.URL(runtime["admin"]).port} | {
        httpx.URL(url).port
        for service in runtime["services"].values()
        for url in service["urls"].values()
    }
    report = "\n".join(f"  {listener}" for listener in listeners)
    assert {dev.port, *sandbox_ports} <= {listener.port for listener in tcp}, report
    # The code servers are in the tree too (gRPC over a unix socket here, or a loopback port).
    assert any(
        "code-server" in listener.command or "api grpc" in listener.command
        for listener in listeners
    ), report


def _wait_for_locations(url: str, process: subprocess.Popen, log, timeout: float = 90) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"make dev exited: {log.read().decode()[-2000:]}")
        try:
            response = httpx.post(url, json={"query": LOCATIONS_QUERY}, timeout=5)
            entries = response.json()["data"]["workspaceOrError"]["locationEntries"]
            if entries and entries[0]["locationOrLoadError"] is not None:
                return entries
        except (httpx.TransportError, KeyError, TypeError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError("make dev did not load the code location in time")
