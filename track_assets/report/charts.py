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
from datetime import date

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
TOP_GROWTH_TRACKS = 5  # lines in the materialization's picture
CHARTED_TRACKS = 6  # panels in a lead's chart; every lead track is in its table
# Deterministic ids in the SVG (matplotlib hashes them with this salt); each chart's ids are
# then prefixed with its own name, so several charts inline in one page never share an id.
SVG_HASH_SALT = "track_assets-report"
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_SVG_ID = re.compile(r'(\bid="|url\(#|xlink:href="#)')


def track_colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)]


def lead_chart_svg(entry: ReportLead, chart_id: str) -> str | None:
    """The lead's play count per snapshot day as an `<svg>` element to inline: one panel per
    lead track with a history (at most CHARTED_TRACKS, in the lead's order), each on its own
    scale, so a track of thousands of plays is not a flat line under one of millions; titled
    with the track's name in its `track_colour`. None when no lead track has a snapshot yet.
    Each line is a group whose id ends in `track-<track id>`."""
    drawn = [(n, track) for n, track in enumerate(entry.tracks) if track.history]
    drawn = drawn[:CHARTED_TRACKS]
    if not drawn:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import EngFormatter, MaxNLocator

    with rc_context(_RC):
        figure = Figure(figsize=(5.4, max(2.3, 0.5 + 1.35 * len(drawn))), layout="constrained")
        panels = figure.subplots(len(drawn), 1, sharex=True, squeeze=False)[:, 0]
        for axes, (n, track) in zip(panels, drawn, strict=True):
            days, plays = zip(*track.history, strict=True)
            (line,) = axes.plot(
                days, plays, color=track_colour(n), marker="o", markersize=3.5, linewidth=1.8
            )
            line.set_gid(f"track-{track.track_id}")
            axes.set_title(
                _plain_text(_short(track.name or track.track_id, 60)),
                loc="left",
                fontsize=8.5,
                color=track_colour(n),
            )
            axes.yaxis.set_major_formatter(EngFormatter(sep=""))
            axes.yaxis.set_major_locator(MaxNLocator(nbins=3))
            _tidy(axes)
        _date_axis(panels[-1], [day for _, track in drawn for day, _ in track.history])
        figure.supylabel("plays", fontsize=9, color="#444444")
        svg = io.StringIO()
        figure.savefig(svg, format="svg", metadata=_NO_METADATA)
    return _inline_svg(svg.getvalue(), chart_id)


def top_growth_png(entries: Sequence[ReportLead], top: int = TOP_GROWTH_TRACKS) -> bytes | None:
    """The plays gained since its first snapshot by each of the `top_growth_tracks`: one line a
    track, labelled with the track and its leads' ranks and names. A small PNG; None when no
    lead has a history."""
    tracks = top_growth_tracks(entries, top)
    if not tracks:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import EngFormatter

    with rc_context(_RC):
        figure = Figure(figsize=(6.4, 2.8), dpi=80, layout="constrained")
        axes = figure.add_subplot()
        handles, labels = [], []
        for n, (track, leads) in enumerate(tracks):
            days, plays = zip(*track.history, strict=True)
            (line,) = axes.plot(
                days, [p - plays[0] for p in plays], color=track_colour(n), marker="o", ms=3
            )
            handles.append(line)
            labels.append(_plain_text(_growth_label(track, leads)))
        _date_axis(axes, [day for track, _ in tracks for day, _ in track.history])
        axes.yaxis.set_major_formatter(EngFormatter(sep=""))
        axes.set_ylabel("plays gained")
        axes.legend(handles, labels, loc="upper left", fontsize=7, frameon=False)
        _tidy(axes)
        png = io.BytesIO()
        figure.savefig(png, format="png")
    return png.getvalue()


def top_growth_tracks(
    entries: Sequence[ReportLead], top: int = TOP_GROWTH_TRACKS
) -> list[tuple[LeadTrack, list[ReportLead]]]:
    """The best lead track (the fastest with a history) of each lead in rank order, until `top`
    distinct tracks, each with the leads whose best track it is (co-writers often share one)."""
    tracks: dict[str, tuple[LeadTrack, list[ReportLead]]] = {}
    for entry in entries:
        if not entry.has_history:
            continue
        best = _best_track(entry)
        if best.track_id not in tracks and len(tracks) == top:
            break
        tracks.setdefault(best.track_id, (best, []))[1].append(entry)
    return list(tracks.values())


def _growth_label(track: LeadTrack, leads: Sequence[ReportLead]) -> str:
    """'Track: 1. Writer, 2. Writer +2 more'."""
    names = ", ".join(f"{e.lead.rank}. {_short(e.lead.writer_name, 22)}" for e in leads[:2])
    more = f" +{len(leads) - 2} more" if len(leads) > 2 else ""
    return f"{_short(track.name or track.track_id, 24)}: {names}{more}"


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
    """Ticks on whole days (dates, never hours), at most about seven of them, and half a day
    (or a fortieth of the span) of room on each side so no marker is cut at the edge."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DayLocator, date2num

    first, last = min(days), max(days)
    span = (last - first).days
    locator = DayLocator(interval=max(1, span // 6)) if span <= 42 else AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    pad = 0.5 if span < 20 else span / 40  # in days (a date minus half a day is the same date)
    axes.set_xlim(date2num(first) - pad, date2num(last) + pad)


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
