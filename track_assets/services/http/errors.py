"""Errors raised by the shared HTTP layer; each message names the service, the endpoint, the fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ServiceError(Exception):
    """A call to an external service failed in a way its client cannot recover from."""

    def __init__(self, message: str, *, service: str, endpoint: str) -> None:
        super().__init__(message)
        self.service = service
        self.endpoint = endpoint


class RetryAfterTooLong(ServiceError):
    """The service asked us to wait longer than the configured cap (typically a quota lockout)."""

    def __init__(
        self,
        *,
        service: str,
        endpoint: str,
        status: int,
        retry_after: float,
        max_retry_after: float,
    ) -> None:
        hours = retry_after / 3600
        self.retry_at = datetime.now(UTC) + timedelta(seconds=retry_after)
        cause = (
            "this is likely a quota lockout of these credentials"
            if status == 429
            else "the service announced a long outage"
        )
        message = (
            f"{service} answered HTTP {status} on {endpoint} with Retry-After {retry_after:.0f} s "
            f"({hours:.1f} h), over the {max_retry_after:.0f} s cap: {cause}. Not waiting; "
            f"rerun after {self.retry_at:%Y-%m-%d %H:%M} UTC or configure other credentials "
            f"for {service}."
        )
        super().__init__(message, service=service, endpoint=endpoint)
        self.status = status
        self.retry_after = retry_after
        self.max_retry_after = max_retry_after


class ServiceUnavailable(ServiceError):
    """Every attempt failed with a retryable status (429, 5xx) or a network error."""

    def __init__(
        self,
        *,
        service: str,
        endpoint: str,
        base_url: str,
        last: str,
        attempts: int,
        status: int | None = None,
    ) -> None:
        message = (
            f"{service} {endpoint} failed {attempts} times in a row (last: {last}); the service "
            f"at {base_url} is down, overloaded, rate-limiting us or unreachable. Check its "
            "status and the configured base URL, then rerun."
        )
        super().__init__(message, service=service, endpoint=endpoint)
        self.last = last
        self.attempts = attempts
        self.status = status  # of the last response; None when the last attempt got none


class Unauthorized(ServiceError):
    """The service rejected our credentials even after the token was refreshed once."""

    def __init__(self, *, service: str, endpoint: str) -> None:
        message = (
            f"{service} {endpoint}: credentials rejected (HTTP 401 again after refreshing the "
            f"token once). Check the credentials configured for {service}: they may be wrong, "
            "revoked or lack access to this endpoint."
        )
        super().__init__(message, service=service, endpoint=endpoint)
