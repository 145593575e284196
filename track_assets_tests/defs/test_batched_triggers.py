"""The fetch sensor and the nightly schedule launch one run for many playlists: a partition
range over consecutive playlists, once (run keys), and only after the fetching run ended."""

from __future__ import annotations

import uuid

import dagster as dg
import pytest
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from track_assets.db.repository import latest_playlist_fetch
from track_assets.defs.automation import nightly_fetch_schedule, playlist_fetch_sensor
from track_assets.defs.partitions import PLAYLISTS_PARTITION, consecutive_groups
from track_assets.defs.resources import FreshnessResource
from track_assets.enrichment.playlist_fetch import record_failed_fetch
from track_assets.pipeline_clock import pipeline_now
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


def test_fetches_of_many_playlists_get_one_enrichment_run_when_their_run_ended(
    catalog, instance, sandbox, resources
):
    playlist_ids = [p.id for p in catalog.playlists]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, playlist_ids)
    tags = {
        ASSET_PARTITION_RANGE_START_TAG: playlist_ids[0],
        ASSET_PARTITION_RANGE_END_TAG: playlist_ids[-1],
    }
    fetched = dg.materialize(PHASE_ASSETS[:1], instance=instance, resources=resources, tags=tags)
    assert fetched.success
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

    result = tick(instance, resources)

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


def test_the_nightly_schedule_refetches_every_playlist_in_one_run(
    catalog, instance, sandbox, resources
):
    playlist_ids = [p.id for p in catalog.playlists]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, playlist_ids)
    yesterday = pipeline_now().replace(year=2000)
    with resources["database"].transaction() as conn:
        for playlist_id in playlist_ids:
            record_failed_fetch(conn, playlist_id, "web_player", "test", now=yesterday)
    with dg.build_schedule_context(
        instance=instance, resources={"database": resources["database"]}
    ) as context:
        [request] = nightly_fetch_schedule(context)

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
