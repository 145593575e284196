"""The access-token cache every token-based client uses: one fetch at a time, the token reused
until shortly before it expires, and fetched again once after a 401."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from track_assets.services.http.auth import TokenProvider

# A token is renewed this long before it expires, but never more than this share of its life
# (Chartmetric's consumers renew 5-300 s early, docs/services.md#chartmetric-authentication).
RENEWAL_MARGIN = 60.0
RENEWAL_MARGIN_SHARE = 0.1

# Obtains a new token from the service: (token, seconds until it expires). It raises the
# service's own errors (credentials rejected...) and runs under the cache's lock, so a stateful
# exchange (one that keeps a refresh token) needs no lock of its own.
FetchToken = Callable[[], tuple[str, float]]


class TokenCache(TokenProvider):
    """Caches the token `fetch` returns until shortly before it expires (counted from when the
    fetch started). Concurrent callers share one fetch; a failed fetch is not remembered."""

    def __init__(self, fetch: FetchToken, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.fetches = 0  # tokens obtained so far

    def token(self) -> str:
        with self._lock:
            return self._fresh_token()

    def refresh(self, stale: str) -> str:
        with self._lock:
            if self._token == stale:
                self._token = None  # refused: never handed out again, even if the fetch fails
            return self._fresh_token()

    def _fresh_token(self) -> str:
        """The cached token, or a new one when there is none or it is due. Caller holds the lock."""
        if self._token is None or self._clock() >= self._renew_at:
            started = self._clock()
            token, expires_in = self._fetch()
            margin = min(RENEWAL_MARGIN, expires_in * RENEWAL_MARGIN_SHARE)
            self._token = token
            self._renew_at = started + expires_in - margin
            self.fetches += 1
        return self._token
