"""What changed since the last report: each report keeps its figures (tracks, playlists, field
coverage, every lead's rank) in a small JSON file beside its HTML, and the next report in that
folder compares its own figures with them.

A report whose figures equal the kept ones (written again with no new data: the asset, then
`track-assets report`) compares with the report before those instead, and keeps it as its
baseline: writing the same report twice shows the same changes, not "nothing changed". A kept
file that cannot be read (absent, damaged, another format) makes this the first report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from track_assets.enrichment.exports import replacing
from track_assets.report.gather import ReportData

STATE_FORMAT = 1


@dataclass(frozen=True)
class LeadMove:
    name: str
    before: int  # rank in the report compared with
    after: int


@dataclass(frozen=True)
class CoverageChange:
    field: str
    before: int
    after: int
    of: int  # tracks now


@dataclass(frozen=True)
class Changes:
    """The differences from the report compared with (`since`: when it was written; None: this
    is the first report, and every list is empty)."""

    since: datetime | None
    tracks: tuple[int, int] | None = None  # (before, now)
    leads: tuple[int, int] | None = None  # (before, now)
    new_leads: tuple[tuple[int, str], ...] = ()  # (rank, name)
    gone_leads: tuple[tuple[int, str], ...] = ()  # (rank before, name)
    moved_leads: tuple[LeadMove, ...] = ()  # rank changed, best first now
    playlists_added: tuple[str, ...] = ()
    playlists_removed: tuple[str, ...] = ()
    coverage: tuple[CoverageChange, ...] = ()

    @property
    def first(self) -> bool:
        return self.since is None

    @property
    def anything(self) -> bool:
        return bool(
            (self.tracks and self.tracks[0] != self.tracks[1])
            or self.new_leads
            or self.gone_leads
            or self.moved_leads
            or self.playlists_added
            or self.playlists_removed
            or self.coverage
        )


def report_figures(data: ReportData) -> dict[str, Any]:
    """What the next report compares with, as JSON values (every lead, not only those shown)."""
    every, *playlists = data.coverage
    return {
        "tracks": data.tracks,
        "playlists": {p.playlist_id: p.name for p in playlists},
        "coverage": {name: figure.have for name, figure in every.coverage.items()},
        "leads": {
            str(lead.songwriter_id): {"name": lead.writer_name, "rank": lead.rank}
            for lead in data.ranked
        },
    }


def read_state(path: Path) -> dict[str, Any] | None:
    """The kept figures of the last report in a folder, or None (see the module docstring)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        return None
    return state


def compare(
    state: dict[str, Any] | None, figures: dict[str, Any], now: datetime
) -> tuple[Changes, dict[str, Any]]:
    """The changes since the kept report (or its baseline, when the figures are the same) and
    the state to keep for the next one."""
    baseline = None
    if state is not None:
        kept = {"written_at": state["written_at"], "figures": state["figures"]}
        baseline = state.get("baseline") if state["figures"] == figures else kept
    new_state = {
        "format": STATE_FORMAT,
        "written_at": now.isoformat(),
        "figures": figures,
        "baseline": baseline,
    }
    if baseline is None:
        return Changes(since=None), new_state
    return _differences(baseline, figures), new_state


def write_state(path: Path, state: dict[str, Any]) -> None:
    with replacing(path) as temporary:
        Path(temporary).write_text(
            json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )


def _differences(baseline: dict[str, Any], figures: dict[str, Any]) -> Changes:
    before, now = baseline["figures"], figures
    leads_before, leads_now = before["leads"], now["leads"]
    moved = [
        LeadMove(lead["name"], leads_before[key]["rank"], lead["rank"])
        for key, lead in leads_now.items()
        if key in leads_before and leads_before[key]["rank"] != lead["rank"]
    ]
    return Changes(
        since=datetime.fromisoformat(baseline["written_at"]),
        tracks=(before["tracks"], now["tracks"]),
        leads=(len(leads_before), len(leads_now)),
        new_leads=tuple(
            sorted(
                (lead["rank"], lead["name"])
                for key, lead in leads_now.items()
                if key not in leads_before
            )
        ),
        gone_leads=tuple(
            sorted(
                (lead["rank"], lead["name"])
                for key, lead in leads_before.items()
                if key not in leads_now
            )
        ),
        moved_leads=tuple(sorted(moved, key=lambda move: move.after)),
        playlists_added=tuple(
            name for key, name in now["playlists"].items() if key not in before["playlists"]
        ),
        playlists_removed=tuple(
            name for key, name in before["playlists"].items() if key not in now["playlists"]
        ),
        coverage=tuple(
            CoverageChange(name, before["coverage"].get(name, 0), have, now["tracks"])
            for name, have in now["coverage"].items()
            if have != before["coverage"].get(name, 0)
        ),
    )
