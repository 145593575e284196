"""Several ASGI apps, each on its own 127.0.0.1 port, served by uvicorn in one background thread.

All servers share one event loop (uvloop when installed). `DropConnection` raised by an app
resets the client's TCP connection with no response (RST), as a flaky network would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

LOOPBACK = "127.0.0.1"

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger(__name__)


class DropConnection(Exception):
    """Raised by an ASGI app (before it starts a response) to reset the client's connection."""


class HostError(RuntimeError):
    """The servers could not be started."""


class StopSignal:
    """Lets long waits inside request handlers end early when the servers stop."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> None:
        await self._event.wait()

    async def sleep(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if the full time passed, False if the servers stopped."""
        if seconds <= 0:
            return not self._event.is_set()
        try:
            await asyncio.wait_for(self._event.wait(), timeout=seconds)
        except TimeoutError:
            return True
        return False

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def _set_in_loop(self) -> None:
        self._event.set()

    def _trigger(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop stopped in the meantime
                self._loop.call_soon_threadsafe(self._event.set)


@dataclass
class _Site:
    name: str
    sock: socket.socket
    port: int
    server: uvicorn.Server | None = None


def _new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class LoopbackHost:
    """Bind ports first (`bind`), attach an app to each (`attach`), then `start` and `stop`."""

    def __init__(self, graceful_shutdown_seconds: float = 2.0) -> None:
        self._sites: dict[str, _Site] = {}
        self._graceful = graceful_shutdown_seconds
        self.stop_signal = StopSignal()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stop_requested: asyncio.Event | None = None
        self._stopped = False

    def bind(self, name: str, port: int = 0) -> str:
        """Listen-ready socket on 127.0.0.1 (`port` 0: a free one); returns its base URL."""
        if name in self._sites:
            raise ValueError(f"a server named {name!r} is already bound")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((LOOPBACK, port))
        except OSError as error:
            sock.close()
            raise HostError(f"cannot listen on {LOOPBACK}:{port} for {name}: {error}") from None
        bound_port = sock.getsockname()[1]
        self._sites[name] = _Site(name, sock, bound_port)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"http://{LOOPBACK}:{self._sites[name].port}"

    def port(self, name: str) -> int:
        return self._sites[name].port

    def attach(self, name: str, app: ASGIApp) -> None:
        site = self._sites[name]
        config = uvicorn.Config(
            _ConnectionDropper(app, self._connections_of(name)),
            interface="asgi3",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=self._graceful,
        )
        site.server = uvicorn.Server(config)

    def start(self, timeout: float = 10.0) -> None:
        missing = [site.name for site in self._sites.values() if site.server is None]
        if missing:
            raise HostError(f"no app attached to {', '.join(missing)}")
        self._thread = threading.Thread(target=self._run, name="sandbox-http", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise HostError(f"the sandbox servers did not start within {timeout} s")
        if self._startup_error is not None:
            error = self._startup_error
            self.stop()
            raise HostError(f"the sandbox servers failed to start: {error!r}") from error

    def stop(self, timeout: float = 15.0) -> None:
        """Stop every server, end hanging handlers, join the thread, close the sockets."""
        if self._stopped:
            return
        self._stopped = True
        self.stop_signal._trigger()
        loop, stop_requested = self._loop, self._stop_requested
        if loop is not None and stop_requested is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop_requested.set)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.error("the sandbox server thread did not stop within %s s", timeout)
        for site in self._sites.values():
            site.sock.close()

    def _connections_of(self, name: str) -> Callable[[], set[Any]]:
        def connections() -> set[Any]:
            server = self._sites[name].server
            return server.server_state.connections if server is not None else set()

        return connections

    def _run(self) -> None:
        loop = _new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        except BaseException as error:  # reported to start(); the thread must not die silently
            if not self._ready.is_set():
                self._startup_error = error
            else:
                logger.exception("the sandbox server loop failed")
        finally:
            self._ready.set()
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)
            loop.close()

    async def _main(self) -> None:
        self._stop_requested = asyncio.Event()
        self.stop_signal._bind(asyncio.get_running_loop())
        sites = [site for site in self._sites.values() if site.server is not None]
        tasks = {
            site.name: asyncio.create_task(site.server.serve(sockets=[site.sock]))
            for site in sites
            if site.server is not None
        }
        try:
            while not all(site.server is not None and site.server.started for site in sites):
                for name, task in tasks.items():
                    if task.done():
                        cause = None if task.cancelled() else task.exception()
                        raise HostError(f"the {name} server exited during startup") from cause
                if self._stopped:
                    break
                await asyncio.sleep(0.005)
            self._ready.set()
            if not self._stopped:
                await self._stop_requested.wait()
        finally:
            self.stop_signal._set_in_loop()
            for site in sites:
                if site.server is not None:
                    site.server.should_exit = True
            await asyncio.gather(*tasks.values(), return_exceptions=True)


class _ConnectionDropper:
    """Outermost ASGI layer: turns `DropConnection` into a TCP reset of that very connection."""

    def __init__(self, app: ASGIApp, connections: Callable[[], set[Any]]) -> None:
        self._app = app
        self._connections = connections

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._app(scope, receive, send)
        except DropConnection:
            await self._reset(scope, send)

    async def _reset(self, scope: Scope, send: Send) -> None:
        # uvicorn keeps the transport to itself; find this request's connection by its peer.
        client = tuple(scope.get("client") or ())
        for connection in list(self._connections()):
            if getattr(connection, "client", None) == client:
                transport = connection.transport
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    with contextlib.suppress(OSError):
                        # Linger 0: close with RST instead of an orderly FIN.
                        sock.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                transport.abort()
                # Let uvicorn see the connection lost, so it does not answer a 500 itself.
                for _ in range(100):
                    if connection not in self._connections():
                        break
                    await asyncio.sleep(0)
                return
        # Not found (should not happen): promise a body and never send it.
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
        )
        raise ConnectionAbortedError("sandbox: connection dropped")
