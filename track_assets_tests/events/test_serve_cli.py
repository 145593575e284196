"""`track-assets events serve` as a real process: first stdout line, live events, SIGINT stop."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner
from websockets.sync.client import connect

from track_assets.cli import main
from track_assets.db.repository.activity import event_json
from track_assets_tests.events.conftest import record, stored


def first_line(process: subprocess.Popen, timeout: float) -> str:
    """The first stdout line, or "" when none comes within `timeout` seconds."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return process.stdout.readline()


@pytest.mark.timeout(90)
def test_serve_announces_its_url_streams_events_and_stops_on_sigint(engine, database_url, tmp_path):
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path),
        "TRACK_ASSETS_DATABASE_URL": database_url,
    }
    stderr = (tmp_path / "stderr.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "track_assets.cli", "events", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
        text=True,
    )
    try:
        line = first_line(process, timeout=30)
        assert line, f"no first line; stderr:\n{(tmp_path / 'stderr.log').read_text()}"
        announced = json.loads(line)
        assert announced["database"] == engine.dialect.name
        assert announced["url"].startswith("ws://127.0.0.1:") and announced["url"].endswith("/")

        with connect(announced["url"], proxy=None, open_timeout=10) as ws:
            ids = record(engine, "first", "second", "third")
            got = [json.loads(ws.recv(timeout=10)) for _ in ids]
        assert got == [event_json(entry) for entry in stored(engine, ids)]

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert process.stdout.read() == ""  # only the one line on stdout
        log = (tmp_path / "stderr.log").read_text()
        assert "event feed stopped" in log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        stderr.close()


@pytest.mark.timeout(60)
def test_serve_stops_on_sigterm_too(sqlite_url, tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "TRACK_ASSETS_DATABASE_URL": sqlite_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "track_assets.cli", "events", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert json.loads(first_line(process, timeout=30))["database"] == "sqlite"
        process.terminate()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_a_port_in_use_is_one_clear_error(sqlite_url, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main,
            ["events", "serve", "--port", str(port)],
            env={"DAGSTER_HOME": str(tmp_path), "TRACK_ASSETS_DATABASE_URL": sqlite_url},
        )
    assert result.exit_code == 1
    assert f"cannot serve events on 127.0.0.1:{port}" in result.output
