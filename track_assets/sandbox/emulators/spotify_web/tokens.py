"""Web-player tokens: the TOTP check of `/api/token`, access tokens (anonymous or logged in from
the `sp_dc` cookie) and client tokens, with their expiry.

The real `/api/token` wants `reason`, `productType`, `totp`, `totpServer` and `totpVer`
(docs/services.md#web-player-tokens: the secret rotates, `totpVer` moves, an outdated client gets
400 "Usage of this endpoint is not permitted..."). The codes are RFC 6238 TOTP (HMAC-SHA1,
30 s, 6 digits) keyed by the bundle's secret bytes, each XOR-ed with (index % 33) + 9 and
joined as decimal text, as public clients of the real endpoint derive it.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

TOTP_PERIOD_SECONDS = 30
TOTP_DIGITS = 6
TOTP_SKEW_STEPS = 1  # one step either side, for clocks that differ a little
TOKEN_REASONS = ("init", "transport")
PRODUCT_TYPE = "web-player"
NOT_PERMITTED = (
    "Usage of this endpoint is not permitted under the Spotify Developer Terms and Developer "
    "Policy, and applicable law"
)
_CODE = re.compile(r"^[0-9]{6}$")
_VERSION = re.compile(r"^[0-9]{1,4}$")
_URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def totp_key(secret: tuple[int, ...]) -> bytes:
    """The HMAC key the web player derives from the secret bytes shipped in its bundle."""
    return "".join(str(byte ^ ((i % 33) + 9)) for i, byte in enumerate(secret)).encode()


def totp_code(key: bytes, unix_seconds: float) -> str:
    counter = int(unix_seconds // TOTP_PERIOD_SECONDS)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)


class TokenRequestError(ValueError):
    """`/api/token` refused the request (400)."""


class TokenKind(StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"  # logged in through the sp_dc cookie


@dataclass(frozen=True)
class AccessToken:
    value: str
    kind: TokenKind
    expires_at_ms: int

    @property
    def is_anonymous(self) -> bool:
        return self.kind is TokenKind.ANONYMOUS


class TokenCheck(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # not issued here: a Web API token, garbage, a token of another start


class WebPlayerTokens:
    """Issues and checks the tokens of one emulator start. Thread-safe."""

    def __init__(
        self,
        rng: random.Random,
        sp_dc: str,
        totp_version: int,
        token_lifetime: float,
        client_token_lifetime: float,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._rng = rng
        self._sp_dc = sp_dc
        self.totp_version = totp_version
        self.totp_secret = tuple(rng.randrange(33, 127) for _ in range(21))
        self.client_id = "".join(rng.choice("0123456789abcdef") for _ in range(32))
        self._token_lifetime = token_lifetime
        self._client_token_lifetime = client_token_lifetime
        self._wall = wall
        self._lock = threading.Lock()
        self._access: dict[str, AccessToken] = {}
        self._client: dict[str, float] = {}

    # -- /api/token ------------------------------------------------------------------------

    def check_totp_request(self, params: Mapping[str, str]) -> None:
        """Raise TokenRequestError unless the query is what the current web player sends."""
        reason = params.get("reason")
        if reason not in TOKEN_REASONS:
            raise TokenRequestError(f"reason must be one of {', '.join(TOKEN_REASONS)}")
        if params.get("productType") != PRODUCT_TYPE:
            raise TokenRequestError(f"productType must be {PRODUCT_TYPE}")
        version = params.get("totpVer", "")
        if not _VERSION.match(version):
            raise TokenRequestError("totpVer is missing or not a number")
        for name in ("totp", "totpServer"):
            if not _CODE.match(params.get(name, "")):
                raise TokenRequestError(f"{name} is missing or not {TOTP_DIGITS} digits")
        if int(version) != self.totp_version:
            raise TokenRequestError(NOT_PERMITTED)
        key = totp_key(self.totp_secret)
        now = self._wall()
        valid = {
            totp_code(key, now + step * TOTP_PERIOD_SECONDS)
            for step in range(-TOTP_SKEW_STEPS, TOTP_SKEW_STEPS + 1)
        }
        if params["totp"] not in valid or params["totpServer"] not in valid:
            raise TokenRequestError(NOT_PERMITTED)

    def issue_access_token(self, sp_dc: str | None) -> AccessToken:
        """Logged in when the cookie is the sandbox's `SPOTIFY_SP_DC`, anonymous otherwise."""
        logged_in = sp_dc is not None and hmac.compare_digest(sp_dc, self._sp_dc)
        return self._issue(TokenKind.USER if logged_in else TokenKind.ANONYMOUS)

    def issue_anonymous_token(self) -> AccessToken:
        return self._issue(TokenKind.ANONYMOUS)

    def _issue(self, kind: TokenKind) -> AccessToken:
        with self._lock:
            value = "BQ" + "".join(self._rng.choice(_URLSAFE) for _ in range(174))
            expires = int((self._wall() + self._token_lifetime) * 1000)
            token = AccessToken(value, kind, expires)
            self._access[value] = token
            self._forget_expired_locked()
        return token

    def check_access_token(self, value: str) -> tuple[TokenCheck, AccessToken | None]:
        with self._lock:
            token = self._access.get(value)
        if token is None:
            return TokenCheck.UNKNOWN, None
        if self._wall() * 1000 >= token.expires_at_ms:
            return TokenCheck.EXPIRED, token
        return TokenCheck.VALID, token

    def _forget_expired_locked(self) -> None:
        # Keep expired tokens for a day so they answer "expired", not "unknown".
        if len(self._access) < 10_000:
            return
        cutoff = (self._wall() - 86_400) * 1000
        for value in [v for v, t in self._access.items() if t.expires_at_ms < cutoff]:
            del self._access[value]

    # -- client tokens (clienttoken.spotify.com/v1/clienttoken) ------------------------------

    def issue_client_token(self) -> tuple[str, int]:
        with self._lock:
            value = "AA" + "".join(self._rng.choice(_URLSAFE) for _ in range(230))
            lifetime = int(self._client_token_lifetime)
            self._client[value] = self._wall() + lifetime
        return value, lifetime

    def check_client_token(self, value: str) -> TokenCheck:
        with self._lock:
            expires = self._client.get(value)
        if expires is None:
            return TokenCheck.UNKNOWN
        return TokenCheck.VALID if self._wall() < expires else TokenCheck.EXPIRED
