"""The Dagster instance lines: DAGSTER_HOME and its storage, the run queue, the pools, the daemon.

The daemon not running is a warning, not a failure: `make demo` and `dagster asset materialize`
execute runs without it. Only sensors, schedules and queued runs wait for it.
"""

from __future__ import annotations

import time
from typing import Any

from track_assets.doctor.context import DoctorContext
from track_assets.doctor.report import Check, Status, count_of
from track_assets.pools import POOLS


def _kind(storage: object) -> str:
    """postgresql, sqlite, or the storage's class name."""
    name = type(storage).__name__
    if "Postgres" in name:
        return "postgresql"
    if "Sqlite" in name:
        return "sqlite"
    return name


def check_instance(ctx: DoctorContext) -> Check:
    """DAGSTER_HOME exists and has a dagster.yaml; the run, event log and schedule storage open
    (one count of runs reads the run storage)."""
    home = ctx.settings.dagster_home
    if not home.is_dir():
        return Check(
            "dagster_instance",
            Status.FAIL,
            f"DAGSTER_HOME {home} does not exist; set DAGSTER_HOME to the Dagster instance "
            "folder (the one holding dagster.yaml)",
        )
    instance = ctx.instance()
    kinds = {
        "run_storage": _kind(instance.run_storage),
        "event_log_storage": _kind(instance.event_log_storage),
        "schedule_storage": _kind(instance.schedule_storage),
    }
    runs = instance.get_runs_count()
    facts: dict[str, Any] = {"dagster_home": str(home), **kinds, "runs": runs}
    storage = ", ".join(
        f"{key.removesuffix('_storage').replace('_', ' ')} {kind}" for key, kind in kinds.items()
    )
    detail = f"{home}: {storage}; {count_of(runs, 'run')} recorded"
    if not (home / "dagster.yaml").exists():
        facts["dagster_yaml"] = False
        return Check(
            "dagster_instance",
            Status.WARN,
            f"{detail}; no dagster.yaml there, so Dagster's defaults apply (no run queue "
            "limits, no pool limits): copy the project's dagster_home/dagster.yaml",
            kinds["run_storage"],
            facts,
        )
    return Check("dagster_instance", Status.PASS, detail, kinds["run_storage"], facts)


def _no_home(ctx: DoctorContext, name: str) -> Check | None:
    """The line of a check that needs the instance, when DAGSTER_HOME does not exist."""
    if ctx.settings.dagster_home.is_dir():
        return None
    return Check(name, Status.SKIP, "not checked: DAGSTER_HOME does not exist")


def check_run_queue(ctx: DoctorContext) -> Check:
    """Runs are queued (QueuedRunCoordinator) and how many run at once."""
    import dagster as dg
    from dagster._core.run_coordinator import QueuedRunCoordinator

    if skipped := _no_home(ctx, "dagster_run_queue"):
        return skipped
    instance = ctx.instance()
    queued = instance.get_runs_count(dg.RunsFilter(statuses=[dg.DagsterRunStatus.QUEUED]))
    coordinator = type(instance.run_coordinator).__name__
    if not isinstance(instance.run_coordinator, QueuedRunCoordinator):
        return Check(
            "dagster_run_queue",
            Status.WARN,
            f"runs are not queued ({coordinator}): every launched run starts at once, so many "
            "playlists at once can exceed the services' limits",
            facts={"coordinator": coordinator, "queued_runs": queued},
        )
    config = instance.get_concurrency_config().run_queue_config
    limit = config.max_concurrent_runs if config is not None else None
    tag_limits = list(config.tag_concurrency_limits) if config is not None else []
    facts = {
        "coordinator": coordinator,
        "max_concurrent_runs": limit,
        "tag_concurrency_limits": len(tag_limits),
        "queued_runs": queued,
    }
    at_once = "no limit" if limit is None or limit < 0 else f"at most {limit} at once"
    return Check(
        "dagster_run_queue",
        Status.PASS,
        f"queued runs, {at_once}, {count_of(len(tag_limits), 'tag limit')}; "
        f"{count_of(queued, 'run')} waiting",
        facts=facts,
    )


def check_pools(ctx: DoctorContext) -> Check:
    """Each service pool's step limit: set, or the instance default it gets at first use."""
    if skipped := _no_home(ctx, "dagster_pools"):
        return skipped
    instance = ctx.instance()
    storage = instance.event_log_storage
    default = instance.global_op_concurrency_default_limit
    if not storage.supports_global_concurrency_limits:
        return Check(
            "dagster_pools",
            Status.WARN,
            f"the event log storage ({type(storage).__name__}) has no pools: steps of every "
            "service run without a concurrency limit",
            facts={"default_limit": default},
        )
    infos = storage.get_concurrency_infos(list(POOLS))
    limits = {pool: infos[pool].limit for pool in POOLS}
    facts: dict[str, Any] = {"default_limit": default, "pools": limits}
    shown = ", ".join(
        f"{pool} {limit if limit is not None else 'none'}" for pool, limit in limits.items()
    )
    unlimited = [pool for pool, limit in limits.items() if limit is None]
    if unlimited:
        return Check(
            "dagster_pools",
            Status.WARN,
            f"no limit for {', '.join(unlimited)} and no concurrency.pools.default_limit in "
            f"dagster.yaml: their steps run without limit ({shown})",
            facts=facts,
        )
    return Check(
        "dagster_pools", Status.PASS, f"step limits: {shown} (default {default})", facts=facts
    )


def check_daemon(ctx: DoctorContext) -> Check:
    """The daemon's heartbeats: every daemon the instance needs, heard from recently."""
    if skipped := _no_home(ctx, "dagster_daemon"):
        return skipped
    instance = ctx.instance()
    statuses = instance.get_daemon_statuses()
    now = time.time()
    ages = {
        daemon: round(now - status.last_heartbeat.timestamp)
        for daemon, status in statuses.items()
        if status.last_heartbeat is not None
    }
    stale = sorted(
        daemon for daemon, status in statuses.items() if status.required and not status.healthy
    )
    facts = {"daemons": sorted(statuses), "heartbeat_age_seconds": ages, "stale": stale}
    if not stale:
        newest = min(ages.values(), default=None)
        heard = f", last heartbeat {newest} s ago" if newest is not None else ""
        return Check(
            "dagster_daemon", Status.PASS, f"running: {len(statuses)} daemons{heard}", facts=facts
        )
    if not ages:
        return Check(
            "dagster_daemon",
            Status.WARN,
            "not running (no heartbeat): sensors, the nightly schedule and queued runs wait for "
            "it. `make dev` (dagster dev) starts it; `make demo` and `dagster asset "
            "materialize` run without it",
            facts=facts,
        )
    return Check(
        "dagster_daemon",
        Status.WARN,
        f"no recent heartbeat from {', '.join(stale)} (last heard "
        f"{max(ages.values())} s ago): the daemon stopped or is stuck",
        facts=facts,
    )
