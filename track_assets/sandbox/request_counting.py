"""ASGI layer that labels each request with its endpoint and counts it by status when it ends."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from track_assets.sandbox.counters import STATUS_NO_RESPONSE, STATUS_RESET, ServiceCounters
from track_assets.sandbox.endpoint_labels import ENDPOINT_STATE_KEY, EndpointLabeler, route_label
from track_assets.sandbox.hosting import ASGIApp, DropConnection, Message, Receive, Scope, Send
from track_assets.sandbox.request_bodies import read_body, replay_body


class CountingMiddleware:
    """Outer layer of an emulator: sets `request.state.sandbox_endpoint`, then counts.

    `routes_app` is the emulator's Starlette app (its routes give the label); `labeler` may
    refine the label from the request (its body is buffered and replayed to the app).
    """

    def __init__(
        self,
        app: ASGIApp,
        routes_app: Any,
        counters: ServiceCounters,
        labeler: EndpointLabeler | None = None,
    ) -> None:
        self._app = app
        self._routes_app = routes_app
        self._counters = counters
        self._labeler = labeler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        label = route_label(self._routes_app, scope)
        if self._labeler is not None:
            body, _ = await read_body(receive)
            label = await self._labeler(Request(scope, replay_body(body, receive)), label)
            receive = replay_body(body, receive)
        scope.setdefault("state", {})[ENDPOINT_STATE_KEY] = label

        status: int | str | None = None

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        outcome: int | str = STATUS_NO_RESPONSE
        try:
            await self._app(scope, receive, counting_send)
        except DropConnection:
            outcome = STATUS_RESET
            raise
        except Exception:
            outcome = 500  # uvicorn answers 500 when nothing was sent
            raise
        finally:
            self._counters.record_request(label, status if status is not None else outcome)
