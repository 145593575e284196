"""The one place every resource key is bound (a key bound twice fails to load); a field whose
variable (settings.RESOURCE_VARIABLES) is set at load is bound as `dg.EnvVar`, so the UI shows
the variable's name, never a credential, and a run's config can override any field.

A service without credentials resolves to the running sandbox (`sandbox.json`) when a step opens
a client, not at load, so the UI loads even when no sandbox is up, and a step says how to start one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import dagster as dg
from pydantic import Field, PrivateAttr
from sqlalchemy.engine import Connection, Engine

from track_assets.db.engine import make_engine, parse_database_url
from track_assets.db.migrate import ensure_schema_once
from track_assets.db.rate_limits import PostgresRateLimiter
from track_assets.services.http import (
    DEFAULT_TIMEOUT_SECONDS,
    FileRateLimiter,
    RateLimiter,
    RequestCounters,
    hold_for,
    timeout_of,
)
from track_assets.settings import (
    DEFAULT_STATIC_TTL_DAYS,
    DEFAULT_VOLATILE_TTL_HOURS,
    RESOURCE_VARIABLES,
    SANDBOX_RUNTIME_FILENAME,
    ConfigurationError,
    ServiceSettings,
    dagster_home,
    default_database_url,
    default_export_dir,
    field_label,
    is_set,
    load_settings,
    parse_sandbox_mode,
    parse_spotify_tier,
    positive_number,
    resolve_service,
    webhook_target,
)

if TYPE_CHECKING:
    from track_assets.services.chartmetric import ChartmetricClient
    from track_assets.services.mlc import MlcClient
    from track_assets.services.musicbrainz import MusicBrainzClient
    from track_assets.services.spotify_api import SpotifyApiClient
    from track_assets.services.spotify_web import SpotifyWebClient
    from track_assets.services.webhook import WebhookSender


class DatabaseResource(dg.ConfigurableResource):
    """The system of record, brought to the latest schema once per process and database."""

    url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL: sqlite:///path/file.sqlite or postgresql+psycopg2://user:pass@host/db. "
            "Unset: track_assets.sqlite in DAGSTER_HOME."
        ),
    )

    _engine: Engine | None = PrivateAttr(default=None)

    def resolved_url(self) -> str:
        return self.url or default_database_url(dagster_home())

    def engine(self) -> Engine:
        """An engine kept for the step and disposed at its teardown."""
        if self._engine is None:
            engine = make_engine(self.resolved_url())
            ensure_schema_once(engine)
            self._engine = engine
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction on an engine of its own, disposed after: for sensors and schedules,
        whose ticks have no teardown to close a cached engine's pool."""
        engine = make_engine(self.resolved_url())
        try:
            ensure_schema_once(engine)
            with engine.begin() as conn:
                yield conn
        finally:
            engine.dispose()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class FreshnessResource(dg.ConfigurableResource):
    """How long a looked-up answer stays fresh: static facts (credits, ISRC, publishers) for
    days, volatile figures (play counts, Chartmetric series) for hours."""

    static_ttl_days: float = Field(
        default=DEFAULT_STATIC_TTL_DAYS, description="Static facts are looked up again after this."
    )
    volatile_ttl_hours: float = Field(
        default=DEFAULT_VOLATILE_TTL_HOURS,
        description="Volatile figures are looked up again after this.",
    )

    @property
    def static_ttl(self) -> timedelta:
        label = field_label("freshness", "static_ttl_days")
        return timedelta(days=positive_number(self.static_ttl_days, label, DEFAULT_STATIC_TTL_DAYS))

    @property
    def volatile_ttl(self) -> timedelta:
        label = field_label("freshness", "volatile_ttl_hours")
        hours = positive_number(self.volatile_ttl_hours, label, DEFAULT_VOLATILE_TTL_HOURS)
        return timedelta(hours=hours)


class ExportsResource(dg.ConfigurableResource):
    """The folder the tracks and songwriter-leads exports (CSV and Parquet) are written to."""

    directory: str | None = Field(
        default=None, description="Unset: `exports` in the working directory."
    )

    def path(self) -> Path:
        return Path(self.directory) if is_set(self.directory) else default_export_dir()


class WebhookResource(dg.ConfigurableResource):
    """The optional receiver phase 7 POSTs each event to, signed with the shared secret."""

    url: str | None = Field(default=None, description="http(s) URL; unset: no webhook.")
    secret: str | None = Field(
        default=None, description="Every POST is signed with it; required with a URL."
    )

    @property
    def enabled(self) -> bool:
        """Whether a receiver is configured; a URL without a secret, or not http(s), raises."""
        return self._target()[0] is not None

    def sender(self) -> WebhookSender:
        """A sender to the receiver (use it as a context manager)."""
        from track_assets.services.webhook import WebhookSender

        url, secret = self._target()
        if url is None or secret is None:
            raise ConfigurationError(
                f"no webhook is configured: set {field_label('webhook', 'url')} and "
                f"{field_label('webhook', 'secret')}, or check `enabled` first"
            )
        return WebhookSender(url, secret)

    def _target(self) -> tuple[str | None, str | None]:
        return webhook_target(
            self.url,
            self.secret,
            url_name=field_label("webhook", "url"),
            secret_name=field_label("webhook", "secret"),
        )


class _ServiceResource(dg.ConfigurableResource):
    """An external system: real when its credentials are set, else the running sandbox; a rate
    limit keyed by service and credential, shared by every machine through the pipeline's
    database when it is PostgreSQL, else by every process on the machine through a file."""

    service_name: ClassVar[str]  # also its resource key and its row in settings._SERVICES

    max_requests: int = Field(description="Requests allowed per window, across all processes.")
    per_seconds: float = Field(description="The window, in seconds.")
    database: DatabaseResource | None = Field(
        default=None,
        description=(
            "The pipeline's database: on PostgreSQL, every machine shares the rate limit "
            "through it. None: a file in DAGSTER_HOME, shared by this machine's processes."
        ),
    )
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT_SECONDS,
        description="How long a request waits for an answer before it is retried.",
    )
    sandbox: str = Field(
        default="auto",
        description=(
            "auto: the sandbox unless this service's credentials are set; on: always the "
            "sandbox; off: never."
        ),
    )

    _limiters: list[RateLimiter] = PrivateAttr(default_factory=list)  # closed at teardown

    def service_settings(self) -> ServiceSettings:
        """URLs and credentials from the fields, or from the running sandbox."""
        name = self.service_name
        return resolve_service(
            name,
            {field: getattr(self, field) for field in RESOURCE_VARIABLES[name]},
            sandbox_mode=parse_sandbox_mode(self.sandbox, field_label(name, "sandbox")),
            runtime_file=dagster_home() / SANDBOX_RUNTIME_FILENAME,
        )

    def rate_limiter(self, credential_key: str) -> RateLimiter:
        """This service's limiter for one credential (closed at the step's teardown): in the
        database when it is PostgreSQL, so that every machine shares the budget, else in a
        file under DAGSTER_HOME (docs/architecture.md#pools-and-rate-limits)."""
        limits = (self.service_name, credential_key, self.max_requests, self.per_seconds)
        hold = hold_for(self.timeout_seconds)
        url = self.database.resolved_url() if self.database is not None else None
        limiter: RateLimiter
        if url is not None and parse_database_url(url).get_backend_name() == "postgresql":
            limiter = PostgresRateLimiter(*limits, url, hold_seconds=hold)
        else:
            state_dir = dagster_home() / ".rate_limits"
            limiter = FileRateLimiter(*limits, state_dir, hold_seconds=hold)
        self._limiters.append(limiter)
        return limiter

    def _limiter(self, service: ServiceSettings, credential: str) -> RateLimiter:
        return self.rate_limiter(credential if not service.sandbox else f"sandbox:{service.url()}")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        while self._limiters:
            self._limiters.pop().close()


class SpotifyApiResource(_ServiceResource):
    """The Spotify Web API (client credentials)."""

    service_name: ClassVar[str] = "spotify_api"

    client_id: str | None = None
    client_secret: str | None = None
    tier: str = Field(
        default="auto", description="development, extended, or auto (detected from answers)."
    )
    base_url: str | None = Field(default=None, description="Unset: https://api.spotify.com.")
    accounts_url: str | None = Field(
        default=None, description="Unset: https://accounts.spotify.com."
    )
    # Spotify publishes no number; a rolling 30 s window, lower in Development Mode
    # (docs/services.md#web-api-rate-limits-and-quota): stay under the development figure.
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

        service = self.service_settings()
        return SpotifyApiClient.from_settings(
            service,
            tier=parse_spotify_tier(self.tier, field_label(self.service_name, "tier")),
            counters=counters,
            timeout=timeout_of(self.timeout_seconds),
            rate_limiter=self._limiter(service, service.credentials.get("SPOTIFY_CLIENT_ID", "")),
        )


class SpotifyWebResource(_ServiceResource):
    """The Spotify web player through Debian's Chromium (docs/architecture.md#the-web-player)."""

    service_name: ClassVar[str] = "spotify_web"

    sp_dc: str | None = Field(
        default=None, description="Login cookie; needed for credits only (play counts need none)."
    )
    api_client_id: str | None = Field(
        default=None,
        description="The Spotify API client id: when set, the real web player even without sp_dc.",
    )
    base_url: str | None = Field(default=None, description="Unset: https://open.spotify.com.")
    pathfinder_url: str | None = Field(
        default=None, description="Unset: https://api-partner.spotify.com."
    )
    spclient_url: str | None = Field(
        default=None, description="Unset: https://spclient.wg.spotify.com."
    )
    max_requests: int = 5
    per_seconds: float = 1.0
    mode: str = Field(default="session", description="'session' (fast) or 'page'.")
    concurrency: int = 4
    chromium_path: str = "/usr/bin/chromium"

    def client(self, counters: RequestCounters) -> SpotifyWebClient:
        from track_assets.services.spotify_web import SpotifyWebClient

        service = self.service_settings()
        sp_dc = service.credentials.get("SPOTIFY_SP_DC")
        return SpotifyWebClient(
            service.base_urls,
            sp_dc=sp_dc,
            mode=self.mode,
            concurrency=self.concurrency,
            counters=counters,
            rate_limiter=self._limiter(service, sp_dc or "anonymous"),
            chromium_path=self.chromium_path,
            timeout=timeout_of(self.timeout_seconds),
            page_timeout=self.timeout_seconds,
        )


class ChartmetricResource(_ServiceResource):
    """Chartmetric (refresh token). The entry plan allows about 1 request per second."""

    service_name: ClassVar[str] = "chartmetric"

    refresh_token: str | None = None
    base_url: str | None = Field(default=None, description="Unset: https://api.chartmetric.com.")
    max_requests: int = 1
    per_seconds: float = 1.0

    def client(self, counters: RequestCounters) -> ChartmetricClient:
        from track_assets.services.chartmetric import ChartmetricClient

        service = self.service_settings()
        token = service.credentials.get("CHARTMETRIC_REFRESH_TOKEN", "")
        return ChartmetricClient(
            service.url(),
            token,
            rate_limiter=self._limiter(service, token),
            counters=counters,
            timeout=timeout_of(self.timeout_seconds),
        )


class MlcResource(_ServiceResource):
    """The MLC Public Search API (username and password; the idToken is the bearer)."""

    service_name: ClassVar[str] = "mlc"

    username: str | None = None
    password: str | None = None
    base_url: str | None = Field(default=None, description="Unset: https://public-api.themlc.com.")
    # The MLC documents no limit; 5 per second is an assumption
    # (docs/services.md#mlc-errors-and-rate-limit): stay under it.
    max_requests: int = 4
    per_seconds: float = 1.0

    def client(self, counters: RequestCounters) -> MlcClient:
        from track_assets.services.mlc import MlcClient

        service = self.service_settings()
        username = service.credentials.get("MLC_USERNAME", "")
        return MlcClient(
            service.url(),
            username,
            service.credentials.get("MLC_PASSWORD", ""),
            rate_limiter=self._limiter(service, username),
            counters=counters,
            timeout=timeout_of(self.timeout_seconds),
        )


class MusicBrainzResource(_ServiceResource):
    """MusicBrainz WS/2 through musicbrainzngs: 1 request/second per IP address, so one budget
    for every process on the machine whatever the contact, and a User-Agent with the contact."""

    service_name: ClassVar[str] = "musicbrainz"

    contact: str | None = Field(
        default=None,
        description="An email or URL for the User-Agent; setting it selects the real server.",
    )
    base_url: str | None = Field(default=None, description="Unset: https://musicbrainz.org.")
    max_requests: int = 1
    per_seconds: float = 1.0

    def client(self, counters: RequestCounters) -> MusicBrainzClient:
        from track_assets.services.musicbrainz import MusicBrainzClient

        service = self.service_settings()
        return MusicBrainzClient(
            service.url(),
            service.credentials.get("MUSICBRAINZ_CONTACT", ""),
            rate_limiter=self._limiter(service, "this machine's address"),
            counters=counters,
            timeout=self.timeout_seconds,
        )


@dg.definitions
def resources() -> dg.Definitions:
    load_settings()  # a malformed variable fails the load here, with one line naming it
    database = DatabaseResource(**_environment_bindings(DatabaseResource, "database"))
    return dg.Definitions(
        resources={
            "database": database,
            **{
                key: resource(**_environment_bindings(resource, key))
                for key, resource in {
                    "freshness": FreshnessResource,
                    "exports": ExportsResource,
                    "webhook": WebhookResource,
                }.items()
            },
            # The services share their rate limits through the database when it is PostgreSQL.
            **{
                key: resource(database=database, **_environment_bindings(resource, key))
                for key, resource in {
                    "spotify_api": SpotifyApiResource,
                    "spotify_web": SpotifyWebResource,
                    "chartmetric": ChartmetricResource,
                    "mlc": MlcResource,
                    "musicbrainz": MusicBrainzResource,
                }.items()
            },
        }
    )


def _environment_bindings(resource: type[dg.ConfigurableResource], key: str) -> dict:
    """The fields of resource `key` whose variable is set now: a string field as `dg.EnvVar`,
    resolved in the process that uses it and shown by name in the UI; a number as read now
    (`dg.EnvVar` binds only strings; load_settings() has checked it). Fields whose variable is
    unset keep their defaults (for a service: no credentials, so the sandbox)."""
    bindings: dict = {}
    for field, variable in RESOURCE_VARIABLES[key].items():
        raw = os.environ.get(variable)
        if not is_set(raw):
            continue
        kind = resource.model_fields[field].annotation
        bindings[field] = kind(float(raw)) if kind in (int, float) else dg.EnvVar(variable)
    return bindings
