"""Fixtures for the HTTP layer tests: a scripted local server that is always stopped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from track_assets_tests.http.server import ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    running = ScriptedServer().start()
    try:
        yield running
    finally:
        running.stop()
