"""The live event feed: one shared activity_log reader, fanned out to WebSocket clients.

Each client gets every event as one text frame of `event_json`, in id order; `?after=<id>`
replays from the database first. PostgreSQL wakes the reader by NOTIFY, SQLite is polled.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import psycopg2
import psycopg2.extensions
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from track_assets.db.notify import EVENTS_CHANNEL, listen_connection, pending_ids
from track_assets.db.records import ActivityEntry
from track_assets.db.repository.activity import activity_since, event_json
from track_assets.events.reader import PAGE_SIZE, ActivityReader

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_SECONDS = 0.5  # SQLite, or PostgreSQL while LISTEN is down
SAFETY_POLL_SECONDS = 5.0  # PostgreSQL with LISTEN: only for a missed notification
GAP_POLL_SECONDS = 0.25  # while rows wait behind an id that may still commit
RELISTEN_SECONDS = 5.0
# A client this far behind is closed (1013) and reconnects with ?after=<last id it got>.
MAX_QUEUED_EVENTS = 10_000

_GONE = "gone"  # queue sentinels: the client left, or fell behind
_BEHIND = "behind"


@dataclass(frozen=True)
class FeedAddress:
    """Where the feed listens and which database it reads (`postgresql` or `sqlite`)."""

    url: str
    database: str


class FeedRequestError(ValueError):
    """A client asked for something the feed does not serve; the message says what to send."""


def requested_after(path: str) -> int | None:
    """The `after` id of a request path like `/?after=42` (None without one)."""
    parts = urlsplit(path)
    if parts.path not in ("", "/"):
        raise FeedRequestError(f"no feed at {parts.path!r}; connect to / (optionally /?after=<id>)")
    values = parse_qs(parts.query, keep_blank_values=True).get("after")
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit():
        raise FeedRequestError(
            f"after={values[-1]!r} is not an activity id; send ?after=<non-negative integer>"
        )
    return int(values[0])


class _Client:
    def __init__(self, websocket: ServerConnection, last_sent: int) -> None:
        self.websocket = websocket
        self.last_sent = last_sent
        self.queue: asyncio.Queue[tuple[int, str] | str] = asyncio.Queue()

    async def send(self, activity_id: int, frame: str) -> None:
        if activity_id > self.last_sent:
            await self.websocket.send(frame)
            self.last_sent = activity_id


class EventFeed:
    """Serves the events of `engine`'s activity_log over WebSocket until `stop` is set."""

    def __init__(self, engine: Engine, *, max_queued: int = MAX_QUEUED_EVENTS) -> None:
        self._engine = engine
        self._database = engine.dialect.name
        self._reader = ActivityReader(self._database)
        self._max_queued = max_queued
        self._delivered = 0  # the reader's cursor, as far as clients have been told
        self._clients: set[_Client] = set()
        self._wake = asyncio.Event()
        self._read_lock = asyncio.Lock()
        self._listener: psycopg2.extensions.connection | None = None
        self._listener_fd = -1
        # Where each handshaking client starts: fixed before the handshake completes.
        self._starts: weakref.WeakKeyDictionary[ServerConnection, int] = weakref.WeakKeyDictionary()
        self._next_listen_at = 0.0

    async def serve(
        self,
        host: str,
        port: int,
        *,
        stop: asyncio.Event,
        ready: Callable[[FeedAddress], None] | None = None,
    ) -> None:
        """Listen on `host:port` (0: a free port), call `ready`, and serve until `stop` is set."""
        await self._listen()
        self._delivered = await self._in_thread(self._reader.start_at_latest)
        follower = asyncio.create_task(self._follow(), name="activity reader")
        try:
            async with serve(self._handle, host, port, process_request=self._accept) as server:
                bound_port = next(iter(server.sockets)).getsockname()[1]
                address = FeedAddress(f"ws://{_url_host(host)}:{bound_port}/", self._database)
                log.info(
                    "event feed on %s, %s activity_log after id %d",
                    address.url,
                    address.database,
                    self._delivered,
                )
                if ready is not None:
                    ready(address)
                stopping = asyncio.create_task(stop.wait())
                await asyncio.wait({stopping, follower}, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if follower.done():
                    follower.result()  # the reader died of a bug: fail loudly
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
            self._unlisten()
        log.info("event feed stopped")

    # --- the shared reader ---------------------------------------------------------------------

    async def _follow(self) -> None:
        failing = False
        while True:
            self._wake.clear()
            await self._listen()
            try:
                await self._read_and_broadcast()
            except SQLAlchemyError as error:
                if not failing:
                    log.warning("reading activity_log failed, retrying: %s", error)
                failing = True
            else:
                if failing:
                    log.info("reading activity_log works again")
                failing = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds())

    def _poll_seconds(self) -> float:
        if self._reader.waiting_on_gap:
            return GAP_POLL_SECONDS
        return SAFETY_POLL_SECONDS if self._listener is not None else POLL_SECONDS

    async def _read_and_broadcast(self) -> None:
        async with self._read_lock:
            entries = await self._in_thread(self._reader.read_new)
            for entry in entries:
                self._broadcast(entry)

    def _broadcast(self, entry: ActivityEntry) -> None:
        frame = event_frame(entry)
        self._delivered = entry.id
        for client in list(self._clients):
            if client.queue.qsize() >= self._max_queued:
                self._clients.discard(client)
                client.queue.put_nowait(_BEHIND)
            else:
                client.queue.put_nowait((entry.id, frame))

    async def _in_thread(self, read: Callable[[Connection], T]) -> T:
        def run() -> T:
            with self._engine.connect() as conn:
                return read(conn)

        return await asyncio.to_thread(run)

    # --- PostgreSQL LISTEN ---------------------------------------------------------------------

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()
        if self._database != "postgresql" or self._listener is not None:
            return
        if loop.time() < self._next_listen_at:
            return
        self._next_listen_at = loop.time() + RELISTEN_SECONDS
        try:
            self._listener = await asyncio.to_thread(listen_connection, self._engine.url)
        except psycopg2.Error as error:
            log.warning("LISTEN %s failed, polling meanwhile: %s", EVENTS_CHANNEL, error)
            return
        self._listener_fd = self._listener.fileno()
        loop.add_reader(self._listener_fd, self._on_notified)
        log.info("listening on PostgreSQL channel %s", EVENTS_CHANNEL)

    def _on_notified(self) -> None:
        if self._listener is None:
            return
        try:
            if pending_ids(self._listener):
                self._wake.set()
        except psycopg2.Error as error:
            log.warning("the LISTEN connection broke, polling until it is back: %s", error)
            self._unlisten()
            self._wake.set()

    def _unlisten(self) -> None:
        if self._listener is None:
            return
        asyncio.get_running_loop().remove_reader(self._listener_fd)
        self._listener.close()
        self._listener = None

    # --- clients -------------------------------------------------------------------------------

    async def _accept(self, websocket: ServerConnection, request: Request) -> Response | None:
        """Check the request and fix where the client starts, before its handshake completes."""
        try:
            after = requested_after(request.path)
        except FeedRequestError as error:
            return websocket.respond(HTTPStatus.BAD_REQUEST, f"{error}\n")
        if after is None:
            # "Recorded after it connected": after the newest row now, not after the last poll.
            try:
                await self._read_and_broadcast()
            except SQLAlchemyError as error:
                log.warning("catching up for a new client failed: %s", error)
            after = self._delivered
        self._starts[websocket] = after
        return None

    async def _handle(self, websocket: ServerConnection) -> None:
        after = self._starts.pop(websocket)
        # No await before registering: nothing can be broadcast between these two lines.
        client = _Client(websocket, after)
        self._clients.add(client)
        replay_until = self._delivered
        log.info("client %s joined after id %d", websocket.remote_address, after)
        incoming = asyncio.create_task(_until_closed(websocket, client))
        try:
            await self._replay(client, after, replay_until)
            item = await client.queue.get()
            while isinstance(item, tuple):
                await client.send(*item)
                item = await client.queue.get()
            if item == _BEHIND:
                await websocket.close(
                    1013, f"fell behind; reconnect with ?after={client.last_sent}"
                )
        except ConnectionClosed:
            pass
        except SQLAlchemyError as error:  # the replay could not read the database
            log.warning("replay for client %s failed: %s", websocket.remote_address, error)
            await websocket.close(
                1011, f"database unavailable; reconnect with ?after={client.last_sent}"
            )
        finally:
            self._clients.discard(client)
            incoming.cancel()
            log.info("client %s left at id %d", websocket.remote_address, client.last_sent)

    async def _replay(self, client: _Client, after: int, until: int) -> None:
        """Send the rows in (after, until] from the database; later ones come from the queue."""
        position = after
        while position < until:
            entries = await self._in_thread(
                lambda conn, start=position: activity_since(conn, start, limit=PAGE_SIZE)
            )
            for entry in entries:
                if entry.id > until:
                    return
                await client.send(entry.id, event_frame(entry))
            if len(entries) < PAGE_SIZE:
                return
            position = entries[-1].id


def event_frame(entry: ActivityEntry) -> str:
    """The text frame of one event: its `event_json`, compact."""
    return json.dumps(event_json(entry), separators=(",", ":"), sort_keys=True)


async def _until_closed(websocket: ServerConnection, client: _Client) -> None:
    """Read (and ignore) what the client sends, so its close is noticed; then wake its sender."""
    try:
        async for _ in websocket:
            pass
    except ConnectionClosed:
        pass
    finally:
        client.queue.put_nowait(_GONE)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
