"""Playlist partitions live on a real instance, on SQLite and on PostgreSQL storage."""

from track_assets.defs.partitions import PLAYLISTS_PARTITION


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
