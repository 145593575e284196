"""The `playlists` dynamic partition: one partition per tracked Spotify playlist id."""

import dagster as dg

PLAYLISTS_PARTITION = "playlists"

playlists_partitions = dg.DynamicPartitionsDefinition(name=PLAYLISTS_PARTITION)
