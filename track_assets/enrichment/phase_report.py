"""What a phase did on one playlist, counted the same way by every phase so runs compare at a
glance: tracks worked, cache hits, statuses and reasons, field coverage, requests, a preview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from track_assets.db.statuses import PhaseState

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
        bucket = {
            PhaseState.FAILED: self.failures,
            PhaseState.NOT_APPLICABLE: self.not_applicable,
        }.get(status)
        if bucket is not None:
            key = reason or "unspecified"
            bucket[key] = bucket.get(key, 0) + 1


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
