"""The pipeline on dagster-celery: two Celery workers, each with a DAGSTER_HOME of its own as if on
a machine of its own, sharing nothing but PostgreSQL (the instance, the pipeline's database and
so the rate limiter's budgets) and the Redis broker, run the steps of a fetch run and an
enrichment run launched from a shell, against emulators that enforce their rate limits."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.events import DagsterEventType
from sqlalchemy import select

from track_assets.db.repository import playlist_track_ids
from track_assets.db.tables import rate_limit_grants
from track_assets.definitions import defs
from track_assets.defs.crashed_runs import _run_worker as recorded_run_worker
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import (
    CELERY_BROKER_VARIABLE,
    RESOURCE_VARIABLES,
    SERVICE_NAMES,
    ConfigurationError,
    celery_broker,
)
from track_assets_tests.defs.test_concurrency import CLIENT_LIMITS, EMULATOR_LIMITS
from track_assets_tests.support.celery_workers import (
    CELERY_INSTANCE_YAML,
    start_worker,
    stop_workers,
    wait_until_ready,
)
from track_assets_tests.support.database import connection
from track_assets_tests.support.integrity import ONE_DAY_FIELDS, differences, duplicated_rows
from track_assets_tests.support.pipeline import ENRICHMENT_ASSETS
from track_assets_tests.support.redis_server import RedisServer, start_redis
from track_assets_tests.support.shell_runs import BIN, INSTANCE_YAML, shell_deployment

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(600)]

ENRICHMENT = ",".join(asset.key.to_user_string() for asset in ENRICHMENT_ASSETS)


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param  # of the uninterrupted, in-process run the Celery runs are compared with


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


def test_two_celery_workers_sharing_only_postgresql_and_the_broker_run_every_step(
    catalog, enriched, postgres_server, redis_server, tmp_path, monkeypatch
):
    playlists = sorted(catalog.playlists, key=lambda p: len(p.track_ids))[:2]
    ids = [p.id for p in playlists]
    (tmp_path / "launcher").mkdir()
    deployment = shell_deployment(
        postgres_server,
        tmp_path / "launcher",
        "celery",
        **{CELERY_BROKER_VARIABLE: redis_server.url()},
        # Every client exactly at its emulator's limit, as in test_concurrency.py.
        **{
            RESOURCE_VARIABLES[service][field]: str(value)
            for service, limit in CLIENT_LIMITS.items()
            for field, value in zip(("max_requests", "per_seconds"), limit, strict=True)
        },
    )
    shutil.copyfile(CELERY_INSTANCE_YAML, deployment.home / "dagster.yaml")
    env = deployment.env
    options = SandboxOptions(
        seed=1,
        tier="development",
        rate_limits="enforce",
        limits=EMULATOR_LIMITS,
        date=catalog.reference_date,
    )
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=deployment.home) as sandbox:
        # Creates the instance's tables and sets every pool's limit before any worker starts.
        subprocess.run(deployment.track_assets("playlists", "add", *ids), env=env, check=True)
        workers = [
            start_worker(f"worker{n}", tmp_path / f"worker{n}", env, sandbox_home=deployment.home)
            for n in (1, 2)
        ]
        try:
            wait_until_ready(workers)
            whole = subprocess.run(
                deployment.track_assets("runs", "ranges", "--runs", "1"),
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            runs = [
                _materialize(selection, whole, env, tmp_path / f"{name}.log")
                for name, selection in (("fetch", "playlist_tracks"), ("enrich", ENRICHMENT))
            ]
            # While the workers run: which worker's process group ran each step.
            monkeypatch.setenv("DAGSTER_PG_URL", env["DAGSTER_PG_URL"])
            with dg.DagsterInstance.from_config(str(deployment.home)) as instance:
                executions = [_executions(instance, run_worker) for run_worker in runs]
            groups = {os.getpgid(pid) for run in executions for pid in run["step_pids"]}
        finally:
            stop_workers(workers)
        violations = {s: sandbox.counters.snapshot(s).total_violations for s in SERVICE_NAMES}
        requests = {s: sandbox.counters.snapshot(s).total for s in SERVICE_NAMES}

    # Nothing went through files: the launcher's DAGSTER_HOME holds its configuration only (no
    # step logs, no rate-limit lock file), each worker's its own and dagster-celery's settings.
    assert _files(deployment.home) == {"dagster.yaml"}
    for worker in workers:
        files = _files(worker.home)
        assert {"dagster.yaml", "sandbox.json"} <= files
        assert all(
            f.startswith("dagster_celery/config/") for f in files - {"dagster.yaml", "sandbox.json"}
        )
    logs = [(tmp_path / f"{name}.log").read_text() for name in ("fetch", "enrich")]
    for log in logs:
        assert "RUN_SUCCESS" in log, log[-3000:]
    # Each run's worker is the process that launched it, as recorded for crashed_runs; its
    # steps ran in the Celery workers' processes, and both workers ran some.
    for run_worker, execution in zip(runs, executions, strict=True):
        assert execution["run_worker"] == (socket.gethostname(), run_worker)
        assert run_worker not in execution["step_pids"]
    assert groups == {worker.process.pid for worker in workers}
    names = {name.split("@")[0] for run in executions for name in run["celery_workers"]}
    assert names == {"worker1", "worker2"}
    assert all(requests.values()), requests  # every emulator was asked, under its limit
    assert violations == dict.fromkeys(SERVICE_NAMES, 0)
    with connection(deployment.database_url) as conn, connection(enriched.url) as reference:
        # The workers shared each budget through the database and gave every slot back.
        grants = conn.execute(
            select(rate_limit_grants.c.service, rate_limit_grants.c.completed_at.is_(None))
        ).all()
        assert set(CLIENT_LIMITS) <= {service for service, _ in grants}
        assert not any(pending for _, pending in grants)
        tracks = set()
        for playlist in playlists:
            assert playlist_track_ids(conn, playlist.id) == list(playlist.track_ids)
            tracks |= set(playlist.track_ids)
        assert differences(conn, reference, sorted(tracks), ONE_DAY_FIELDS) == []
        assert duplicated_rows(conn) == {}


def _materialize(selection: str, partitions: str, env: dict[str, str], log) -> int:
    """`dagster asset materialize` over a partition range, as a user runs it; its pid."""
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                *(str(BIN / "dagster"), "asset", "materialize", "-m", "track_assets.definitions"),
                *("--select", selection, "--partition-range", partitions),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            process.wait(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return process.pid


def _executions(instance: dg.DagsterInstance, run_worker: int) -> dict:
    """The run launched by process `run_worker`: the pid its executor recorded as the run's
    worker, the pids its steps started in and the Celery workers that said they ran them."""
    run = next(
        record.dagster_run
        for record in instance.get_run_records()
        if (recorded_run_worker(instance, record.dagster_run.run_id) or (None, None))[1]
        == run_worker
    )
    step_starts = instance.get_records_for_run(
        run.run_id, of_type=DagsterEventType.STEP_START
    ).records
    engine_events = instance.get_records_for_run(
        run.run_id, of_type=DagsterEventType.ENGINE_EVENT
    ).records
    celery_workers = {
        entry.dagster_event.engine_event_data.metadata["Celery worker"].value
        for entry in (record.event_log_entry for record in engine_events)
        if "Celery worker" in entry.dagster_event.engine_event_data.metadata
    }
    return {
        "run_worker": recorded_run_worker(instance, run.run_id),
        "step_pids": {record.event_log_entry.dagster_event.pid for record in step_starts},
        "celery_workers": celery_workers,
    }


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def test_the_celery_instance_is_the_postgresql_one_without_step_log_files():
    celery = yaml.safe_load(CELERY_INSTANCE_YAML.read_text())
    postgres = yaml.safe_load(INSTANCE_YAML.read_text())
    assert celery == postgres | {
        "compute_logs": {
            "module": "dagster._core.storage.noop_compute_log_manager",
            "class": "NoOpComputeLogManager",
        }
    }


def test_the_jobs_run_on_celery_only_when_the_deployment_names_a_broker(monkeypatch):
    def executor() -> str:
        return defs().resolve_job_def("enrich_playlist_job").executor_def.name

    monkeypatch.delenv(CELERY_BROKER_VARIABLE, raising=False)
    assert executor() == "forkserver_multiprocess_executor"
    monkeypatch.setenv(CELERY_BROKER_VARIABLE, "redis://127.0.0.1:6379/0")
    assert executor() == "celery_executor"
    monkeypatch.setenv(CELERY_BROKER_VARIABLE, "amqp://guest@localhost//")
    with pytest.raises(Exception) as raised:
        defs()  # the code location does not load
    cause = raised.value
    while cause is not None and not isinstance(cause, ConfigurationError):
        cause = cause.__cause__
    assert "TRACK_ASSETS_CELERY_BROKER='amqp://guest@localhost//' is not a Redis URL" in str(cause)


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://:pw@redis.internal:6380", "redis://host"]
)
def test_a_redis_url_names_the_broker(url):
    assert celery_broker({CELERY_BROKER_VARIABLE: f" {url} "}) == url


def test_without_a_broker_the_steps_run_where_their_run_runs():
    assert celery_broker({}) is None
    assert celery_broker({CELERY_BROKER_VARIABLE: " "}) is None


@pytest.mark.parametrize(
    "url",
    [
        "amqp://guest@localhost//",  # RabbitMQ: the result backend would need a URL of its own
        "localhost:6379",
        "redis://",
        "redis://:secret@host:port/0",
        "redis://:secret@host:6379/db",
    ],
)
def test_a_broker_url_that_is_not_redis_is_refused_with_what_to_write(url):
    with pytest.raises(ConfigurationError, match=r"is not a Redis URL; write it like") as raised:
        celery_broker({CELERY_BROKER_VARIABLE: url})
    assert "secret" not in str(raised.value)
