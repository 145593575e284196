"""The fetch sensor and the nightly schedule launch one run for many playlists: a partition
range over consecutive playlists, once (run keys), and only after the fetching run ended."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import pytest
from click.testing import CliRunner
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from track_assets.cli import main
from track_assets.db.repository import latest_playlist_fetch, playlist_track_counts
from track_assets.defs.automation import nightly_fetch_schedule, playlist_fetch_sensor
from track_assets.defs.partitions import (
    PLAYLISTS_PARTITION,
    balanced_ranges,
    consecutive_groups,
    runs_at_once,
)
from track_assets.defs.resources import FreshnessResource
from track_assets.enrichment.playlist_fetch import record_failed_fetch
from track_assets.pipeline_clock import pipeline_now
from track_assets.settings import DATABASE_URL_VARIABLE
from track_assets_tests.support.database import connection
from track_assets_tests.support.pipeline import PHASE_ASSETS

pytestmark = pytest.mark.chromium


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def range_of(request: dg.RunRequest) -> tuple[str | None, str | None]:
    return (
        request.tags.get(ASSET_PARTITION_RANGE_START_TAG),
        request.tags.get(ASSET_PARTITION_RANGE_END_TAG),
    )


@contextmanager
def queue_of(instance: dg.DagsterInstance, runs: int) -> Iterator[dg.DagsterInstance]:
    """The same instance (its storage in the same folder), its queue starting `runs` at once."""
    home = instance.root_directory
    overrides = {"concurrency": {"runs": {"max_concurrent_runs": runs}}}
    with dg.instance_for_test(temp_dir=home, overrides=overrides) as queued:
        assert runs_at_once(queued) == runs
        yield queued


def fetch_every_playlist(catalog, instance, resources) -> list[str]:
    """Phase 0 over all the catalog's playlists in one run; their ids in partition order."""
    playlist_ids = [p.id for p in catalog.playlists]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, playlist_ids)
    tags = {
        ASSET_PARTITION_RANGE_START_TAG: playlist_ids[0],
        ASSET_PARTITION_RANGE_END_TAG: playlist_ids[-1],
    }
    fetched = dg.materialize(PHASE_ASSETS[:1], instance=instance, resources=resources, tags=tags)
    assert fetched.success
    return playlist_ids


def tick(instance, resources, cursor: str | None = None):
    with dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"database": resources["database"], "freshness": FreshnessResource()},
    ) as context:
        return playlist_fetch_sensor(context)


@pytest.mark.parametrize(
    ("wanted", "groups"),
    [
        ("abcde", [list("abcde")]),
        ("ace", [["a"], ["c"], ["e"]]),
        ("bcd", [list("bcd")]),
        ("eab", [["a", "b"], ["e"]]),
        ("", []),
        ("xa", [["a"]]),  # a key that is no partition (removed meanwhile) is left out
    ],
)
def test_playlists_are_grouped_into_ranges_of_consecutive_partitions(wanted, groups):
    assert consecutive_groups(list("abcde"), wanted) == groups


@pytest.mark.parametrize(
    ("tracks", "runs", "ranges"),
    [
        (dict.fromkeys("abcdef", 20), 4, ["ab", "cd", "ef"]),  # 30 tracks a run, or a bit more
        (dict.fromkeys("abcdef", 20), 1, ["abcdef"]),
        ({"a": 100, "b": 10, "c": 10, "d": 10}, 2, ["a", "bcd"]),
        ({"a": 10, "c": 10, "d": 10}, 1, ["a", "cd"]),  # b lies between: never in a range
        ({"a": 0, "b": 0}, 3, ["ab"]),  # nothing known yet: one run
    ],
)
def test_playlists_are_cut_into_ranges_of_about_the_same_number_of_tracks(tracks, runs, ranges):
    assert balanced_ranges(list("abcdef"), tracks, runs) == [list(r) for r in ranges]


def test_fetches_of_many_playlists_get_one_enrichment_run_when_their_run_ended(
    catalog, instance, sandbox, resources
):
    playlist_ids = fetch_every_playlist(catalog, instance, resources)
    # Then a fetch whose run is still going (another playlist being fetched right now).
    going = instance.add_run(
        dg.DagsterRun(
            job_name="fetch_playlist_job",
            run_id=str(uuid.uuid4()),
            status=dg.DagsterRunStatus.STARTED,
        )
    )
    with connection(resources["database"].url) as conn:
        ids = [latest_playlist_fetch(conn, p).id for p in playlist_ids]
    with resources["database"].transaction() as conn:
        late = record_failed_fetch(
            conn, playlist_ids[0], "web_player", "test", now=pipeline_now(), run_id=going.run_id
        )

    with queue_of(instance, 1) as queued:
        result = tick(queued, resources)

    [request] = result.run_requests
    assert range_of(request) == (playlist_ids[0], playlist_ids[-1])
    assert request.partition_key is None
    assert request.run_key == f"fetch:{max(ids)}"
    assert request.tags["track_assets/fetch_id"] == ",".join(map(str, ids))
    assert result.cursor == str(max(ids))  # not past the fetch whose run is going
    assert tick(instance, resources, result.cursor).skip_message == (
        "no new fetch from a finished run"
    )
    instance.report_run_failed(going)
    after = tick(instance, resources, result.cursor)
    assert (after.run_requests, after.cursor) == ([], str(late))  # a failed fetch: nothing due


def test_runs_started_together_share_the_playlists_due(catalog, instance, sandbox, resources):
    playlist_ids = fetch_every_playlist(catalog, instance, resources)
    with connection(resources["database"].url) as conn:
        fetch_ids = {p: latest_playlist_fetch(conn, p).id for p in playlist_ids}
        tracks = playlist_track_counts(conn, playlist_ids)

    with queue_of(instance, 2) as queued:
        requests = tick(queued, resources).run_requests

    expected = balanced_ranges(playlist_ids, tracks, 2)
    assert len(expected) == 2  # the catalog's 4 playlists hold about the same number of tracks
    assert [range_of(r) for r in requests] == [(g[0], g[-1]) for g in expected]
    assert [r.run_key for r in requests] == [
        f"fetch:{max(fetch_ids[p] for p in group)}" for group in expected
    ]


def test_the_nightly_schedule_refetches_every_playlist_in_one_run(
    catalog, instance, sandbox, resources
):
    playlist_ids = [p.id for p in catalog.playlists]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, playlist_ids)
    yesterday = pipeline_now().replace(year=2000)
    with resources["database"].transaction() as conn:
        for playlist_id in playlist_ids:
            record_failed_fetch(conn, playlist_id, "web_player", "test", now=yesterday)
    with (
        queue_of(instance, 4) as queued,
        dg.build_schedule_context(
            instance=queued, resources={"database": resources["database"]}
        ) as context,
    ):
        [request] = nightly_fetch_schedule(context)  # fetching is light: one run for all

    assert range_of(request) == (playlist_ids[0], playlist_ids[-1])
    today = pipeline_now().date().isoformat()
    assert request.run_key == f"{today}:{playlist_ids[0]}...{playlist_ids[-1]}"


def test_a_single_playlist_keeps_its_partition_key(catalog, instance, sandbox, resources):
    playlist_id = catalog.playlists[0].id
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist_id])
    assert dg.materialize(
        PHASE_ASSETS[:1], partition_key=playlist_id, instance=instance, resources=resources
    ).success
    with connection(resources["database"].url) as conn:
        fetch_id = latest_playlist_fetch(conn, playlist_id).id

    [request] = tick(instance, resources).run_requests

    assert (request.partition_key, request.run_key) == (playlist_id, f"fetch:{fetch_id}")
    assert range_of(request) == (None, None)


def test_runs_ranges_prints_the_sensors_ranges_for_a_shell(catalog, instance, sandbox, resources):
    playlist_ids = fetch_every_playlist(catalog, instance, resources)
    with connection(resources["database"].url) as conn:
        tracks = playlist_track_counts(conn, playlist_ids)
    env = {
        "DAGSTER_HOME": instance.root_directory,
        DATABASE_URL_VARIABLE: resources["database"].url,
    }

    for runs in (1, 2, 4):
        result = CliRunner().invoke(main, ["runs", "ranges", "--runs", str(runs)], env=env)
        expected = [f"{g[0]}...{g[-1]}" for g in balanced_ranges(playlist_ids, tracks, runs)]
        assert (result.exit_code, result.output.splitlines()) == (0, expected), result.output
