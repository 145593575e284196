"""`track-assets sandbox generate|playlists|serve` as a user runs them (real subprocesses)."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from track_assets.sandbox.catalog import generate_catalog, load_catalog
from track_assets.settings import SERVICE_NAMES, load_settings
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES

CLI = [str(Path(sys.executable).with_name("track-assets"))]


def run_cli(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=check
    )


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if key not in OUTSIDE_VARIABLES}
    return {**environ, "DAGSTER_HOME": str(tmp_path / "home")}


def test_generate_writes_the_same_bytes_for_the_same_seed(env, tmp_path):
    first, second, other = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    args = ("--playlists", "3", "--tracks", "40")
    run_cli("sandbox", "generate", "--seed", "5", *args, "-o", str(first), env=env)
    run_cli("sandbox", "generate", "--seed", "5", *args, "-o", str(second), env=env)
    run_cli("sandbox", "generate", "--seed", "6", *args, "-o", str(other), env=env)
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    assert len(load_catalog(first).playlists) == 3


@pytest.mark.parametrize(
    ("why", "args", "exit_code", "message"),
    [
        ("too few tracks", ("generate", "--tracks", "2"), 2, "at least"),
        ("bad date", ("generate", "--reference-date", "yesterday"), 2, "not a date"),
        ("catalog and seed", ("serve", "--catalog", "{catalog}", "--seed", "3"), 2, "exclude"),
        ("bad tier", ("serve", "--tier", "premium"), 2, "premium"),
        ("bad limit", ("serve", "--limit", "chartmetric=10"), 2, "SERVICE.LIMITER=N/SECONDS"),
        ("unknown service", ("serve", "--limit", "spotify.requests=10/1"), 2, "spotify"),
        ("bad catalog", ("serve", "--catalog", "{broken}"), 1, "$.playlists[0].id"),
    ],
)
def test_bad_input_is_a_clear_message_and_a_failure(env, tmp_path, why, args, exit_code, message):
    catalog = tmp_path / "ok.json"
    catalog.write_text(json.dumps(generate_catalog(1, 3, 40)))
    broken = tmp_path / "broken.json"
    data = generate_catalog(1, 3, 40)
    data["playlists"][0]["id"] = "not-an-id"
    broken.write_text(json.dumps(data))
    argv = [a.format(catalog=catalog, broken=broken) for a in args]
    result = run_cli("sandbox", *argv, env=env, check=False)
    assert result.returncode == exit_code, (why, result.stderr)
    assert message in result.stderr, (why, result.stderr)
    assert "Traceback" not in result.stderr, why


def test_playlists_prints_urls_that_playlists_add_accepts(env):
    urls = run_cli(
        "sandbox", "playlists", "--seed", "4", "--playlists", "3", "--tracks", "40", env=env
    ).stdout.split()
    assert len(urls) == 3
    assert all(url.startswith("https://open.spotify.com/playlist/") for url in urls)
    assert any(
        url.endswith(
            tuple(p.id for p in load_catalog(generate_catalog(4, 3, 40)).playlists if p.editorial)
        )
        for url in urls
    )


def test_serve_announces_every_service_serves_them_and_stops_on_interrupt(env):
    process = subprocess.Popen(
        [
            *CLI,
            "sandbox",
            "serve",
            "--playlists",
            "3",
            "--tracks",
            "40",
            "--date",
            "2026-11-10",
            "--limit",
            "chartmetric.requests=7/2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        announced = json.loads(process.stdout.readline())
        assert set(announced["services"]) == set(SERVICE_NAMES)
        runtime_file = Path(env["DAGSTER_HOME"]) / "sandbox.json"
        assert json.loads(runtime_file.read_text()) == announced

        # The pipeline's settings, with no credentials set, resolve to this sandbox.
        settings = load_settings(env)
        api = settings.service("spotify_api")
        assert api.sandbox and api.url() == announced["services"]["spotify_api"]["urls"]["base"]

        basic = base64.b64encode(
            f"{api.credentials['SPOTIFY_CLIENT_ID']}:{api.credentials['SPOTIFY_CLIENT_SECRET']}".encode()
        ).decode()
        token = httpx.post(
            f"{api.url('accounts')}/api/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert token.status_code == 200 and token.json()["expires_in"] == 3600

        mlc = settings.service("mlc")
        login = httpx.post(
            f"{mlc.url()}/oauth/token",
            json={
                "username": mlc.credentials["MLC_USERNAME"],
                "password": mlc.credentials["MLC_PASSWORD"],
            },
        )
        assert login.status_code == 200 and login.json()["idToken"]

        health = httpx.get(f"{announced['admin']}/health").json()
        assert set(health["services"]) == set(SERVICE_NAMES)
        assert httpx.get(f"{announced['admin']}/clock").json()["date"] == "2026-11-10"
        limits = httpx.get(f"{announced['admin']}/limits").json()
        assert "7" in json.dumps(limits["chartmetric"]), limits["chartmetric"]

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert not runtime_file.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_clock_moves_the_running_sandbox_and_the_pipeline_follows(env, tmp_path):
    from datetime import date

    from track_assets.pipeline_clock import pipeline_now
    from track_assets.sandbox.emulators import all_emulators
    from track_assets.sandbox.options import SandboxOptions
    from track_assets.sandbox.server import SandboxServer

    home = Path(env["DAGSTER_HOME"])
    catalog = load_catalog(generate_catalog(seed=3))
    options = SandboxOptions(seed=1, rate_limits="off", date=date(2026, 5, 31))
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=home):
        shown = json.loads(run_cli("sandbox", "clock", env=env).stdout)
        assert shown["date"] == "2026-05-31"
        moved = json.loads(run_cli("sandbox", "clock", "--advance-days", "1", env=env).stdout)
        assert moved["date"] == "2026-06-01"
        assert pipeline_now(load_settings({"DAGSTER_HOME": str(home)})).date() == date(2026, 6, 1)
        both = run_cli(
            "sandbox", "clock", "--advance-days", "1", "--date", "2026-01-01", env=env, check=False
        )
        assert both.returncode != 0 and "not both" in both.stderr
    stopped = run_cli("sandbox", "clock", env=env, check=False)
    assert stopped.returncode != 0 and "sandbox serve" in stopped.stderr
