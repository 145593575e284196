"""Configuration from environment variables; services without credentials point at the sandbox."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

SANDBOX_RUNTIME_FILENAME = "sandbox.json"
SPOTIFY_TIERS = ("development", "extended", "auto")


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
    selectors: tuple[str, ...]  # any of these set -> the real service
    required: tuple[str, ...]  # needed for the real service
    optional: tuple[str, ...]  # passed along when set
    urls: dict[str, tuple[str, str]]  # url key -> (variable, real default)


_SERVICES: dict[str, _ServiceSpec] = {
    "spotify_api": _ServiceSpec(
        selectors=("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"),
        required=("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"),
        optional=(),
        urls={
            "base": ("SPOTIFY_API_BASE_URL", "https://api.spotify.com"),
            "accounts": ("SPOTIFY_ACCOUNTS_BASE_URL", "https://accounts.spotify.com"),
        },
    ),
    # Play counts work with an anonymous token; only the credits need the sp_dc login cookie,
    # so real Spotify API credentials alone also select the real web player.
    "spotify_web": _ServiceSpec(
        selectors=("SPOTIFY_SP_DC", "SPOTIFY_CLIENT_ID"),
        required=(),
        optional=("SPOTIFY_SP_DC",),
        urls={
            "base": ("SPOTIFY_WEB_BASE_URL", "https://open.spotify.com"),
            "pathfinder": ("SPOTIFY_PATHFINDER_BASE_URL", "https://api-partner.spotify.com"),
            "spclient": ("SPOTIFY_SPCLIENT_BASE_URL", "https://spclient.wg.spotify.com"),
        },
    ),
    "chartmetric": _ServiceSpec(
        selectors=("CHARTMETRIC_REFRESH_TOKEN",),
        required=("CHARTMETRIC_REFRESH_TOKEN",),
        optional=(),
        urls={"base": ("CHARTMETRIC_BASE_URL", "https://api.chartmetric.com")},
    ),
    "mlc": _ServiceSpec(
        selectors=("MLC_USERNAME", "MLC_PASSWORD"),
        required=("MLC_USERNAME", "MLC_PASSWORD"),
        optional=(),
        urls={"base": ("MLC_BASE_URL", "https://public-api.themlc.com")},
    ),
    # MusicBrainz has no credentials but requires a contact in the User-Agent:
    # setting MUSICBRAINZ_CONTACT is what opts into the real server.
    "musicbrainz": _ServiceSpec(
        selectors=("MUSICBRAINZ_CONTACT",),
        required=("MUSICBRAINZ_CONTACT",),
        optional=(),
        urls={"base": ("MUSICBRAINZ_BASE_URL", "https://musicbrainz.org")},
    ),
}

SERVICE_NAMES = tuple(_SERVICES)


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
        if name not in _SERVICES:
            raise ConfigurationError(f"unknown service {name!r}; known: {', '.join(_SERVICES)}")
        selected = any(self.environ.get(var) for var in _SERVICES[name].selectors)
        return self.sandbox_mode == "on" or (self.sandbox_mode == "auto" and not selected)

    @property
    def all_on_sandbox(self) -> bool:
        return all(self.on_sandbox(name) for name in _SERVICES)

    def service(self, name: str) -> ServiceSettings:
        """Settings for one service: real when its credentials are set, else the running sandbox."""
        if self.on_sandbox(name):
            return _sandbox_service(name, self.sandbox_runtime_file)
        spec = _SERVICES[name]
        missing = [var for var in spec.required if not self.environ.get(var)]
        if missing:
            raise ConfigurationError(
                f"{name}: {', '.join(missing)} not set. Set {' and '.join(spec.required)} to use "
                f"the real service, or leave {' and '.join(spec.selectors)} unset to use the sandbox."
            )
        present = {
            var: self.environ[var]
            for var in (*spec.required, *spec.optional)
            if self.environ.get(var)
        }
        urls = {key: self.environ.get(var) or default for key, (var, default) in spec.urls.items()}
        return ServiceSettings(name, urls, present, sandbox=False)


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


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    home = Path(env.get("DAGSTER_HOME") or Path.cwd() / "dagster_home")
    if not home.is_absolute():
        raise ConfigurationError(
            f"DAGSTER_HOME must be an absolute path (got {str(home)!r}); "
            'for example: export DAGSTER_HOME="$PWD/dagster_home"'
        )
    tier = env.get("SPOTIFY_API_TIER", "auto").strip().lower()
    if tier not in SPOTIFY_TIERS:
        raise ConfigurationError(
            f"SPOTIFY_API_TIER={tier!r} is not one of {', '.join(SPOTIFY_TIERS)}"
        )
    sandbox_mode = env.get("TRACK_ASSETS_SANDBOX", "auto").strip().lower()
    if sandbox_mode not in ("auto", "on", "off"):
        raise ConfigurationError(
            f"TRACK_ASSETS_SANDBOX={sandbox_mode!r} is not one of auto, on, off"
        )
    webhook_url, webhook_secret = _webhook_settings(env)
    return Settings(
        dagster_home=home,
        database_url=env.get("TRACK_ASSETS_DATABASE_URL")
        or f"sqlite:///{home / 'track_assets.sqlite'}",
        spotify_tier=tier,
        musicbrainz_contact=env.get("MUSICBRAINZ_CONTACT", "").strip(),
        static_ttl=timedelta(days=_positive_number(env, "TRACK_ASSETS_STATIC_TTL_DAYS", 30)),
        volatile_ttl=timedelta(hours=_positive_number(env, "TRACK_ASSETS_VOLATILE_TTL_HOURS", 20)),
        export_dir=Path(env.get("TRACK_ASSETS_EXPORT_DIR") or Path.cwd() / "exports"),
        sandbox_mode=sandbox_mode,
        environ=env,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
    )


def _webhook_settings(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The webhook URL and secret; a URL needs a secret (every POST is signed)."""
    url = (env.get("TRACK_ASSETS_WEBHOOK_URL") or "").strip() or None
    secret = (env.get("TRACK_ASSETS_WEBHOOK_SECRET") or "").strip() or None
    if url is None:
        return None, secret
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"TRACK_ASSETS_WEBHOOK_URL={url!r} is not an http(s) URL; "
            "write it like https://example.com/hooks/track-assets"
        )
    if secret is None:
        raise ConfigurationError(
            "TRACK_ASSETS_WEBHOOK_URL is set but TRACK_ASSETS_WEBHOOK_SECRET is not: set "
            "TRACK_ASSETS_WEBHOOK_SECRET to the shared secret the receiver checks signatures "
            "with, or unset TRACK_ASSETS_WEBHOOK_URL"
        )
    return url, secret


def _positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive (got {raw})")
    return value
