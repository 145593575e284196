"""The Dagster pools the phases draw on, given their limits before any run needs them.

Dagster creates a pool's limit row the first time a step asks for a slot. On PostgreSQL two
runs doing that at once crash the second (dagster-io/dagster#33552: its insert-then-update
runs on in an aborted transaction). Setting every pool's limit up front, as
`dagster instance concurrency set` does, leaves nothing to create then."""

from __future__ import annotations

import dagster as dg

from track_assets.phases import PHASES

POOLS = tuple(dict.fromkeys(phase.pool for phase in PHASES if phase.pool))


def ensure_pool_limits(instance: dg.DagsterInstance) -> list[str]:
    """Give each pool without a limit the instance's default (`concurrency.pools.default_limit`);
    limits already set, by this or by hand, are kept. Returns the pools set now."""
    storage = instance.event_log_storage
    default = instance.global_op_concurrency_default_limit
    if default is None or not storage.supports_global_concurrency_limits:
        return []
    known = set(storage.get_concurrency_keys())
    missing = [pool for pool in POOLS if pool not in known]
    for pool in missing:
        storage.set_concurrency_slots(pool, default)
    return missing
