"""Configuration from environment variables; services without credentials point at the sandbox.

Every variable's name, default and check lives here: `load_settings()` reads them for the CLI,
and `RESOURCE_VARIABLES` tells `defs/resources.py` which resource field each one configures.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

SANDBOX_RUNTIME_FILENAME = "sandbox.json"
SPOTIFY_TIERS = ("development", "extended", "auto")
SANDBOX_MODES = ("auto", "on", "off")

SANDBOX_VARIABLE = "TRACK_ASSETS_SANDBOX"
SPOTIFY_TIER_VARIABLE = "SPOTIFY_API_TIER"
DATABASE_URL_VARIABLE = "TRACK_ASSETS_DATABASE_URL"
STATIC_TTL_VARIABLE = "TRACK_ASSETS_STATIC_TTL_DAYS"
VOLATILE_TTL_VARIABLE = "TRACK_ASSETS_VOLATILE_TTL_HOURS"
EXPORT_DIR_VARIABLE = "TRACK_ASSETS_EXPORT_DIR"
WEBHOOK_URL_VARIABLE = "TRACK_ASSETS_WEBHOOK_URL"
WEBHOOK_SECRET_VARIABLE = "TRACK_ASSETS_WEBHOOK_SECRET"
NIGHTLY_CRON_VARIABLE = "TRACK_ASSETS_NIGHTLY_CRON"
CELERY_BROKER_VARIABLE = "TRACK_ASSETS_CELERY_BROKER"

DEFAULT_STATIC_TTL_DAYS = 30.0
DEFAULT_VOLATILE_TTL_HOURS = 20.0
DEFAULT_NIGHTLY_CRON = "0 3 * * *"  # 03:00 UTC


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message names the variable and the fix."""


class SandboxNotRunning(ConfigurationError):
    """A service is left on the sandbox (no credentials) but no sandbox runtime file exists."""


@dataclass(frozen=True)
class ServiceSettings:
    """Where one external system lives and how to authenticate; `sandbox` is True when emulated."""

    name: str
    base_urls: Mapping[str, str]
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    sandbox: bool = False

    def url(self, key: str = "base") -> str:
        return self.base_urls[key]


@dataclass(frozen=True)
class _ServiceSpec:
    prefix: str  # of its client variables: <prefix>_MAX_REQUESTS, _PER_SECONDS, _TIMEOUT_SECONDS
    fields: dict[str, str]  # resource field -> variable, for credentials and selectors
    selectors: tuple[str, ...]  # fields: any of these set -> the real service
    required: tuple[str, ...]  # fields needed for the real service
    optional: tuple[str, ...]  # fields passed along when set
    urls: dict[str, tuple[str, str]]  # url key -> (variable, real default); field `<key>_url`

    def variables(self) -> dict[str, str]:
        """Every resource field of the service and the variable it is read from."""
        return {
            **self.fields,
            **{f"{key}_url": variable for key, (variable, _) in self.urls.items()},
            **self.client_variables(),
            "sandbox": SANDBOX_VARIABLE,
        }

    def client_variables(self) -> dict[str, str]:
        """The client-side limit (max_requests per per_seconds), for an account whose plan allows
        more than the resource's default, or a private mirror; and how long a request may wait
        for an answer."""
        return {
            "max_requests": f"{self.prefix}_MAX_REQUESTS",
            "per_seconds": f"{self.prefix}_PER_SECONDS",
            "timeout_seconds": f"{self.prefix}_TIMEOUT_SECONDS",
        }


_SERVICES: dict[str, _ServiceSpec] = {
    "spotify_api": _ServiceSpec(
        prefix="SPOTIFY_API",
        fields={
            "client_id": "SPOTIFY_CLIENT_ID",
            "client_secret": "SPOTIFY_CLIENT_SECRET",
            "tier": SPOTIFY_TIER_VARIABLE,
        },
        selectors=("client_id", "client_secret"),
        required=("client_id", "client_secret"),
        optional=(),
        urls={
            "base": ("SPOTIFY_API_BASE_URL", "https://api.spotify.com"),
            "accounts": ("SPOTIFY_ACCOUNTS_BASE_URL", "https://accounts.spotify.com"),
        },
    ),
    # Play counts work with an anonymous token; only the credits need the sp_dc login cookie,
    # so real Spotify API credentials alone also select the real web player.
    "spotify_web": _ServiceSpec(
        prefix="SPOTIFY_WEB",
        fields={"sp_dc": "SPOTIFY_SP_DC", "api_client_id": "SPOTIFY_CLIENT_ID"},
        selectors=("sp_dc", "api_client_id"),
        required=(),
        optional=("sp_dc",),
        urls={
            "base": ("SPOTIFY_WEB_BASE_URL", "https://open.spotify.com"),
            "pathfinder": ("SPOTIFY_PATHFINDER_BASE_URL", "https://api-partner.spotify.com"),
            "spclient": ("SPOTIFY_SPCLIENT_BASE_URL", "https://spclient.wg.spotify.com"),
        },
    ),
    "chartmetric": _ServiceSpec(
        prefix="CHARTMETRIC",
        fields={"refresh_token": "CHARTMETRIC_REFRESH_TOKEN"},
        selectors=("refresh_token",),
        required=("refresh_token",),
        optional=(),
        urls={"base": ("CHARTMETRIC_BASE_URL", "https://api.chartmetric.com")},
    ),
    "mlc": _ServiceSpec(
        prefix="MLC",
        fields={"username": "MLC_USERNAME", "password": "MLC_PASSWORD"},
        selectors=("username", "password"),
        required=("username", "password"),
        optional=(),
        urls={"base": ("MLC_BASE_URL", "https://public-api.themlc.com")},
    ),
    # MusicBrainz has no credentials but requires a contact in the User-Agent:
    # setting MUSICBRAINZ_CONTACT is what opts into the real server.
    "musicbrainz": _ServiceSpec(
        prefix="MUSICBRAINZ",
        fields={"contact": "MUSICBRAINZ_CONTACT"},
        selectors=("contact",),
        required=("contact",),
        optional=(),
        urls={"base": ("MUSICBRAINZ_BASE_URL", "https://musicbrainz.org")},
    ),
}

SERVICE_NAMES = tuple(_SERVICES)
# The variables whose being set selects a real service: the credentials, and MusicBrainz's
# contact (everything a deployment sets to leave the sandbox).
SELECTING_VARIABLES = tuple(
    dict.fromkeys(spec.fields[f] for spec in _SERVICES.values() for f in spec.selectors)
)

# Resource key -> {field: the variable that configures it}: the bindings in defs/resources.py.
RESOURCE_VARIABLES: dict[str, dict[str, str]] = {
    "database": {"url": DATABASE_URL_VARIABLE},
    "freshness": {
        "static_ttl_days": STATIC_TTL_VARIABLE,
        "volatile_ttl_hours": VOLATILE_TTL_VARIABLE,
    },
    "exports": {"directory": EXPORT_DIR_VARIABLE},
    "webhook": {"url": WEBHOOK_URL_VARIABLE, "secret": WEBHOOK_SECRET_VARIABLE},
    **{name: spec.variables() for name, spec in _SERVICES.items()},
}


def field_label(resource: str, field_name: str) -> str:
    """How a message names a resource field: `freshness.static_ttl_days (TRACK_ASSETS_...)`."""
    variable = RESOURCE_VARIABLES[resource][field_name]
    return f"{resource}.{field_name} ({variable})"


# The password of scheme://user:password@host...: up to the last "@", as a password may hold
# any character and hiding too much is harmless.
_URL_PASSWORD = re.compile(r"(?<=://)([^/@:]*):.*@")


def hide_url_password(url: str) -> str:
    """`url` with its password replaced by ***, whether or not the rest of it parses."""
    return _URL_PASSWORD.sub(r"\1:***@", url)


def is_set(value: str | None) -> bool:
    return value is not None and value.strip() != ""


@dataclass(frozen=True)
class Settings:
    dagster_home: Path
    database_url: str
    spotify_tier: str
    musicbrainz_contact: str
    static_ttl: timedelta
    volatile_ttl: timedelta
    export_dir: Path
    sandbox_mode: str
    environ: Mapping[str, str] = field(repr=False, default_factory=dict)
    webhook_url: str | None = None  # where phase 7 POSTs events; None: no webhook
    webhook_secret: str | None = field(default=None, repr=False)

    @property
    def sandbox_runtime_file(self) -> Path:
        return self.dagster_home / SANDBOX_RUNTIME_FILENAME

    def on_sandbox(self, name: str) -> bool:
        """Whether service `name` is emulated: sandbox forced on, or auto and no credentials set."""
        return _on_sandbox(_spec(name), _field_values(name, self.environ), self.sandbox_mode)

    def has_credentials(self, name: str) -> bool:
        """Whether any variable that selects the real service `name` is set (its credentials,
        or MUSICBRAINZ_CONTACT)."""
        spec = _spec(name)
        values = _field_values(name, self.environ)
        return any(is_set(values.get(f)) for f in spec.selectors)

    @property
    def all_on_sandbox(self) -> bool:
        return all(self.on_sandbox(name) for name in _SERVICES)

    def service(self, name: str) -> ServiceSettings:
        """Settings for one service: real when its credentials are set, else the running sandbox."""
        return resolve_service(
            name,
            _field_values(name, self.environ),
            sandbox_mode=self.sandbox_mode,
            runtime_file=self.sandbox_runtime_file,
        )


def resolve_service(
    name: str,
    values: Mapping[str, str | None],
    *,
    sandbox_mode: str,
    runtime_file: Path,
) -> ServiceSettings:
    """Service `name` from its resource field values: real when its credentials are set (URLs
    left unset get the real defaults), else the sandbox announced in `runtime_file`."""
    spec = _spec(name)
    if _on_sandbox(spec, values, sandbox_mode):
        return _sandbox_service(name, runtime_file)
    missing = [spec.fields[f] for f in spec.required if not is_set(values.get(f))]
    if missing:
        raise ConfigurationError(
            f"{name}: {', '.join(missing)} not set. Set "
            f"{' and '.join(spec.fields[f] for f in spec.required)} to use the real service, or "
            f"leave {' and '.join(spec.fields[f] for f in spec.selectors)} unset to use the "
            f"sandbox (resource `{name}`, fields {', '.join(spec.required)})."
        )
    present = {
        spec.fields[f]: str(values[f])
        for f in (*spec.required, *spec.optional)
        if is_set(values.get(f))
    }
    urls = {
        key: str(values.get(f"{key}_url") or default) for key, (_, default) in spec.urls.items()
    }
    return ServiceSettings(name, urls, present, sandbox=False)


def real_urls(name: str) -> dict[str, str]:
    """Service `name`'s real base URLs by key: what its URL variables default to."""
    return {key: default for key, (_, default) in _spec(name).urls.items()}


def _spec(name: str) -> _ServiceSpec:
    if name not in _SERVICES:
        raise ConfigurationError(f"unknown service {name!r}; known: {', '.join(_SERVICES)}")
    return _SERVICES[name]


def _field_values(name: str, env: Mapping[str, str]) -> dict[str, str | None]:
    return {f: env.get(variable) for f, variable in _spec(name).variables().items()}


def _on_sandbox(spec: _ServiceSpec, values: Mapping[str, str | None], mode: str) -> bool:
    selected = any(is_set(values.get(f)) for f in spec.selectors)
    return mode == "on" or (mode == "auto" and not selected)


def _sandbox_service(name: str, runtime_file: Path) -> ServiceSettings:
    runtime = read_sandbox_runtime(runtime_file)
    pid = runtime.get("pid")
    if isinstance(pid, int) and not _process_alive(pid):
        raise SandboxNotRunning(
            f"The sandbox that wrote {runtime_file} (pid {pid}) is no longer running. Start one "
            "with `track-assets sandbox serve` (`make dev` and `make demo` do this)."
        )
    services = runtime.get("services", {})
    if name not in services:
        raise SandboxNotRunning(
            f"{name}: the sandbox at {runtime_file} does not serve this service; restart it with "
            "`track-assets sandbox serve`."
        )
    return ServiceSettings(
        name,
        dict(services[name]["urls"]),
        dict(services[name].get("credentials", {})),
        sandbox=True,
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def read_sandbox_runtime(runtime_file: Path) -> dict:
    """The runtime file `track-assets sandbox serve` writes: base URLs and credentials per service."""
    try:
        return json.loads(runtime_file.read_text())
    except FileNotFoundError:
        raise SandboxNotRunning(
            f"No service credentials are set, so track_assets uses the sandbox, but no sandbox is "
            f"running ({runtime_file} not found). Start one with `track-assets sandbox serve` "
            "(`make dev` and `make demo` do this), or set the services' credentials (see README)."
        ) from None
    except json.JSONDecodeError as error:
        raise SandboxNotRunning(
            f"The sandbox runtime file {runtime_file} is unreadable ({error}); restart the sandbox "
            "with `track-assets sandbox serve`."
        ) from None


def dagster_home(environ: Mapping[str, str] | None = None) -> Path:
    """DAGSTER_HOME, else ./dagster_home; where the sandbox announces itself."""
    env = os.environ if environ is None else environ
    home = Path(env.get("DAGSTER_HOME") or Path.cwd() / "dagster_home")
    if not home.is_absolute():
        raise ConfigurationError(
            f"DAGSTER_HOME must be an absolute path (got {str(home)!r}); "
            'for example: export DAGSTER_HOME="$PWD/dagster_home"'
        )
    return home


def default_database_url(home: Path) -> str:
    return f"sqlite:///{home / 'track_assets.sqlite'}"


def default_export_dir() -> Path:
    return Path.cwd() / "exports"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    home = dagster_home(env)
    webhook_url, webhook_secret = webhook_target(
        env.get(WEBHOOK_URL_VARIABLE),
        env.get(WEBHOOK_SECRET_VARIABLE),
        url_name=WEBHOOK_URL_VARIABLE,
        secret_name=WEBHOOK_SECRET_VARIABLE,
    )
    static_days = positive_number(
        env.get(STATIC_TTL_VARIABLE), STATIC_TTL_VARIABLE, DEFAULT_STATIC_TTL_DAYS
    )
    volatile_hours = positive_number(
        env.get(VOLATILE_TTL_VARIABLE), VOLATILE_TTL_VARIABLE, DEFAULT_VOLATILE_TTL_HOURS
    )
    _check_client_variables(env)
    return Settings(
        dagster_home=home,
        database_url=env.get(DATABASE_URL_VARIABLE) or default_database_url(home),
        spotify_tier=parse_spotify_tier(env.get(SPOTIFY_TIER_VARIABLE), SPOTIFY_TIER_VARIABLE),
        musicbrainz_contact=env.get(_SERVICES["musicbrainz"].fields["contact"], "").strip(),
        static_ttl=timedelta(days=static_days),
        volatile_ttl=timedelta(hours=volatile_hours),
        export_dir=Path(env.get(EXPORT_DIR_VARIABLE) or default_export_dir()),
        sandbox_mode=parse_sandbox_mode(env.get(SANDBOX_VARIABLE), SANDBOX_VARIABLE),
        environ=env,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
    )


def _check_client_variables(env: Mapping[str, str]) -> None:
    """Each service's client variables, when set: a whole number of requests per a window > 0,
    a timeout > 0."""
    for spec in _SERVICES.values():
        variables = spec.client_variables()
        positive_integer(env.get(variables["max_requests"]), variables["max_requests"], 1)
        positive_number(env.get(variables["per_seconds"]), variables["per_seconds"], 1.0)
        positive_number(env.get(variables["timeout_seconds"]), variables["timeout_seconds"], 1.0)


def nightly_cron(environ: Mapping[str, str] | None = None) -> str:
    """When the nightly fetch runs (UTC). Read as the code location loads: a schedule's cron is
    part of its definition, so a change takes a reload."""
    env = os.environ if environ is None else environ
    cron = (env.get(NIGHTLY_CRON_VARIABLE) or "").strip() or DEFAULT_NIGHTLY_CRON
    if len(cron.split()) != 5 and not cron.startswith("@"):
        raise ConfigurationError(
            f"{NIGHTLY_CRON_VARIABLE}={cron!r} is not a cron expression; write five fields "
            f"(minute hour day month weekday), like the default {DEFAULT_NIGHTLY_CRON!r}"
        )
    return cron


def celery_broker(environ: Mapping[str, str] | None = None) -> str | None:
    """The Redis URL of the Celery broker when the jobs' steps run on Celery workers, else None
    (docs/architecture.md#scaling-out). Read as the code location loads: a job's executor is part
    of its definition, so a change takes a reload."""
    env = os.environ if environ is None else environ
    url = (env.get(CELERY_BROKER_VARIABLE) or "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises ValueError here
    except ValueError:  # also an unclosed "[" ("Invalid IPv6 URL")
        parts = None
    if (
        parts is None
        or parts.scheme not in ("redis", "rediss")
        or not parts.hostname
        or not re.fullmatch(r"/?\d*", parts.path)
    ):
        # The same Redis is Celery's result backend (where a worker leaves a step's events for
        # the run), so one URL says both.
        raise ConfigurationError(
            f"{CELERY_BROKER_VARIABLE}={hide_url_password(url)!r} is not a Redis URL; write it "
            "like redis://host:6379/0 (or rediss:// for TLS, redis://:password@host:6379/0 with "
            "a password): the Redis server the Celery workers listen to, or unset it to run "
            "steps on this machine"
        )
    return url


def parse_spotify_tier(raw: str | None, name: str) -> str:
    """The Spotify API tier (default auto: detected); `name` says where the value came from."""
    tier = (raw or "auto").strip().lower()
    if tier not in SPOTIFY_TIERS:
        raise ConfigurationError(f"{name}={tier!r} is not one of {', '.join(SPOTIFY_TIERS)}")
    return tier


def parse_sandbox_mode(raw: str | None, name: str) -> str:
    """auto (the sandbox for services without credentials), on (always) or off (never)."""
    mode = (raw or "auto").strip().lower()
    if mode not in SANDBOX_MODES:
        raise ConfigurationError(f"{name}={mode!r} is not one of {', '.join(SANDBOX_MODES)}")
    return mode


def webhook_target(
    url: str | None, secret: str | None, *, url_name: str, secret_name: str
) -> tuple[str | None, str | None]:
    """The webhook URL and secret; a URL needs a secret (every POST is signed)."""
    url = (url or "").strip() or None
    secret = (secret or "").strip() or None
    if url is None:
        return None, secret
    if not _is_http_url(url):
        raise ConfigurationError(
            f"{url_name}={hide_url_password(url)!r} is not an http(s) URL; "
            "write it like https://example.com/hooks/track-assets"
        )
    if secret is None:
        raise ConfigurationError(
            f"{url_name} is set but {secret_name} is not: set {secret_name} to the shared "
            f"secret the receiver checks signatures with, or unset {url_name}"
        )
    return url, secret


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises ValueError here
    except ValueError:  # also an unclosed "[" ("Invalid IPv6 URL")
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def positive_number(raw: str | float | None, name: str, default: float) -> float:
    """`raw` as a number > 0 (blank: `default`); `name` says where the value came from."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ConfigurationError(f"{name}={raw!r} is not a number; write a number above 0")
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive (got {raw}); write a number above 0")
    return value


def positive_integer(raw: str | int | None, name: str, default: int) -> int:
    """`raw` as a whole number > 0 (blank: `default`); `name` says where the value came from."""
    value = positive_number(raw, name, default)
    if value != int(value):
        raise ConfigurationError(f"{name} must be a whole number (got {raw}), such as 1 or 10")
    return int(value)
