"""The sliding-window limiters in one process, on a fake clock: the file limiter, and the
PostgreSQL one on a real server (its SQL given the fake clock's readings instead of the
database's). A slot is held from its grant until its release, then for a window after."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from track_assets.db.engine import make_engine
from track_assets.db.rate_limits import PostgresRateLimiter
from track_assets.db.tables import rate_limit_grants
from track_assets.services.http import (
    FileRateLimiter,
    Grant,
    NullRateLimiter,
    SlidingWindowLimiter,
    hold_for,
)
from track_assets_tests.http.fakes import FakeTime

START = 1_000_000.0  # FakeTime's


@dataclass
class Limiters:
    """Limiters of one kind sharing one store and one fake clock."""

    kind: str
    fake: FakeTime
    make: Callable[..., SlidingWindowLimiter]
    stored: Callable[[], list[str]]  # what the store holds, as text


@pytest.fixture(params=["file", pytest.param("postgres", marks=pytest.mark.postgres)])
def limiters(request, tmp_path: Path) -> Iterator[Limiters]:
    fake = FakeTime(START)
    made: list[SlidingWindowLimiter] = []
    url = None
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        request.getfixturevalue("engine_at_head")(url).dispose()

    def make(
        key: str = "client-id",
        max_requests: int = 2,
        per_seconds: float = 1.0,
        hold_seconds: float = 5.0,
        sleep: Callable[[float], None] = fake.sleep,
    ) -> SlidingWindowLimiter:
        limits = ("spotify_api", key, max_requests, per_seconds, url or tmp_path)
        kind = PostgresRateLimiter if url else FileRateLimiter
        limiter = kind(*limits, hold_seconds=hold_seconds, clock=fake.clock, sleep=sleep)
        made.append(limiter)
        return limiter

    def stored() -> list[str]:
        if url is None:
            return [f"{path.name} {path.read_text()}" for path in tmp_path.glob("*.json")]
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                return [str(tuple(row)) for row in conn.execute(select(rate_limit_grants))]
        finally:
            engine.dispose()

    yield Limiters(request.param, fake, make, stored)
    for limiter in made:
        limiter.close()


def used_at(limiters: Limiters, limiter: SlidingWindowLimiter, count: int) -> list[float]:
    """When each of `count` requests was granted, each released as soon as granted."""
    times = []
    for _ in range(count):
        with limiter.slot():
            times.append(limiters.fake.now - START)
    return times


def test_window_slides_from_each_completion(limiters: Limiters) -> None:
    limit = limiters.make()
    assert used_at(limiters, limit, 1) == [0.0]
    limiters.fake.now += 0.5
    assert used_at(limiters, limit, 1) == [0.5]
    # The third waits for the first to leave the window, not for a fixed window to end.
    assert used_at(limiters, limit, 2) == pytest.approx([1.0, 1.5])


def test_bursts_of_max_requests_per_window(limiters: Limiters) -> None:
    limit = limiters.make()
    assert used_at(limiters, limit, 6) == pytest.approx([0.0, 0.0, 1.0, 1.0, 2.0, 2.0])


def test_a_pending_grant_holds_its_slot_until_released_then_for_a_window(
    limiters: Limiters,
) -> None:
    fake = limiters.fake

    def sleep_then_release_the_first(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.sleeps) == 1:
            limit.release(first)  # its response is back, 4 s after its grant

    limit = limiters.make(sleep=sleep_then_release_the_first)
    first, _ = limit.acquire(), limit.acquire()
    fake.now += 3.0  # both requests still in flight, long after a window
    third = limit.acquire()
    # It waited for a slot a pending grant might free (a window from then), then for the
    # first one's window to pass from its completion: granted 5 s in, not 1 s in.
    assert fake.now - START == pytest.approx(5.0)
    assert fake.sleeps == pytest.approx([1.0, 1.0])
    assert third.waited == pytest.approx(2.0)


def test_release_counts_the_slot_from_the_completion(limiters: Limiters) -> None:
    fake = limiters.fake
    limit = limiters.make(max_requests=1)
    grant = limit.acquire()
    fake.now += 0.4  # the response takes 0.4 s
    limit.release(grant)
    assert limit.acquire().waited == pytest.approx(1.0)
    assert fake.now - START == pytest.approx(1.4)


def test_an_expired_pending_grant_frees_its_slot(limiters: Limiters) -> None:
    fake = limiters.fake
    limit = limiters.make(max_requests=1, hold_seconds=5.0)
    dead = limit.acquire()  # its process dies mid-request: never released
    # Counted as completed at its expiry (5 s), so the slot is free a window after that.
    assert limit.acquire().waited == pytest.approx(6.0)
    assert fake.now - START == pytest.approx(6.0)
    fake.now += 10.0
    limit.release(dead)  # a release long after (forgotten by then) changes nothing
    assert limit.acquire().waited == 0.0


def test_limiters_share_a_budget_per_service_and_credential(limiters: Limiters) -> None:
    first, second = limiters.make(), limiters.make()
    other_credential = limiters.make(key="another-client-id")
    used_at(limiters, first, 1)
    used_at(limiters, second, 1)
    assert other_credential.acquire().waited == 0.0
    assert first.acquire().waited == pytest.approx(1.0)


def test_stored_grants_never_show_the_credential_and_stay_bounded(limiters: Limiters) -> None:
    limit = limiters.make(key="s3cr3t-client-id")
    used_at(limiters, limit, 10)
    stored = limiters.stored()
    assert stored
    assert not any("s3cr3t" in text for text in stored)
    if limiters.kind == "file":
        (text,) = stored
        assert len(json.loads(text.split(" ", 1)[1])["completed"]) <= 2
    else:
        assert len(stored) <= 3  # the two in the window, and one more until the next grant


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{not json",
        "[1000000.0]",
        '{"completed": [1, "x"], "pending": {}}',
        '{"completed": [NaN], "pending": {}}',
        '{"completed": [], "pending": {"t": true}}',
        '{"completed": [], "pending": []}',
        "\x00\x01",
    ],
)
def test_corrupt_state_counts_as_no_grants(tmp_path: Path, content: str) -> None:
    fake = FakeTime(START)
    limit = FileRateLimiter(
        "spotify_api", "client-id", 1, 1.0, tmp_path, clock=fake.clock, sleep=fake.sleep
    )
    limit.path.write_text(content)
    grant = limit.acquire()
    assert grant.waited == 0.0
    assert json.loads(limit.path.read_text())["pending"] == {grant.token: START + 40.0}


def test_a_grant_is_held_for_the_request_timeout_and_a_margin() -> None:
    assert hold_for(30.0) == 40.0


@pytest.mark.parametrize("max_requests, per_seconds", [(0, 30.0), (1, 0.0), (1, float("inf"))])
def test_rejects_an_impossible_limit(tmp_path: Path, max_requests: int, per_seconds: float) -> None:
    with pytest.raises(ValueError, match="spotify_api"):
        FileRateLimiter("spotify_api", "key", max_requests, per_seconds, tmp_path)
    with pytest.raises(ValueError, match="spotify_api"):
        PostgresRateLimiter(
            "spotify_api", "key", max_requests, per_seconds, "postgresql+psycopg2://u@h/db"
        )


def test_the_postgresql_limiter_refuses_another_database() -> None:
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        PostgresRateLimiter("mlc", "key", 1, 1.0, "sqlite:///x.sqlite")


@pytest.mark.postgres
def test_the_database_clock_decides_not_the_callers(postgres_url, engine_at_head, monkeypatch):
    engine_at_head(postgres_url).dispose()
    waits = []

    def refuse(seconds: float) -> None:
        waits.append(seconds)
        raise TimeoutError

    here = PostgresRateLimiter("mlc", "key", 1, 0.5, postgres_url)
    there = PostgresRateLimiter("mlc", "key", 1, 0.5, postgres_url, sleep=refuse)
    try:
        with here.slot():
            pass
        # The other machine's clock is centuries ahead: the window is still the database's.
        monkeypatch.setattr("time.time", lambda: 1e10)
        with pytest.raises(TimeoutError):
            there.acquire()
        assert 0.0 < waits[0] <= 0.5
    finally:
        here.close()
        there.close()


def test_null_grants_release_nothing() -> None:
    limiter = NullRateLimiter()
    with limiter.slot() as grant:
        assert grant == Grant("")
