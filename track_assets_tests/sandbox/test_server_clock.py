"""The sandbox clock: the real date by default, pinned by env/options/admin, advanced by days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from track_assets.sandbox.clock import SANDBOX_DATE_VARIABLE, SandboxClock
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer

REAL = datetime(2026, 8, 23, 22, 30, tzinfo=UTC)


def test_the_clock_follows_the_real_date_until_pinned():
    clock = SandboxClock(real_now=lambda: REAL)
    assert (clock.today(), clock.pinned) == (date(2026, 8, 23), False)
    clock.set_date(date(2025, 1, 31))
    assert clock.now() == datetime(2025, 1, 31, 22, 30, tzinfo=UTC)  # real time of day
    assert clock.advance_days(1) == date(2025, 2, 1)
    assert clock.seconds_until_tomorrow() == pytest.approx(90 * 60)
    clock.follow_real_date()
    assert clock.today() == date(2026, 8, 23)


def test_the_date_comes_from_the_environment_unless_options_pin_it():
    environ = {SANDBOX_DATE_VARIABLE: "2026-02-11"}
    assert SandboxClock.from_environ(environ).today() == date(2026, 2, 11)
    assert SandboxClock.from_environ(environ, date(2026, 3, 9)).today() == date(2026, 3, 9)
    assert SandboxClock.from_environ({SANDBOX_DATE_VARIABLE: ""}).pinned is False
    with pytest.raises(ValueError, match="TRACK_ASSETS_SANDBOX_DATE='2026/02/11' is not a date"):
        SandboxClock.from_environ({SANDBOX_DATE_VARIABLE: "2026/02/11"})


def test_a_sandbox_started_with_the_variable_serves_that_date(emulators):
    environ = {SANDBOX_DATE_VARIABLE: "2026-07-23"}
    with SandboxServer(emulators, environ=environ) as server:
        assert httpx.get(server.admin_url + "/clock").json()["date"] == "2026-07-23"
        token = server.credentials("echo")["ECHO_TOKEN"]
        item = httpx.get(
            server.base_url("echo") + "/v1/items/1", headers={"Authorization": f"Bearer {token}"}
        )
        assert item.json()["today"] == "2026-07-23"
    with SandboxServer(
        emulators, options=SandboxOptions(date=date(2026, 1, 1)), environ=environ
    ) as pinned:
        assert pinned.clock.today() == date(2026, 1, 1)
