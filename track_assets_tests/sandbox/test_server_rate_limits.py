"""Rate-limit primitives: exact rules on a fake clock, then 429/503 and violations over real HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from track_assets.sandbox.clock import SandboxClock
from track_assets.sandbox.counters import ServiceCounters
from track_assets.sandbox.rate_limits import (
    DailyQuota,
    LimitMode,
    ServiceLimits,
    SlidingWindow,
    TokenBucket,
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_800_000_000.0 + self.now

    def at(self, seconds: float) -> FakeTime:
        self.now = 100.0 + seconds
        return self


def _window(fake: FakeTime, **settings) -> SlidingWindow:
    return SlidingWindow(
        "spotify_api.rolling", monotonic=fake.monotonic, wall=fake.wall, **settings
    )


def test_sliding_window_refuses_past_n_in_w_and_says_when_to_retry():
    fake = FakeTime()
    window = _window(fake, limit=3, window=30.0)
    remaining = []
    for second in (0, 1, 2):
        fake.at(second)
        remaining.append(window.hit("app-1").remaining)
    assert remaining == [2, 1, 0]

    fake.at(10)
    refused = window.hit("app-1")
    assert (refused.allowed, refused.violation) == (False, True)
    assert refused.retry_after == pytest.approx(20.0)  # the first request leaves at t=30
    assert refused.retry_after_seconds == 20
    assert refused.reset_at == pytest.approx(fake.wall() + 20.0)
    assert window.hit("app-2").allowed  # another client has its own window

    fake.at(29.9)
    assert not window.hit("app-1").allowed
    fake.at(30.0)
    accepted = window.hit("app-1")
    assert accepted.allowed
    assert accepted.remaining == 0
    assert accepted.reset_epoch >= fake.wall() + 1  # the t=1 request leaves at t=31


def test_sliding_window_can_count_refused_requests_against_the_client():
    fake = FakeTime()
    window = _window(fake, limit=1, window=1.0, count_rejected=True)
    assert window.hit("k").allowed
    fake.at(0.9)
    assert not window.hit("k").allowed
    fake.at(1.5)  # the first left the window, the refused one at 0.9 has not
    refused = window.hit("k")
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(1.0)  # this refused request counts too
    fake.at(2.5)
    assert window.hit("k").allowed


def test_token_bucket_allows_jitter_within_tolerance_but_not_drift():
    fake = FakeTime()
    bucket = TokenBucket(
        "musicbrainz.per_ip",
        rate=1.0,
        burst=1,
        tolerance=0.05,
        monotonic=fake.monotonic,
        wall=fake.wall,
    )
    assert bucket.hit("ua").allowed
    fake.at(0.97)
    assert bucket.hit("ua").allowed  # 30 ms early: jitter
    fake.at(1.94)  # due at 2.0; 60 ms early is beyond the tolerance (no credit was earned)
    refused = bucket.hit("ua")
    assert refused.violation
    assert refused.retry_after == pytest.approx(0.06)

    paced = TokenBucket("mb", rate=1.0, monotonic=fake.monotonic, wall=fake.wall)
    violations = 0
    for n in range(50):
        fake.at(10 + n * 1.01)
        violations += paced.hit("careful").violation
    assert violations == 0


def test_token_bucket_burst_and_remaining():
    fake = FakeTime()
    bucket = TokenBucket(
        "b", rate=2.0, burst=3, tolerance=0.0, monotonic=fake.monotonic, wall=fake.wall
    )
    assert [bucket.hit("k").remaining for _ in range(3)] == [2, 1, 0]
    refused = bucket.hit("k")
    assert refused.violation
    assert refused.retry_after == pytest.approx(0.5)
    fake.at(0.5)
    assert bucket.hit("k").allowed


def test_daily_quota_follows_the_sandbox_day():
    real = datetime(2026, 5, 2, 10, 0, tzinfo=UTC)
    clock = SandboxClock(pinned=date(2026, 3, 1), real_now=lambda: real)
    quota = DailyQuota("spotify_api.daily", limit=2, clock=clock)
    assert [quota.hit("dev-account").allowed for _ in range(3)] == [True, True, False]
    refused = quota.hit("dev-account")
    assert refused.retry_after == pytest.approx(14 * 3600)  # until the emulated midnight
    assert quota.used("dev-account") == 2
    clock.advance_days(1)
    assert quota.hit("dev-account").allowed
    quota.reset()
    assert quota.used("dev-account") == 0


def test_observe_mode_serves_but_counts_and_off_counts_nothing():
    fake = FakeTime()
    counters = ServiceCounters("chartmetric")
    limits = ServiceLimits(
        "chartmetric",
        SandboxClock(),
        counters,
        default_mode=LimitMode.OBSERVE,
        monotonic=fake.monotonic,
        wall=fake.wall,
    )
    window = limits.sliding_window("per_token", limit=1, window=1.0)
    decisions = [window.hit("token") for _ in range(3)]
    assert all(decision.allowed for decision in decisions)
    assert [decision.violation for decision in decisions] == [False, True, True]
    assert counters.snapshot().violations == {"per_token": 2}

    limits.configure("per_token", {"mode": "off"})
    assert all(window.hit("token").allowed for _ in range(5))
    assert counters.snapshot().violations == {"per_token": 2}


def test_limits_take_overrides_and_refuse_bad_settings():
    limits = ServiceLimits(
        "mlc", SandboxClock(), overrides={"per_user": {"limit": 50, "mode": "observe"}}
    )
    limiter = limits.sliding_window("per_user", limit=5, window=1.0)
    assert limiter.settings() == {
        "kind": "sliding_window",
        "mode": "observe",
        "limit": 50,
        "window": 1.0,
        "count_rejected": False,
    }
    with pytest.raises(ValueError, match=r"mlc\.per_user\.limit must be a whole number >= 1"):
        limits.configure("per_user", {"limit": 0})
    with pytest.raises(ValueError, match="unknown setting 'rate'"):
        limits.configure("per_user", {"rate": 3})
    with pytest.raises(ValueError, match="'fast' is not one of enforce, observe, off"):
        limits.configure("per_user", {"mode": "fast"})
    with pytest.raises(ValueError, match="has no limiter 'other'"):
        limits.configure("other", {"limit": 1})
    assert limiter.settings()["limit"] == 50  # nothing half-applied
    with pytest.raises(ValueError, match="already has a limiter named 'per_user'"):
        limits.token_bucket("per_user", rate=1)


def test_rolling_window_answers_429_with_retry_after_over_http(sandbox, echo_headers):
    with httpx.Client(base_url=sandbox.base_url("echo"), headers=echo_headers) as client:
        responses = [client.get("/v1/limited") for _ in range(4)]
        other_client = client.get("/v1/limited", headers={"Authorization": "Bearer other"})
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.json().get("remaining") for r in responses[:3]] == [2, 1, 0]
    assert responses[3].headers["retry-after"] == "2"  # 3 per 2 s, all sent just now
    assert other_client.status_code == 200
    assert sandbox.counters.snapshot("echo").violations == {"rolling": 1}


def test_token_bucket_counts_a_too_fast_client_but_not_one_pacing_at_1_05_s(sandbox):
    fake = FakeTime()  # the limiters' time moves only when the test moves it
    sandbox.limits("echo").use_clock(fake.monotonic, fake.wall)
    url = sandbox.base_url("echo") + "/v1/paced"
    with httpx.Client(headers={"User-Agent": "hasty/1.0"}) as hasty:
        assert [hasty.get(url).status_code for _ in range(2)] == [200, 503]
    assert sandbox.counters.snapshot("echo").violations == {"bucket": 1}

    statuses = []
    with httpx.Client(headers={"User-Agent": "careful/1.0 ( ops@example.invalid )"}) as careful:
        for n in range(5):
            fake.at(n * 1.05)
            statuses.append(careful.get(url).status_code)
    assert statuses == [200] * 5
    assert sandbox.counters.snapshot("echo").violations == {"bucket": 1}
