"""What every check is given: the settings, the short timeout and retry budget of the doctor's
requests, the ids to probe with, and the Dagster instance (opened once, for all its lines)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from track_assets.doctor.probes import REAL, Probes, sandbox_probes
from track_assets.doctor.report import Check, Status
from track_assets.services.http import RetryPolicy
from track_assets.settings import (
    CELERY_BROKER_VARIABLE,
    DATABASE_URL_VARIABLE,
    SANDBOX_VARIABLE,
    SELECTING_VARIABLES,
    SERVICE_NAMES,
    WEBHOOK_SECRET_VARIABLE,
    ConfigurationError,
    SandboxNotRunning,
    ServiceSettings,
    Settings,
    hide_url_password,
    read_sandbox_runtime,
    real_urls,
)

if TYPE_CHECKING:
    import dagster as dg

DEFAULT_TIMEOUT_SECONDS = 10.0
# The variables whose values are secrets (or identify an account) and are never shown. The
# MusicBrainz contact is none: it is sent in every User-Agent, and the doctor shows it.
NOT_SECRET = frozenset({"MUSICBRAINZ_CONTACT"})
SECRET_VARIABLES = (
    *(v for v in SELECTING_VARIABLES if v not in NOT_SECRET),
    WEBHOOK_SECRET_VARIABLE,
)
# URLs whose password is a secret: the pipeline's database, the Dagster instance's PostgreSQL
# (dagster_home/postgres/dagster.yaml reads DAGSTER_PG_URL), the Celery broker.
URL_VARIABLES = (DATABASE_URL_VARIABLE, "DAGSTER_PG_URL", CELERY_BROKER_VARIABLE)


@dataclass
class DoctorContext:
    settings: Settings
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    _sandbox_probes: Probes | None = field(default=None, repr=False)
    _instance: dg.DagsterInstance | None = field(default=None, repr=False)

    @property
    def http_timeout(self) -> httpx.Timeout:
        """Each request waits `timeout` for an answer, at most 5 s for a connection."""
        return httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0))

    @property
    def retry_policy(self) -> RetryPolicy:
        """One retry, soon: enough for a rate limit's second, short for a host that is down."""
        return RetryPolicy(
            max_attempts=2, base_delay=0.2, max_delay=1.0, max_retry_after=max(self.timeout, 5.0)
        )

    # -- services ------------------------------------------------------------------------------

    def resolve(self, name: str) -> ServiceSettings | Check:
        """Service `name`'s URLs and credentials, or the line saying why there are none."""
        settings = self.settings
        try:
            return settings.service(name)
        except SandboxNotRunning as error:
            forced = settings.sandbox_mode == "on"
            return Check(
                name,
                Status.FAIL if forced else Status.WARN,
                str(error) if forced else f"not configured: {error}",
                "sandbox",
            )
        except ConfigurationError as error:
            if not settings.has_credentials(name):  # TRACK_ASSETS_SANDBOX=off, nothing set
                return Check(
                    name,
                    Status.WARN,
                    f"not configured: {SANDBOX_VARIABLE}=off and no credentials; {error}",
                    "none",
                )
            return Check(name, Status.FAIL, str(error), "real")

    @staticmethod
    def target(service: ServiceSettings) -> str:
        """sandbox, real (the service's own hosts) or custom (credentials, other URLs)."""
        if service.sandbox:
            return "sandbox"
        return "real" if dict(service.base_urls) == real_urls(service.name) else "custom"

    @staticmethod
    def url_facts(service: ServiceSettings) -> dict[str, Any]:
        return {"url": hide_url_password(service.url())}

    def probes(self, service: ServiceSettings) -> Probes:
        if not service.sandbox:
            return REAL
        if self._sandbox_probes is None:
            runtime = read_sandbox_runtime(self.settings.sandbox_runtime_file)
            self._sandbox_probes = sandbox_probes(str(runtime.get("admin", "")), self.timeout)
        return self._sandbox_probes

    # -- the Dagster instance ------------------------------------------------------------------

    def instance(self) -> dg.DagsterInstance:
        """The instance in DAGSTER_HOME, opened on first use and kept for the other lines."""
        if self._instance is None:
            import dagster as dg

            self._instance = dg.DagsterInstance.from_config(str(self.settings.dagster_home))
        return self._instance

    def close(self) -> None:
        if self._instance is not None:
            self._instance.dispose()
            self._instance = None

    # -- secrets -------------------------------------------------------------------------------

    def secrets(self) -> list[str]:
        """Every value no line may show: the credentials set in the environment, the sandbox's
        (from its runtime file), the database password."""
        return sorted(
            set(_environment_secrets(self.settings.environ)) | set(self._sandbox_secrets())
        )

    def _sandbox_secrets(self) -> Iterator[str]:
        try:
            runtime = read_sandbox_runtime(self.settings.sandbox_runtime_file)
        except ConfigurationError:
            return
        services = runtime.get("services")
        for name in SERVICE_NAMES:
            entry = services.get(name) if isinstance(services, Mapping) else None
            credentials = entry.get("credentials") if isinstance(entry, Mapping) else None
            if isinstance(credentials, Mapping):
                yield from (
                    str(value) for key, value in credentials.items() if key not in NOT_SECRET
                )


def _environment_secrets(environ: Mapping[str, str]) -> Iterator[str]:
    for variable in SECRET_VARIABLES:
        value = (environ.get(variable) or "").strip()
        if value:
            yield value
    for variable in URL_VARIABLES:
        password = _url_password(environ.get(variable) or "")
        if password:
            yield password


def _url_password(url: str) -> str | None:
    """The password of a database URL, also of one that does not parse (up to the last "@",
    as settings.hide_url_password reads it)."""
    found = re.search(r"://[^/@:]*:(.*)@", url)
    return found.group(1) if found else None


def environment_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The secrets set in `environ` (default: this process's), for a report made before the
    settings could load."""
    return sorted(set(_environment_secrets(os.environ if environ is None else environ)))
