"""Fixtures: a real local HTTP receiver (the scripted server of the HTTP layer tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from track_assets_tests.http.server import ScriptedServer

HOOK_PATH = "/hooks/track-assets"
SECRET = "s3cret-for-tests"


@pytest.fixture
def receiver() -> Iterator[ScriptedServer]:
    running = ScriptedServer().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def hook_url(receiver: ScriptedServer) -> str:
    return receiver.url + HOOK_PATH
