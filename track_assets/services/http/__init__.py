"""The shared HTTP layer of every service client: retries, token refresh, rate limits, counters."""

from track_assets.services.http.auth import TokenProvider
from track_assets.services.http.client import (
    DEFAULT_TIMEOUT,
    DEFAULT_TIMEOUT_SECONDS,
    ServiceHttpClient,
    timeout_of,
)
from track_assets.services.http.counters import RequestCounters, Snapshot, snapshot_delta
from track_assets.services.http.errors import (
    RetryAfterTooLong,
    ServiceError,
    ServiceUnavailable,
    Unauthorized,
)
from track_assets.services.http.rate_limit import (
    DEFAULT_HOLD_SECONDS,
    FileRateLimiter,
    Grant,
    NullRateLimiter,
    RateLimiter,
    SlidingWindowLimiter,
    hold_for,
)
from track_assets.services.http.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from track_assets.services.http.tls import tls_context
from track_assets.services.http.tokens import TokenCache

__all__ = [
    "DEFAULT_HOLD_SECONDS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TIMEOUT_SECONDS",
    "RETRYABLE_STATUSES",
    "FileRateLimiter",
    "Grant",
    "NullRateLimiter",
    "RateLimiter",
    "RequestCounters",
    "RetryAfterTooLong",
    "RetryPolicy",
    "ServiceError",
    "ServiceHttpClient",
    "ServiceUnavailable",
    "SlidingWindowLimiter",
    "Snapshot",
    "TokenCache",
    "TokenProvider",
    "Unauthorized",
    "hold_for",
    "parse_retry_after",
    "snapshot_delta",
    "timeout_of",
    "tls_context",
]
