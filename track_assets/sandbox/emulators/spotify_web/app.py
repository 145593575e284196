"""The web player emulator: open.spotify.com pages and `/api/token`, the client-token endpoint,
pathfinder (api-partner.spotify.com) and spclient credits, all on one port.
"""

from __future__ import annotations

import json
import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.emulators.spotify_web.hashes import PersistedQueries
from track_assets.sandbox.emulators.spotify_web.pages import WebPlayerPages
from track_assets.sandbox.emulators.spotify_web.pathfinder import (
    LOGGED_IN_OPERATIONS,
    PERSISTED_QUERY_NOT_FOUND,
    PathfinderError,
    PathfinderLimits,
    PersistedQuery,
    operation_name_of,
    parse_get,
    parse_post,
    run_query,
)
from track_assets.sandbox.emulators.spotify_web.settings import WebPlayerSettings
from track_assets.sandbox.emulators.spotify_web.shapes import CatalogIndex, Shapes
from track_assets.sandbox.emulators.spotify_web.tokens import (
    AccessToken,
    TokenCheck,
    TokenRequestError,
    WebPlayerTokens,
)
from track_assets.sandbox.faults import InjectedError
from track_assets.sandbox.rate_limits import Decision

SERVICE = "spotify_web"
PATHFINDER_ROUTES = ("/pathfinder/v1/query", "/pathfinder/v2/query")
CONTROL_ROTATE = "/__sandbox__/rotate-hashes"
# Per-token window over pathfinder and spclient, per-address window over the token endpoints.
# Spotify publishes no figures for these hosts: the defaults are the sandbox's own choice.
DEFAULT_TOKEN_LIMIT = {"limit": 180, "window": 30.0}
DEFAULT_TOKEN_ENDPOINT_LIMIT = {"limit": 60, "window": 30.0}
_ENTITY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_CORS_HEADERS = (
    "accept, accept-language, app-platform, authorization, client-token, content-type, "
    "spotify-app-version, retry-after"
)
_NO_STORE = {"cache-control": "no-cache, no-store, must-revalidate"}
_ERROR_CACHE = {"cache-control": "private, max-age=0"}
# The one expired-token body on record, byte for byte (two-space indent):
# track_assets_tests/fixtures/reference/spotify/errors/error_401_access-token-expired_2019.json.
EXPIRED_TOKEN_BODY = (
    b'{\n  "error": {\n    "status": 401,\n    "message": "The access token expired"\n  }\n}'
)
# The rolling-window 429 message (errors/observed-error-bodies.json, recorded 2021-2022).
RATE_LIMITED = "API rate limit exceeded"


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Spotify's JSON error body (as api.spotify.com and spclient answer)."""
    return JSONResponse(
        {"error": {"status": status, "message": message}},
        status_code=status,
        headers={**_ERROR_CACHE, **(headers or {})},
    )


def expired_token_response(headers: dict[str, str] | None = None) -> Response:
    return Response(
        EXPIRED_TOKEN_BODY,
        status_code=401,
        media_type="application/json",
        headers={**_ERROR_CACHE, **(headers or {})},
    )


def render_injected_error(error: InjectedError) -> Response:
    """An injected 429 reads like the emulator's own rolling-window 429."""
    return error_response(error.status, RATE_LIMITED if error.status == 429 else error.message)


class WebPlayerService:
    """The state of one emulator start: tokens, hashes, pages, limiters, catalog index."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.settings = WebPlayerSettings.from_settings(context.settings)
        seed = f"{context.rng.getrandbits(64):016x}"
        self.tokens = WebPlayerTokens(
            rng=context.rng,
            sp_dc=context.credentials["SPOTIFY_SP_DC"],
            totp_version=self.settings.totp_version,
            token_lifetime=self.settings.token_lifetime_seconds,
            client_token_lifetime=self.settings.client_token_lifetime_seconds,
        )
        self.queries = PersistedQueries(
            seed,
            context.clock,
            rotation_seconds=self.settings.hash_rotation_seconds,
            rotation_days=self.settings.hash_rotation_days,
            grace_generations=self.settings.hash_grace_generations,
        )
        self.pages = WebPlayerPages(self.queries, self.tokens, seed)
        self.index = CatalogIndex(context.catalog)
        self.limits = PathfinderLimits(
            playlist_page_size=self.settings.playlist_page_size,
            album_page_size=self.settings.album_page_size,
        )
        self.per_token = context.limits.sliding_window("per_token", **DEFAULT_TOKEN_LIMIT)
        self.token_endpoint = context.limits.sliding_window(
            "token_endpoint", **DEFAULT_TOKEN_ENDPOINT_LIMIT
        )

    @property
    def site(self) -> str:
        return self.context.base_url

    def shapes(self) -> Shapes:
        return Shapes(self.index, self.site, self.context.clock.today())

    # -- shared checks ---------------------------------------------------------------------

    def cors_headers(self, request: Request) -> dict[str, str]:
        origin = request.headers.get("origin")
        if origin is None or origin.rstrip("/") != self.site.rstrip("/"):
            return {}
        return {
            "access-control-allow-origin": origin,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }

    def bearer(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        return value.strip()

    def rate_limited(self, decision: Decision) -> Response | None:
        if decision.allowed:
            return None
        return error_response(429, RATE_LIMITED, {"retry-after": str(decision.retry_after_seconds)})

    def client_address(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"


def build_app(context: SandboxContext) -> Starlette:
    service = WebPlayerService(context)

    # -- pages -------------------------------------------------------------------------------

    def page(kind: str):
        async def handler(request: Request) -> Response:
            entity_id = request.path_params["entity_id"]
            title = {"track": "Song", "album": "Album", "playlist": "Playlist"}.get(kind, "Artist")
            body = service.pages.player_html(
                f"{title} · Spotify", f"{service.site}/{kind}/{entity_id}"
            )
            return HTMLResponse(body, headers=_NO_STORE)

        return handler

    async def home(request: Request) -> Response:
        body = service.pages.player_html("Spotify - Web Player", service.site + "/")
        return HTMLResponse(body, headers=_NO_STORE)

    async def favicon(request: Request) -> Response:
        return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})

    async def bundle(request: Request) -> Response:
        text = service.pages.bundle(request.path_params["build"])
        if text is None:
            return HTMLResponse(service.pages.not_found_html(), status_code=404)
        return Response(
            text,
            media_type="application/javascript; charset=utf-8",
            headers={"cache-control": "public, max-age=31536000, immutable"},
        )

    async def embed_track(request: Request) -> Response:
        track_id = request.path_params["entity_id"]
        track = context.catalog.tracks_by_id.get(track_id)
        if track is None:
            return HTMLResponse(service.pages.not_found_html(), status_code=404)
        token = service.tokens.issue_anonymous_token()
        entity = service.shapes().embed_entity(track)
        body = service.pages.embed_html(service.site, track_id, entity, token)
        return HTMLResponse(body, headers=_NO_STORE)

    # -- tokens ------------------------------------------------------------------------------

    async def api_token(request: Request) -> Response:
        limited = service.rate_limited(service.token_endpoint.hit(service.client_address(request)))
        if limited is not None:
            return limited
        try:
            service.tokens.check_totp_request(request.query_params)
        except TokenRequestError as error:
            return error_response(400, str(error))
        token = service.tokens.issue_access_token(request.cookies.get("sp_dc"))
        return JSONResponse(
            {
                "clientId": service.tokens.client_id,
                "accessToken": token.value,
                "accessTokenExpirationTimestampMs": token.expires_at_ms,
                "isAnonymous": token.is_anonymous,
            },
            headers=_NO_STORE,
        )

    async def client_token(request: Request) -> Response:
        cors = service.cors_headers(request)
        limited = service.rate_limited(service.token_endpoint.hit(service.client_address(request)))
        if limited is not None:
            return limited
        if "application/json" not in request.headers.get("accept", ""):
            return error_response(406, "Accept must include application/json", cors)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return error_response(415, "Content-Type must be application/json", cors)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error_response(400, "The request body is not valid JSON", cors)
        data = body.get("client_data") if isinstance(body, dict) else None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("client_version"), str)
            or not isinstance(data.get("js_sdk_data"), dict)
        ):
            return error_response(
                400, "client_data needs client_version, client_id and js_sdk_data", cors
            )
        if data.get("client_id") != service.tokens.client_id:
            return error_response(400, "Unknown client_id", cors)
        token, lifetime = service.tokens.issue_client_token()
        return JSONResponse(
            {
                "response_type": "RESPONSE_GRANTED_TOKEN_RESPONSE",
                "granted_token": {
                    "token": token,
                    "expires_after_seconds": lifetime,
                    "refresh_after_seconds": int(lifetime * 0.85),
                    "domains": [{"domain": "spotify.com"}, {"domain": "spotify.net"}],
                },
            },
            headers={**cors, **_NO_STORE},
        )

    # -- pathfinder --------------------------------------------------------------------------

    def authorize(
        request: Request, cors: dict[str, str]
    ) -> tuple[AccessToken | None, Response | None]:
        """The caller's valid web-player token, or the 401 for a missing/unknown/expired one."""
        value = service.bearer(request)
        if value is None:
            return None, error_response(401, "No token provided", cors)
        check, token = service.tokens.check_access_token(value)
        if check is TokenCheck.EXPIRED:
            return None, expired_token_response(cors)
        if check is TokenCheck.UNKNOWN or token is None:
            return None, error_response(401, "Invalid access token", cors)
        limited = service.rate_limited(service.per_token.hit(value))
        if limited is not None:
            limited.headers.update(cors)
            return None, limited
        return token, None

    def client_token_problem(request: Request, required: bool) -> str | None:
        value = request.headers.get("client-token")
        if value is None:
            return "Missing client-token header" if required else None
        check = service.tokens.check_client_token(value)
        if check is TokenCheck.EXPIRED:
            return "The client token expired"
        if check is TokenCheck.UNKNOWN:
            return "Invalid client token"
        return None

    async def pathfinder(request: Request) -> Response:
        cors = service.cors_headers(request)
        token, refused = authorize(request, cors)
        if refused is not None:
            return refused
        assert token is not None
        post = request.method == "POST"
        if not post and request.headers.get("app-platform") != "WebPlayer":
            return error_response(400, "Missing or unknown app-platform header", cors)
        problem = client_token_problem(request, required=post)
        if problem is not None:
            return error_response(400 if "Missing" in problem else 401, problem, cors)
        try:
            query: PersistedQuery = (
                parse_post(await request.body(), request.headers.get("content-type", ""))
                if post
                else parse_get(request.query_params)
            )
            if (
                query.operation in LOGGED_IN_OPERATIONS
                and token.is_anonymous
                and service.queries.accepts(query.operation, query.sha256)
            ):
                return JSONResponse({"errors": [{"message": "Forbidden"}]}, 403, headers=cors)
            answer = run_query(query, service.queries, service.shapes(), service.limits)
        except PathfinderError as error:
            return JSONResponse(error.body, error.status, headers=cors)
        if answer is None:
            status = service.settings.persisted_query_not_found_status
            return JSONResponse(PERSISTED_QUERY_NOT_FOUND, status, headers=cors)
        status, body = answer
        return JSONResponse(body, status, headers={**cors, "cache-control": "private, max-age=0"})

    # -- spclient ----------------------------------------------------------------------------

    async def credits(request: Request) -> Response:
        cors = service.cors_headers(request)
        value = service.bearer(request)
        if value is None:
            return error_response(401, "No token provided", cors)
        check, token = service.tokens.check_access_token(value)
        if check is TokenCheck.UNKNOWN or token is None:
            # A Web API token (or anything this web player did not issue).
            return error_response(403, "Client not allowed", cors)
        if check is TokenCheck.EXPIRED:
            return expired_token_response(cors)
        limited = service.rate_limited(service.per_token.hit(value))
        if limited is not None:
            limited.headers.update(cors)
            return limited
        if request.headers.get("app-platform") != "WebPlayer":
            return error_response(400, "Missing or unknown app-platform header", cors)
        problem = client_token_problem(request, required=False)
        if problem is not None:
            return error_response(401, problem, cors)
        if token.is_anonymous:
            return error_response(403, "Forbidden", cors)
        track_id = request.path_params["track_id"]
        if not _ENTITY_ID.match(track_id):
            return error_response(400, "invalid id", cors)
        track = context.catalog.tracks_by_id.get(track_id)
        if track is None:
            return error_response(404, "non existing id", cors)
        return JSONResponse(
            service.shapes().spclient_credits(track),
            headers={**cors, "cache-control": "private, max-age=0"},
        )

    async def preflight(request: Request) -> Response:
        cors = service.cors_headers(request)
        if not cors:
            return Response(status_code=403)
        return Response(
            status_code=200,
            headers={
                **cors,
                "access-control-allow-methods": "GET, POST, OPTIONS",
                "access-control-allow-headers": _CORS_HEADERS,
                "access-control-max-age": "604800",
            },
        )

    # -- sandbox control (not a Spotify path) ------------------------------------------------

    async def rotate_hashes(request: Request) -> Response:
        return JSONResponse({"generation": service.queries.rotate()})

    routes = [
        Route("/", home, methods=["GET"]),
        *(
            Route(f"/{kind}/{{entity_id}}", page(kind), methods=["GET"])
            for kind in ("track", "album", "playlist", "artist")
        ),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/embed/track/{entity_id}", embed_track, methods=["GET"]),
        Route("/web-player/web-player.{build}.js", bundle, methods=["GET"]),
        Route("/api/token", api_token, methods=["GET"]),
        Route("/v1/clienttoken", client_token, methods=["POST"]),
        Route("/v1/clienttoken", preflight, methods=["OPTIONS"]),
        Route("/pathfinder/v1/query", pathfinder, methods=["GET"]),
        Route("/pathfinder/v2/query", pathfinder, methods=["POST"]),
        *(Route(path, preflight, methods=["OPTIONS"]) for path in PATHFINDER_ROUTES),
        Route("/track-credits-view/v0/experimental/{track_id}/credits", credits, methods=["GET"]),
        Route(
            "/track-credits-view/v0/experimental/{track_id}/credits",
            preflight,
            methods=["OPTIONS"],
        ),
        Route(CONTROL_ROTATE, rotate_hashes, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.web_player = service
    return app


async def label_pathfinder_request(request: Request, label: str) -> str:
    """`/pathfinder/v2/query#getTrack`: pathfinder requests are counted per operation."""
    if label not in PATHFINDER_ROUTES:
        return label
    body = await request.body() if request.method == "POST" else b""
    operation = operation_name_of(request.query_params, body)
    return f"{label}#{operation}" if operation else label


def spotify_web_emulator() -> EmulatorSpec:
    return EmulatorSpec(
        SERVICE,
        build_app,
        url_keys=("base", "pathfinder", "spclient"),
        error_renderer=render_injected_error,
        endpoint_label=label_pathfinder_request,
    )
