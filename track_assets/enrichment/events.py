"""Phase 7's notable changes: a track seen for the first time, a status that moved, a velocity
that jumped. Each is announced once: the next run compares with what was last announced."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from track_assets.db.records import PlaylistReport, Track, TrackEventState
from track_assets.phases import REPORTED_FIELDS

# A spike: the 7-day velocity at least doubled since it was last announced, by at least this
# many plays a day (so a track going from 3 to 7 plays a day is not news).
VELOCITY_SPIKE_RATIO = 2.0
VELOCITY_SPIKE_MIN_INCREASE = 1_000.0

# The consolidated fields counted in a playlist's report.
REPORT_FIELDS = REPORTED_FIELDS


@dataclass(frozen=True)
class TrackEvent:
    kind: str  # new_track | status_changed | velocity_spike
    track_id: str
    message: str
    payload: dict[str, Any] = field(default_factory=dict)


def track_events(previous: TrackEventState | None, track: Track) -> list[TrackEvent]:
    """What is new about `track` since `previous` (None: never announced)."""
    label = _label(track)
    if previous is None:
        return [
            TrackEvent(
                "new_track",
                track.spotify_track_id,
                f"New track {label} ({track.enrichment_status})",
                {
                    "enrichment_status": track.enrichment_status,
                    "publisher_status": track.publisher_status,
                    "spotify_streams": track.spotify_streams,
                },
            )
        ]
    events = [
        TrackEvent(
            "status_changed",
            track.spotify_track_id,
            f"{label}: {name} {before or 'unknown'} -> {after or 'unknown'}",
            {"field": name, "from": before, "to": after},
        )
        for name, before, after in (
            ("enrichment_status", previous.enrichment_status, track.enrichment_status),
            ("publisher_status", previous.publisher_status, track.publisher_status),
        )
        if before != after
    ]
    if is_velocity_spike(previous.stream_velocity, track.stream_velocity):
        events.append(
            TrackEvent(
                "velocity_spike",
                track.spotify_track_id,
                f"{label}: velocity {previous.stream_velocity:,.0f} -> "
                f"{track.stream_velocity:,.0f} plays/day",
                {"from": previous.stream_velocity, "to": track.stream_velocity},
            )
        )
    return events


def is_velocity_spike(before: float | None, after: float | None) -> bool:
    if before is None or after is None or before <= 0:
        return False
    return after >= before * VELOCITY_SPIKE_RATIO and after - before >= VELOCITY_SPIKE_MIN_INCREASE


def announced_state(track: Track, now: datetime) -> TrackEventState:
    return TrackEventState(
        track_id=track.spotify_track_id,
        enrichment_status=track.enrichment_status,
        publisher_status=track.publisher_status,
        stream_velocity=track.stream_velocity,
        announced_at=now,
    )


def playlist_report(
    playlist_id: str, tracks: Sequence[Track], *, run_id: str | None, now: datetime
) -> PlaylistReport:
    """The playlist's reporting row: statuses, field coverage and growth."""
    velocities = [t.stream_velocity for t in tracks if t.stream_velocity is not None]
    return PlaylistReport(
        playlist_id=playlist_id,
        tracks=len(tracks),
        enrichment_status=_counts(t.enrichment_status for t in tracks),
        publisher_status=_counts(t.publisher_status for t in tracks),
        coverage={
            name: sum(1 for t in tracks if getattr(t, name) not in (None, "", [], {}))
            for name in REPORT_FIELDS
        },
        growing_tracks=sum(1 for v in velocities if v > 0),
        top_velocity=max(velocities, default=None),
        last_run_id=run_id,
        refreshed_at=now,
    )


def run_summary(
    playlist_id: str,
    events: Sequence[TrackEvent],
    report: PlaylistReport,
    requests: Mapping[str, int],
) -> tuple[str, dict[str, Any]]:
    """The run's own activity entry: a one-line message and its payload."""
    by_kind = dict(sorted(Counter(e.kind for e in events).items()))
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(report.enrichment_status.items()))
    message = f"Enriched playlist {playlist_id}: {report.tracks} tracks ({statuses or 'none'})"
    if by_kind:
        message += "; " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in by_kind.items())
    return message, {
        "tracks": report.tracks,
        "enrichment_status": report.enrichment_status,
        "events": by_kind,
        "requests": dict(sorted(requests.items())),
        "growing_tracks": report.growing_tracks,
    }


def _label(track: Track) -> str:
    return f"{track.name!r}" if track.name else track.spotify_track_id


def _counts(values: Iterable[str | None]) -> dict[str, int]:
    return dict(sorted(Counter(v or "unknown" for v in values).items()))
