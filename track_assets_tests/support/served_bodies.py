"""Answers no emulator draws, served through the sandbox's own fault mechanism, and the real
clients of every service on a sandbox.

`serving(sandbox, service, endpoint, body, times)` scripts the next `times` requests to one
endpoint as faults and, while the block runs, has the service's fault renderer draw `body` with
HTTP 200 instead of an error: so a hand-edited payload (a recorded one with a key removed, an
HTML page, XML without its namespace) reaches the client over real HTTP, through the HTTP
layer's retries, exactly as the service would send it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import Response

from track_assets.sandbox.runtime_file import runtime_file_path
from track_assets.sandbox.server import SandboxServer
from track_assets.services.chartmetric import ChartmetricClient
from track_assets.services.http import RetryPolicy
from track_assets.services.mlc import MlcClient
from track_assets.services.musicbrainz import MusicBrainzClient
from track_assets.services.musicbrainz.client import DEFAULT_MAX_ATTEMPTS as MUSICBRAINZ_ATTEMPTS
from track_assets.services.spotify_api import SpotifyApiClient
from track_assets.services.spotify_web import SpotifyWebClient
from track_assets.settings import ServiceSettings, resolve_service

# The HTTP layer's attempts as shipped, without its waits (a test needs the error, not the
# backoff). MusicBrainz retries an unreadable body itself, as often as its own default.
NO_WAIT = RetryPolicy(base_delay=0.0, max_delay=0.0)
ATTEMPTS = {
    "spotify_api": NO_WAIT.max_attempts,
    "spotify_web": NO_WAIT.max_attempts,
    "chartmetric": NO_WAIT.max_attempts,
    "mlc": NO_WAIT.max_attempts,
    "musicbrainz": MUSICBRAINZ_ATTEMPTS,
}

# What an edge proxy or CDN sends in place of the API's JSON, with status 200.
HTML_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>We'll be right back</title></head>\n<body><h1>Scheduled maintenance</h1>"
    b"<p>The service is being upgraded. Please try again in a few minutes.</p></body></html>\n"
)


@contextmanager
def serving(
    sandbox: SandboxServer,
    service: str,
    endpoint: str,
    body: bytes | str,
    times: int,
    media_type: str = "application/json",
) -> Iterator[None]:
    """The next `times` requests to `endpoint` (the emulator's route label) answer 200 `body`."""
    injector = sandbox.faults(service)
    drawn = injector.renderer
    injector.renderer = lambda _error: Response(body, status_code=200, media_type=media_type)
    injector.fail_next(times, endpoint=endpoint, status=503)
    try:
        yield
    finally:
        injector.clear()
        injector.renderer = drawn


@dataclass
class Clients:
    """Each service's real client on one sandbox, opened on first use, closed by `close()`."""

    sandbox: SandboxServer
    home: Path  # the sandbox's DAGSTER_HOME, where it announced itself
    _open: dict[str, object] | None = None

    def _settings(self, service: str) -> ServiceSettings:
        return resolve_service(
            service, {}, sandbox_mode="on", runtime_file=runtime_file_path(self.home)
        )

    def get(self, service: str):
        if self._open is None:
            self._open = {}
        if service not in self._open:
            self._open[service] = self._make(service)
        return self._open[service]

    def _make(self, service: str):
        settings = self._settings(service)
        credentials = settings.credentials
        if service == "spotify_api":
            return SpotifyApiClient.from_settings(
                settings, tier=self.sandbox.options.tier, retry_policy=NO_WAIT
            )
        if service == "spotify_web":
            return SpotifyWebClient(settings.base_urls, retry_policy=NO_WAIT)
        if service == "chartmetric":
            return ChartmetricClient(
                settings.url(), credentials["CHARTMETRIC_REFRESH_TOKEN"], retry_policy=NO_WAIT
            )
        if service == "mlc":
            return MlcClient(
                settings.url(),
                credentials["MLC_USERNAME"],
                credentials["MLC_PASSWORD"],
                retry_policy=NO_WAIT,
            )
        if service == "musicbrainz":
            contact = credentials.get("MUSICBRAINZ_CONTACT") or "bad-input-tests@example.com"
            return MusicBrainzClient(settings.url(), contact, max_attempts=ATTEMPTS[service])
        raise ValueError(f"no client for {service!r}")

    def close(self) -> None:
        for client in (self._open or {}).values():
            close = getattr(client, "close", None)  # musicbrainzngs keeps no connection
            if close is not None:
                close()
        self._open = None
