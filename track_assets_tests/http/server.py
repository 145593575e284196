"""A scriptable local HTTP server for tests: canned responses per path, every request recorded."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    arrived_at: float  # time.time() when the request line and headers were read


@dataclass(frozen=True)
class Canned:
    """One response; `close=True` drops the connection without answering, `delay` stalls first."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | str | dict | list = b""
    close: bool = False
    delay: float = 0.0

    def encoded_body(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


Responder = Canned | Callable[[RecordedRequest], Canned]
NOT_SCRIPTED = Canned(404, body="no response scripted for this path")


class ScriptedServer:
    """A server on 127.0.0.1, free port; `script` queues responses, `always` sets a fallback."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Responder]] = defaultdict(deque)
        self._fallbacks: dict[str, Responder] = {}
        self._requests: list[RecordedRequest] = []
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def script(self, path: str, *responses: Responder) -> None:
        """Answer the next requests to `path` with these, in order."""
        with self._lock:
            self._queues[path].extend(responses)

    def always(self, path: str, response: Responder) -> None:
        """Answer `path` with this once its scripted queue is empty."""
        with self._lock:
            self._fallbacks[path] = response

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    def _respond_to(self, request: RecordedRequest) -> Canned:
        with self._lock:
            self._requests.append(request)
            queue = self._queues[request.path]
            responder = (
                queue.popleft() if queue else self._fallbacks.get(request.path, NOT_SCRIPTED)
            )
        return responder(request) if callable(responder) else responder


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # clients hanging up are expected
        pass


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            arrived_at = time.time()
            length = int(self.headers.get("Content-Length") or 0)
            request = RecordedRequest(
                method=self.command,
                path=urlsplit(self.path).path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
                arrived_at=arrived_at,
            )
            canned = server._respond_to(request)
            if canned.delay:
                time.sleep(canned.delay)
            if canned.close:
                self.close_connection = True
                return
            body, content_type = canned.encoded_body()
            self.send_response(canned.status)
            headers = {"Content-Type": content_type, **canned.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
