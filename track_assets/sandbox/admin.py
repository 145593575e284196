"""The sandbox's admin endpoint (own port): health, counters, faults, clock, limits, config and
the ids to probe it with."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from track_assets.sandbox.clock import SandboxClock, parse_sandbox_date
from track_assets.sandbox.context import SandboxContext
from track_assets.sandbox.counters import Counters


class BadRequest(ValueError):
    """The admin request is malformed; the message says what to send instead."""


def build_admin_app(
    contexts: Mapping[str, SandboxContext],
    clock: SandboxClock,
    counters: Counters,
    describe_config: Callable[[], dict[str, Any]],
    probes: Mapping[str, str] | None = None,
) -> Starlette:
    """JSON in and out; bad input answers 400 {"error": "..."}."""

    def service_names(body: Mapping[Any, Any], what: str) -> list[str]:
        unknown = sorted(str(name) for name in set(body) - set(contexts))
        if unknown:
            raise BadRequest(
                f"{what}: unknown service(s) {', '.join(unknown)}; known: {', '.join(contexts)}"
            )
        return list(body)

    async def health(request: Request) -> JSONResponse:
        services = {name: context.base_url for name, context in contexts.items()}
        return JSONResponse({"status": "ok", "pid": os.getpid(), "services": services})

    async def get_counters(request: Request) -> JSONResponse:
        return JSONResponse(counters.as_dict())

    async def reset_counters(request: Request) -> JSONResponse:
        body = await _json_object(request, allow_empty=True)
        service = body.get("service")
        if service is not None:
            service_names({service: None}, "counters/reset")
        counters.reset(service)
        return JSONResponse(counters.as_dict())

    async def get_faults(request: Request) -> JSONResponse:
        return JSONResponse({name: context.faults.describe() for name, context in contexts.items()})

    async def set_faults(request: Request) -> JSONResponse:
        body = await _json_object(request)
        names = service_names(body, "faults")
        for name in names:  # validate everything before changing anything
            contexts[name].faults.validate(body[name])
        for name in names:
            contexts[name].faults.apply(body[name])
        return JSONResponse({name: context.faults.describe() for name, context in contexts.items()})

    async def get_clock(request: Request) -> JSONResponse:
        return JSONResponse(clock.describe())

    async def set_clock(request: Request) -> JSONResponse:
        body = await _json_object(request)
        if len(body) != 1 or next(iter(body)) not in ("date", "advance_days"):
            raise BadRequest(
                'clock: send {"date": "YYYY-MM-DD"} (null follows the real date) '
                'or {"advance_days": n}'
            )
        if "date" in body:
            value = body["date"]
            if value is None:
                clock.follow_real_date()
            elif isinstance(value, str):
                clock.set_date(parse_sandbox_date(value, "date"))
            else:
                raise BadRequest(f'clock: "date" must be "YYYY-MM-DD" or null (got {value!r})')
        else:
            days = body["advance_days"]
            if isinstance(days, bool) or not isinstance(days, int):
                raise BadRequest(f'clock: "advance_days" must be a whole number (got {days!r})')
            clock.advance_days(days)
        return JSONResponse(clock.describe())

    async def get_limits(request: Request) -> JSONResponse:
        return JSONResponse({name: context.limits.describe() for name, context in contexts.items()})

    async def set_limits(request: Request) -> JSONResponse:
        body = await _json_object(request)
        names = service_names(body, "limits")
        for name in names:
            if not isinstance(body[name], Mapping):
                raise BadRequest(f"limits.{name} must map limiter names to settings objects")
            for limiter, params in body[name].items():
                contexts[name].limits.validate(limiter, params)
        for name in names:
            for limiter, params in body[name].items():
                contexts[name].limits.configure(limiter, params)
        return JSONResponse({name: context.limits.describe() for name, context in contexts.items()})

    async def reset_limits(request: Request) -> JSONResponse:
        body = await _json_object(request, allow_empty=True)
        service = body.get("service")
        names = service_names({service: None}, "limits/reset") if service else list(contexts)
        for name in names:
            contexts[name].limits.reset_state()
        return JSONResponse({"reset": names})

    async def get_config(request: Request) -> JSONResponse:
        return JSONResponse(describe_config())

    async def get_probes(request: Request) -> JSONResponse:
        return JSONResponse(dict(probes or {}))

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/counters", get_counters, methods=["GET"]),
        Route("/counters/reset", reset_counters, methods=["POST"]),
        Route("/faults", get_faults, methods=["GET"]),
        Route("/faults", set_faults, methods=["POST"]),
        Route("/clock", get_clock, methods=["GET"]),
        Route("/clock", set_clock, methods=["POST"]),
        Route("/limits", get_limits, methods=["GET"]),
        Route("/limits", set_limits, methods=["POST"]),
        Route("/limits/reset", reset_limits, methods=["POST"]),
        Route("/config", get_config, methods=["GET"]),
        Route("/probes", get_probes, methods=["GET"]),
    ]

    async def bad_request(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=400)

    return Starlette(routes=routes, exception_handlers={ValueError: bad_request})


async def _json_object(request: Request, allow_empty: bool = False) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {}
        raise BadRequest(f"{request.url.path}: send a JSON object in the request body")
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise BadRequest(f"{request.url.path}: the body is not valid JSON ({error})") from None
    if not isinstance(body, dict):
        raise BadRequest(f"{request.url.path}: the body must be a JSON object (got {body!r})")
    return body
