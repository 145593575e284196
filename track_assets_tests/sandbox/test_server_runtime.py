"""The runtime file in DAGSTER_HOME and `serve()` as the CLI runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from track_assets.sandbox.context import EmulatorSpec
from track_assets.sandbox.credentials import MUSICBRAINZ_SANDBOX_CONTACT
from track_assets.sandbox.runtime_file import (
    SandboxRuntime,
    ServiceRuntime,
    read_runtime_file,
    remove_runtime_file,
    runtime_file_path,
    write_runtime_file,
)
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import SANDBOX_RUNTIME_FILENAME, load_settings

URL_KEYS = {
    "spotify_api": ("base", "accounts"),
    "spotify_web": ("base", "pathfinder", "spclient"),
    "chartmetric": ("base",),
    "mlc": ("base",),
    "musicbrainz": ("base",),
}
CREDENTIAL_NAMES = {
    "spotify_api": {"SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"},
    "spotify_web": {"SPOTIFY_SP_DC"},
    "chartmetric": {"CHARTMETRIC_REFRESH_TOKEN"},
    "mlc": {"MLC_USERNAME", "MLC_PASSWORD"},
    "musicbrainz": {"MUSICBRAINZ_CONTACT"},
}


def _hello_app(context) -> Starlette:
    async def hello(request):
        return PlainTextResponse(context.service)

    return Starlette(routes=[Route("/", hello)])


PROJECT_EMULATORS = [
    EmulatorSpec(name, _hello_app, url_keys=keys) for name, keys in URL_KEYS.items()
]


def test_the_runtime_file_has_the_exact_format_and_goes_away_on_stop(tmp_path):
    path = tmp_path / SANDBOX_RUNTIME_FILENAME
    with SandboxServer(PROJECT_EMULATORS, runtime_dir=tmp_path) as server:
        written = json.loads(path.read_text())
        assert list(written) == ["services", "admin", "pid", "started_at"]
        assert list(written["services"]) == list(URL_KEYS)
        for name, entry in written["services"].items():
            assert list(entry) == ["urls", "credentials"]
            assert entry["urls"] == {key: server.base_url(name) for key in URL_KEYS[name]}
            assert set(entry["credentials"]) == CREDENTIAL_NAMES[name]
            assert all(isinstance(v, str) and v for v in entry["credentials"].values())
            assert httpx.get(entry["urls"]["base"] + "/").text == name
        assert written["services"]["musicbrainz"]["credentials"] == {
            "MUSICBRAINZ_CONTACT": MUSICBRAINZ_SANDBOX_CONTACT
        }
        assert written["admin"] == server.admin_url
        assert written["pid"] == os.getpid()
        started = datetime.fromisoformat(written["started_at"])
        assert started.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - started) < timedelta(minutes=1)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds credentials
        assert written == server.runtime.as_dict()
    assert not path.exists()
    assert os.listdir(tmp_path) == []  # no temp file left behind either


def test_the_pipeline_settings_read_the_runtime_file(tmp_path):
    with SandboxServer(PROJECT_EMULATORS, runtime_dir=tmp_path) as server:
        settings = load_settings({"DAGSTER_HOME": str(tmp_path)})
        for name in URL_KEYS:
            service = settings.service(name)
            assert service.sandbox
            assert dict(service.base_urls) == server.urls[name]
            assert dict(service.credentials) == server.credentials(name)


def test_a_runtime_file_of_another_process_is_left_alone(tmp_path):
    other = SandboxRuntime(
        services={"mlc": ServiceRuntime({"base": "http://127.0.0.1:1"}, {"MLC_USERNAME": "u"})},
        admin="http://127.0.0.1:2",
        pid=os.getpid() + 1,
        started_at=datetime.now(UTC),
    )
    write_runtime_file(tmp_path, other)
    assert remove_runtime_file(tmp_path) is False
    assert read_runtime_file(tmp_path) == other.as_dict()
    assert remove_runtime_file(tmp_path, pid=other.pid) is True
    assert not runtime_file_path(tmp_path).exists()


SERVE_SCRIPT = textwrap.dedent(
    """
    import sys
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from track_assets.sandbox.context import EmulatorSpec
    from track_assets.sandbox.options import SandboxOptions
    from track_assets.sandbox.serve import serve

    def app(context):
        async def hello(request):
            return PlainTextResponse("hello from " + context.catalog)
        return Starlette(routes=[Route("/", hello)])

    serve(
        [EmulatorSpec("mlc", app)],
        "tiny catalog",
        SandboxOptions(seed=3),
        sys.argv[1],
        ready_callback=lambda server: print("ready", file=sys.stderr, flush=True),
    )
    """
)


def _first_line(process: subprocess.Popen, timeout: float = 20) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))
    reader.start()
    reader.join(timeout)
    if not line:
        process.kill()
        pytest.fail(f"serve() printed nothing in {timeout} s; stderr: {process.stderr.read()}")
    return line[0]


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_prints_the_runtime_line_first_and_cleans_up_on_a_signal(tmp_path, stop_signal):
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE_SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = json.loads(_first_line(process))
        assert read_runtime_file(tmp_path) == printed
        assert printed["pid"] == process.pid
        assert set(printed["services"]["mlc"]["credentials"]) == {"MLC_USERNAME", "MLC_PASSWORD"}
        base = printed["services"]["mlc"]["urls"]["base"]
        assert httpx.get(base + "/").text == "hello from tiny catalog"
        assert httpx.get(printed["admin"] + "/health").json()["pid"] == process.pid

        process.send_signal(stop_signal)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert stdout == ""  # exactly one line was printed
    assert stderr.strip() == "ready"
    assert not runtime_file_path(tmp_path).exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(base + "/")
