"""The HTTP client every service client is built on: retries, 401 refresh, rate limits, counts."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from track_assets.services.http.auth import TokenProvider
from track_assets.services.http.counters import RequestCounters
from track_assets.services.http.errors import RetryAfterTooLong, ServiceUnavailable, Unauthorized
from track_assets.services.http.json_body import is_json
from track_assets.services.http.rate_limit import NullRateLimiter, RateLimiter
from track_assets.services.http.retry import RetryPolicy, parse_retry_after
from track_assets.services.http.tls import tls_context

DEFAULT_TIMEOUT_SECONDS = 30.0  # to wait for an answer; connecting gets at most 10 s of it
DEFAULT_TIMEOUT = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=10.0)


def timeout_of(seconds: float) -> httpx.Timeout:
    """The timeout of a request that may wait `seconds` for an answer."""
    return httpx.Timeout(seconds, connect=min(seconds, 10.0))


# Transport errors that say nothing about the network and would fail again identically.
_NOT_RETRYABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


def retry_after_header(response: httpx.Response) -> float | None:
    """Seconds to wait from a standard Retry-After header, or None when absent or unusable."""
    return parse_retry_after(response.headers.get("Retry-After"))


class ServiceHttpClient:
    """An httpx client for one service that retries transient failures and counts every request.

    Non-retryable responses (2xx, 3xx, 4xx other than a second 401) are returned as they are;
    the service client decides what they mean. `retry_after` reads the wait a retryable
    response asks for (default: the Retry-After header; Chartmetric sends X-RateLimit-Reset).
    With `expects_json`, a success whose body is not JSON (cut off, or an HTML page from the
    service's edge) gets the same bounded retry as a 5xx; the last one is returned for the
    service's parser to report as malformed.
    """

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        token_provider: TokenProvider | None = None,
        rate_limiter: RateLimiter | None = None,
        counters: RequestCounters | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        retry_after: Callable[[httpx.Response], float | None] | None = None,
        transport: httpx.BaseTransport | None = None,
        expects_json: bool = False,
    ) -> None:
        self.service = service
        self.expects_json = expects_json
        self.base_url = base_url
        self.counters = counters if counters is not None else RequestCounters()
        self.retry_policy = retry_policy if retry_policy is not None else RetryPolicy()
        self._token_provider = token_provider
        self._rate_limiter = rate_limiter if rate_limiter is not None else NullRateLimiter()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()
        self._retry_after = retry_after or retry_after_header
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers=headers,
            transport=transport,
            verify=tls_context(),
        )

    def get(self, path: str, *, endpoint: str | None = None, **httpx_kwargs: Any) -> httpx.Response:
        return self.request("GET", path, endpoint=endpoint, **httpx_kwargs)

    def post(
        self, path: str, *, endpoint: str | None = None, **httpx_kwargs: Any
    ) -> httpx.Response:
        return self.request("POST", path, endpoint=endpoint, **httpx_kwargs)

    def request(
        self, method: str, path: str, *, endpoint: str | None = None, **httpx_kwargs: Any
    ) -> httpx.Response:
        """Send a request, retrying 429/5xx/network errors and refreshing the token once on 401.

        `endpoint` is the low-cardinality counter label (e.g. "GET /v1/tracks/{id}"); it
        defaults to the method and raw path. Raises RetryAfterTooLong, ServiceUnavailable or
        Unauthorized (all ServiceError).
        """
        method = method.upper()
        label = endpoint or f"{method} {path}"
        failures = 0
        sent = 0
        refreshed = False
        provider = self._token_provider
        while True:
            sent += 1
            try:
                # The token comes before the rate limiter's slot: fetching it may itself take a
                # slot of the same limiter (as Chartmetric's /api/token does), which this attempt
                # must not be holding (with a limit of 1 it would wait for itself).
                token = provider.token() if provider is not None else None
                response = self._send(method, path, label, httpx_kwargs, token)
            except httpx.TransportError as error:
                if isinstance(error, _NOT_RETRYABLE):
                    raise
                failures += 1
                if failures >= self.retry_policy.max_attempts:
                    last = f"{type(error).__name__}: {error}"
                    raise self._unavailable(label, last, sent) from error
                delay = self.retry_policy.backoff_delay(failures, self._rng)
            else:
                if response.status_code == 401 and provider is not None and token is not None:
                    if refreshed:
                        raise Unauthorized(service=self.service, endpoint=label)
                    provider.refresh(token)
                    self.counters.record_token_refresh(self.service)
                    refreshed = True
                    continue
                if response.status_code in self.retry_policy.retry_statuses:
                    failures += 1
                    delay = self._delay_after(response, label, failures, sent)
                elif self._malformed(response):
                    failures += 1
                    self.counters.record_malformed(self.service)
                    if failures >= self.retry_policy.max_attempts:
                        return response
                    delay = self.retry_policy.backoff_delay(failures, self._rng)
                else:
                    return response
            self.counters.record_retry(self.service)
            started = self._clock()
            self._sleep(delay)
            self.counters.record_backoff(self.service, self._clock() - started)

    def _malformed(self, response: httpx.Response) -> bool:
        """A success that should carry JSON and does not (the services' errors are not checked:
        their clients read what they can of an error body)."""
        if not self.expects_json or not 200 <= response.status_code < 300:
            return False
        return response.status_code != 204 and not is_json(response.content)

    def _delay_after(self, response: httpx.Response, label: str, failures: int, sent: int) -> float:
        """Seconds to wait after a retryable response, or the error that ends the request."""
        policy = self.retry_policy
        status = response.status_code
        retry_after = self._retry_after(response)
        # Checked before the attempt budget: a lockout is the more useful thing to report.
        if retry_after is not None and retry_after > policy.max_retry_after:
            raise RetryAfterTooLong(
                service=self.service,
                endpoint=label,
                status=status,
                retry_after=retry_after,
                max_retry_after=policy.max_retry_after,
            )
        if failures >= policy.max_attempts:
            raise self._unavailable(label, f"HTTP {status}", sent, status)
        if retry_after is not None:
            return retry_after
        return policy.backoff_delay(failures, self._rng)

    def _send(
        self,
        method: str,
        path: str,
        label: str,
        httpx_kwargs: Mapping[str, Any],
        token: str | None,
    ) -> httpx.Response:
        """One attempt: authenticate, take a rate-limit slot, send, count the outcome. The slot
        is held until the response has been read (or the attempt failed)."""
        kwargs = dict(httpx_kwargs)
        headers = httpx.Headers(kwargs.pop("headers", None))
        if self._token_provider is not None and token is not None:
            headers.update(self._token_provider.auth_headers(token))
        try:
            with self._rate_limiter.slot() as grant:
                if grant.waited:
                    self.counters.record_rate_limit_wait(self.service, grant.waited)
                response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as error:
            self.counters.record(self.service, label, f"error:{type(error).__name__}")
            raise
        self.counters.record(self.service, label, response.status_code)
        return response

    def _unavailable(
        self, label: str, last: str, attempts: int, status: int | None = None
    ) -> ServiceUnavailable:
        return ServiceUnavailable(
            service=self.service,
            endpoint=label,
            base_url=self.base_url,
            last=last,
            attempts=attempts,
            status=status,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServiceHttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
