"""The shared phase runner: a phase asset's definition comes from its registry declaration
(`track_assets/phases.py`), and `PhaseRun` does what every phase does around its own work (the
clock, request counters, which tracks are due, failing fast on systemic errors, the report,
the ledger, coverage checks). An asset body says only what is particular to its phase."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Protocol

import dagster as dg
from sqlalchemy.engine import Connection

from track_assets.db.records import Track
from track_assets.db.repository import (
    get_phase_status,
    playlist_track_rows,
    playlists_track_rows,
    set_phase_status,
)
from track_assets.db.statuses import PhaseState
from track_assets.defs.failures import (
    fail_fast_on_systemic_errors,
    is_systemic,
    item_errors,
    step_failure,
)
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import coverage_check, phase_result
from track_assets.enrichment.phase_report import Coverage, PhaseReport
from track_assets.enrichment.scheduling import phase_ttls, tracks_due
from track_assets.phases import FIELDS, ColumnKind, Field, Lookup, Phase
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters, ServiceUnavailable

OWNERS = ["team:music-data"]
MANY_PLAYLISTS_PER_RUN = dg.BackfillPolicy.single_run()
SERVICE_RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)
IDENTITY_COLUMNS = (
    Field("spotify_track_id", ColumnKind.TEXT),
    Field("name", ColumnKind.TEXT),
    Field("enrichment_status", ColumnKind.TEXT),
)


def phase_asset(phase: Phase, *, columns: Sequence[Field] | None = None):
    """`dg.asset` for `phase`: its name, deps, group, owners, pool, kinds, checks and column
    schema from the declaration, the retry policy of a phase that calls a service, the docstring
    as description. `columns` overrides the schema (default: the phase's own fields)."""

    def decorate(body: Callable) -> dg.AssetsDefinition:
        schema = column_schema(columns if columns is not None else phase.fields)
        return dg.asset(
            name=phase.asset,
            partitions_def=playlists_partitions if phase.per_playlist else None,
            # A backfill, the nightly refresh or a batch of fetches runs many playlists in one
            # run: each step then starts once for all of them (PhaseRun reads their tracks).
            backfill_policy=MANY_PLAYLISTS_PER_RUN if phase.per_playlist else None,
            deps=[_dep(phase, upstream) for upstream in phase.upstream],
            group_name=phase.group.value,
            owners=OWNERS,
            pool=phase.pool,
            retry_policy=SERVICE_RETRY if phase.pool else None,
            kinds=set(phase.kinds),
            check_specs=[dg.AssetCheckSpec(name, asset=phase.asset) for name in phase.check_names],
            metadata={"dagster/column_schema": schema} if schema else None,
            description=body.__doc__ or sys.modules[body.__module__].__doc__,
        )(body)

    return decorate


def _dep(phase: Phase, upstream: str) -> dg.AssetDep | str:
    if phase.per_playlist:
        return upstream
    return dg.AssetDep(upstream, partition_mapping=dg.AllPartitionMapping())


def column_schema(fields: Sequence[Field]) -> dg.TableSchema | None:
    if not fields:
        return None
    return dg.TableSchema(columns=[dg.TableColumn(f.name, type=f.kind.value) for f in fields])


CONSOLIDATED_COLUMNS = (*IDENTITY_COLUMNS, *FIELDS)

# A track whose answer failed is asked again after this, doubling with each failure in a row.
FIRST_RETRY_AFTER = timedelta(minutes=15)
LAST_RETRY_AFTER = timedelta(days=1)
# This many tracks in a row with the service unreachable after every retry: it is down.
OUTAGE_AFTER = 3
REASON_LENGTH = 500


def retry_time(now: datetime, attempts: int) -> datetime:
    """When a track that has failed `attempts` times in a row is due again."""
    return now + min(LAST_RETRY_AFTER, FIRST_RETRY_AFTER * 2 ** max(attempts - 1, 0))


class _Freshness(Protocol):
    @property
    def static_ttl(self): ...

    @property
    def volatile_ttl(self): ...


class _Service(Protocol):
    def client(self, counters: RequestCounters) -> AbstractContextManager: ...


class PhaseRun:
    """One phase on the run's playlists (one partition, or a range of them in one run):
    `rows()`, `due(...)`, `calling(service)`, `storing()`, then `finish(...)` yields the
    materialization and the declared coverage checks."""

    def __init__(
        self,
        context: dg.AssetExecutionContext,
        phase: Phase,
        database: Any,
        freshness: _Freshness | None = None,
    ) -> None:
        self.context = context
        self.phase = phase
        self.engine = database.engine()
        self.now = pipeline_now()
        self.counters = RequestCounters()
        self.report = PhaseReport()
        self.playlist_ids = list(context.partition_keys) if phase.per_playlist else []
        self._freshness = freshness
        self._started = time.perf_counter()
        self._rows: list[Track] | None = None
        self._worked: set[str] = set()
        self._due_in: dict[str, set[str]] = {}  # lookup key -> the tracks due in it
        self.final_rows: list[Track] = []  # the tracks as `finish` read them again

    def rows(self) -> list[Track]:
        """The tracks of the run's playlists, each once, in playlist order (read once; `finish`
        reads them again)."""
        if self._rows is None:
            with self.engine.connect() as conn:
                self._rows = self._tracks(conn)
            self.report.tracks = len(self._rows)
        return self._rows

    def _tracks(self, conn: Connection) -> list[Track]:
        if len(self.playlist_ids) == 1:
            return playlist_track_rows(conn, self.playlist_ids[0])
        return playlists_track_rows(conn, self.playlist_ids)

    def due(self, *lookups: Lookup) -> list[str]:
        """The playlist's tracks due in any of the lookups (default: all the phase's); every
        track due in some call is counted as worked, the others are cache hits."""
        due = self._due(lookups or self.phase.lookups)
        self.mark_due(due, *(lookups or self.phase.lookups))
        self.report.cache_hits = len(self.rows()) - len(self._worked)
        return due

    def due_later(self, *lookups: Lookup) -> list[str]:
        """The tracks due in a later phase's `lookups`, which this phase prepares: counted as
        worked here, but a failure here is not recorded against them (the later phase asks)."""
        due = self._due(lookups)
        self.mark_due(due)
        self.report.cache_hits = len(self.rows()) - len(self._worked)
        return due

    def _due(self, lookups: Sequence[Lookup]) -> list[str]:
        ids = [row.spotify_track_id for row in self.rows()]
        ttls = phase_ttls(self._freshness.static_ttl, self._freshness.volatile_ttl)
        with self.engine.connect() as conn:
            due = tracks_due(conn, lookups, ids, self.now, ttls)
        names = ", ".join(lookup.key for lookup in lookups)
        self.context.log.info(f"{len(due)} of {len(ids)} tracks due in {names}")
        return due

    def mark_due(self, track_ids: Sequence[str], *lookups: Lookup) -> None:
        """Count `track_ids` as worked in `lookups` (a failure is recorded in those)."""
        self._worked.update(track_ids)
        for lookup in lookups:
            self._due_in.setdefault(lookup.key, set()).update(track_ids)
        self.report.worked = len(self._worked)

    @contextmanager
    def calling(self, service: _Service) -> Iterator[Any]:
        """The service's client, counting requests; a systemic error fails the step at once."""
        with fail_fast_on_systemic_errors(), service.client(self.counters) as client:
            yield client

    @contextmanager
    def failing_fast(self) -> Iterator[None]:
        with fail_fast_on_systemic_errors():
            yield

    def in_batches(self, track_ids: Sequence[str], work: Callable[[list[str]], None]) -> list[str]:
        """`work` (fetch, then store in one transaction) on `track_ids`, the phase's batch at a
        time, so what is stored stays stored if the step stops: a retried step resumes after
        it. A batch whose answer fails after the HTTP layer's retries is worked track by track;
        a track that still fails is recorded failed with the reason and a retry time, and the
        rest go on.
        Systemic errors end the step at once, and so do `OUTAGE_AFTER` tracks in a row with the
        service unreachable. Returns the tracks that failed."""
        failed: list[str] = []
        in_a_row = 0
        ids = list(track_ids)
        size = self.phase.batch
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            if len(batch) > 1 and self._tried(work, batch) is None:
                in_a_row = 0
            else:
                for track_id in batch:
                    error = self._tried(work, [track_id])
                    if error is None:
                        in_a_row = 0
                        continue
                    failed.append(track_id)
                    self._record_failure(track_id, error)
                    in_a_row = in_a_row + 1 if isinstance(error, ServiceUnavailable) else 0
                    if in_a_row >= OUTAGE_AFTER:
                        raise dg.Failure(
                            f"{in_a_row} tracks in a row failed with the service unreachable "
                            f"after every retry; the last: {error}",
                            metadata={"error": type(error).__name__},
                        )
            done = min(start + size, len(ids))
            self.context.log.info(
                f"{self.phase.asset}: {done} of {len(ids)} tracks worked, {len(failed)} failed"
            )
        return failed

    def _tried(self, work: Callable[[list[str]], None], batch: list[str]) -> Exception | None:
        """None when `work` succeeded; the error when it failed about these items only."""
        try:
            work(batch)
        except item_errors() as error:
            if is_systemic(error):
                raise step_failure(error) from None
            return error
        return None

    def _record_failure(self, track_id: str, error: Exception) -> None:
        reason = f"{type(error).__name__}: {error}"[:REASON_LENGTH]
        self.context.log.warning(f"track {track_id} failed in {self.phase.asset}: {reason}")
        with self.storing() as conn:
            for key, due in self._due_in.items():
                if track_id not in due:
                    continue
                before = get_phase_status(conn, track_id, key)
                attempts = 1 + (before.attempts if before is not None else 0)
                set_phase_status(
                    conn,
                    track_id,
                    key,
                    PhaseState.FAILED,
                    reason=reason,
                    next_retry_at=retry_time(self.now, attempts),
                    now=self.now,
                )
        self.report.count(PhaseState.FAILED, type(error).__name__)

    @contextmanager
    def storing(self) -> Iterator[Connection]:
        """One transaction for what the phase stores."""
        with self.engine.begin() as conn:
            yield conn

    def finish(
        self,
        *,
        coverage: Callable[[Connection, list[Track]], Mapping[str, Coverage]] | None = None,
        preview: Callable[[Connection, list[Track]], Sequence[Mapping[str, Any]]] | None = None,
        extra: Mapping[str, Any] | Callable[[Connection, list[Track]], Mapping[str, Any]] = (
            MappingProxyType({})
        ),
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        """The materialization (appended to the `phase_runs` ledger) with the playlist's tracks
        read again for `coverage`, `preview` and `extra` (figures or a function of the tracks),
        then the declared coverage checks."""
        report = self.report
        if self.playlist_ids:
            with self.engine.connect() as conn:
                rows = self.final_rows = self._tracks(conn)
                if coverage is not None:
                    report.coverage = dict(coverage(conn, rows))
                if preview is not None:
                    report.preview = list(preview(conn, rows))
                if callable(extra):
                    extra = extra(conn, rows)
            report.tracks = len(rows)
        report.extra.update(extra)
        schema = self.context.assets_def.metadata_by_key[self.context.asset_key].get(
            "dagster/column_schema"
        )
        if schema is not None:
            report.extra["dagster/column_schema"] = schema
        report.requests = self.counters.snapshot()
        report.seconds = time.perf_counter() - self._started
        yield phase_result(self.context, self.engine, report)
        for check in self.phase.coverage_checks:
            yield coverage_check(check.name, report.coverage[check.coverage], check.minimum)
