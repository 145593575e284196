"""The file-backed sliding-window limiter in one process, on a fake clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from track_assets.services.http import FileRateLimiter
from track_assets_tests.http.fakes import FakeTime


def limiter(state_dir: Path, fake: FakeTime, key: str = "client-id", **kwargs) -> FileRateLimiter:
    kwargs.setdefault("safety_margin", 0.01)
    return FileRateLimiter(
        "spotify_api", key, 2, 1.0, state_dir, clock=fake.clock, sleep=fake.sleep, **kwargs
    )


def grant_times(limiter: FileRateLimiter, fake: FakeTime, count: int) -> list[float]:
    times = []
    for _ in range(count):
        limiter.acquire()
        times.append(fake.now - 1_000_000.0)
    return times


def test_window_slides_from_each_grant(tmp_path: Path) -> None:
    fake = FakeTime()
    limit = limiter(tmp_path, fake)
    assert limit.acquire() == 0.0
    fake.now += 0.5
    assert limit.acquire() == 0.0
    # The third waits for the first grant to leave the window, not for a fixed window to end.
    assert grant_times(limit, fake, 2) == pytest.approx([1.01, 1.51])


def test_bursts_of_max_requests_per_window(tmp_path: Path) -> None:
    fake = FakeTime()
    assert grant_times(limiter(tmp_path, fake), fake, 6) == pytest.approx(
        [0.0, 0.0, 1.01, 1.01, 2.02, 2.02]
    )


def test_limiters_share_a_budget_per_service_and_credential(tmp_path: Path) -> None:
    fake = FakeTime()
    first, second = limiter(tmp_path, fake), limiter(tmp_path, fake)
    other_credential = limiter(tmp_path, fake, key="another-client-id")
    first.acquire()
    second.acquire()
    assert other_credential.acquire() == 0.0
    assert first.acquire() == pytest.approx(1.01)


def test_state_file_never_shows_the_credential_and_stays_bounded(tmp_path: Path) -> None:
    fake = FakeTime()
    limit = limiter(tmp_path, fake, key="s3cr3t-client-id")
    grant_times(limit, fake, 10)
    assert "s3cr3t" not in limit.path.name
    text = limit.path.read_text()
    assert "s3cr3t" not in text
    assert len(json.loads(text)) == 2


@pytest.mark.parametrize("content", ["", "{not json", '{"a": 1}', '[1, "x"]', "[NaN]", "\x00\x01"])
def test_corrupt_state_counts_as_no_grants(tmp_path: Path, content: str) -> None:
    fake = FakeTime()
    limit = limiter(tmp_path, fake)
    limit.path.write_text(content)
    assert limit.acquire() == 0.0
    assert json.loads(limit.path.read_text()) == [fake.now]


def test_default_safety_margin_scales_with_the_window(tmp_path: Path) -> None:
    def margin(per_seconds: float) -> float:
        return FileRateLimiter("svc", "key", 1, per_seconds, tmp_path).safety_margin

    assert margin(30.0) == pytest.approx(0.9)
    assert margin(1.0) == pytest.approx(0.03)
    assert margin(0.1) == pytest.approx(0.01)


def test_rejects_an_impossible_limit(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="spotify_api"):
        FileRateLimiter("spotify_api", "key", 0, 30.0, tmp_path)
