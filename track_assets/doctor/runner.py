"""Run every check in order, one line each, behind the progress bar; the report is scrubbed of
every configured secret before anyone sees it."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import partial

from track_assets.doctor.configuration import check_configuration, check_sandbox
from track_assets.doctor.context import DEFAULT_TIMEOUT_SECONDS, DoctorContext, environment_secrets
from track_assets.doctor.database import check_database
from track_assets.doctor.instance import check_daemon, check_instance, check_pools, check_run_queue
from track_assets.doctor.report import Check, Report, Status, scrub
from track_assets.doctor.services import check_service, failure_text
from track_assets.progress import progress
from track_assets.settings import SERVICE_NAMES, ConfigurationError, load_settings

CheckFunction = Callable[[DoctorContext], Check]

# The lines after `configuration`, in the order printed.
CHECKS: tuple[tuple[str, CheckFunction], ...] = (
    ("sandbox", check_sandbox),
    *((name, partial(check_service, name)) for name in SERVICE_NAMES),
    ("database", check_database),
    ("dagster_instance", check_instance),
    ("dagster_run_queue", check_run_queue),
    ("dagster_pools", check_pools),
    ("dagster_daemon", check_daemon),
)
CHECK_NAMES = ("configuration", *(name for name, _ in CHECKS))


def run_doctor(
    environ: Mapping[str, str] | None = None, *, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Report:
    """Every check, against the configuration in `environ` (default: this process's)."""
    env = dict(os.environ if environ is None else environ)
    try:
        settings = load_settings(env)
    except ConfigurationError as error:
        failed = Check("configuration", Status.FAIL, str(error))
        skipped = [
            Check(name, Status.SKIP, "not checked: the configuration does not load")
            for name, _ in CHECKS
        ]
        return Report(tuple(scrub(check, environment_secrets(env)) for check in (failed, *skipped)))
    ctx = DoctorContext(settings, timeout)
    secrets = ctx.secrets()
    checks = [scrub(check_configuration(ctx), secrets)]
    try:
        with progress("checking", total=len(CHECKS)) as steps:
            for name, check in CHECKS:
                steps.describe(f"checking {name}")
                checks.append(scrub(_guarded(name, check, ctx), secrets))
                steps.advance()
    finally:
        ctx.close()
    return Report(tuple(checks))


def _guarded(name: str, check: CheckFunction, ctx: DoctorContext) -> Check:
    """The check's line; an error it did not expect fails the line, not the command."""
    try:
        return check(ctx)
    except Exception as error:
        return Check(name, Status.FAIL, failure_text(error), facts={"error": type(error).__name__})
