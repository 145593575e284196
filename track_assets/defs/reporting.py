"""What every phase asset reports on its materialization, as Dagster metadata: one shape, so
runs compare at a glance."""

from __future__ import annotations

from typing import Any

import dagster as dg
from sqlalchemy.engine import Engine

from track_assets.db.records import PhaseRun
from track_assets.db.repository import record_phase_run
from track_assets.db.statuses import PhaseState
from track_assets.enrichment.phase_report import PREVIEW_ROWS, Coverage, PhaseReport, markdown_table


def report_metadata(report: PhaseReport) -> dict[str, dg.MetadataValue]:
    meta: dict[str, dg.MetadataValue] = {
        "dagster/row_count": dg.MetadataValue.int(report.tracks),
        "tracks": dg.MetadataValue.int(report.tracks),
        "tracks_worked": dg.MetadataValue.int(report.worked),
        "cache_hits": dg.MetadataValue.int(report.cache_hits),
        "rows_written": dg.MetadataValue.int(report.rows_written),
        "statuses": dg.MetadataValue.json(dict(sorted(report.statuses.items()))),
        "failures_by_reason": dg.MetadataValue.json(dict(sorted(report.failures.items()))),
        "not_applicable_by_reason": dg.MetadataValue.json(
            dict(sorted(report.not_applicable.items()))
        ),
        "coverage": dg.MetadataValue.json(
            {
                name: {"have": c.have, "of": c.of, "ratio": _rounded(c.ratio)}
                for name, c in sorted(report.coverage.items())
            }
        ),
        "requests": dg.MetadataValue.json(dict(report.requests)),
        "requests_total": dg.MetadataValue.int(
            sum(int(s.get("total", 0)) for s in report.requests.values())
        ),
        "seconds": dg.MetadataValue.float(round(report.seconds, 3)),
    }
    # One number per field as well, so the UI can plot coverage across materializations.
    for name, c in report.coverage.items():
        if c.ratio is not None:
            meta[f"coverage_{name}"] = dg.MetadataValue.float(round(c.ratio, 4))
    for service, summary in report.requests.items():
        meta[f"requests_{service}"] = dg.MetadataValue.int(int(summary.get("total", 0)))
    for key, value in report.extra.items():
        meta[key] = value if isinstance(value, dg.MetadataValue) else _metadata_value(value)
    if report.preview:
        meta["preview"] = dg.MetadataValue.md(markdown_table(report.preview[:PREVIEW_ROWS]))
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
        failed=report.statuses.get(PhaseState.FAILED, 0),
        requests={
            service: int(summary.get("total", 0)) for service, summary in report.requests.items()
        },
        seconds=round(report.seconds, 3),
    )
    with engine.begin() as conn:
        record_phase_run(conn, run)
    return dg.MaterializeResult(metadata=report_metadata(report))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _metadata_value(value: Any) -> dg.MetadataValue:
    if isinstance(value, dg.TableSchema):
        return dg.MetadataValue.table_schema(value)
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
