"""The Dagster instance lines on real instances in a DAGSTER_HOME: storage, run queue and pools
as its dagster.yaml sets them, and the daemon's heartbeat, with no daemon and with a real one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from track_assets.doctor.context import DoctorContext
from track_assets.doctor.instance import check_daemon, check_instance, check_pools, check_run_queue
from track_assets.doctor.report import Status
from track_assets.pools import POOLS, ensure_pool_limits
from track_assets.settings import load_settings
from track_assets_tests.doctor.conftest import REPO_ROOT, make_home
from track_assets_tests.support.dagster_dev import stop_process_group

DAGSTER_DAEMON = Path(sys.executable).with_name("dagster-daemon")
PG_PASSWORD = "doctor-dagster-pg-password-0d2a"


def context(home: Path, **variables: str) -> DoctorContext:
    env = {"DAGSTER_HOME": str(home), "TRACK_ASSETS_SANDBOX": "off", **variables}
    return DoctorContext(load_settings(env), timeout=3)


def test_the_shipped_instance_passes_with_its_queue_and_pools(tmp_path):
    ctx = context(make_home(tmp_path))
    try:
        instance = check_instance(ctx)
        queue = check_run_queue(ctx)
        pools = check_pools(ctx)
    finally:
        ctx.close()
    assert (instance.status, instance.target) == (Status.PASS, "sqlite")
    assert instance.facts["event_log_storage"] == "sqlite"
    assert queue.status is Status.PASS
    assert queue.facts["max_concurrent_runs"] == 4 and queue.facts["tag_concurrency_limits"] == 1
    assert "at most 4 at once" in queue.detail
    # No pool row yet: each gets the default limit (1) at first use.
    assert pools.status is Status.PASS
    assert pools.facts == {"default_limit": 1, "pools": dict.fromkeys(POOLS, 1)}


def test_pool_limits_set_by_hand_are_shown(tmp_path):
    home = make_home(tmp_path)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        ensure_pool_limits(instance)
        instance.event_log_storage.set_concurrency_slots("musicbrainz_api", 3)
    ctx = context(home)
    try:
        pools = check_pools(ctx)
    finally:
        ctx.close()
    assert pools.status is Status.PASS
    assert pools.facts["pools"]["musicbrainz_api"] == 3
    assert "musicbrainz_api 3" in pools.detail


def test_an_instance_without_dagster_yaml_warns_and_its_pools_are_unlimited(tmp_path):
    home = tmp_path / "bare"
    home.mkdir()
    ctx = context(home)
    try:
        instance, pools = check_instance(ctx), check_pools(ctx)
    finally:
        ctx.close()
    assert instance.status is Status.WARN and "no dagster.yaml" in instance.detail
    assert pools.status is Status.WARN
    assert pools.facts["default_limit"] is None
    assert "no limit for" in pools.detail


@pytest.mark.postgres
def test_a_postgres_instance_is_named_and_its_password_never_shown(
    tmp_path, postgres_server, monkeypatch
):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        (REPO_ROOT / "dagster_home" / "postgres" / "dagster.yaml").read_text()
    )
    url = postgres_server.create_database("doctor_dagster").replace(
        f"{postgres_server.user}@", f"{postgres_server.user}:{PG_PASSWORD}@"
    )  # the test cluster trusts loopback: any password is accepted
    monkeypatch.setenv("DAGSTER_PG_URL", url)  # dagster.yaml reads it from the environment
    ctx = context(home, DAGSTER_PG_URL=url)
    try:
        instance, queue = check_instance(ctx), check_run_queue(ctx)
    finally:
        ctx.close()
    assert PG_PASSWORD in ctx.secrets()
    assert (instance.status, instance.target) == (Status.PASS, "postgresql")
    assert instance.facts["run_storage"] == instance.facts["event_log_storage"] == "postgresql"
    assert queue.facts["max_concurrent_runs"] == 8  # dagster_home/postgres/dagster.yaml
    assert PG_PASSWORD not in instance.detail + str(instance.facts)


def test_no_daemon_is_a_warning(tmp_path):
    ctx = context(make_home(tmp_path))
    try:
        daemon = check_daemon(ctx)
    finally:
        ctx.close()
    assert daemon.status is Status.WARN
    assert daemon.detail.startswith("not running (no heartbeat)")
    assert daemon.facts["heartbeat_age_seconds"] == {}


@pytest.mark.slow
def test_a_running_daemon_passes(tmp_path):
    home = make_home(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env |= {"DAGSTER_HOME": str(home), "TRACK_ASSETS_SANDBOX": "off"}
    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [str(DAGSTER_DAEMON), "run", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            ctx = context(home)
            try:
                line = check_daemon(ctx)
            finally:
                ctx.close()
            if line.status is Status.PASS or time.monotonic() > deadline:
                break
            assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()[-3000:]
            time.sleep(2)
    finally:
        stop_process_group(daemon, timeout=60)
        log.close()
    assert line.status is Status.PASS, line.detail
    assert line.detail.startswith("running: ")
    assert "SENSOR" in line.facts["heartbeat_age_seconds"]
