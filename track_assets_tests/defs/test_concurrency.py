"""Four runs at once over playlists that share tracks, each a real `dagster asset materialize`
process, on a PostgreSQL instance and database, against emulators that enforce their rate
limits: no duplicated row, no lost update (every playlist's tracks and fields as a run alone
leaves them), and not one request over a limit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from track_assets.db.repository import playlist_track_ids
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import RESOURCE_VARIABLES, SERVICE_NAMES
from track_assets_tests.support.database import connection
from track_assets_tests.support.integrity import ONE_DAY_FIELDS, differences, duplicated_rows
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(600)]

BIN = Path(sys.executable).parent
INSTANCE_YAML = Path(__file__).resolve().parents[2] / "dagster_home" / "postgres" / "dagster.yaml"
SELECTION = (
    "playlist_tracks,spotify_track_metadata,spotify_credits,mlc_publisher_status,"
    "musicbrainz_social_links,songwriter_identity,chartmetric_analytics,enriched_tracks"
)
# Each emulator enforces a limit, and each client keeps under it: the real ones where they are
# quick enough for a test, bigger plans where they are not (Chartmetric's entry plan and
# MusicBrainz allow 1 request/s).
EMULATOR_LIMITS = {
    "chartmetric": {"requests": {"limit": 50, "window": 1.0, "mode": "enforce"}},
    # The client's 16 per second window may come as a burst: the bucket holds as many.
    "musicbrainz": {"per_client": {"rate": 20.0, "burst": 20, "mode": "enforce"}},
}
# A little under each plan, as a deployment configures its clients.
CLIENT_LIMITS = {"chartmetric": (45, 1.0), "musicbrainz": (16, 1.0)}


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param  # of the uninterrupted run the concurrent ones are compared with


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_four_runs_at_once_duplicate_nothing_lose_nothing_and_keep_every_limit(
    catalog, enriched, postgres_server, tmp_path
):
    shared = Counter(t for p in catalog.playlists for t in set(p.track_ids))
    assert any(n > 1 for n in shared.values()), "no track on two playlists: nothing would race"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(INSTANCE_YAML, home / "dagster.yaml")
    database_url = postgres_server.create_database("concurrent_track_assets")
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES}
    env |= {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": postgres_server.create_database("concurrent_dagster"),
        "TRACK_ASSETS_DATABASE_URL": database_url,
    }
    for service, (requests, seconds) in CLIENT_LIMITS.items():
        env[RESOURCE_VARIABLES[service]["max_requests"]] = str(requests)
        env[RESOURCE_VARIABLES[service]["per_seconds"]] = str(seconds)
    options = SandboxOptions(
        seed=1,
        tier="development",
        rate_limits="enforce",
        limits=EMULATOR_LIMITS,
        date=catalog.reference_date,
    )
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=home) as sandbox:
        ids = [p.id for p in catalog.playlists]
        subprocess.run([str(BIN / "track-assets"), "playlists", "add", *ids], env=env, check=True)
        runs = [
            subprocess.Popen(
                [
                    *(str(BIN / "dagster"), "asset", "materialize", "-m"),
                    *("track_assets.definitions", "--select", SELECTION, "--partition", i),
                ],
                env=env,
                stdout=open(tmp_path / f"run-{i}.log", "wb"),  # noqa: SIM115 - closed below
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for i in ids
        ]
        try:
            codes = [run.wait(timeout=480) for run in runs]
        finally:
            for run in runs:
                run.stdout and run.stdout.close()
                if run.poll() is None:
                    os.killpg(run.pid, 9)
        violations = {s: sandbox.counters.snapshot(s).total_violations for s in SERVICE_NAMES}
        requests = {s: sandbox.counters.snapshot(s).total for s in SERVICE_NAMES}

    assert codes == [0] * len(ids), [(tmp_path / f"run-{i}.log").read_text()[-2000:] for i in ids]
    assert all(requests.values()), requests  # every emulator was asked, under its limit
    assert violations == dict.fromkeys(SERVICE_NAMES, 0)
    with connection(database_url) as conn, connection(enriched.url) as reference:
        for playlist in catalog.playlists:
            assert playlist_track_ids(conn, playlist.id) == list(playlist.track_ids)
        assert differences(conn, reference, list(shared), ONE_DAY_FIELDS) == []
        assert duplicated_rows(conn) == {}
