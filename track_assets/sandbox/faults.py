"""Fault injection for every emulator: error statuses, 429s, slow and hanging responses,
connection resets and malformed bodies, at seeded random rates or scripted for the next N requests.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse, Response

from track_assets.sandbox.counters import ServiceCounters
from track_assets.sandbox.endpoint_labels import endpoint_label_of
from track_assets.sandbox.hosting import (
    ASGIApp,
    DropConnection,
    Message,
    Receive,
    Scope,
    Send,
    StopSignal,
)
from track_assets.sandbox.request_bodies import read_body, replay_body, wait_for_disconnect


class FaultKind(StrEnum):
    STATUS = "status"  # an error status with the service's own error body
    SLOW = "slow"  # the real response, after a delay
    TIMEOUT = "timeout"  # no response until the client gives up (or the sandbox stops)
    RESET = "reset"  # the TCP connection is reset, no response at all
    MALFORMED = "malformed"  # 200 with a truncated body (invalid JSON/XML)


@dataclass(frozen=True)
class InjectedError:
    """What an emulator's error renderer is asked to draw."""

    status: int
    message: str
    retry_after: int | None = None  # seconds; the injector also sets the Retry-After header
    path: str = ""  # the request's path, for services whose error shape differs by host/path


# Renders the service's own error body for an injected status (Spotify JSON, MusicBrainz XML...).
ErrorRenderer = Callable[[InjectedError], Response]


def default_error_renderer(error: InjectedError) -> Response:
    return JSONResponse(
        {"error": {"status": error.status, "message": error.message}}, status_code=error.status
    )


@dataclass(frozen=True)
class FaultConfig:
    """Random faults of one service; each request gets at most one. Rates are probabilities."""

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (503,)
    rate_limit_rate: float = 0.0
    retry_after: int = 1
    slow_rate: float = 0.0
    slow_seconds: float = 2.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 300.0
    reset_rate: float = 0.0
    malformed_rate: float = 0.0
    endpoints: tuple[str, ...] = ()  # only these endpoint labels get random faults; () = all

    def updated(self, changes: Mapping[str, Any], where: str = "faults") -> FaultConfig:
        """A copy with `changes` applied; raises ValueError naming the bad setting."""
        known = {f.name for f in fields(self)}
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(
                    f"{where}: unknown fault setting {key!r}; known: {', '.join(sorted(known))}"
                )
            values[key] = _validated_setting(f"{where}.{key}", key, value)
        config = replace(self, **values)
        total = sum(rate for _, rate in config._rates())
        if total > 1.0 + 1e-9:
            raise ValueError(f"{where}: the fault rates add up to {total:g}, more than 1")
        return config

    def is_quiet(self) -> bool:
        return all(rate == 0 for _, rate in self._rates())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["error_statuses"] = list(self.error_statuses)
        data["endpoints"] = list(self.endpoints)
        return data

    def _rates(self) -> list[tuple[str, float]]:
        return [
            ("error", self.error_rate),
            ("rate_limit", self.rate_limit_rate),
            ("reset", self.reset_rate),
            ("timeout", self.timeout_rate),
            ("malformed", self.malformed_rate),
            ("slow", self.slow_rate),
        ]


def _validated_setting(where: str, key: str, value: Any) -> Any:
    if key.endswith("_rate"):
        number = _number(where, value)
        if not 0 <= number <= 1:
            raise ValueError(f"{where} must be between 0 and 1 (got {value!r})")
        return number
    if key.endswith("_seconds"):
        number = _number(where, value)
        if number < 0:
            raise ValueError(f"{where} must be >= 0 (got {value!r})")
        return number
    if key == "retry_after":
        return _whole(where, value, minimum=0)
    if key == "error_statuses":
        statuses = [value] if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(statuses, list | tuple) or not statuses:
            raise ValueError(f"{where} must be a non-empty list of 5xx statuses (got {value!r})")
        checked = tuple(_whole(where, status, minimum=500) for status in statuses)
        if any(status > 599 for status in checked):
            raise ValueError(f"{where} must hold 5xx statuses only (got {value!r})")
        return checked
    if key == "endpoints":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{where} must be a list of endpoint labels (got {value!r})")
        return tuple(value)
    raise ValueError(f"{where}: unknown fault setting")  # pragma: no cover - guarded by caller


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where} must be a number (got {value!r})")
    return float(value)


def _whole(where: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{where} must be a whole number >= {minimum} (got {value!r})")
    return value


@dataclass
class ScriptedFault:
    """Scripted: the next `remaining` requests to `endpoint` (any when None) get this fault."""

    kind: FaultKind
    remaining: int
    endpoint: str | None = None
    status: int = 503
    retry_after: int | None = None
    seconds: float | None = None  # delay for slow, hang for timeout (else the config's)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data


@dataclass(frozen=True)
class PlannedFault:
    """The fault chosen for one request."""

    kind: FaultKind
    status: int = 0
    retry_after: int | None = None
    seconds: float = 0.0
    counter_label: str = ""


class FaultInjector:
    """The fault settings, scripted faults and seeded RNG of one service. Thread-safe."""

    def __init__(
        self,
        service: str,
        renderer: ErrorRenderer = default_error_renderer,
        seed: int | str | None = None,
        config: FaultConfig | None = None,
        counters: ServiceCounters | None = None,
    ) -> None:
        self.service = service
        self.renderer = renderer
        self._rng = random.Random(seed)
        self._config = config or FaultConfig()
        self._scripted: deque[ScriptedFault] = deque()
        self._counters = counters
        self._lock = threading.Lock()

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    def configure(self, **changes: Any) -> FaultConfig:
        """Change random-fault settings (`error_rate=0.1`, `error_statuses=[500, 502]`...)."""
        with self._lock:
            self._config = self._config.updated(changes, where=f"faults.{self.service}")
            return self._config

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        endpoint: str | None = None,
        kind: FaultKind | str = FaultKind.STATUS,
        retry_after: int | None = None,
        seconds: float | None = None,
    ) -> ScriptedFault:
        """Script a fault for the next `count` requests to `endpoint` (a route label, or any).

        Scripted faults run in the order they were added, before any random fault.
        """
        fault = self._scripted_fault(count, status, endpoint, kind, retry_after, seconds)
        with self._lock:
            self._scripted.append(fault)
        return replace(fault)

    def _scripted_fault(
        self,
        count: int = 1,
        status: int = 503,
        endpoint: str | None = None,
        kind: FaultKind | str = FaultKind.STATUS,
        retry_after: int | None = None,
        seconds: float | None = None,
    ) -> ScriptedFault:
        where = f"faults.{self.service}.fail_next"
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"{where}: kind {kind!r} is not one of {choices}") from None
        count = _whole(f"{where}.count", count, minimum=1)
        if fault_kind is FaultKind.STATUS:
            status = _whole(f"{where}.status", status, minimum=400)
            if status > 599:
                raise ValueError(f"{where}.status must be a 4xx or 5xx status (got {status})")
        if endpoint is not None and not isinstance(endpoint, str):
            raise ValueError(f"{where}.endpoint must be a route label string (got {endpoint!r})")
        if retry_after is not None:
            retry_after = _whole(f"{where}.retry_after", retry_after, minimum=0)
        if seconds is not None:
            seconds = _number(f"{where}.seconds", seconds)
            if seconds < 0:
                raise ValueError(f"{where}.seconds must be >= 0 (got {seconds!r})")
        return ScriptedFault(fault_kind, count, endpoint, status, retry_after, seconds)

    def apply(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply an admin-style change: `{"clear": true}` first, then settings, then
        `"fail_next"` (one object or a list of {count, status, endpoint, kind, retry_after,
        seconds}). All is validated before anything changes; returns the new description."""
        clear, settings, scripted = self._parse_changes(changes)
        with self._lock:
            base = FaultConfig() if clear else self._config
            config = base.updated(settings, where=f"faults.{self.service}")
            if clear:
                self._scripted.clear()
            self._config = config
            self._scripted.extend(scripted)
        return self.describe()

    def validate(self, changes: Mapping[str, Any]) -> None:
        """Raise ValueError if `apply(changes)` would."""
        clear, settings, _ = self._parse_changes(changes)
        (FaultConfig() if clear else self.config).updated(settings, where=f"faults.{self.service}")

    def _parse_changes(
        self, changes: Mapping[str, Any]
    ) -> tuple[bool, dict[str, Any], list[ScriptedFault]]:
        where = f"faults.{self.service}"
        if not isinstance(changes, Mapping):
            raise ValueError(f"{where} must be an object (got {changes!r})")
        settings = dict(changes)
        clear = settings.pop("clear", False)
        if not isinstance(clear, bool):
            raise ValueError(f"{where}.clear must be true or false (got {clear!r})")
        requests = settings.pop("fail_next", [])
        if isinstance(requests, Mapping):
            requests = [requests]
        if not isinstance(requests, list) or not all(isinstance(r, Mapping) for r in requests):
            raise ValueError(f"{where}.fail_next must be an object or a list of objects")
        known = {"count", "status", "endpoint", "kind", "retry_after", "seconds"}
        scripted = []
        for request in requests:
            unknown = sorted(set(request) - known)
            if unknown:
                raise ValueError(
                    f"{where}.fail_next: unknown key(s) {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(known))}"
                )
            scripted.append(self._scripted_fault(**request))
        return clear, settings, scripted

    def clear(self) -> None:
        """No random faults, no scripted ones."""
        with self._lock:
            self._config = FaultConfig()
            self._scripted.clear()

    def pending(self) -> list[ScriptedFault]:
        with self._lock:
            return [replace(fault) for fault in self._scripted]

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                **self._config.as_dict(),
                "scripted": [fault.as_dict() for fault in self._scripted],
            }

    def plan(self, endpoint: str) -> PlannedFault | None:
        """The fault for one request to `endpoint`, or None; counts the fault it picks."""
        with self._lock:
            planned = self._next_scripted(endpoint) or self._random(endpoint)
        if planned is not None and self._counters is not None:
            self._counters.record_fault(planned.counter_label)
        return planned

    def render(self, status: int, retry_after: int | None = None, path: str = "") -> Response:
        """The service's error response for `status`, with Retry-After when given."""
        try:
            message = HTTPStatus(status).phrase
        except ValueError:
            message = "Error"
        response = self.renderer(InjectedError(status, message, retry_after, path))
        if retry_after is not None and "retry-after" not in response.headers:
            response.headers["Retry-After"] = str(retry_after)
        return response

    def _next_scripted(self, endpoint: str) -> PlannedFault | None:
        for fault in self._scripted:
            if fault.endpoint is None or fault.endpoint == endpoint:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._scripted.remove(fault)
                config = self._config
                if fault.kind is FaultKind.STATUS:
                    retry_after = fault.retry_after
                    if retry_after is None and fault.status == 429:
                        retry_after = config.retry_after
                    return _status_fault(fault.status, retry_after)
                seconds = fault.seconds
                if seconds is None:
                    seconds = (
                        config.timeout_seconds
                        if fault.kind is FaultKind.TIMEOUT
                        else config.slow_seconds
                    )
                return PlannedFault(fault.kind, seconds=seconds, counter_label=fault.kind.value)
        return None

    def _random(self, endpoint: str) -> PlannedFault | None:
        config = self._config
        if config.is_quiet() or (config.endpoints and endpoint not in config.endpoints):
            return None
        draw = self._rng.random()
        threshold = 0.0
        for name, rate in config._rates():
            threshold += rate
            if draw >= threshold:
                continue
            if name == "error":
                return _status_fault(self._rng.choice(config.error_statuses), None)
            if name == "rate_limit":
                return _status_fault(429, config.retry_after)
            if name == "slow":
                return PlannedFault(
                    FaultKind.SLOW, seconds=config.slow_seconds, counter_label="slow"
                )
            if name == "timeout":
                return PlannedFault(
                    FaultKind.TIMEOUT, seconds=config.timeout_seconds, counter_label="timeout"
                )
            kind = FaultKind(name)
            return PlannedFault(kind, counter_label=kind.value)
        return None


def _status_fault(status: int, retry_after: int | None) -> PlannedFault:
    return PlannedFault(
        FaultKind.STATUS, status=status, retry_after=retry_after, counter_label=f"status_{status}"
    )


class FaultMiddleware:
    """ASGI layer applying the injector's plan to each request (inside the counting layer)."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, stop: StopSignal) -> None:
        self._app = app
        self._injector = injector
        self._stop = stop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        planned = self._injector.plan(endpoint_label_of(scope))
        if planned is None:
            await self._app(scope, receive, send)
        elif planned.kind is FaultKind.STATUS:
            response = self._injector.render(
                planned.status, planned.retry_after, scope.get("path", "")
            )
            await response(scope, receive, send)
        elif planned.kind is FaultKind.RESET:
            raise DropConnection
        elif planned.kind is FaultKind.SLOW:
            await self._stop.sleep(planned.seconds)
            await self._app(scope, receive, send)
        elif planned.kind is FaultKind.TIMEOUT:
            await self._hang(planned.seconds, scope, receive, send)
        else:
            await self._app(scope, receive, _TruncatingSend(send))

    async def _hang(self, seconds: float, scope: Scope, receive: Receive, send: Send) -> None:
        body, gone = await read_body(receive)
        if gone:
            return
        client_left = asyncio.ensure_future(wait_for_disconnect(receive))
        stopped = asyncio.ensure_future(self._stop.wait())
        done, pending = await asyncio.wait(
            {client_left, stopped}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()
        if client_left in done:
            return  # the client timed out and closed: nobody to answer
        if stopped in done:
            raise DropConnection  # the sandbox is stopping: do not keep the client waiting
        await self._app(scope, replay_body(body, receive), send)  # merely very slow


class _TruncatingSend:
    """Collects the app's response and sends it as a 200 whose body is cut in half."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._start: Message | None = None
        self._chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body" or self._start is None:
            await self._send(message)
            return
        self._chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = truncated_body(b"".join(self._chunks))
        headers = [
            (name, value)
            for name, value in self._start.get("headers", [])
            if name.lower() not in (b"content-length", b"transfer-encoding")
        ]
        headers.append((b"content-length", str(len(body)).encode()))
        await self._send({"type": "http.response.start", "status": 200, "headers": headers})
        await self._send({"type": "http.response.body", "body": body, "more_body": False})


def truncated_body(body: bytes) -> bytes:
    """The first half of `body`, made sure not to parse as JSON."""
    cut = body[: len(body) // 2]
    try:
        json.loads(cut)
    except ValueError:
        if cut:
            return cut
    return b'{"sandbox": "malformed'
