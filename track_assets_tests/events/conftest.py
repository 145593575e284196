"""Fixtures: a migrated database per test, and the feed served from a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy.engine import Engine

from track_assets.db.notify import notify_events
from track_assets.db.records import ActivityEntry
from track_assets.db.repository.activity import activity_since, append_activity
from track_assets.events import EventFeed, FeedAddress


@pytest.fixture
def engine(database_url: str, engine_at_head) -> Iterator[Engine]:
    engine = engine_at_head(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str, engine_at_head) -> Iterator[Engine]:
    engine = engine_at_head(sqlite_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def pg_engine(postgres_url: str, engine_at_head) -> Iterator[Engine]:
    engine = engine_at_head(postgres_url)
    try:
        yield engine
    finally:
        engine.dispose()


def record(engine: Engine, *messages: str, kind: str = "test_event") -> list[int]:
    """Append one entry per message in one transaction, announced as phase 7 does; their ids."""
    with engine.begin() as conn:
        ids = [
            append_activity(conn, kind, message, payload={"n": n}, playlist_id="pl1")
            for n, message in enumerate(messages)
        ]
        notify_events(conn, ids)
    return ids


def stored(engine: Engine, ids: Sequence[int]) -> list[ActivityEntry]:
    with engine.connect() as conn:
        rows = activity_since(conn, min(ids) - 1, limit=len(ids) + 100)
    return [row for row in rows if row.id in set(ids)]


class FeedThread:
    """An EventFeed on 127.0.0.1 (free port) in a thread with its own event loop."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._ready = threading.Event()
        self._address: FeedAddress | None = None
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="event feed", daemon=True)

    @property
    def url(self) -> str:
        assert self._address is not None
        return self._address.url

    def __enter__(self) -> FeedThread:
        self._thread.start()
        if not self._ready.wait(30) or self._address is None:
            raise RuntimeError(f"the feed did not start: {self._failure!r}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        assert not self._thread.is_alive(), "the feed did not stop"
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as failure:
            self._failure = failure
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()

        def ready(address: FeedAddress) -> None:
            self._address = address
            self._ready.set()

        await EventFeed(self._engine).serve("127.0.0.1", 0, stop=self._stop, ready=ready)
