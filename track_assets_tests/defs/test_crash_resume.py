"""A run killed mid-phase (its whole process group, SIGKILL: an out-of-memory kill or a reboot)
on a PostgreSQL instance and database: the crashed-runs sensor marks it failed and frees the
pool slot it held; the next run resumes where it stopped (no service asked again for what was
stored), and the playlist ends equal to an uninterrupted run, with nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import dagster as dg
import pytest

from track_assets.db.repository import phase_statuses
from track_assets.defs.crashed_runs import crashed_runs_sensor
from track_assets.phases import MUSICBRAINZ_SOCIAL_LINKS
from track_assets.sandbox.client_limits import relaxed_limit_environment
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.database import connection
from track_assets_tests.support.integrity import ONE_DAY_FIELDS, differences, duplicated_rows
from track_assets_tests.support.shell_runs import shell_deployment

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(600)]

MUSICBRAINZ = MUSICBRAINZ_SOCIAL_LINKS.asset
SERVICES_BEFORE_MUSICBRAINZ = ("spotify_api", "spotify_web", "mlc")


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param  # of the uninterrupted run the crashed one is compared with


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_a_run_killed_mid_phase_frees_its_slot_and_the_next_run_resumes(
    catalog, enriched, postgres_server, tmp_path
):
    playlist = max(catalog.playlists, key=lambda p: len(p.track_ids))
    ids = playlist.track_ids
    assert len(ids) > 2 * MUSICBRAINZ_SOCIAL_LINKS.batch, "too short to be killed mid-phase"
    deployment = shell_deployment(
        postgres_server,
        tmp_path,
        "crash",
        # MusicBrainz slow enough that a batch of its phase takes a few seconds.
        **relaxed_limit_environment() | {"MUSICBRAINZ_MAX_REQUESTS": "4"},
    )
    home, env, database_url = deployment.home, deployment.env, deployment.database_url
    options = SandboxOptions(
        seed=1, tier="development", rate_limits="off", date=catalog.reference_date
    )
    materialize = deployment.materialize(playlist.id)
    with (
        pytest.MonkeyPatch.context() as patch,
        SandboxServer(all_emulators(), catalog, options, runtime_dir=home) as sandbox,
    ):
        patch.setenv("DAGSTER_HOME", str(home))
        patch.setenv("DAGSTER_PG_URL", env["DAGSTER_PG_URL"])
        for command in (["db", "upgrade"], ["playlists", "add", playlist.id]):
            subprocess.run(deployment.track_assets(*command), env=env, check=True)

        with open(tmp_path / "first-run.log", "wb") as log:
            first = subprocess.Popen(
                materialize, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                stored = _wait_for_some_stored(database_url, ids, first)
            finally:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()

        instance = dg.DagsterInstance.get()
        [killed] = instance.get_runs()
        assert killed.status == dg.DagsterRunStatus.STARTED  # nothing ended it
        assert killed.run_id in instance.event_log_storage.get_concurrency_run_ids()

        tick = crashed_runs_sensor(dg.build_sensor_context(instance=instance))
        assert killed.run_id in tick.skip_message

        killed = instance.get_run_by_id(killed.run_id)
        assert killed.status == dg.DagsterRunStatus.FAILURE
        assert killed.run_id not in instance.event_log_storage.get_concurrency_run_ids()
        recover = deployment.track_assets("runs", "recover")  # the same, from a shell
        again = subprocess.run(recover, env=env, capture_output=True, text=True, check=True)
        assert again.stdout.strip() == "no crashed run, no pool slot held by an ended run"
        with connection(database_url) as conn:
            stored = _settled(conn, ids)  # more may have been stored before the kill landed
        asked_before = {s: sandbox.counters.snapshot(s) for s in SERVICES_BEFORE_MUSICBRAINZ}

        second = subprocess.run(materialize, env=env, capture_output=True, timeout=300)
        assert second.returncode == 0, second.stdout.decode()[-3000:]

        asked_again = {
            (service, endpoint): n
            for service in SERVICES_BEFORE_MUSICBRAINZ
            for endpoint, n in _requests_since(asked_before[service], sandbox).items()
        }
        # Phase 0 reads the playlist again each run (a token, the page, its items); no track's,
        # album's, artist's or work's lookup is asked again.
        assert not any(_looks_up(endpoint) for _, endpoint in asked_again), str(asked_again)
        [resumed] = [r for r in instance.get_runs() if r.run_id != killed.run_id]
        assert resumed.status == dg.DagsterRunStatus.SUCCESS
        worked = _materialization_metadata(instance, resumed.run_id, MUSICBRAINZ)["tracks_worked"]
        assert worked.value == len(ids) - len(stored)

    with connection(database_url) as conn, connection(enriched.url) as reference:
        assert _settled(conn, ids) == set(ids)
        assert differences(conn, reference, ids, ONE_DAY_FIELDS) == []
        assert duplicated_rows(conn) == {}


def _requests_since(before, sandbox) -> dict[str, int]:
    now = sandbox.counters.snapshot(before.service)
    return {
        endpoint: now.count(endpoint) - before.count(endpoint)
        for endpoint in now.requests
        if now.count(endpoint) > before.count(endpoint)
    }


def _looks_up(endpoint: str) -> bool:
    what = endpoint.lower().removeprefix("/pathfinder/v2/query#")
    return any(
        word in what
        for word in ("track", "album", "artist", "audio-features", "search", "work", "recording")
    )


def _settled(conn, ids) -> set[str]:
    statuses = phase_statuses(conn, ids, MUSICBRAINZ)
    return {t for t, s in statuses.items() if s.status in ("done", "not_applicable")}


def _wait_for_some_stored(database_url: str, ids, process: subprocess.Popen) -> set[str]:
    """Tracks settled in the MusicBrainz phase once some, not all, are."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed mid-phase"
        try:
            with connection(database_url) as conn:
                stored = _settled(conn, ids)
        except Exception:  # the schema or the phase's first rows not there yet
            stored = set()
        if stored:
            assert len(stored) < len(ids), "the phase ended before it could be killed"
            return stored
        time.sleep(0.05)
    raise AssertionError("the MusicBrainz phase stored nothing within 240 s")


def _materialization_metadata(instance, run_id: str, asset: str):
    [event] = [
        e
        for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        if e.dagster_event.asset_key == dg.AssetKey(asset)
    ]
    return event.dagster_event.materialization.metadata
