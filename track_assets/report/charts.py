"""The leads report's charts, drawn with matplotlib: each lead's play-count history as inline
SVG (text kept as text, no external reference), and the top leads' growth as a small PNG for
the `songwriter_leads` materialization.

matplotlib is imported only when a chart is drawn, and through `Figure` rather than pyplot: no
global figure manager and no interactive backend (savefig draws with Agg for PNG and with the
SVG backend for SVG), so a Dagster code location that imports this module stays light.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, timedelta

from track_assets.report.gather import LeadTrack, ReportLead

# matplotlib's "tab10": line colours, also shown beside each track in the report's tables.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
TOP_GROWTH_LEADS = 5
# Deterministic ids in the SVG (matplotlib hashes them with this salt); each chart's ids are
# then prefixed with its own name, so several charts inline in one page never share an id.
SVG_HASH_SALT = "track_assets-report"
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_SVG_ID = re.compile(r'(\bid="|url\(#|xlink:href="#)')


def track_colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)]


def lead_chart_svg(entry: ReportLead, chart_id: str) -> str | None:
    """The lead's play count per snapshot day, one line per lead track (the colours of
    `track_colour`, in the lead's track order), as an `<svg>` element to inline; None when no
    lead track has a snapshot yet. Each line is a group whose id ends in `track-<track id>`."""
    drawn = [(n, track) for n, track in enumerate(entry.tracks) if track.history]
    if not drawn:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import EngFormatter

    with rc_context(_RC):
        figure = Figure(figsize=(5.4, 2.5), layout="constrained")
        axes = figure.add_subplot()
        for n, track in drawn:
            days, plays = zip(*track.history, strict=True)
            (line,) = axes.plot(
                days, plays, color=track_colour(n), marker="o", markersize=3.5, linewidth=1.8
            )
            line.set_gid(f"track-{track.track_id}")
        _date_axis(axes, [day for _, track in drawn for day, _ in track.history])
        axes.yaxis.set_major_formatter(EngFormatter(sep=""))
        axes.set_ylabel("plays")
        _tidy(axes)
        svg = io.StringIO()
        figure.savefig(svg, format="svg", metadata=_NO_METADATA)
    return _inline_svg(svg.getvalue(), chart_id)


def top_growth_png(entries: Sequence[ReportLead], top: int = TOP_GROWTH_LEADS) -> bytes | None:
    """The plays gained since its first snapshot by the best lead track of each of the first
    `top` leads that have a history (one line each, labelled with rank, writer and track), as a
    small PNG; None when no lead has a history."""
    drawn = [(entry, _best_track(entry)) for entry in entries if entry.has_history][:top]
    if not drawn:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import EngFormatter

    with rc_context(_RC):
        figure = Figure(figsize=(6.4, 2.8), dpi=80, layout="constrained")
        axes = figure.add_subplot()
        handles, labels = [], []
        for n, (entry, track) in enumerate(drawn):
            days, plays = zip(*track.history, strict=True)
            (line,) = axes.plot(
                days, [p - plays[0] for p in plays], color=track_colour(n), marker="o", ms=3
            )
            handles.append(line)
            labels.append(
                _plain_text(
                    f"{entry.lead.rank}. {_short(entry.lead.writer_name, 24)}"
                    f" ({_short(track.name or track.track_id, 22)})"
                )
            )
        _date_axis(axes, [day for _, track in drawn for day, _ in track.history])
        axes.yaxis.set_major_formatter(EngFormatter(sep=""))
        axes.set_ylabel("plays gained")
        axes.legend(handles, labels, loc="upper left", fontsize=7, frameon=False)
        _tidy(axes)
        png = io.BytesIO()
        figure.savefig(png, format="png")
    return png.getvalue()


_RC = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, searchable
    "svg.hashsalt": SVG_HASH_SALT,
    "font.size": 9,
    "axes.edgecolor": "#9aa0a6",
    "axes.labelcolor": "#444444",
    "xtick.color": "#5f6368",
    "ytick.color": "#5f6368",
}


def _best_track(entry: ReportLead) -> LeadTrack:
    """The lead's fastest-growing track that has a history (tracks come fastest first)."""
    return next(track for track in entry.tracks if track.history)


def _date_axis(axes, days: Sequence[date]) -> None:
    """Ticks on whole days (dates, never hours), at most about seven of them."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DayLocator

    first, last = min(days), max(days)
    span = (last - first).days
    locator = DayLocator(interval=max(1, span // 6)) if span <= 42 else AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    pad = timedelta(days=0.5 if span < 7 else span / 40)
    axes.set_xlim(first - pad, last + pad)


def _tidy(axes) -> None:
    axes.grid(axis="y", color="#e8eaed", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _inline_svg(document: str, chart_id: str) -> str:
    """The `<svg>` element of a whole SVG document (no XML prolog or DOCTYPE: the page's own),
    every id and reference to one prefixed with `chart_id`."""
    svg = document[document.index("<svg") :]
    return _SVG_ID.sub(lambda match: f"{match.group(1)}{chart_id}-", svg)


def _plain_text(text: str) -> str:
    """Text matplotlib draws as it is: a `$` would otherwise start mathtext."""
    return text.replace("$", r"\$")


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
