"""The MLC Public Search API emulator: `/oauth/token` (username/password or refresh token),
idToken-only bearer auth, recordings and song-code search, works by song code, 429 past a rate.

Contracts: docs/services.md#the-mlc (Public Search API shapes, reported by clients); the portal
recordings in track_assets_tests/fixtures/reference/mlc/portal-api/ only seed realistic works,
they are not served.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from track_assets.sandbox.catalog.model import (
    Catalog,
    MlcAdministrator,
    MlcPublisher,
    MlcRecording,
    MlcWork,
)
from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.faults import InjectedError
from track_assets.sandbox.hosting import Receive, Scope, Send
from track_assets.sandbox.rate_limits import SlidingWindow

SERVICE = "mlc"
LIMITER = "requests"  # SandboxOptions.limits["mlc"]["requests"]
# No limit is documented; 5 req/s is an assumption (docs/services.md#mlc-errors-and-rate-limit),
# kept configurable.
DEFAULT_REQUESTS_PER_SECOND = 5
WINDOW_SECONDS = 1.0
ADMINISTRATOR_ROLE_CODE = "AM"  # CWR administrator (docs/services.md#mlc-work-fields)
AKA_TITLE_TYPE_CODE = "AT"  # CWR alternative title

# API Gateway style (docs/services.md#mlc-login-and-idtoken).
UNAUTHORIZED = {"message": "Unauthorized"}
WRONG_CREDENTIALS = "Request failed with status code 403: Wrong email or password."
WRONG_REFRESH_TOKEN = "Request failed with status code 403: Invalid Refresh Token"
MISSING_CREDENTIALS = "Missing username or password"


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MlcSettings:
    """`SandboxOptions.settings["mlc"]`; an unknown key or bad value stops the start.

    - `token_lifetime_seconds`: life of the idToken/accessToken pair (`expiresIn`, 3600 assumed).
    """

    token_lifetime_seconds: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> MlcSettings:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in settings.items():
            if key == "tier":  # every service gets it; the MLC has no tiers
                continue
            if key not in known:
                raise ValueError(
                    f"settings.{SERVICE}: unknown setting {key!r}; known: {', '.join(sorted(known))}"
                )
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ValueError(
                    f"settings.{SERVICE}.{key} must be a number of seconds > 0 (got {value!r})"
                )
            values[key] = value
        return cls(**values)


# --- tokens -----------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class _Session:
    username: str
    expires_at: float  # real Unix time, as in the JWT `exp`


class MlcTokens:
    """Cognito-like token pairs: a JWT idToken (the only bearer the data endpoints accept), a
    different JWT accessToken, and an opaque refresh token that does not expire."""

    def __init__(self, secret: bytes, lifetime: float, wall: Callable[[], float] = time.time):
        self._secret = secret
        self._lifetime = lifetime
        self._wall = wall
        self._id_tokens: dict[str, _Session] = {}
        self._access_tokens: dict[str, _Session] = {}
        self._refresh_tokens: dict[str, str] = {}

    @property
    def lifetime(self) -> float:
        return self._lifetime

    def issue(self, username: str, with_refresh: bool) -> dict[str, Any]:
        now = self._wall()
        session = _Session(username, now + self._lifetime)
        common = {"sub": _subject(username), "iat": int(now), "exp": int(session.expires_at)}
        id_token = self._jwt({**common, "token_use": "id", "cognito:username": username})
        access_token = self._jwt({**common, "token_use": "access", "username": username})
        self._id_tokens[id_token] = session
        self._access_tokens[access_token] = session
        refresh_token = None
        if with_refresh:
            refresh_token = secrets.token_urlsafe(96)
            self._refresh_tokens[refresh_token] = username
        return {
            "accessToken": access_token,
            "idToken": id_token,
            "refreshToken": refresh_token,
            "tokenType": "Bearer",
            # A string (docs/services.md#mlc-login-and-idtoken).
            "expiresIn": str(math.ceil(self._lifetime)),
            "scope": None,
            "error": None,
            "errorDescription": None,
        }

    def user_of_refresh_token(self, token: str) -> str | None:
        return self._refresh_tokens.get(token)

    def user_of(self, token: str) -> str | None:
        """Whose token this is (id or access, expired or not); None if never issued here."""
        session = self._id_tokens.get(token) or self._access_tokens.get(token)
        return session.username if session else None

    def id_token_is_valid(self, token: str) -> bool:
        session = self._id_tokens.get(token)
        return session is not None and self._wall() < session.expires_at

    def _jwt(self, claims: dict[str, Any]) -> str:
        claims = {**claims, "jti": secrets.token_hex(8)}
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"


def _subject(username: str) -> str:
    digest = hashlib.sha1(username.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def bearer_token(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# --- bodies -----------------------------------------------------------------------------------


def token_error(status: int, error: str, description: str) -> JSONResponse:
    """The token endpoint's failure shape: every token field null
    (docs/services.md#mlc-login-and-idtoken)."""
    body = {
        "accessToken": None,
        "idToken": None,
        "refreshToken": None,
        "tokenType": None,
        "expiresIn": None,
        "scope": None,
        "error": error,
        "errorDescription": description,
    }
    return JSONResponse(body, status_code=status)


def bad_request() -> Response:
    # Royalte saw 400 with an empty body for incomplete searches
    # (docs/services.md#mlc-search-endpoints).
    return Response(status_code=400)


def render_injected_error(injected: InjectedError) -> Response:
    return JSONResponse({"message": injected.message}, status_code=injected.status)


def _share(value: Decimal) -> int | float:
    """`collectionShare` as a JSON number on the 0-100 scale (50, 33.33)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _publisher_json(
    publisher: MlcPublisher | MlcAdministrator,
    role_code: str,
    chain_id: str,
    chain_parent_id: str | None,
    administrators: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "publisherId": publisher.publisher_id,
        "publisherName": publisher.name,
        "publisherIpiNumber": publisher.ipi,
        "mlcPublisherNumber": publisher.mlc_publisher_number,
        "publisherRoleCode": role_code,
        "collectionShare": _share(publisher.collection_share),
        "chainId": chain_id,
        "chainParentId": chain_parent_id,
        "administrators": administrators,
        "parentPublishers": [],
    }


def work_json(work: MlcWork) -> dict[str, Any]:
    """A Public Search API work object (`/work/id`, `/works`), per docs/services.md#mlc-work-fields.

    Each original publisher opens a chain (`chainId`); its administrators carry the same chain
    with the publisher as `chainParentId`, and each writer carries the chain of the first
    publisher that represents it (the catalog's `writer_ids`), or null when none does (a writer
    without a publisher, like SB5VH7's SAHEEB HAHEEB).
    """
    publishers = []
    chain_of_writer: dict[str, str] = {}
    for number, publisher in enumerate(work.publishers, start=1):
        chain_id = str(number)
        for writer_id in publisher.writer_ids:
            chain_of_writer.setdefault(writer_id, chain_id)
        administrators = [
            _publisher_json(admin, ADMINISTRATOR_ROLE_CODE, chain_id, publisher.publisher_id, [])
            for admin in publisher.administrators
        ]
        publishers.append(
            _publisher_json(publisher, publisher.role_code, chain_id, None, administrators)
        )
    writers = [
        {
            "writerId": writer.writer_id,
            "writerFirstName": writer.first_name,
            "writerLastName": writer.last_name,
            "writerIPI": writer.ipi,
            "writerRoleCode": writer.role_code,
            "chainId": chain_of_writer.get(writer.writer_id),
            "chainParentId": None,
        }
        for writer in work.writers
    ]
    return {
        "mlcSongCode": work.song_code,
        "primaryTitle": work.title,
        "iswc": work.iswc,
        "artists": work.artists,
        "membersSongId": None,
        "akas": [
            {
                "akaId": f"{work.song_code}-{n}",
                "akaTitle": title,
                "akaTitleTypeCode": AKA_TITLE_TYPE_CODE,
            }
            for n, title in enumerate(work.alternative_titles, start=1)
        ],
        "writers": writers,
        "publishers": publishers,
    }


def recording_json(recording: MlcRecording) -> dict[str, Any]:
    return {
        "id": recording.id,
        "isrc": recording.isrc,
        "title": recording.title,
        "artist": recording.artist,
        "labels": recording.labels,
        "mlcsongCode": recording.song_code,  # lower-case s here, unlike work objects
    }


def songcode_json(work: MlcWork) -> dict[str, Any]:
    return {
        "iswc": work.iswc,
        "mlcSongCode": work.song_code,
        "workTitle": work.title,
        "writers": [
            {
                "writerFirstName": w.first_name,
                "writerLastName": w.last_name,
                "writerIPI": w.ipi,
                "writerId": w.writer_id,
                "writerRoleCode": w.role_code,
            }
            for w in work.writers
        ],
    }


# --- the rate-limit layer ---------------------------------------------------------------------


class RateLimitLayer:
    """Every request received counts against a sliding window per user (per client address
    before login); past it the answer is 429 with Retry-After
    (docs/services.md#mlc-errors-and-rate-limit)."""

    def __init__(self, app: Any, limiter: SlidingWindow, tokens: MlcTokens) -> None:
        self._app = app
        self._limiter = limiter
        self._tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        token = bearer_token(Request(scope).headers)
        user = self._tokens.user_of(token) if token else None
        client = scope.get("client") or ("unknown", 0)
        decision = self._limiter.hit(f"user:{user}" if user else f"client:{client[0]}")
        if not decision.allowed:
            response = JSONResponse(
                {"message": "Too Many Requests"},
                status_code=429,
                headers={"Retry-After": str(decision.retry_after_seconds)},
            )
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)


# --- the app ----------------------------------------------------------------------------------


async def _json_body(request: Request) -> Any:
    """The parsed JSON body, or None when it is missing, not JSON or not sent as JSON."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return None
    body = await request.body()
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    """A non-empty string criterion; None when absent or empty; raises on other types."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError
    return value.strip() or None


def _same(left: str, right: str | None) -> bool:
    return right is not None and left.strip().casefold() == right.strip().casefold()


def build_app(context: SandboxContext) -> Starlette:
    settings = MlcSettings.from_settings(context.settings)
    username = context.credentials["MLC_USERNAME"]
    password = context.credentials["MLC_PASSWORD"]
    limiter = context.limits.sliding_window(
        LIMITER, limit=DEFAULT_REQUESTS_PER_SECOND, window=WINDOW_SECONDS
    )
    secret = bytes(context.rng.getrandbits(8) for _ in range(32))
    tokens = MlcTokens(secret, settings.token_lifetime_seconds)
    catalog: Catalog = context.catalog

    def authorized(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def guarded(request: Request) -> Response:
            token = bearer_token(request.headers)
            # Only the idToken opens the data endpoints; the accessToken is refused
            # (docs/services.md#mlc-login-and-idtoken).
            if token is None or not tokens.id_token_is_valid(token):
                return JSONResponse(UNAUTHORIZED, status_code=401)
            return await handler(request)

        return guarded

    async def oauth_token(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return token_error(400, "Bad Request", MISSING_CREDENTIALS)
        user, secret_word = body.get("username"), body.get("password")
        if isinstance(user, str) and user and isinstance(secret_word, str) and secret_word:
            if not (
                hmac.compare_digest(user.encode(), username.encode())
                and hmac.compare_digest(secret_word.encode(), password.encode())
            ):
                return token_error(403, "invalid_grant", WRONG_CREDENTIALS)
            return JSONResponse(tokens.issue(user, with_refresh=True))
        refresh = body.get("refreshToken")
        if isinstance(refresh, str) and refresh and user is None and secret_word is None:
            owner = tokens.user_of_refresh_token(refresh)
            if owner is None:
                return token_error(403, "invalid_grant", WRONG_REFRESH_TOKEN)
            # Cognito's refresh flow issues no new refresh token: keep the one you have.
            return JSONResponse(tokens.issue(owner, with_refresh=False))
        return token_error(400, "Bad Request", MISSING_CREDENTIALS)

    @authorized
    async def search_recordings(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return bad_request()
        try:
            isrc, title, artist = (_text(body.get(k)) for k in ("isrc", "title", "artist"))
        except TypeError:
            return bad_request()
        if isrc is None and title is None and artist is None:
            return bad_request()
        if isrc is not None:
            # Matched as sent: normalising the ISRC is the client's job
            # (docs/services.md#mlc-search-endpoints).
            candidates = catalog.mlc_recordings_by_isrc.get(isrc, ())
        else:
            candidates = catalog.mlc_recordings
        found = [
            r
            for r in candidates
            if (title is None or _same(r.title, title))
            and (artist is None or _same(r.artist, artist))
        ]
        return JSONResponse([recording_json(r) for r in found])

    @authorized
    async def search_songcode(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return bad_request()
        writers = body.get("writers")
        try:
            title = _text(body.get("title"))
            filters = [
                {
                    key: _text(w.get(key))
                    for key in ("writerFirstName", "writerLastName", "writerIPI")
                }
                for w in (writers if isinstance(writers, list) else [])
                if isinstance(w, dict)
            ]
        except TypeError:
            return bad_request()
        filters = [f for f in filters if any(v is not None for v in f.values())]
        # The live API wants a title and at least one writer field
        # (docs/services.md#mlc-search-endpoints, [mlc-cli]).
        if title is None or not filters:
            return bad_request()
        found = [
            work
            for work in catalog.mlc_works
            if any(_same(t, title) for t in (work.title, *work.alternative_titles))
            and any(_writer_matches(w, f) for w in work.writers for f in filters)
        ]
        return JSONResponse([songcode_json(w) for w in found])

    @authorized
    async def work_by_id(request: Request) -> Response:
        work = catalog.mlc_works_by_song_code.get(request.path_params["song_code"])
        if work is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        return JSONResponse(work_json(work))

    @authorized
    async def works(request: Request) -> Response:
        body = await _json_body(request)
        # An array of {"mlcsongCode": ...}, spelled as in the API spec
        # (docs/services.md#mlc-search-endpoints).
        if not isinstance(body, list):
            return bad_request()
        codes = []
        for item in body:
            code = item.get("mlcsongCode") if isinstance(item, dict) else None
            if not isinstance(code, str) or not code:
                return bad_request()
            codes.append(code)
        found = [catalog.mlc_works_by_song_code.get(code) for code in codes]
        return JSONResponse([work_json(w) for w in found if w is not None])

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        message = "Method Not Allowed" if status == 405 else "Not Found"
        return JSONResponse({"message": message}, status_code=status)

    return Starlette(
        routes=[
            Route("/oauth/token", oauth_token, methods=["POST"]),
            Route("/search/recordings", search_recordings, methods=["POST"]),
            Route("/search/songcode", search_songcode, methods=["POST"]),
            Route("/work/id/{song_code}", work_by_id, methods=["GET"]),
            Route("/works", works, methods=["POST"]),
        ],
        middleware=[Middleware(RateLimitLayer, limiter=limiter, tokens=tokens)],
        exception_handlers={404: not_found, 405: not_found},
    )


def _writer_matches(writer: Any, wanted: Mapping[str, str | None]) -> bool:
    values = {
        "writerFirstName": writer.first_name,
        "writerLastName": writer.last_name,
        "writerIPI": writer.ipi or "",
    }
    return all(value is None or _same(values[key], value) for key, value in wanted.items())


def mlc_emulator() -> EmulatorSpec:
    return EmulatorSpec(SERVICE, build_app, error_renderer=render_injected_error)
