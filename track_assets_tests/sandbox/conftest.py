"""Two throwaway emulators (JSON "echo" and XML "scores") and a running sandbox serving both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.faults import InjectedError
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer


def spotify_like_error(error: InjectedError) -> Response:
    body = {"error": {"status": error.status, "message": f"echo says {error.message}"}}
    return JSONResponse(body, status_code=error.status)


def musicbrainz_like_error(error: InjectedError) -> Response:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><error><text>{error.message}</text></error>'
    return Response(xml, status_code=error.status, media_type="application/xml")


def echo_app(context: SandboxContext) -> Starlette:
    """JSON service: items, an echo, one rolling-window limit and one token bucket."""
    rolling = context.limits.sliding_window("rolling", limit=3, window=2.0)
    bucket = context.limits.token_bucket("bucket", rate=1.0, burst=1, tolerance=0.05)

    async def item(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {context.credentials['ECHO_TOKEN']}":
            return spotify_like_error(InjectedError(401, "Invalid access token"))
        return JSONResponse(
            {
                "id": request.path_params["item_id"],
                "today": context.clock.today().isoformat(),
                "endpoint": request.state.sandbox_endpoint,
            }
        )

    async def echo(request: Request) -> Response:
        return JSONResponse({"received": await request.json()})

    async def limited(request: Request) -> Response:
        decision = rolling.hit(request.headers.get("authorization", "anonymous"))
        if not decision.allowed:
            return JSONResponse(
                {"error": {"status": 429, "message": "API rate limit exceeded"}},
                status_code=429,
                headers={"Retry-After": str(decision.retry_after_seconds)},
            )
        return JSONResponse({"remaining": decision.remaining})

    async def paced(request: Request) -> Response:
        decision = bucket.hit(request.headers.get("user-agent", ""))
        if not decision.allowed:
            return musicbrainz_like_error(InjectedError(503, "Rate limit exceeded"))
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/v1/items/{item_id}", item),
            Route("/v1/echo", echo, methods=["POST"]),
            Route("/v1/limited", limited),
            Route("/v1/paced", paced),
        ]
    )


def scores_app(context: SandboxContext) -> Starlette:
    """XML service with one endpoint."""

    async def artist(request: Request) -> Response:
        mbid = request.path_params["mbid"]
        return Response(f'<metadata><artist id="{mbid}"/></metadata>', media_type="application/xml")

    return Starlette(routes=[Route("/ws/2/artist/{mbid}", artist)])


ECHO = EmulatorSpec(
    "echo",
    echo_app,
    url_keys=("base", "accounts"),
    error_renderer=spotify_like_error,
    credentials=lambda rng: {"ECHO_TOKEN": f"token-{rng.randrange(10**9)}"},
)
SCORES = EmulatorSpec("scores", scores_app, error_renderer=musicbrainz_like_error)


@pytest.fixture
def emulators() -> list[EmulatorSpec]:
    return [ECHO, SCORES]


@pytest.fixture
def sandbox(emulators: list[EmulatorSpec]) -> Iterator[SandboxServer]:
    """A running sandbox (seed 7, limits enforced) serving "echo" and "scores"."""
    with SandboxServer(
        emulators, catalog={"name": "tiny"}, options=SandboxOptions(seed=7)
    ) as server:
        yield server


@pytest.fixture
def echo_headers(sandbox: SandboxServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.credentials('echo')['ECHO_TOKEN']}"}
