"""The code location loads, and its graph, partitions and resource keys are what we expect."""

import dagster as dg

from track_assets.definitions import defs
from track_assets.defs.partitions import PLAYLISTS_PARTITION, playlists_partitions


def test_code_location_loads_and_validates():
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    definitions.get_repository_def()


def test_resource_keys_are_bound_once():
    assert set(defs().resources) == {"database"}


def test_playlists_are_a_dynamic_partition_named_playlists():
    assert PLAYLISTS_PARTITION == "playlists"
    assert isinstance(playlists_partitions, dg.DynamicPartitionsDefinition)
    assert playlists_partitions.name == PLAYLISTS_PARTITION
