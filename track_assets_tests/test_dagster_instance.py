"""Playlist partitions live on a real instance, on SQLite and on PostgreSQL storage; the instance
files the repository ships load and say what the README says."""

import shutil

import dagster as dg
import pytest

from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets_tests.conftest import REPO_ROOT


def test_playlist_partitions_persist_on_the_instance(dagster_instance):
    dagster_instance.add_dynamic_partitions(PLAYLISTS_PARTITION, ["37i9dQZF1DXcBWIGoYBM5M"])
    dagster_instance.add_dynamic_partitions(PLAYLISTS_PARTITION, ["5LkNhFidYyyjRWwnkcMbQs"])
    assert set(dagster_instance.get_dynamic_partitions(PLAYLISTS_PARTITION)) == {
        "37i9dQZF1DXcBWIGoYBM5M",
        "5LkNhFidYyyjRWwnkcMbQs",
    }
    dagster_instance.delete_dynamic_partition(PLAYLISTS_PARTITION, "37i9dQZF1DXcBWIGoYBM5M")
    assert dagster_instance.get_dynamic_partitions(PLAYLISTS_PARTITION) == [
        "5LkNhFidYyyjRWwnkcMbQs"
    ]


def test_postgres_instance_really_stores_in_postgres(postgres_instance):
    storage = type(postgres_instance.run_storage).__name__
    assert storage == "PostgresRunStorage"


@pytest.mark.parametrize("folder", ["dagster_home", "dagster_home/postgres"])
def test_the_shipped_instances_queue_runs_one_per_playlist_and_take_them_every_second(
    folder, request, tmp_path, monkeypatch
):
    """What the README promises of both instance files: queued runs, at most one run per playlist
    at a time, one step at a time per service pool, the queue read every second."""
    if "postgres" in folder:
        monkeypatch.setenv("DAGSTER_PG_URL", request.getfixturevalue("postgres_url"))
    shutil.copy(REPO_ROOT / folder / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.dequeue_interval_seconds == 1
        concurrency = instance.get_concurrency_config()
        assert concurrency.run_queue_config.tag_concurrency_limits == [
            {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
        ]
        assert concurrency.pool_config.default_pool_limit == 1
        storage = type(instance.run_storage).__name__
        assert storage == ("PostgresRunStorage" if "postgres" in folder else "SqliteRunStorage")
    finally:
        instance.dispose()
