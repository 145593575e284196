"""Endpoint labels: the route template a request matches (`/v1/tracks/{id}`), for counts and faults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Match

from track_assets.sandbox.hosting import Scope

UNMATCHED = "<unmatched>"
ENDPOINT_STATE_KEY = "sandbox_endpoint"  # request.state.sandbox_endpoint inside an emulator

# Refines the route label of one request, e.g. a GraphQL operation name from the query or the
# body (the Request's body is buffered and replayed to the app). Returns the final label.
EndpointLabeler = Callable[[Request, str], Awaitable[str]]


def route_label(app: Any, scope: Scope) -> str:
    """The path template of the route `scope` would reach in a Starlette app (with mounts)."""
    routes = getattr(app, "routes", None)
    if not routes or scope.get("type") != "http":
        return UNMATCHED
    return _match(routes, dict(scope), "") or UNMATCHED


def endpoint_label_of(scope: Scope) -> str:
    return scope.get("state", {}).get(ENDPOINT_STATE_KEY, UNMATCHED)


def _match(routes: Sequence[BaseRoute], scope: Scope, prefix: str) -> str | None:
    partial: str | None = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.NONE:
            continue
        path = prefix + getattr(route, "path", "")
        nested = getattr(route, "routes", None)
        if nested:  # a Mount (or Host) of a router: the label is the inner route's template
            label = _match(nested, {**scope, **child_scope}, path)
            if label is None:
                continue
        else:
            label = path
        if match is Match.FULL:
            return label
        partial = partial or label  # path matched, method did not (a 405)
    return partial
