"""Spotify's error bodies: the Web API's `{"error": {...}}` and the accounts service's RFC 6749 shape.

Bodies with a verbatim capture in track_assets_tests/fixtures/reference/spotify/errors/ are
served byte for byte (the `*_BODY` constants); the others are drawn in the layout of the
recorded 401 (`error_401_access-token-expired_2019.json`: two-space indent, `"error": {`).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.responses import Response

from track_assets.sandbox.faults import InjectedError

JSON_MEDIA_TYPE = "application/json; charset=utf-8"  # observed content-type, 2020-2022 captures
ERROR_CACHE_CONTROL = "private, max-age=0"

# Verbatim captures (errors/observed-error-bodies.json "body_verbatim", and the 2019 recording).
EXPIRED_TOKEN_BODY = (
    b'{\n  "error": {\n    "status": 401,\n    "message": "The access token expired"\n  }\n}'
)
REMOVED_ENDPOINT_BODY = (
    b'{"error": {"status": 403, "message": "Forbidden" } }'  # /playlists/{id}/tracks
)
NOT_OWNER_BODY = b'{"error": {"status": 403, "message": "Forbidden" }}'  # /items, not owned
AUDIO_FEATURES_FORBIDDEN_BODY = b'{\n  "error" : {\n    "status" : 403\n  }\n}'  # no message
EDITORIAL_NOT_FOUND_BODY = b'{"error": {"status": 404, "message": "Resource not found" } }'
QUOTA_EXCEEDED_BODY = (
    b'{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}'
)
INVALID_CLIENT_BODY = b'{"error":"invalid_client","error_description":"Invalid client"}'
INVALID_CLIENT_SECRET_BODY = (
    b'{"error":"invalid_client","error_description":"Invalid client secret"}'
)

# Messages seen in third-party captures (issue threads; see the emulator's tests for sources).
TOO_MANY_IDS = "too many ids requested"
INVALID_ID = "invalid id"
NON_EXISTING_ID = "non existing id"
INVALID_BASE62_ID = "Invalid base62 id"  # malformed playlist id (2024-2025 captures)
RESOURCE_NOT_FOUND = "Resource not found"
NO_TOKEN = "No token provided"
INVALID_TOKEN = "Invalid access token"
NOT_BEARER = "Only valid bearer authentication supported"
RATE_LIMITED = "API rate limit exceeded"  # the rolling 30 s window (2021-2022 recordings)
INVALID_LIMIT = "Invalid limit"
INVALID_MARKET = "Invalid market code"
INSUFFICIENT_SCOPE = "Insufficient client scope"  # market=from_token with a client token
NO_SEARCH_QUERY = "No search query"
MISSING_SEARCH_TYPE = "Missing parameter type"


class SpotifyApiError(Exception):
    """Raised inside a Web API handler; becomes the error response."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message or ''}".strip())
        self.status = status
        self.message = message
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        body = self.body if self.body is not None else api_error_body(self.status, self.message)
        headers = {"cache-control": ERROR_CACHE_CONTROL, **self.headers}
        if self.status == 401:
            headers.setdefault("www-authenticate", 'Bearer realm="spotify"')
        return Response(body, status_code=self.status, media_type=JSON_MEDIA_TYPE, headers=headers)


def api_error_body(status: int, message: str | None) -> bytes:
    """`{"error": {"status": ..., "message": ...}}` in the recorded 401's layout."""
    error: dict[str, object] = {"status": status}
    if message is not None:
        error["message"] = message
    return json.dumps({"error": error}, indent=2, ensure_ascii=False).encode()


def accounts_error(status: int, error: str, description: str) -> Response:
    """The accounts service's RFC 6749 body, compact as captured."""
    body = json.dumps(
        {"error": error, "error_description": description}, separators=(",", ":")
    ).encode()
    return Response(body, status_code=status, media_type="application/json")


def render_injected_error(error: InjectedError) -> Response:
    """Error renderer for injected faults: a 429 says what the rolling window says; the
    accounts service (`/api/token`) answers in its own RFC 6749 shape."""
    if error.path.startswith("/api/token"):
        body = {"error": "server_error", "error_description": error.message}
        return Response(
            json.dumps(body, separators=(",", ":")),
            status_code=error.status,
            media_type="application/json",
        )
    if error.status == 429:
        message = RATE_LIMITED
    else:
        try:
            message = HTTPStatus(error.status).phrase
        except ValueError:
            message = error.message
    return SpotifyApiError(error.status, message).response()
