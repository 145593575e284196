"""The `playlists` dynamic partition: one partition per tracked Spotify playlist id; and the
run requests that cover many playlists in one run (a partition range)."""

import math
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


def balanced_ranges(order: Sequence[str], tracks: Mapping[str, int], runs: int) -> list[list[str]]:
    """The playlists of `tracks` (playlist -> its tracks) cut into ranges of consecutive
    partitions holding about the same number of tracks, about `runs` of them: runs started
    together then pipeline through the service pools (one run's MusicBrainz step works while
    the next run's Web API step does), each step still started once for many playlists."""
    target = max(1, math.ceil(sum(tracks.values()) / max(runs, 1)))
    ranges: list[list[str]] = []
    for group in consecutive_groups(order, tracks):
        current, size = [], 0
        for playlist_id in group:
            current.append(playlist_id)
            size += tracks[playlist_id]
            if size >= target:
                ranges.append(current)
                current, size = [], 0
        if current:
            ranges.append(current)
    return ranges


def runs_at_once(instance: dg.DagsterInstance) -> int:
    """How many runs the instance's queue starts at once (`max_concurrent_runs`; 1 when it has
    no queue, or no limit is set)."""
    queue = instance.get_concurrency_config().run_queue_config
    limit = queue.max_concurrent_runs if queue is not None else None
    return limit if limit is not None and limit > 0 else 1


def playlists_run_request(
    group: Sequence[str], run_key: str, tags: Mapping[str, str] | None = None
) -> dg.RunRequest:
    """One run over `group` (consecutive partitions): a partition key for one playlist, else a
    partition range, which every phase asset runs in one step (BackfillPolicy.single_run)."""
    if len(group) == 1:
        return dg.RunRequest(partition_key=group[0], run_key=run_key, tags=dict(tags or {}))
    bounds = {ASSET_PARTITION_RANGE_START_TAG: group[0], ASSET_PARTITION_RANGE_END_TAG: group[-1]}
    return dg.RunRequest(run_key=run_key, tags=dict(tags or {}) | bounds)
