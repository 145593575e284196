"""The one place every resource key is bound (a key bound twice fails to load).

Service resources resolve their URLs and credentials when a step opens a client, not when the
code location loads: with no credentials set that is the running sandbox (`sandbox.json`), so
the UI loads even when no sandbox is up, and a step says how to start one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field, PrivateAttr
from sqlalchemy.engine import Connection, Engine

from track_assets.db.engine import make_engine
from track_assets.db.migrate import ensure_schema
from track_assets.services.http import FileRateLimiter, RequestCounters
from track_assets.settings import ServiceSettings, load_settings

if TYPE_CHECKING:
    from track_assets.services.chartmetric import ChartmetricClient
    from track_assets.services.mlc import MlcClient
    from track_assets.services.musicbrainz import MusicBrainzClient
    from track_assets.services.spotify_api import SpotifyApiClient
    from track_assets.services.spotify_web import SpotifyWebClient


class DatabaseResource(dg.ConfigurableResource):
    """The system of record. Migrated to the latest schema on first use."""

    url: str | None = None  # default: TRACK_ASSETS_DATABASE_URL, else SQLite in DAGSTER_HOME

    _engine: Engine | None = PrivateAttr(default=None)

    def resolved_url(self) -> str:
        return self.url or load_settings().database_url

    def engine(self) -> Engine:
        if self._engine is None:
            engine = make_engine(self.resolved_url())
            ensure_schema(engine)
            self._engine = engine
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction on an engine of its own, disposed after: for sensors and schedules,
        whose ticks have no teardown to close a cached engine's pool."""
        engine = make_engine(self.resolved_url())
        try:
            ensure_schema(engine)
            with engine.begin() as conn:
                yield conn
        finally:
            engine.dispose()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class _ServiceResource(dg.ConfigurableResource):
    """Rate limit shared by every process on the machine, keyed by service and credential."""

    max_requests: int = Field(description="Requests allowed per window, across all processes.")
    per_seconds: float = Field(description="The window, in seconds.")

    def _service(self, name: str) -> ServiceSettings:
        return load_settings().service(name)

    def _limiter(self, service: ServiceSettings, credential: str) -> FileRateLimiter:
        state_dir = load_settings().dagster_home / ".rate_limits"
        key = credential if not service.sandbox else f"sandbox:{service.url()}"
        return FileRateLimiter(
            service.name, key, self.max_requests, self.per_seconds, state_dir=state_dir
        )


class SpotifyApiResource(_ServiceResource):
    """The Spotify Web API (client credentials). Tier from SPOTIFY_API_TIER or detected."""

    # Spotify publishes no number; a rolling 30 s window, lower in Development Mode
    # (reference/notes/spotify.md §6): stay under the development figure.
    max_requests: int = 80
    per_seconds: float = 30.0
    market: str | None = Field(
        default=None,
        description=(
            "Ask for tracks in this market. Spotify then relinks unplayable tracks to a "
            "playable copy (often on another album); None keeps the listed track's own metadata."
        ),
    )

    def client(self, counters: RequestCounters) -> SpotifyApiClient:
        from track_assets.services.spotify_api import SpotifyApiClient

        settings = load_settings()
        service = settings.service("spotify_api")
        return SpotifyApiClient.from_settings(
            service,
            tier=settings.spotify_tier,
            counters=counters,
            rate_limiter=self._limiter(service, service.credentials.get("SPOTIFY_CLIENT_ID", "")),
        )


class SpotifyWebResource(_ServiceResource):
    """The Spotify web player through Debian's Chromium (see ARCHITECTURE.md, "The web player")."""

    max_requests: int = 5
    per_seconds: float = 1.0
    mode: str = Field(default="session", description="'session' (fast) or 'page'.")
    concurrency: int = 4
    chromium_path: str = "/usr/bin/chromium"

    def client(self, counters: RequestCounters) -> SpotifyWebClient:
        from track_assets.services.spotify_web import SpotifyWebClient

        service = self._service("spotify_web")
        sp_dc = service.credentials.get("SPOTIFY_SP_DC")
        return SpotifyWebClient(
            service.base_urls,
            sp_dc=sp_dc,
            mode=self.mode,
            concurrency=self.concurrency,
            counters=counters,
            rate_limiter=self._limiter(service, sp_dc or "anonymous"),
            chromium_path=self.chromium_path,
        )


class ChartmetricResource(_ServiceResource):
    """Chartmetric (refresh token). The entry plan allows about 1 request per second."""

    max_requests: int = 1
    per_seconds: float = 1.0

    def client(self, counters: RequestCounters) -> ChartmetricClient:
        from track_assets.services.chartmetric import ChartmetricClient

        service = self._service("chartmetric")
        token = service.credentials.get("CHARTMETRIC_REFRESH_TOKEN", "")
        return ChartmetricClient(
            service.url(),
            token,
            rate_limiter=self._limiter(service, token),
            counters=counters,
        )


class MlcResource(_ServiceResource):
    """The MLC Public Search API (username and password; the idToken is the bearer)."""

    # The MLC documents no limit; 5 per second is the notes' assumption
    # (reference/notes/chartmetric_mlc.md §2.5): stay under it.
    max_requests: int = 4
    per_seconds: float = 1.0

    def client(self, counters: RequestCounters) -> MlcClient:
        from track_assets.services.mlc import MlcClient

        service = self._service("mlc")
        username = service.credentials.get("MLC_USERNAME", "")
        return MlcClient(
            service.url(),
            username,
            service.credentials.get("MLC_PASSWORD", ""),
            rate_limiter=self._limiter(service, username),
            counters=counters,
        )


class MusicBrainzResource(_ServiceResource):
    """MusicBrainz WS/2 through musicbrainzngs: 1 request/second per IP address, so one budget
    for every process on the machine whatever the contact, and a User-Agent with the contact
    (MUSICBRAINZ_CONTACT)."""

    max_requests: int = 1
    per_seconds: float = 1.0

    def client(self, counters: RequestCounters) -> MusicBrainzClient:
        from track_assets.services.musicbrainz import MusicBrainzClient

        service = self._service("musicbrainz")
        return MusicBrainzClient(
            service.url(),
            service.credentials.get("MUSICBRAINZ_CONTACT", ""),
            rate_limiter=self._limiter(service, "this machine's address"),
            counters=counters,
        )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "database": DatabaseResource(),
            "spotify_api": SpotifyApiResource(),
            "spotify_web": SpotifyWebResource(),
            "chartmetric": ChartmetricResource(),
            "mlc": MlcResource(),
            "musicbrainz": MusicBrainzResource(),
        }
    )
