"""Runs whose worker died (killed, out of memory, a reboot) are marked failed and their pool
slots freed, so that they never block the next run.

Dagster frees a pool slot when the step that holds it ends, or, with run monitoring's
`free_slots_after_run_end_seconds`, some time after its run ended. A run whose worker was
killed never ends: it stays STARTED and keeps its slots. Run monitoring cannot tell with the
default run launcher (it has no worker health check), and a run executed by
`dagster asset materialize` has no launcher at all. So every job's executor records the
host and pid of its run worker first (`RecordsItsWorker`), and a STARTED run whose worker
process is gone from the machine it ran on has crashed; each machine judges only its own runs.
The sensor does it every 30 s where the daemon runs; `fail_crashed_runs` does it on demand.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

# Not re-exported by `dagster`: the event types an executor yields and reads back.
from dagster._core.events import DagsterEvent, DagsterEventType, EngineEventData

WORKER_STARTED = "Run worker started"
CHECK_EVERY_SECONDS = 30


class RecordsItsWorker(dg.Executor):
    """An executor that first records where the run's worker runs (host and pid), then
    executes the plan with `inner`."""

    def __init__(self, inner: dg.Executor) -> None:
        self._inner = inner

    @property
    def retries(self):
        return self._inner.retries

    @property
    def step_dependency_config(self):
        return self._inner.step_dependency_config

    def execute(self, plan_context, execution_plan):
        host, pid = socket.gethostname(), os.getpid()
        yield DagsterEvent.engine_event(
            plan_context,
            f"{WORKER_STARTED} on {host} (pid {pid})",
            EngineEventData(metadata={"host": host, "pid": str(pid)}),
        )
        yield from self._inner.execute(plan_context, execution_plan)


def recording_its_worker(executor: dg.ExecutorDefinition, name: str) -> dg.ExecutorDefinition:
    """`executor`, with the same configuration, recording its run worker first."""
    return dg.executor(
        name=name,
        config_schema=executor.config_schema.as_field(),
        requirements=executor.get_requirements,
    )(lambda init_context: RecordsItsWorker(executor.executor_creation_fn(init_context)))


@dataclass(frozen=True)
class CrashedRun:
    run: dg.DagsterRun
    pid: int

    @property
    def message(self) -> str:
        return (
            f"The run's worker process (pid {self.pid}) is gone from {socket.gethostname()} "
            "without ending the run (killed, out of memory or a reboot): marked failed and its "
            "pool slots freed. Run it again: it resumes after what its steps stored."
        )


def crashed_runs(instance: dg.DagsterInstance) -> Iterator[CrashedRun]:
    """STARTED runs whose worker ran on this machine and no longer exists."""
    host = socket.gethostname()
    started = instance.get_run_records(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])
    )
    for record in started:
        worker = _run_worker(instance, record.dagster_run.run_id)
        if worker is None or worker[0] != host:
            continue  # executed in process, or elsewhere: not for this machine to judge
        if not _alive(worker[1], started_by=record.start_time):
            yield CrashedRun(record.dagster_run, worker[1])


def fail_crashed_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark this machine's crashed runs failed and free every slot a finished run still holds;
    the messages say what was done."""
    done = []
    for crashed in crashed_runs(instance):
        instance.report_run_failed(crashed.run, crashed.message)
        done.append(f"run {crashed.run.run_id}: {crashed.message}")
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        holding = storage.get_concurrency_run_ids()
        for run_id in holding:
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
                done.append(f"run {run_id}: freed the pool slots it held after it ended")
    return done


def _run_worker(instance: dg.DagsterInstance, run_id: str) -> tuple[str, int] | None:
    """The host and pid `RecordsItsWorker` recorded for the run (among its first events)."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=20
    ).records
    for record in records:
        entry = record.event_log_entry
        if entry.message.startswith(WORKER_STARTED):
            metadata = entry.dagster_event.engine_event_data.metadata
            return metadata["host"].value, int(metadata["pid"].value)
    return None


def _alive(pid: int, *, started_by: float | None) -> bool:
    """Whether `pid` is a live process that existed when the run started (not a reused pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    created = _linux_process_start(pid)
    if created is None:
        return True  # no /proc to tell more: it exists
    if created == "zombie":
        return False
    return started_by is None or created <= started_by + 1


def _linux_process_start(pid: int) -> float | str | None:
    """The process's start (Unix time) from /proc, "zombie" for one that has exited, None
    without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration):
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)", which may hold spaces
    if fields[0] == "Z":
        return "zombie"
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


@dg.sensor(
    minimum_interval_seconds=CHECK_EVERY_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks runs whose worker died (killed, out of memory, a reboot) failed and "
    "frees their pool slots, so they never block the next run.",
)
def crashed_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    done = fail_crashed_runs(context.instance)
    for line in done:
        context.log.warning(line)
    return dg.SkipReason("; ".join(done) or "no crashed run")


@dg.definitions
def crashed_runs_definitions() -> dg.Definitions:
    return dg.Definitions(sensors=[crashed_runs_sensor])
