"""The first lines: the settings (which service is configured for what), and the sandbox the
services without credentials use."""

from __future__ import annotations

import httpx

from track_assets.doctor.context import DoctorContext
from track_assets.doctor.report import Check, Status
from track_assets.settings import (
    SANDBOX_VARIABLE,
    SERVICE_NAMES,
    ConfigurationError,
    ServiceSettings,
    read_sandbox_runtime,
)


def where_configured(ctx: DoctorContext, name: str) -> str:
    """sandbox; real (credentials set, or none needed: the web player without a login); or
    none (TRACK_ASSETS_SANDBOX=off and nothing set)."""
    settings = ctx.settings
    if settings.on_sandbox(name):
        return "sandbox"
    if settings.has_credentials(name) or isinstance(ctx.resolve(name), ServiceSettings):
        return "real"
    return "none"


def check_configuration(ctx: DoctorContext) -> Check:
    settings = ctx.settings
    services = {name: where_configured(ctx, name) for name in SERVICE_NAMES}
    listed = ", ".join(f"{name} {where}" for name, where in services.items())
    facts = {
        "dagster_home": str(settings.dagster_home),
        "sandbox_mode": settings.sandbox_mode,
        "services": services,
    }
    return Check(
        "configuration",
        Status.PASS,
        f"DAGSTER_HOME {settings.dagster_home}; {SANDBOX_VARIABLE}={settings.sandbox_mode}; {listed}",
        facts=facts,
    )


def check_sandbox(ctx: DoctorContext) -> Check:
    """Whether the sandbox the credential-less services point at is running: its runtime file
    (DAGSTER_HOME/sandbox.json) and its admin endpoint's /health."""
    settings = ctx.settings
    users = [name for name in SERVICE_NAMES if settings.on_sandbox(name)]
    runtime_file = settings.sandbox_runtime_file
    facts: dict[str, object] = {"runtime_file": str(runtime_file), "used_by": users}
    # Needed: the services on it fail without it. Not needed: a stale file is only untidy.
    failing = Status.FAIL if users else Status.WARN
    if not runtime_file.exists():
        if not users:
            return Check(
                "sandbox", Status.SKIP, "not used: every service has credentials", facts=facts
            )
        forced = settings.sandbox_mode == "on"
        return Check(
            "sandbox",
            Status.FAIL if forced else Status.WARN,
            f"not running ({runtime_file} not found), and {', '.join(users)} have no "
            "credentials: start it with `track-assets sandbox serve` (`make sandbox`, `make "
            "dev`), or set their credentials",
            facts=facts,
        )
    try:
        runtime = read_sandbox_runtime(runtime_file)
    except ConfigurationError as error:
        return Check("sandbox", failing, str(error), facts=facts)
    admin = str(runtime.get("admin", ""))
    facts |= {"admin": admin, "pid": runtime.get("pid")}
    try:
        health = httpx.get(f"{admin.rstrip('/')}/health", timeout=ctx.http_timeout).json()
    except (httpx.HTTPError, ValueError) as error:
        return Check(
            "sandbox",
            failing,
            f"{runtime_file} names a sandbox (pid {runtime.get('pid')}) whose admin endpoint "
            f"{admin} does not answer ({type(error).__name__}): it has stopped. Start it again "
            "with `track-assets sandbox serve`",
            facts=facts,
        )
    served = sorted(health.get("services", {})) if isinstance(health, dict) else []
    facts["serves"] = served
    if not users:
        return Check(
            "sandbox",
            Status.PASS,
            f"running (pid {runtime.get('pid')}, admin {admin}), used by no service: every one "
            "has credentials",
            facts=facts,
        )
    return Check(
        "sandbox",
        Status.PASS,
        f"running (pid {runtime.get('pid')}, admin {admin}), used by {', '.join(users)}",
        facts=facts,
    )
