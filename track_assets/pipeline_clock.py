"""The pipeline's "now": real UTC time, or the sandbox's emulated time when every service is the
sandbox, so that a sandbox day is a day for fetch times, TTLs, snapshots and velocity alike."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from track_assets.services.http.tls import tls_context
from track_assets.settings import SandboxNotRunning, Settings, load_settings, read_sandbox_runtime

CLOCK_TIMEOUT_SECONDS = 5.0


def pipeline_now(settings: Settings | None = None) -> datetime:
    """Real UTC time unless every service is emulated; then the sandbox's `now` (its admin /clock).

    A sandbox pinned to a date answers that date with the real time of day, so a run on it stamps
    rows as if it ran that day. With any real service configured, the real clock always wins.
    """
    settings = settings or load_settings()
    if not settings.all_on_sandbox:
        return datetime.now(UTC)
    runtime = read_sandbox_runtime(settings.sandbox_runtime_file)
    admin = runtime.get("admin")
    if not admin:
        raise SandboxNotRunning(
            f"{settings.sandbox_runtime_file} names no admin URL; restart the sandbox with "
            "`track-assets sandbox serve`."
        )
    try:
        response = httpx.get(
            f"{admin.rstrip('/')}/clock", timeout=CLOCK_TIMEOUT_SECONDS, verify=tls_context()
        )
        response.raise_for_status()
        now = datetime.fromisoformat(response.json()["now"])
    except (httpx.HTTPError, KeyError, ValueError) as error:
        raise SandboxNotRunning(
            f"Could not read the sandbox clock at {admin}/clock ({error}); is the sandbox "
            "running? Start it with `track-assets sandbox serve`."
        ) from None
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
