"""Backoff bounds and Retry-After parsing, without any HTTP."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from track_assets.services.http import RetryPolicy, parse_retry_after


def test_backoff_grows_within_jitter_bounds_and_respects_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    rng = random.Random(7)
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0), (9, 4.0)]:
        delays = [policy.backoff_delay(retry, rng) for _ in range(200)]
        assert min(delays) >= ceiling / 2
        assert max(delays) <= ceiling


def test_backoff_is_reproducible_with_a_seeded_random() -> None:
    policy = RetryPolicy()
    first = [policy.backoff_delay(n, random.Random(42)) for n in range(1, 5)]
    again = [policy.backoff_delay(n, random.Random(42)) for n in range(1, 5)]
    assert first == again


@pytest.mark.parametrize(
    ("header", "expected"),
    [("1", 1.0), (" 30 ", 30.0), ("48925", 48925.0), ("2.5", 2.5)],
)
def test_retry_after_in_seconds(header: str, expected: float) -> None:
    assert parse_retry_after(header) == expected


@pytest.mark.parametrize("header", [None, "", "0", "-3", "soon", "nan", "inf"])
def test_retry_after_missing_zero_or_garbage_means_use_backoff(header: str | None) -> None:
    assert parse_retry_after(header) is None


def test_retry_after_as_http_date() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    future = format_datetime(now + timedelta(seconds=90), usegmt=True)
    past = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(future, now=now) == 90.0
    assert parse_retry_after(past, now=now) is None


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="base_delay"):
        RetryPolicy(base_delay=5.0, max_delay=1.0)
