"""Which failures end a step and which cost one track.

Failures that retrying cannot fix (bad configuration, rejected credentials, a quota lockout)
end the step at once, with the service's own message. A failed or malformed answer about one
item, after the HTTP layer's retries, costs that item only (`PhaseRun.in_batches`)."""

import contextlib
from collections.abc import Iterator

import dagster as dg

from track_assets.settings import ConfigurationError


def _systemic() -> tuple[type[BaseException], ...]:
    from track_assets.services.chartmetric import ChartmetricCredentialsRejected
    from track_assets.services.http import RetryAfterTooLong, Unauthorized
    from track_assets.services.mlc import MlcCredentialsRejected
    from track_assets.services.spotify_api import (
        NotInTier,
        SpotifyCredentialsRejected,
        SpotifyQuotaExceeded,
    )
    from track_assets.services.spotify_web import BrowserUnavailable, WebPlayerLoginRejected
    from track_assets.services.spotify_web.models import WebPlayerBootstrapFailed

    return (
        ConfigurationError,  # e.g. no sandbox running, a bad database URL
        SpotifyQuotaExceeded,  # a lockout of hours: the next nightly run will pick it up
        RetryAfterTooLong,  # any service asking for a wait past the cap: a lockout or outage
        SpotifyCredentialsRejected,
        ChartmetricCredentialsRejected,
        MlcCredentialsRejected,
        Unauthorized,  # still 401 after a new token
        WebPlayerLoginRejected,
        WebPlayerBootstrapFailed,
        BrowserUnavailable,
        NotInTier,  # the configured tier does not match the credentials
    )


def item_errors() -> tuple[type[BaseException], ...]:
    """What a service client raises about one answer; minus `_systemic()`, it costs one item."""
    from track_assets.services.http import ServiceError
    from track_assets.services.spotify_api import SpotifyError
    from track_assets.services.spotify_web.models import SpotifyWebError

    return (ServiceError, SpotifyError, SpotifyWebError)


def is_systemic(error: BaseException) -> bool:
    return isinstance(error, _systemic())


def step_failure(error: BaseException) -> dg.Failure:
    """A failure Dagster does not retry: the same error would come back."""
    return dg.Failure(
        f"{type(error).__name__}: {error}",
        allow_retries=False,
        metadata={"error": type(error).__name__},
    )


@contextlib.contextmanager
def fail_fast_on_systemic_errors() -> Iterator[None]:
    """Turn bad configuration, rejected credentials and quota lockouts into a step failure that
    Dagster does not retry (a one-track problem is recorded on that track instead)."""
    try:
        yield
    except _systemic() as error:
        raise step_failure(error) from None
