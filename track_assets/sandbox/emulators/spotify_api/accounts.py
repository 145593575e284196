"""The accounts service (`POST /api/token`, client credentials) and the bearer tokens it issues.

Contract: docs/services.md#accounts-token; token bodies as the recordings
`track_assets_tests/fixtures/reference/spotify/webapi/token_client-credentials_*`.
Errors follow RFC 6749 as Spotify words them (observed-error-bodies.json `accounts-*`; the
`unsupported_grant_type` descriptions and the 415 for a non-form body come from spotify/web-api
issues #1503, #321 and trivago/Heimdallr.swift#109).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from track_assets.sandbox.emulators.spotify_api.errors import (
    EXPIRED_TOKEN_BODY,
    INVALID_CLIENT_BODY,
    INVALID_CLIENT_SECRET_BODY,
    INVALID_TOKEN,
    NO_TOKEN,
    NOT_BEARER,
    SpotifyApiError,
    accounts_error,
)

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TOKEN68 = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")
_FORGET_AFTER = 86_400.0  # expired tokens are remembered a day, to answer "expired" not "invalid"


@dataclass(frozen=True)
class IssuedToken:
    client_id: str
    expires_at: float  # monotonic seconds


class TokenStore:
    """Access tokens by value; thread-safe. Times are `monotonic` seconds (real time: the
    sandbox clock pins dates, not the time of day)."""

    def __init__(
        self,
        rng: random.Random,
        lifetime: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rng = rng
        self.lifetime = lifetime
        self._monotonic = monotonic
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def issue(self, client_id: str) -> str:
        # Real tokens are "BQ" + ~86 URL-safe characters (webapi/token_client-credentials_*).
        with self._lock:
            now = self._monotonic()
            token = "BQ" + "".join(self._rng.choice(_TOKEN_ALPHABET) for _ in range(86))
            self._tokens[token] = IssuedToken(client_id, now + self.lifetime)
            self._forget_old(now)
        return token

    def client_of(self, authorization: str | None) -> str:
        """The client id behind an `Authorization` header; raises SpotifyApiError otherwise."""
        if authorization is None or not authorization.strip():
            raise SpotifyApiError(401, NO_TOKEN)
        scheme, _, credentials = authorization.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not _TOKEN68.match(credentials):
            raise SpotifyApiError(400, NOT_BEARER)
        with self._lock:
            issued = self._tokens.get(credentials)
            now = self._monotonic()
        if issued is None:
            raise SpotifyApiError(401, INVALID_TOKEN)
        if now >= issued.expires_at:
            raise SpotifyApiError(401, body=EXPIRED_TOKEN_BODY)
        return issued.client_id

    def _forget_old(self, now: float) -> None:
        if len(self._tokens) < 10_000:
            return
        for token in [t for t, i in self._tokens.items() if i.expires_at + _FORGET_AFTER < now]:
            del self._tokens[token]


class TokenEndpoint:
    """`POST /api/token`: only `grant_type=client_credentials` issues a token here."""

    def __init__(self, credentials: Mapping[str, str], tokens: TokenStore) -> None:
        self._client_id = credentials["SPOTIFY_CLIENT_ID"]
        self._client_secret = credentials["SPOTIFY_CLIENT_SECRET"]
        self._tokens = tokens

    async def handle(self, request: Request) -> Response:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != FORM_MEDIA_TYPE:
            return accounts_error(415, "server_error", "Unexpected status: 415")
        form = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        grant_type = _single(form, "grant_type")
        if not grant_type:
            return accounts_error(400, "unsupported_grant_type", "grant_type parameter is missing")
        if grant_type not in GRANT_TYPES:
            return accounts_error(
                400,
                "unsupported_grant_type",
                "grant_type must be client_credentials, authorization_code or refresh_token",
            )
        client_id, client_secret = _client_credentials(request, form)
        if client_id is None or not secrets.compare_digest(client_id, self._client_id):
            return _raw(400, INVALID_CLIENT_BODY)
        if client_secret is None or not secrets.compare_digest(client_secret, self._client_secret):
            return _raw(400, INVALID_CLIENT_SECRET_BODY)
        if grant_type == "authorization_code":
            # The sandbox has no users, so it never issued a code or a refresh token.
            return accounts_error(400, "invalid_grant", "Invalid authorization code")
        if grant_type == "refresh_token":
            return accounts_error(400, "invalid_grant", "Invalid refresh token")
        token = self._tokens.issue(client_id)
        expires_in = max(1, math.ceil(self._tokens.lifetime))
        # Key order and compact layout as webapi/token_client-credentials_200_2017.json.
        body = json.dumps(
            {"access_token": token, "token_type": "Bearer", "expires_in": expires_in},
            separators=(",", ":"),
        ).encode()
        return Response(body, media_type="application/json")


def _single(form: Mapping[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _client_credentials(
    request: Request, form: Mapping[str, list[str]]
) -> tuple[str | None, str | None]:
    """From `Authorization: Basic base64(id:secret)`, else the `client_id`/`client_secret`
    form fields (both accepted by Spotify, docs/services.md#accounts-token)."""
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, encoded = authorization.strip().partition(" ")
        if scheme.lower() != "basic":
            return None, None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, colon, client_secret = decoded.partition(":")
        return client_id, client_secret if colon else None
    return _single(form, "client_id"), _single(form, "client_secret")


def _raw(status: int, body: bytes) -> Response:
    return Response(body, status_code=status, media_type="application/json")
