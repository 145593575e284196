"""What every phase asset reports on its materialization: one shape, so runs compare at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from sqlalchemy.engine import Engine

from track_assets.db.records import PhaseRun
from track_assets.db.repository import record_phase_run

PREVIEW_ROWS = 10


@dataclass(frozen=True)
class Coverage:
    """How many of the tracks that could have a field have it."""

    have: int
    of: int

    @property
    def ratio(self) -> float | None:
        return self.have / self.of if self.of else None


@dataclass
class PhaseReport:
    """Counts for one phase on one playlist. `worked` were picked (not done-and-fresh);
    `cache_hits` are tracks the phase skipped because their data was fresh."""

    tracks: int = 0
    worked: int = 0
    cache_hits: int = 0
    rows_written: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # done / not_applicable / failed
    failures: dict[str, int] = field(default_factory=dict)  # reason -> tracks
    not_applicable: dict[str, int] = field(default_factory=dict)  # reason -> tracks
    coverage: dict[str, Coverage] = field(default_factory=dict)
    requests: Mapping[str, Any] = field(default_factory=dict)  # RequestCounters snapshot delta
    seconds: float = 0.0
    preview: Sequence[Mapping[str, Any]] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def count(self, status: str, reason: str | None = None) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        bucket = {"failed": self.failures, "not_applicable": self.not_applicable}.get(status)
        if bucket is not None:
            key = reason or "unspecified"
            bucket[key] = bucket.get(key, 0) + 1

    def metadata(self) -> dict[str, dg.MetadataValue]:
        meta: dict[str, dg.MetadataValue] = {
            "tracks": dg.MetadataValue.int(self.tracks),
            "tracks_worked": dg.MetadataValue.int(self.worked),
            "cache_hits": dg.MetadataValue.int(self.cache_hits),
            "rows_written": dg.MetadataValue.int(self.rows_written),
            "statuses": dg.MetadataValue.json(dict(sorted(self.statuses.items()))),
            "failures_by_reason": dg.MetadataValue.json(dict(sorted(self.failures.items()))),
            "not_applicable_by_reason": dg.MetadataValue.json(
                dict(sorted(self.not_applicable.items()))
            ),
            "coverage": dg.MetadataValue.json(
                {
                    name: {"have": c.have, "of": c.of, "ratio": _rounded(c.ratio)}
                    for name, c in sorted(self.coverage.items())
                }
            ),
            "requests": dg.MetadataValue.json(dict(self.requests)),
            "requests_total": dg.MetadataValue.int(
                sum(int(s.get("total", 0)) for s in self.requests.values())
            ),
            "seconds": dg.MetadataValue.float(round(self.seconds, 3)),
        }
        # One number per field as well, so the UI can plot coverage across materializations.
        for name, c in self.coverage.items():
            if c.ratio is not None:
                meta[f"coverage_{name}"] = dg.MetadataValue.float(round(c.ratio, 4))
        for service, summary in self.requests.items():
            meta[f"requests_{service}"] = dg.MetadataValue.int(int(summary.get("total", 0)))
        for key, value in self.extra.items():
            meta[key] = value if isinstance(value, dg.MetadataValue) else _metadata_value(value)
        if self.preview:
            meta["preview"] = dg.MetadataValue.md(markdown_table(self.preview[:PREVIEW_ROWS]))
        return meta


def phase_result(
    context: dg.AssetExecutionContext, engine: Engine, report: PhaseReport
) -> dg.MaterializeResult:
    """The step's MaterializeResult, after appending it to the `phase_runs` ledger (whose
    requests per service `track-assets status` sums)."""
    from track_assets.pipeline_clock import pipeline_now

    run = PhaseRun(
        run_id=context.run.run_id,
        playlist_id=context.partition_key if context.has_partition_key else None,
        phase=context.asset_key.to_user_string(),
        finished_at=pipeline_now(),
        tracks=report.tracks,
        worked=report.worked,
        failed=report.statuses.get("failed", 0),
        requests={
            service: int(summary.get("total", 0)) for service, summary in report.requests.items()
        },
        seconds=round(report.seconds, 3),
    )
    with engine.begin() as conn:
        record_phase_run(conn, run)
    return dg.MaterializeResult(metadata=report.metadata())


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "_no rows_"
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(column)) for column in columns) + " |")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _metadata_value(value: Any) -> dg.MetadataValue:
    if isinstance(value, bool):
        return dg.MetadataValue.bool(value)
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    if isinstance(value, float):
        return dg.MetadataValue.float(value)
    if isinstance(value, str):
        return dg.MetadataValue.text(value)
    return dg.MetadataValue.json(value)


def coverage_check(check_name: str, coverage: Coverage, minimum: float) -> dg.AssetCheckResult:
    """A warning check: at least `minimum` of the tracks that could have the field have it
    (passes when no track could)."""
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=coverage.ratio is None or coverage.ratio >= minimum,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"have": coverage.have, "of": coverage.of, "min_ratio": minimum},
    )
