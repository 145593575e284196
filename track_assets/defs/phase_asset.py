"""The shared phase runner: a phase asset's definition comes from its registry declaration
(`track_assets/phases.py`), and `PhaseRun` does what every phase does around its own work (the
clock, request counters, which tracks are due, failing fast on systemic errors, the report,
the ledger, coverage checks). An asset body says only what is particular to its phase."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import MappingProxyType
from typing import Any, Protocol

import dagster as dg
from sqlalchemy.engine import Connection

from track_assets.db.records import Track
from track_assets.db.repository import playlist_track_rows
from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import coverage_check, phase_result
from track_assets.enrichment.phase_report import Coverage, PhaseReport
from track_assets.enrichment.scheduling import phase_ttls, tracks_due
from track_assets.phases import FIELDS, ColumnKind, Field, Lookup, Phase
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters

OWNERS = ["team:music-data"]
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


class _Freshness(Protocol):
    @property
    def static_ttl(self): ...

    @property
    def volatile_ttl(self): ...


class _Service(Protocol):
    def client(self, counters: RequestCounters) -> AbstractContextManager: ...


class PhaseRun:
    """One phase on one playlist: `rows()`, `due(...)`, `calling(service)`, `storing()`, then
    `finish(...)` yields the materialization and the declared coverage checks."""

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
        self.playlist_id = context.partition_key if phase.per_playlist else None
        self._freshness = freshness
        self._started = time.perf_counter()
        self._rows: list[Track] | None = None
        self._worked: set[str] = set()
        self.final_rows: list[Track] = []  # the tracks as `finish` read them again

    def rows(self) -> list[Track]:
        """The playlist's tracks, in playlist order (read once; `finish` reads them again)."""
        if self._rows is None:
            with self.engine.connect() as conn:
                self._rows = playlist_track_rows(conn, self.playlist_id)
            self.report.tracks = len(self._rows)
        return self._rows

    def due(self, *lookups: Lookup) -> list[str]:
        """The playlist's tracks due in any of the lookups (default: all the phase's); every
        track due in some call is counted as worked, the others are cache hits."""
        ids = [row.spotify_track_id for row in self.rows()]
        ttls = phase_ttls(self._freshness.static_ttl, self._freshness.volatile_ttl)
        with self.engine.connect() as conn:
            due = tracks_due(conn, lookups or self.phase.lookups, ids, self.now, ttls)
        self._worked.update(due)
        self.report.worked = len(self._worked)
        self.report.cache_hits = len(ids) - len(self._worked)
        names = ", ".join(lookup.key for lookup in lookups or self.phase.lookups)
        self.context.log.info(f"{len(due)} of {len(ids)} tracks due in {names}")
        return due

    @contextmanager
    def calling(self, service: _Service) -> Iterator[Any]:
        """The service's client, counting requests; a systemic error fails the step at once."""
        with fail_fast_on_systemic_errors(), service.client(self.counters) as client:
            yield client

    @contextmanager
    def failing_fast(self) -> Iterator[None]:
        with fail_fast_on_systemic_errors():
            yield

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
        if self.playlist_id is not None:
            with self.engine.connect() as conn:
                rows = self.final_rows = playlist_track_rows(conn, self.playlist_id)
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
