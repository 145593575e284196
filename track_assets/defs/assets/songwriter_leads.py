"""Songwriter leads across every tracked playlist: credited writers on growing tracks
(stream_velocity > 0) who are unrepresented at The MLC on the track's work, or whose work is
unsigned or split, one ranked row per songwriter (best velocity, velocity sum, streams, name).
Writes songwriter_leads.csv/.parquet and tracks.csv/.parquet into the export folder
(the `exports` resource; TRACK_ASSETS_EXPORT_DIR), the leads report beside them, and the same
rows as the tables export_songwriter_leads and export_tracks in the database. The rule and the
columns: README.md, "Songwriter leads"."""

import csv
import time

import dagster as dg

from track_assets.defs.phase_asset import column_schema, phase_asset
from track_assets.defs.resources import DatabaseResource, ExportsResource
from track_assets.enrichment.exports import (
    EXPORTS,
    LEAD_COLUMN_KINDS,
    compute_export,
    compute_songwriter_leads,
)
from track_assets.enrichment.phase_report import markdown_table
from track_assets.enrichment.songwriter_leads import lead_counts_by_reason, lead_preview
from track_assets.phases import SONGWRITER_LEADS, Field
from track_assets.report.render import top_growth_markdown, write_leads_report

TOP_LEADS = 20
LEAD_COLUMNS = [Field(name, kind) for name, kind in LEAD_COLUMN_KINDS.items()]


@phase_asset(SONGWRITER_LEADS, columns=LEAD_COLUMNS)
def songwriter_leads(
    context: dg.AssetExecutionContext, database: DatabaseResource, exports: ExportsResource
):
    started = time.perf_counter()
    directory = exports.path()
    with database.engine().connect() as conn:
        leads = compute_songwriter_leads(conn)
        computed = {name: compute_export(conn, name, leads) for name in EXPORTS}
        tracks = computed["tracks"].write_files(directory)
        files = computed["leads"].write_files(directory)
        context.log.info(f"{len(leads)} songwriter leads exported to {directory}")
        report = _leads_report_metadata(context, conn, leads, directory)
    with database.engine().begin() as conn:
        tables = [export.write_table(conn) for export in computed.values()]
    context.log.info(f"and as the tables {', '.join(t.table for t in tables)}")
    yield dg.MaterializeResult(
        metadata={
            "leads": dg.MetadataValue.int(len(leads)),
            "dagster/row_count": dg.MetadataValue.int(len(leads)),
            "dagster/column_schema": dg.MetadataValue.table_schema(column_schema(LEAD_COLUMNS)),
            "leads_by_reason": dg.MetadataValue.json(lead_counts_by_reason(leads)),
            "lead_tracks": dg.MetadataValue.int(len({t for x in leads for t in x.track_ids})),
            "tracks_exported": dg.MetadataValue.int(tracks.rows),
            "songwriter_leads_csv": dg.MetadataValue.path(str(files.csv)),
            "songwriter_leads_parquet": dg.MetadataValue.path(str(files.parquet)),
            "tracks_csv": dg.MetadataValue.path(str(tracks.csv)),
            "tracks_parquet": dg.MetadataValue.path(str(tracks.parquet)),
            "tables": dg.MetadataValue.json({t.table: t.rows for t in tables}),
            "top_leads": dg.MetadataValue.md(markdown_table(lead_preview(leads[:TOP_LEADS]))),
            **report,
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - started, 3)),
        }
    )
    exist = all(p.exists() for p in (files.csv, files.parquet, tracks.csv, tracks.parquet))
    csv_rows = _csv_data_rows(files.csv) if files.csv.exists() else -1
    yield dg.AssetCheckResult(
        check_name="leads_exported",
        passed=exist and csv_rows == len(leads),
        metadata={"files_exist": exist, "csv_rows": csv_rows, "leads": len(leads)},
    )


def _leads_report_metadata(context, conn, leads, directory) -> dict[str, dg.MetadataValue]:
    """Write the leads report; its path and the top leads' growth as a picture. The report is a
    view of the leads just exported: failing to write it is a warning, never a failed ranking."""
    try:
        report = write_leads_report(conn, directory, leads=leads)
        growth = top_growth_markdown(report.data)
    except Exception as error:
        context.log.warning(f"the leads report was not written: {error!r}")
        return {"leads_report": dg.MetadataValue.text(f"not written: {error!r}")}
    context.log.info(f"leads report written to {report.path} ({report.size:,} bytes)")
    return {
        "leads_report": dg.MetadataValue.path(str(report.path)),
        "top_leads_growth": dg.MetadataValue.md(growth),
    }


def _csv_data_rows(path) -> int:
    """Data rows of a CSV file (-1 above: no file)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)
