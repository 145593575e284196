"""The whole product on a real `dagster dev` (webserver + daemon) with PostgreSQL instance
storage and a PostgreSQL database, against the sandbox, with nothing launched by hand:

register a playlist with the CLI -> the watch sensor fetches it -> the fetch sensor enriches it
-> every asset is materialized for the partition and the database equals the ground truth; then
the sandbox moves to the next day and the nightly schedule (every minute here) refetches ->
a second snapshot and a velocity per track, while a backfill launched as the UI launches it
waits its turn in the run queue. The UI test opens the asset graph in Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import dagster as dg
import httpx
import pytest
from sqlalchemy import func, select

from track_assets.db.engine import make_engine
from track_assets.db.repository import get_track, metric_history, playlist_track_ids
from track_assets.db.tables import activity_log, phase_runs
from track_assets.sandbox.catalog import Catalog, generate_catalog, ground_truth, load_catalog
from track_assets.sandbox.catalog.timeseries import play_count_on
from track_assets.sandbox.client_limits import relaxed_limit_environment
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.dagster_dev import dagster_dev
from track_assets_tests.support.integrity import duplicated_rows
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES
from track_assets_tests.support.postgres import PostgresServer, free_port

# The waits below carry their own deadlines and say what they waited for; pytest-timeout's default
# (300 s, a test's setup included) would cut the first day's off first on a loaded machine.
pytestmark = [pytest.mark.slow, pytest.mark.chromium, pytest.mark.timeout(900)]

BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
PARTITIONED_ASSETS = (
    "playlist_tracks",
    "spotify_track_metadata",
    "spotify_credits",
    "mlc_publisher_status",
    "musicbrainz_social_links",
    "chartmetric_analytics",
    "enriched_tracks",
    "enrichment_events",
)
# The stages the UI groups the assets by, as the design names them (docs/architecture.md).
STAGES = {
    "fetch": ("playlist_tracks",),
    "spotify": ("spotify_track_metadata", "spotify_credits"),
    "publishing": ("mlc_publisher_status", "musicbrainz_social_links", "songwriter_identity"),
    "analytics": ("chartmetric_analytics",),
    "reporting": ("enriched_tracks", "enrichment_events", "songwriter_leads"),
}
GROUPS_URL = "__repository__@track_assets/asset-groups"  # the code location's group pages
LAUNCH_BACKFILL = """
mutation ($asset: [String!]!) {
  launchPartitionBackfill(
    backfillParams: {assetSelection: [{path: $asset}], allPartitions: true}
  ) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""
# The shipped PostgreSQL instance file, its storage URL given by DAGSTER_PG_URL.
INSTANCE_YAML = Path(__file__).resolve().parents[1] / "dagster_home" / "postgres" / "dagster.yaml"


@dataclass
class Deployment:
    home: Path
    env: dict[str, str]
    database_url: str
    web_url: str
    catalog: Catalog
    sandbox: SandboxServer
    playlist_id: str
    process: subprocess.Popen

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.home))


@pytest.fixture(scope="module")
def deployment(postgres_server: PostgresServer, tmp_path_factory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("e2e")
    home = root / "dagster_home"
    home.mkdir()
    dagster_url = postgres_server.create_database("e2e_dagster")
    database_url = postgres_server.create_database("e2e_track_assets")
    shutil.copyfile(INSTANCE_YAML, home / "dagster.yaml")
    # The smallest demo catalog; the emulators' limits are off and the clients' relaxed through
    # the variables a deployment sets for its plans (the limits have tests of their own).
    catalog = load_catalog(generate_catalog(seed=11, playlists=4, tracks=20))
    playlist = min(
        (p for p in catalog.playlists if not p.editorial),
        key=lambda p: sum(1 for i in p.items if i.kind == "track"),
    )
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES}
    env |= {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": dagster_url,
        "TRACK_ASSETS_DATABASE_URL": database_url,
        "TRACK_ASSETS_NIGHTLY_CRON": "* * * * *",
        "TRACK_ASSETS_EXPORT_DIR": str(root / "exports"),
        **relaxed_limit_environment(),
    }
    options = SandboxOptions(
        seed=1, tier="development", rate_limits="off", date=catalog.reference_date
    )
    port = free_port()
    with (
        pytest.MonkeyPatch.context() as patch,  # for the instance this process opens
        SandboxServer(all_emulators(), catalog, options, runtime_dir=home) as sandbox,
        open(root / "dagster-dev.log", "wb") as log,
        dagster_dev(port, env, stderr=log) as process,
    ):
        patch.setenv("DAGSTER_PG_URL", dagster_url)
        deployment = Deployment(
            home,
            env,
            database_url,
            f"http://127.0.0.1:{port}",
            catalog,
            sandbox,
            playlist.id,
            process,
        )
        _wait_for(lambda: _web_ready(deployment), "dagster dev to serve", deployment, 120)
        yield deployment


@pytest.fixture(scope="module")
def first_day(deployment: Deployment) -> Deployment:
    """The playlist registered with the CLI, then everything left to the sensors."""
    subprocess.run(
        [
            str(BIN / "track-assets"),
            "playlists",
            "add",
            f"spotify:playlist:{deployment.playlist_id}",
        ],
        env=deployment.env,
        check=True,
        capture_output=True,
    )
    _wait_for(
        lambda: (
            _materialized_partitions(deployment) == set(PARTITIONED_ASSETS)
            and _leads_runs(deployment) >= 1
        ),
        "the sensors to fetch and enrich the playlist",
        deployment,
        600,
    )
    return deployment


def test_sensors_fetch_and_enrich_a_registered_playlist_to_the_ground_truth(first_day):
    deployment = first_day
    instance = deployment.instance()
    runs = instance.get_runs()
    jobs = sorted(run.job_name for run in runs)
    assert jobs.count("fetch_playlist_job") == 1, jobs
    assert jobs.count("enrich_playlist_job") == 1, jobs
    assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs), [
        (r.job_name, r.status) for r in runs
    ]
    fetch_run = next(r for r in runs if r.job_name == "fetch_playlist_job")
    assert fetch_run.tags.get("dagster/sensor_name") == "playlist_watch_sensor"
    enrich_run = next(r for r in runs if r.job_name == "enrich_playlist_job")
    assert enrich_run.tags.get("dagster/sensor_name") == "playlist_fetch_sensor"

    catalog = deployment.catalog
    truth = ground_truth(catalog, catalog.reference_date)
    playlist = catalog.playlists_by_id[deployment.playlist_id]
    expected_ids = [i.track_id for i in playlist.items if i.kind == "track"]
    engine = make_engine(deployment.database_url)
    try:
        with engine.connect() as conn:
            assert playlist_track_ids(conn, deployment.playlist_id) == expected_ids
            for track_id in expected_ids:
                row, expected = get_track(conn, track_id), truth[track_id]
                assert row.isrc == expected.isrc, track_id
                writers = [w.name for w in expected.credits.writers]
                assert row.songwriter == ("; ".join(writers) or None), track_id
                assert row.spotify_streams == expected.play_count, track_id
                assert row.publisher_status == (
                    expected.mlc.status.value if expected.mlc.status else None
                ), track_id
                assert row.chartmetric_id == expected.chartmetric.chartmetric_id, track_id
                assert row.enrichment_status == "complete", track_id
                [snapshot] = metric_history(conn, track_id, source="pipeline")
                assert snapshot.captured_on == catalog.reference_date
            kinds = dict(
                conn.execute(
                    select(activity_log.c.kind, func.count()).group_by(activity_log.c.kind)
                ).all()
            )
        assert kinds == {"new_track": len(expected_ids), "enrichment_run": 1}
    finally:
        engine.dispose()
    assert (Path(deployment.env["TRACK_ASSETS_EXPORT_DIR"]) / "songwriter_leads.csv").exists()


@dataclass
class SecondDay:
    deployment: Deployment
    backfill_id: str


@pytest.fixture(scope="module")
def second_day(first_day: Deployment) -> SecondDay:
    """The sandbox moves to the next day, and at the same moment someone launches the UI's
    "Materialize all" on the consolidated table: the backfill's run and the nightly refresh's
    runs of the same playlist wait for each other in the run queue, and all of them finish."""
    deployment = first_day
    deployment.sandbox.clock.advance_days(1)
    response = httpx.post(
        f"{deployment.web_url}/graphql",
        json={"query": LAUNCH_BACKFILL, "variables": {"asset": ["enriched_tracks"]}},
        timeout=60,
    ).json()
    result = response["data"]["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", response
    backfill_id = result["backfillId"]
    instance = deployment.instance()
    _wait_for(
        lambda: (
            _enrich_runs(deployment) >= 2
            and _phase_run_count(deployment, "enrichment_events") >= 2
            and instance.get_backfill(backfill_id).status.value != "REQUESTED"
        ),
        "the nightly schedule's fetch, the sensor's enrichment of the next day and the backfill",
        deployment,
        480,
    )
    return SecondDay(deployment, backfill_id)


def test_the_next_sandbox_day_the_schedule_refreshes_snapshots_and_velocity(second_day):
    deployment = second_day.deployment
    catalog = deployment.catalog
    day_one = catalog.reference_date
    day_two = day_one + timedelta(days=1)
    runs = deployment.instance().get_runs()
    scheduled = [r for r in runs if r.tags.get("dagster/schedule_name") == "nightly_fetch_schedule"]
    assert [r.tags.get("dagster/run_key") for r in scheduled] == [
        f"{day_two.isoformat()}:{deployment.playlist_id}"
    ]
    playlist = catalog.playlists_by_id[deployment.playlist_id]
    tracks = catalog.tracks_by_id
    engine = make_engine(deployment.database_url)
    try:
        with engine.connect() as conn:
            for item in playlist.items:
                if item.kind != "track":
                    continue
                history = metric_history(conn, item.track_id, source="pipeline")
                assert [s.captured_on for s in history] == [day_one, day_two], item.track_id
                track = tracks[item.track_id]
                growth = play_count_on(track, day_two) - play_count_on(track, day_one)
                assert [s.spotify_streams for s in history] == [
                    play_count_on(track, day_one),
                    play_count_on(track, day_two),
                ]
                assert get_track(conn, item.track_id).stream_velocity == pytest.approx(growth)
    finally:
        engine.dispose()


def test_a_backfill_over_all_playlist_partitions_runs_like_the_ui_launches_it(second_day):
    """The UI's "Materialize all" on a partitioned asset is the GraphQL mutation launched above."""
    deployment, backfill_id = second_day.deployment, second_day.backfill_id
    instance = deployment.instance()
    assert instance.get_backfill(backfill_id).status.value == "COMPLETED_SUCCESS"
    # Every phase asset runs a backfill's partitions in one run (here a range of one).
    [run] = instance.get_runs(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert (
        run.tags.get("dagster/asset_partition_range_start"),
        run.tags.get("dagster/asset_partition_range_end"),
        run.status,
    ) == (deployment.playlist_id, deployment.playlist_id, dg.DagsterRunStatus.SUCCESS)
    assert run.run_id in _materialization_runs(deployment, "enriched_tracks")
    # The backfill and the nightly refresh may overlap (a range run is not held back by the
    # queue's one-run-per-partition limit); pools serialize each service's phase and every
    # write is an upsert, so nothing is stored twice.
    engine = make_engine(deployment.database_url)
    try:
        with engine.connect() as conn:
            assert duplicated_rows(conn) == {}
    finally:
        engine.dispose()


def test_the_ui_shows_every_phase_and_the_materialized_partition(first_day, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    deployment = first_day
    httpx.post(f"{deployment.web_url}/graphql", json={"query": "mutation { setNuxSeen }"})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            for stage, names in STAGES.items():
                page.goto(f"{deployment.web_url}/locations/{GROUPS_URL}/{stage}")
                for name in names:
                    page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
                _save_screenshot(page, tmp_path, f"asset-group-{stage}")
            # The consolidated table's asset page: its owner, row count and column schema.
            page.goto(f"{deployment.web_url}/assets/enriched_tracks")
            page.get_by_text("music-data").first.wait_for(timeout=60_000)
            page.get_by_text("Row count").first.wait_for(timeout=60_000)
            page.get_by_text("playlist_reach", exact=True).first.wait_for(timeout=60_000)
            _save_screenshot(page, tmp_path, "enriched-tracks-definition")
            page.goto(
                f"{deployment.web_url}/assets/enriched_tracks?view=partitions"
                f"&partition={deployment.playlist_id}"
            )
            page.get_by_text(deployment.playlist_id).first.wait_for(timeout=60_000)
            page.get_by_text("Materialized (1)").wait_for(timeout=60_000)
            # The partition's latest materialization, loaded: its run and its metadata.
            page.get_by_text(_latest_materialization_run(deployment)[:8]).first.wait_for(
                timeout=60_000
            )
            page.get_by_text("coverage_stream_velocity").first.wait_for(timeout=60_000)
            _save_screenshot(page, tmp_path, "enriched-tracks-partition")
        finally:
            browser.close()


# --- helpers ----------------------------------------------------------------------------------


def _save_screenshot(page, tmp_path: Path, name: str) -> Path:
    """A PNG in tmp_path, copied to $TRACK_ASSETS_TEST_ARTIFACTS when that is set."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    artifacts = os.environ.get("TRACK_ASSETS_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(artifacts) / path.name)
    assert path.stat().st_size > 10_000
    return path


def _wait_for(
    condition: Callable[[], bool], what: str, deployment: Deployment, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if deployment.process.poll() is not None:
            raise AssertionError(f"dagster dev exited while waiting for {what}")
        try:
            if condition():
                return
        except Exception:  # storage not ready yet: try again
            pass
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}: {_runs(deployment)}")


def _web_ready(deployment: Deployment) -> bool:
    return httpx.get(f"{deployment.web_url}/server_info", timeout=5).status_code == 200


def _runs(deployment: Deployment) -> list[tuple[str, str, str | None]]:
    return [
        (r.job_name, r.status.value, r.tags.get("dagster/run_key"))
        for r in deployment.instance().get_runs()
    ]


def _materialized_partitions(deployment: Deployment) -> set[str]:
    instance = deployment.instance()
    done = set()
    for name in PARTITIONED_ASSETS:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey(name), asset_partitions=[deployment.playlist_id]
            ),
            limit=1,
        ).records
        if records:
            done.add(name)
    return done


def _materialization_runs(deployment: Deployment, asset: str) -> set[str]:
    """The runs that materialized `asset` for the playlist."""
    records = (
        deployment.instance()
        .fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey(asset), asset_partitions=[deployment.playlist_id]
            ),
            limit=100,
        )
        .records
    )
    return {record.run_id for record in records}


def _latest_materialization_run(deployment: Deployment) -> str:
    [record] = (
        deployment.instance()
        .fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey("enriched_tracks"), asset_partitions=[deployment.playlist_id]
            ),
            limit=1,
        )
        .records
    )
    return record.run_id


def _leads_runs(deployment: Deployment) -> int:
    return sum(
        1
        for r in deployment.instance().get_runs()
        if r.job_name == "songwriter_leads_job" and r.status == dg.DagsterRunStatus.SUCCESS
    )


def _enrich_runs(deployment: Deployment) -> int:
    return sum(
        1
        for r in deployment.instance().get_runs()
        if r.job_name == "enrich_playlist_job" and r.status == dg.DagsterRunStatus.SUCCESS
    )


def _phase_run_count(deployment: Deployment, phase: str) -> int:
    engine = make_engine(deployment.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(phase_runs).where(phase_runs.c.phase == phase)
            ).scalar_one()
    finally:
        engine.dispose()
