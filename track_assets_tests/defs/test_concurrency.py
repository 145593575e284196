"""Four runs at once over playlists that share tracks, each a real `dagster asset materialize`
process, on a PostgreSQL instance and database, against emulators that enforce their rate
limits: no duplicated row, no lost update (every playlist's tracks and fields as a run alone
leaves them), and not one request over a limit."""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from track_assets.db.repository import playlist_track_ids
from track_assets.db.tables import rate_limit_grants
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import RESOURCE_VARIABLES, SERVICE_NAMES
from track_assets_tests.support.database import connection
from track_assets_tests.support.integrity import ONE_DAY_FIELDS, differences, duplicated_rows
from track_assets_tests.support.shell_runs import shell_deployment

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(600)]

# Each emulator enforces a limit: the real ones where they are quick enough for a test, bigger
# plans where they are not (Chartmetric's entry plan and MusicBrainz allow 1 request/s).
EMULATOR_LIMITS = {
    "chartmetric": {"requests": {"limit": 50, "window": 1.0, "mode": "enforce"}},
    # The client's 20 per second window may come as a burst: the bucket holds as many.
    "musicbrainz": {"per_client": {"rate": 20.0, "burst": 20, "mode": "enforce"}},
}
# Exactly at each plan, with no margin: a request holds its slot until a window after its
# response, so no two arrive closer than the plan allows (docs/architecture.md#pools-and-rate-limits).
CLIENT_LIMITS = {"chartmetric": (50, 1.0), "musicbrainz": (20, 1.0)}


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
    deployment = shell_deployment(
        postgres_server,
        tmp_path,
        "concurrent",
        **{
            RESOURCE_VARIABLES[service][field]: str(value)
            for service, limit in CLIENT_LIMITS.items()
            for field, value in zip(("max_requests", "per_seconds"), limit, strict=True)
        },
    )
    env = deployment.env
    options = SandboxOptions(
        seed=1,
        tier="development",
        rate_limits="enforce",
        limits=EMULATOR_LIMITS,
        date=catalog.reference_date,
    )
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=deployment.home) as sandbox:
        ids = [p.id for p in catalog.playlists]
        subprocess.run(deployment.track_assets("playlists", "add", *ids), env=env, check=True)
        with ExitStack() as logs:
            runs = [
                subprocess.Popen(
                    deployment.materialize(i),
                    env=env,
                    stdout=logs.enter_context(open(tmp_path / f"run-{i}.log", "wb")),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                for i in ids
            ]
            try:
                codes = [run.wait(timeout=480) for run in runs]
            finally:
                for run in runs:
                    if run.poll() is None:
                        os.killpg(run.pid, signal.SIGKILL)
        violations = {s: sandbox.counters.snapshot(s).total_violations for s in SERVICE_NAMES}
        requests = {s: sandbox.counters.snapshot(s).total for s in SERVICE_NAMES}

    assert codes == [0] * len(ids), [(tmp_path / f"run-{i}.log").read_text()[-2000:] for i in ids]
    assert all(requests.values()), requests  # every emulator was asked, under its limit
    assert violations == dict.fromkeys(SERVICE_NAMES, 0)
    with connection(deployment.database_url) as conn, connection(enriched.url) as reference:
        # The four runs shared their budgets through the database, and gave every slot back.
        grants = conn.execute(
            select(rate_limit_grants.c.service, rate_limit_grants.c.completed_at.is_(None))
        ).all()
        assert set(CLIENT_LIMITS) <= {service for service, _ in grants}
        assert not any(pending for _, pending in grants)
        for playlist in catalog.playlists:
            assert playlist_track_ids(conn, playlist.id) == list(playlist.track_ids)
        assert differences(conn, reference, list(shared), ONE_DAY_FIELDS) == []
        assert duplicated_rows(conn) == {}
