"""Every server the project starts listens on the loopback interface unless told otherwise: each
is started as a user starts it (a real process), asked something, and the sockets its process
tree listens on are listed from /proc. `dagster dev` as `make dev` starts it is checked on the
suite's one dagster dev start, in test_dagster_dev.py."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from track_assets_tests.support.dagster_dev import stop_process_group
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES
from track_assets_tests.support.sockets import (
    Listener,
    assert_loopback_only,
    listening_sockets,
    read_proc_address,
)

CLI = str(Path(sys.executable).with_name("track-assets"))


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES}
    return {**environ, "DAGSTER_HOME": str(tmp_path)}


@contextmanager
def serving(argv: list[str], env: dict[str, str], log: Path) -> Iterator[tuple[int, dict]]:
    """A server started as a user starts it, in a process group of its own; yields its pid and
    the JSON object it announces on its first stdout line. Stopped with SIGINT (Ctrl-C), then
    whatever of its group is left is killed, whether the test passed or not."""
    with open(log, "w+") as stderr:
        process = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                line = process.stdout.readline() if selector.select(60) else ""
            assert line, f"{argv[1:]} announced nothing within 60 s: {log.read_text()[-2000:]}"
            yield process.pid, json.loads(line)
        finally:
            stop_process_group(process, timeout=30)
            process.stdout.close()


def test_the_sandbox_listens_on_loopback_only(env, tmp_path):
    """`track-assets sandbox serve` with its defaults: every emulator and the admin endpoint."""
    with serving([CLI, "sandbox", "serve"], env, tmp_path / "sandbox.log") as (pid, announced):
        assert httpx.get(f"{announced['admin']}/health", timeout=10).status_code == 200
        listeners = listening_sockets(pid)
    tcp = assert_loopback_only(listeners, "track-assets sandbox serve")
    announced_ports = {httpx.URL(announced["admin"]).port} | {
        httpx.URL(url).port
        for service in announced["services"].values()
        for url in service["urls"].values()
    }
    # The list is the server's own: each announced service has its socket in it, and no more.
    assert {listener.port for listener in tcp} == announced_ports, listeners


def test_the_event_feed_listens_on_loopback_by_default(env, tmp_path):
    """`track-assets events serve` with its default host (on a free port: 8765, the default
    port, may be taken by a developer's own feed)."""
    argv = [CLI, "events", "serve", "--port", "0"]
    with serving(argv, env, tmp_path / "feed.log") as (pid, announced):
        with connect(announced["url"], proxy=None, open_timeout=10):
            pass  # it answers: a WebSocket handshake completes
        listeners = listening_sockets(pid)
    [listener] = assert_loopback_only(listeners, "track-assets events serve")
    assert announced["url"] == f"ws://127.0.0.1:{listener.port}/"


def test_the_event_feed_listens_where_it_is_configured_to(env, tmp_path):
    """--host is honoured: another loopback address, so nothing is exposed by the test."""
    argv = [CLI, "events", "serve", "--host", "127.0.0.2", "--port", "0"]
    with serving(argv, env, tmp_path / "feed.log") as (pid, announced):
        with connect(announced["url"], proxy=None, open_timeout=10):
            pass
        listeners = listening_sockets(pid)
    assert [(lst.kind, lst.host) for lst in listeners] == [("tcp", "127.0.0.2")], listeners
    assert announced["url"] == f"ws://127.0.0.2:{listeners[0].port}/"


@pytest.mark.parametrize(
    ("proc_address", "host", "loopback_only"),
    [
        ("0100007F", "127.0.0.1", True),
        ("0200007F", "127.0.0.2", False),  # loopback, but not what a server binds by default
        ("00000000", "0.0.0.0", False),
        ("0101A8C0", "192.168.1.1", False),
        ("00000000000000000000000001000000", "::1", True),
        ("00000000000000000000000000000000", "::", False),
        ("0000000000000000FFFF00000100007F", "::ffff:7f00:1", True),
    ],
)
def test_proc_addresses_are_read_and_only_loopback_passes(proc_address, host, loopback_only):
    """How /proc/net/tcp and tcp6 write an address, and what the check above lets through."""
    assert read_proc_address(proc_address) == host
    assert Listener(1, "server", "tcp", host=host, port=80).on_loopback_only is loopback_only
