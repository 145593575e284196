"""`songwriter_leads` in a real Dagster run (a real instance, its event log read back) writes the
leads report beside the exports and links it from its materialization, with the top leads'
growth as an inline PNG; a report that cannot be written is a warning, never failed leads."""

from __future__ import annotations

import base64
import logging
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg

from track_assets.defs.assets.songwriter_leads import songwriter_leads
from track_assets.defs.resources import DatabaseResource, ExportsResource
from track_assets.enrichment.exports import LEAD_COLUMN_KINDS
from track_assets.report.render import REPORT_FILE
from track_assets_tests.report.conftest import EXPECTED_ORDER
from track_assets_tests.support.exports import load_export
from track_assets_tests.support.html_tree import parse_html


def materialize(instance, url: str, exports: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [songwriter_leads],
        instance=instance,
        resources={
            "database": DatabaseResource(url=url),
            "exports": ExportsResource(directory=str(exports)),
        },
    )


def stored_metadata(instance, result) -> dict:
    """The materialization's metadata as the instance stored it (what the UI shows)."""
    [record] = instance.fetch_materializations(dg.AssetKey("songwriter_leads"), limit=1).records
    assert record.run_id == result.run_id
    return record.asset_materialization.metadata


def test_the_materialization_links_the_report_and_pictures_the_top_leads(
    leads_database, sqlite_instance, tmp_path
):
    result = materialize(sqlite_instance, leads_database, tmp_path / "exports")
    assert result.success
    metadata = stored_metadata(sqlite_instance, result)

    report = metadata["leads_report"]
    assert isinstance(report, dg.PathMetadataValue)
    assert Path(report.path) == tmp_path / "exports" / REPORT_FILE
    page = parse_html(Path(report.path).read_text(encoding="utf-8"))
    exported = load_export(tmp_path / "exports" / "songwriter_leads.csv", LEAD_COLUMN_KINDS)
    shown = [h2.text() for h2 in page.find_all("h2", class_="writer")]
    assert shown == [row["writer_name"] for row in exported] == EXPECTED_ORDER

    growth = metadata["top_leads_growth"]
    assert isinstance(growth, dg.MarkdownMetadataValue)
    [encoded] = re.findall(r"!\[[^\]]+\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", growth.value)
    png = base64.b64decode(encoded)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 60_000


def test_a_report_that_cannot_be_written_leaves_the_leads_done(
    leads_database, sqlite_instance, tmp_path
):
    exports = tmp_path / "exports"
    (exports / REPORT_FILE).mkdir(parents=True)  # a folder where the report's file would go
    result = materialize(sqlite_instance, leads_database, exports)
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "leads_exported" and check.passed
    assert len(load_export(exports / "songwriter_leads.csv", LEAD_COLUMN_KINDS)) == 4

    metadata = stored_metadata(sqlite_instance, result)
    assert metadata["leads_report"].value.startswith("not written: IsADirectoryError")
    assert "top_leads_growth" not in metadata
    warnings = [
        entry.user_message
        for entry in sqlite_instance.all_logs(result.run_id)
        if entry.level == logging.WARNING
    ]
    assert any("the leads report was not written" in message for message in warnings), warnings


def test_the_code_location_loads_without_matplotlib():
    """Every code-server load imports defs/: the charts' library is imported only when a
    report is written."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, track_assets.definitions; print('matplotlib' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
