"""The ledger of phase steps: what each materialization worked on and the requests it made."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import PhaseRun
from track_assets.db.tables import phase_runs


def record_phase_run(conn: Connection, run: PhaseRun) -> int:
    """Append one step's row (never deduplicated: a retried step is another step); its id."""
    values = run.as_values()
    values.pop("id")
    return conn.execute(phase_runs.insert().values(values).returning(phase_runs.c.id)).scalar_one()


def requests_by_service(
    conn: Connection, *, run_id: str | None = None, since: datetime | None = None
) -> dict[str, int]:
    """Requests made per service by every recorded step (of one run, or finished since)."""
    query = select(phase_runs.c.requests)
    if run_id is not None:
        query = query.where(phase_runs.c.run_id == run_id)
    if since is not None:
        query = query.where(phase_runs.c.finished_at >= since)
    totals: dict[str, int] = {}
    for requests in conn.execute(query).scalars():
        for service, count in _counts(requests).items():
            totals[service] = totals.get(service, 0) + count
    return dict(sorted(totals.items()))


def _counts(requests: Mapping[str, int] | None) -> dict[str, int]:
    return {str(k): int(v) for k, v in (requests or {}).items()}
