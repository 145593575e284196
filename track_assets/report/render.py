"""The leads report: one self-contained HTML file (inline CSS and SVG charts, no script, no
request when opened) from Jinja2 templates shipped in the package, written atomically with the
figures the next report compares with beside it."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Connection

from track_assets.enrichment.exports import replacing
from track_assets.enrichment.phase_report import Coverage
from track_assets.enrichment.songwriter_leads import SongwriterLead
from track_assets.progress import Steps
from track_assets.report.changes import Changes, compare, read_state, report_figures, write_state
from track_assets.report.charts import (
    CHARTED_TRACKS,
    lead_chart_svg,
    top_growth_png,
    track_colour,
)
from track_assets.report.gather import ReportData, gather_report_data

REPORT_FILE = "songwriter_leads_report.html"
STATE_FILE = "songwriter_leads_report.json"  # the figures the next report compares with
TEMPLATE = "report.html.j2"

REASON_TEXT = {
    "unrepresented": "matched at The MLC, and no publisher represents them",
    "no_publisher": "the work has no publisher",
    "unmatched_on_split": "not matched on a split work: maybe the unclaimed share (uncertain)",
}


@dataclass(frozen=True)
class LeadsReport:
    path: Path
    data: ReportData
    changes: Changes
    size: int  # bytes


def write_leads_report(
    conn: Connection,
    directory: Path,
    *,
    leads: list[SongwriterLead] | None = None,
    now: datetime | None = None,
    steps: Steps | None = None,
) -> LeadsReport:
    """Write `REPORT_FILE` (and `STATE_FILE`) into `directory`, created if missing; `leads`:
    the leads already ranked in this transaction, else ranked here; `steps` counts one step
    per lead chart and one for the page."""
    now = now or datetime.now(UTC)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = gather_report_data(conn, now=now, leads=leads)
    if steps is not None:
        steps.total(len(data.leads) + 1)
    charts = {}
    for entry in data.leads:
        charts[entry.lead.songwriter_id] = lead_chart_svg(entry, f"lead{entry.lead.rank}")
        if steps is not None:
            steps.advance()
    state_path = directory / STATE_FILE
    changes, state = compare(read_state(state_path), report_figures(data), now)
    html = render_report(data, charts, changes)
    path = directory / REPORT_FILE
    with replacing(path) as temporary:
        Path(temporary).write_text(html, encoding="utf-8")
    write_state(state_path, state)
    if steps is not None:
        steps.advance()
    return LeadsReport(path, data, changes, len(html.encode("utf-8")))


def render_report(data: ReportData, charts: Mapping[int, str | None], changes: Changes) -> str:
    """The page; `charts`: each shown lead's SVG by songwriter id (None: no history yet)."""
    from markupsafe import Markup

    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            data=data,
            charts={key: Markup(svg) if svg else None for key, svg in charts.items()},
            changes=changes,
            more_leads=len(data.ranked) - len(data.leads),
            reason_text=REASON_TEXT,
            colour=track_colour,
            charted_tracks=CHARTED_TRACKS,
            playlists=data.coverage[1:],
            fields=list(data.coverage[0].coverage),
        )
    )


def top_growth_markdown(data: ReportData) -> str:
    """The top leads' growth as Markdown for Dagster metadata: an inline PNG (a data URI the
    UI shows as an image), or a sentence when no lead has a history yet."""
    png = top_growth_png(data.leads)
    if png is None:
        return "_No lead has a play-count history yet._"
    encoded = base64.b64encode(png).decode("ascii")
    return f"![Plays gained by the top leads' best tracks](data:image/png;base64,{encoded})"


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("track_assets.report", "templates"),
        autoescape=True,  # writer, track and playlist names are data from the services
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        plays=_plays,
        per_day=_per_day,
        share=_share,
        confidence=_confidence,
        coverage_level=_coverage_level,
        percent=_percent,
        when=_when,
    )
    return environment


def _plays(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def _per_day(value: float | None) -> str:
    if value is None:
        return "n/a"
    shown = f"{abs(value):,.0f}" if abs(value) >= 10 else f"{abs(value):,.1f}"
    sign = "\N{MINUS SIGN}" if value < 0 else "+"
    return f"{sign}{shown}/day"


def _share(value: Decimal | None) -> str:
    return "unknown" if value is None else f"{value.normalize():f}%"


def _confidence(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _percent(figure: Coverage) -> str:
    return "n/a" if figure.ratio is None else f"{figure.ratio:.0%}"


def _coverage_level(figure: Coverage) -> str:
    """A CSS class by share: full, high (80%+), some, none, empty (no tracks)."""
    if figure.ratio is None:
        return "empty"
    if figure.ratio == 1:
        return "full"
    if figure.ratio >= 0.8:
        return "high"
    return "some" if figure.have else "none"


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
