"""Failures that retrying cannot fix end the step at once, with the service's own message."""

import contextlib
from collections.abc import Iterator

import dagster as dg

from track_assets.settings import ConfigurationError


def _systemic() -> tuple[type[BaseException], ...]:
    from track_assets.services.chartmetric import ChartmetricCredentialsRejected
    from track_assets.services.mlc import MlcCredentialsRejected
    from track_assets.services.spotify_api import SpotifyCredentialsRejected, SpotifyQuotaExceeded
    from track_assets.services.spotify_web import BrowserUnavailable, WebPlayerLoginRejected

    return (
        ConfigurationError,  # e.g. no sandbox running, a bad database URL
        SpotifyQuotaExceeded,  # a lockout of hours: the next nightly run will pick it up
        SpotifyCredentialsRejected,
        ChartmetricCredentialsRejected,
        MlcCredentialsRejected,
        WebPlayerLoginRejected,
        BrowserUnavailable,
    )


@contextlib.contextmanager
def fail_fast_on_systemic_errors() -> Iterator[None]:
    """Turn bad configuration, rejected credentials and quota lockouts into a step failure that
    Dagster does not retry (a one-track problem is recorded on that track instead)."""
    try:
        yield
    except _systemic() as error:
        raise dg.Failure(
            f"{type(error).__name__}: {error}",
            allow_retries=False,
            metadata={"error": type(error).__name__},
        ) from None
