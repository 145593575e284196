"""The `playlists` dynamic partition: one partition per tracked Spotify playlist id; and the
run requests that cover many playlists in one run (a partition range)."""

from collections.abc import Iterable, Mapping, Sequence

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

PLAYLISTS_PARTITION = "playlists"

playlists_partitions = dg.DynamicPartitionsDefinition(name=PLAYLISTS_PARTITION)


def consecutive_groups(order: Sequence[str], wanted: Iterable[str]) -> list[list[str]]:
    """`wanted`, in partition order, cut where a partition not wanted lies between: each group
    is one partition range holding exactly those playlists."""
    wanted = set(wanted)
    groups: list[list[str]] = []
    previous_wanted = False
    for key in order:
        if key in wanted:
            if not previous_wanted:
                groups.append([])
            groups[-1].append(key)
        previous_wanted = key in wanted
    return groups


def playlists_run_request(
    group: Sequence[str], run_key: str, tags: Mapping[str, str] | None = None
) -> dg.RunRequest:
    """One run over `group` (consecutive partitions): a partition key for one playlist, else a
    partition range, which every phase asset runs in one step (BackfillPolicy.single_run)."""
    if len(group) == 1:
        return dg.RunRequest(partition_key=group[0], run_key=run_key, tags=dict(tags or {}))
    bounds = {ASSET_PARTITION_RANGE_START_TAG: group[0], ASSET_PARTITION_RANGE_END_TAG: group[-1]}
    return dg.RunRequest(run_key=run_key, tags=dict(tags or {}) | bounds)
