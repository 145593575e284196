"""The MLC Public Search API client: login, idToken bearer, recordings by ISRC, works by song code.

Contracts: docs/services.md#the-mlc. Every request goes through the shared
HTTP layer (retries on 429/5xx honouring Retry-After, the rate limiter, counters).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import httpx

from track_assets.services.http import (
    DEFAULT_TIMEOUT,
    RateLimiter,
    RequestCounters,
    RetryPolicy,
    ServiceError,
    ServiceHttpClient,
    TokenCache,
)
from track_assets.services.mlc import parsing
from track_assets.services.mlc.models import MlcRecordingHit, MlcWorkRecord, TokenGrant

SERVICE = parsing.SERVICE
TOKEN = "POST /oauth/token"
RECORDINGS = "POST /search/recordings"
WORK = "GET /work/id/{mlcSongCode}"
WORKS = "POST /works"
# The API documents no batch limit for POST /works (docs/services.md#mlc-search-endpoints: "no paging"): an assumption,
# kept small enough for one response to stay modest.
WORKS_BATCH_SIZE = 50
# A refresh token the token endpoint refuses (expired, revoked): log in again instead.
_REFRESH_REFUSED = (400, 401, 403)


# --- errors -----------------------------------------------------------------------------------


class MlcCredentialsRejected(ServiceError):
    """POST /oauth/token refused the username and password."""

    def __init__(self, status: int, detail: str | None) -> None:
        said = f" ({detail})" if detail else ""
        message = (
            f"{SERVICE} refused the login: HTTP {status} on {TOKEN}{said}. Check MLC_USERNAME "
            "and MLC_PASSWORD: they must be the e-mail and password of a Public Search API "
            "account (registration at themlc.com/dataprograms)."
        )
        super().__init__(message, service=SERVICE, endpoint=TOKEN)
        self.status = status


class MlcRequestFailed(ServiceError):
    """The MLC answered a status this client does not expect (e.g. 400 on a search)."""

    def __init__(self, endpoint: str, status: int, detail: str | None) -> None:
        said = f" ({detail})" if detail else ""
        hint = {
            400: "the MLC refused the request's criteria; this is a client bug, report it",
            403: "the account may lack access to the Public Search API",
        }.get(status, "see The MLC's status and rerun")
        super().__init__(
            f"{SERVICE} {endpoint}: HTTP {status}{said}: {hint}.",
            service=SERVICE,
            endpoint=endpoint,
        )
        self.status = status


# --- tokens -----------------------------------------------------------------------------------


class MlcTokenProvider(TokenCache):
    """The idToken (the only bearer the data endpoints accept, docs/services.md#mlc-login-and-idtoken), cached by the HTTP
    layer's TokenCache and renewed with the refresh token while the token endpoint accepts it,
    else by logging in again. Counts `logins` and `renewals`."""

    def __init__(
        self,
        http: ServiceHttpClient,
        username: str,
        password: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(self._obtain, clock=clock)
        self._http = http
        self._username = username
        self._password = password
        self._refresh_token: str | None = None
        self.logins = 0
        self.renewals = 0

    def _obtain(self) -> tuple[str, float]:
        grant = self._renewed() if self._refresh_token else None
        if grant is None:
            grant = self._logged_in()
        if grant.refresh_token:
            self._refresh_token = grant.refresh_token
        return grant.id_token, grant.expires_in

    def _renewed(self) -> TokenGrant | None:
        response = self._http.post(
            "/oauth/token", endpoint=TOKEN, json=parsing.refresh_body(self._refresh_token)
        )
        if response.status_code in _REFRESH_REFUSED:
            self._refresh_token = None
            return None
        self._expect_grant(response)
        self.renewals += 1
        return parsing.parse_token(response.content, TOKEN)

    def _logged_in(self) -> TokenGrant:
        response = self._http.post(
            "/oauth/token",
            endpoint=TOKEN,
            json=parsing.login_body(self._username, self._password),
        )
        if response.status_code in (400, 401, 403):
            raise MlcCredentialsRejected(
                response.status_code, parsing.error_description(response.content)
            )
        self._expect_grant(response)
        self.logins += 1
        return parsing.parse_token(response.content, TOKEN)

    @staticmethod
    def _expect_grant(response: httpx.Response) -> None:
        if response.status_code != 200:
            raise MlcRequestFailed(
                TOKEN, response.status_code, parsing.error_description(response.content)
            )


# --- the client -------------------------------------------------------------------------------


class MlcClient:
    """The MLC Public Search API over the shared HTTP layer.

    `rate_limiter` should be the cross-process limiter of this account; the MLC documents no
    limit (2-5 requests/s assumed, docs/services.md#mlc-errors-and-rate-limit), and 429s are waited out per Retry-After.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        rate_limiter: RateLimiter | None = None,
        counters: RequestCounters | None = None,
        retry_policy: RetryPolicy | None = None,
        *,
        works_batch_size: int = WORKS_BATCH_SIZE,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not username or not password:
            raise ValueError(
                "no MLC credentials: set MLC_USERNAME and MLC_PASSWORD (or start the sandbox)"
            )
        if works_batch_size < 1:
            raise ValueError(f"works_batch_size must be at least 1, got {works_batch_size}")
        counters = counters if counters is not None else RequestCounters()
        shared: dict[str, Any] = {
            "rate_limiter": rate_limiter,
            "counters": counters,
            "retry_policy": retry_policy,
            "timeout": timeout,
            "sleep": sleep,
            "clock": clock,
            "expects_json": True,
        }
        base_url = base_url.rstrip("/")
        self._token_http = ServiceHttpClient(SERVICE, base_url, **shared)
        self.tokens = MlcTokenProvider(self._token_http, username, password, clock=clock)
        self._http = ServiceHttpClient(SERVICE, base_url, token_provider=self.tokens, **shared)
        self.counters = counters
        self.works_batch_size = works_batch_size

    def recordings_by_isrc(self, isrc: str) -> list[MlcRecordingHit]:
        """The MLC's recordings of this ISRC ([] when none). The API matches the ISRC as sent,
        so it is normalised first: upper case, no dashes or spaces (docs/services.md#mlc-search-endpoints)."""
        normalised = isrc.replace("-", "").replace(" ", "").strip().upper()
        if not normalised:
            raise ValueError("an ISRC is needed to search The MLC's recordings")
        response = self._http.post(
            "/search/recordings",
            endpoint=RECORDINGS,
            json=parsing.recordings_by_isrc_body(normalised),
        )
        if response.status_code == 204:
            return []
        self._expect_ok(response, RECORDINGS)
        return parsing.parse_recordings(response.content, RECORDINGS)

    def work(self, song_code: str) -> MlcWorkRecord | None:
        """One work by its MLC song code; None when the MLC has no such work (404)."""
        path = f"/work/id/{quote(song_code.strip(), safe='')}"
        response = self._http.get(path, endpoint=WORK)
        if response.status_code == 404:
            return None
        self._expect_ok(response, WORK)
        return parsing.parse_work(response.content, WORK)

    def works(self, song_codes: Iterable[str]) -> dict[str, MlcWorkRecord | None]:
        """Works by song code, `works_batch_size` codes per POST /works; every distinct code
        asked for is a key, None when the MLC returned no work for it."""
        codes = list(dict.fromkeys(c.strip() for c in song_codes if c and c.strip()))
        found: dict[str, MlcWorkRecord | None] = dict.fromkeys(codes)
        for start in range(0, len(codes), self.works_batch_size):
            chunk = codes[start : start + self.works_batch_size]
            response = self._http.post(
                "/works", endpoint=WORKS, json=parsing.works_request_body(chunk)
            )
            self._expect_ok(response, WORKS)
            for work in parsing.parse_works(response.content, WORKS):
                if work.song_code in found:
                    found[work.song_code] = work
        return found

    @staticmethod
    def _expect_ok(response: httpx.Response, endpoint: str) -> None:
        if response.status_code != 200:
            raise MlcRequestFailed(
                endpoint, response.status_code, parsing.error_description(response.content)
            )

    def close(self) -> None:
        self._http.close()
        self._token_http.close()

    def __enter__(self) -> MlcClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
