"""The server base over real HTTP: loopback ports, contexts, clean start and stop."""

from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from track_assets.sandbox.context import EmulatorSpec
from track_assets.sandbox.hosting import HostError
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer


def _port(url: str) -> int:
    return urlsplit(url).port or 0


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_each_emulator_and_the_admin_get_their_own_loopback_port(sandbox, echo_headers):
    urls = sandbox.urls
    assert urls["echo"]["base"] == urls["echo"]["accounts"] == sandbox.base_url("echo")
    bases = [sandbox.base_url("echo"), sandbox.base_url("scores"), sandbox.admin_url]
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in bases)
    assert len({_port(url) for url in bases}) == 3

    item = httpx.get(sandbox.base_url("echo") + "/v1/items/42", headers=echo_headers)
    assert item.status_code == 200
    assert item.json()["id"] == "42"
    artist = httpx.get(sandbox.base_url("scores") + "/ws/2/artist/abc")
    assert artist.status_code == 200
    assert artist.text == '<metadata><artist id="abc"/></metadata>'
    health = httpx.get(sandbox.admin_url + "/health").json()
    assert health["status"] == "ok"
    assert health["services"] == {
        "echo": sandbox.base_url("echo"),
        "scores": sandbox.base_url("scores"),
    }


def test_stop_closes_every_port_and_leaves_no_thread_or_socket(emulators):
    with SandboxServer(emulators):  # the first uvloop loop of a process opens a few fds for good
        pass
    threads_before = set(threading.enumerate())
    fds_before = _open_fds()

    server = SandboxServer(emulators)
    urls = server.start()
    client = httpx.Client()  # keeps its connections alive across requests
    for name in ("echo", "scores"):
        client.get(urls[name] + "/nowhere")
    client.get(urls["admin"] + "/health")
    server.stop()
    client.close()

    for url in urls.values():
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection(("127.0.0.1", _port(url)), timeout=1),
        ):
            pass
        with socket.socket() as probe:  # the port can be bound again
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", _port(url)))
    assert set(threading.enumerate()) == threads_before
    assert _open_fds() == fds_before
    server.stop()  # a second stop is harmless


def test_the_context_manager_stops_when_its_body_raises(emulators):
    threads_before = set(threading.enumerate())
    with pytest.raises(RuntimeError, match="boom"), SandboxServer(emulators) as server:
        url = server.base_url("scores")
        raise RuntimeError("boom")
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/ws/2/artist/x")
    assert set(threading.enumerate()) == threads_before


def test_fixed_ports_are_used_and_a_busy_port_fails_start_cleanly(emulators):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        threads_before = set(threading.enumerate())
        server = SandboxServer(emulators, options=SandboxOptions(ports={"scores": busy}))
        with pytest.raises(HostError, match=f"127.0.0.1:{busy} for scores"):
            server.start()
        assert set(threading.enumerate()) == threads_before

    with socket.socket() as finder:
        finder.bind(("127.0.0.1", 0))
        free = finder.getsockname()[1]
    with SandboxServer(emulators, options=SandboxOptions(ports={"admin": free})) as server:
        assert server.admin_url == f"http://127.0.0.1:{free}"
        assert httpx.get(server.admin_url + "/health").status_code == 200


def test_an_emulator_gets_catalog_settings_credentials_and_its_urls(emulators):
    seen = {}

    def recording_app(context):
        seen["context"] = context
        return emulators[1].app_factory(context)

    spec = EmulatorSpec("mlc", recording_app)
    options = SandboxOptions(seed=5, tier="extended", settings={"mlc": {"token_lifetime": 60}})
    with SandboxServer([spec], catalog={"works": 3}, options=options) as server:
        context = seen["context"]
        assert context.catalog == {"works": 3}
        assert context.settings == {"tier": "extended", "token_lifetime": 60}
        assert context.tier == "extended"
        assert context.base_url == server.base_url("mlc")
        assert context.urls == {"base": server.base_url("mlc")}
        assert set(context.credentials) == {"MLC_USERNAME", "MLC_PASSWORD"}
        credentials = dict(context.credentials)

    with SandboxServer([spec], options=SandboxOptions(seed=5)) as again:
        assert again.credentials("mlc") == credentials  # a seed fixes the credentials
    with SandboxServer([spec]) as unseeded:
        assert unseeded.credentials("mlc") != credentials


def test_a_failing_emulator_factory_fails_start_and_releases_everything(emulators):
    def broken(context):
        raise LookupError("catalog has no tracks")

    threads_before = set(threading.enumerate())
    server = SandboxServer([*emulators, EmulatorSpec("broken", broken)])
    with pytest.raises(LookupError, match="catalog has no tracks"):
        server.start()
    assert set(threading.enumerate()) == threads_before
    assert not server.running


def test_configuration_mistakes_are_refused_with_the_names_involved(emulators):
    with pytest.raises(ValueError, match="repeated: echo"):
        SandboxServer([emulators[0], emulators[0]])
    with pytest.raises(ValueError, match=r"unknown service.*spotify_api"):
        SandboxServer(emulators, options=SandboxOptions(faults={"spotify_api": {"error_rate": 1}}))
    with pytest.raises(ValueError, match="tier 'premium'"):
        SandboxOptions(tier="premium")
    server = SandboxServer(
        emulators, options=SandboxOptions(limits={"echo": {"daily": {"limit": 1}}})
    )
    with pytest.raises(ValueError, match=r"daily.*declared: rolling, bucket"):
        server.start()
