"""The WebSocket feed served in-process, with real websockets clients, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from track_assets.db.notify import notify_events
from track_assets.db.repository.activity import append_activity, event_json
from track_assets_tests.events.conftest import FeedThread, record, stored

# Under the 5 s safety poll: on PostgreSQL only NOTIFY can deliver this fast.
RECEIVE_TIMEOUT = 3.0


def client(url: str) -> ClientConnection:
    return connect(url, proxy=None, open_timeout=10)


@contextmanager
def client_after_stop(engine) -> Iterator[ClientConnection]:
    """A client connected to a feed that has since been stopped."""
    with FeedThread(engine) as feed:
        ws = client(feed.url)
    with ws:
        yield ws


def receive(ws: ClientConnection, count: int) -> list[dict]:
    return [json.loads(ws.recv(timeout=RECEIVE_TIMEOUT)) for _ in range(count)]


def assert_nothing_more(ws: ClientConnection, wait: float = 0.7) -> None:
    with pytest.raises(TimeoutError):
        ws.recv(timeout=wait)


@pytest.mark.timeout(60)
def test_clients_get_each_new_event_once_in_order_and_replay_after_an_id(engine):
    old = record(engine, "recorded before the feed started")
    with FeedThread(engine) as feed, client(feed.url) as live:
        first = record(engine, "one", "two", "three")
        second = record(engine, "four", "five")
        ids = first + second

        got = receive(live, 5)
        assert got == [event_json(entry) for entry in stored(engine, ids)]
        assert_nothing_more(live)

        with (
            client(f"{feed.url}?after={ids[1]}") as replaying,
            client(f"{feed.url}?after=0") as from_start,
        ):
            assert [e["id"] for e in receive(replaying, 3)] == ids[2:]
            assert [e["id"] for e in receive(from_start, 6)] == old + ids
            [newest] = record(engine, "six")
            for ws in (live, replaying, from_start):
                assert [e["id"] for e in receive(ws, 1)] == [newest]
                assert_nothing_more(ws, wait=0.3)


@pytest.mark.timeout(60)
def test_a_client_gets_only_what_was_recorded_after_it_connected(engine):
    with FeedThread(engine) as feed:
        before = record(engine, "before the client")  # the feed may not have read it yet
        with client(feed.url) as ws:
            after = record(engine, "after the client")
            assert [e["id"] for e in receive(ws, 1)] == after
            assert_nothing_more(ws)
        assert before[0] < after[0]


@pytest.mark.postgres
@pytest.mark.timeout(60)
def test_an_event_committed_out_of_id_order_is_delivered_in_order(pg_engine):
    with FeedThread(pg_engine) as feed, client(feed.url) as ws:
        with pg_engine.connect() as slow:
            lower = append_activity(slow, "test_event", "slow transaction")
            notify_events(slow, [lower])
            [higher] = record(pg_engine, "fast transaction")
            assert_nothing_more(ws, wait=1.5)  # past the 1 s gap grace: the writer is alive
            slow.commit()
        assert [e["id"] for e in receive(ws, 2)] == [lower, higher]


@pytest.mark.parametrize("query", ["?after=-1", "?after=abc", "?after=1&after=2"])
@pytest.mark.timeout(60)
def test_a_bad_request_is_refused_with_400(sqlite_engine, query):
    with FeedThread(sqlite_engine) as feed:
        with pytest.raises(InvalidStatus) as refused:
            client(feed.url + query)
        assert refused.value.response.status_code == 400
        assert b"after" in refused.value.response.body
        with pytest.raises(InvalidStatus):
            client(feed.url + "elsewhere")


@pytest.mark.timeout(60)
def test_stopping_the_feed_closes_clients_as_going_away(sqlite_engine):
    with client_after_stop(sqlite_engine) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd.code == 1001
