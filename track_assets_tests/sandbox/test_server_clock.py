"""The sandbox clock: the real date by default, pinned by env/options/admin, advanced by days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


def test_a_pinned_clock_never_goes_back_when_the_real_clock_passes_midnight():
    real = [REAL]  # 22:30
    clock = SandboxClock(date(2025, 1, 31), real_now=lambda: real[0])
    seen = []
    for minutes in (0, 60, 89, 91, 24 * 60):  # past the real midnight, and a day later
        real[0] = REAL + timedelta(minutes=minutes)
        seen.append(clock.now())
    end_of_day = datetime(2025, 1, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert seen == [
        datetime(2025, 1, 31, 22, 30, tzinfo=UTC),
        datetime(2025, 1, 31, 23, 30, tzinfo=UTC),
        datetime(2025, 1, 31, 23, 59, tzinfo=UTC),
        end_of_day,  # time stands still at the end of the pinned day
        end_of_day,
    ]
    assert clock.today() == date(2025, 1, 31)
    assert clock.advance_days(1) == date(2025, 2, 1)
    assert clock.now() == datetime(2025, 2, 1, 22, 30, tzinfo=UTC)  # on from the real time


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
