"""Phase 6: one consolidated row per track, its enrichment status, a dated snapshot of its
volatile figures and the growth of its play count from our own snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import MetricSnapshot, Track
from track_assets.db.repository import (
    get_album,
    get_phase_status,
    get_spotify_artist,
    get_track,
    list_track_credits,
    metric_history,
    track_artist_ids,
    upsert_metric_snapshot,
    upsert_track,
)
from track_assets.db.statuses import SETTLED, CreditRole, EnrichmentStatus
from track_assets.enrichment.chartmetric_analytics import series_velocity
from track_assets.enrichment.phase_report import Coverage, PhaseReport
from track_assets.phases import FIELDS, LOOKUPS, SPOTIFY_METADATA

SNAPSHOT_SOURCE = "pipeline"


@dataclass(frozen=True)
class Consolidated:
    track_id: str
    enrichment_status: EnrichmentStatus
    missing: dict[str, str]  # phase -> why it has not settled
    stream_velocity: float | None


def consolidate_track(conn: Connection, track_id: str, *, now: datetime) -> Consolidated:
    """Fill the track's consolidated fields from every phase, append today's snapshot of its
    volatile figures and compute its play-count velocity (per day, over 7 and 28 days)."""
    track = get_track(conn, track_id)
    if track is None:
        raise ValueError(f"track {track_id} is not in the database")
    credits = list_track_credits(conn, track_id)
    writers = [c for c in credits if c.role == CreditRole.WRITER]
    album = get_album(conn, track.album_id) if track.album_id else None
    artist_ids = track_artist_ids(conn, track_id)
    artists = [a for a in (get_spotify_artist(conn, i) for i in artist_ids) if a is not None]
    genres = list(dict.fromkeys(g for a in artists for g in (a.genres or [])))

    missing = {}
    for lookup in LOOKUPS:
        status = get_phase_status(conn, track_id, lookup.key)
        if status is None:
            missing[lookup.key] = "not run yet"
        elif status.status not in SETTLED:
            missing[lookup.key] = f"{status.status}: {status.reason or 'no reason given'}"
    metadata = SPOTIFY_METADATA.key
    if metadata in missing and get_phase_status(conn, track_id, metadata):
        enrichment_status = EnrichmentStatus.FAILED
    elif missing:
        enrichment_status = EnrichmentStatus.PARTIAL
    else:
        enrichment_status = EnrichmentStatus.COMPLETE

    if track.spotify_streams is not None or track.popularity is not None:
        upsert_metric_snapshot(
            conn,
            MetricSnapshot(
                track_id=track_id,
                captured_at=now,
                source=SNAPSHOT_SOURCE,
                spotify_streams=track.spotify_streams,
                popularity=track.popularity,
            ),
        )
    history = [
        (s.captured_on, s.spotify_streams)
        for s in metric_history(conn, track_id, source=SNAPSHOT_SOURCE)
        if s.spotify_streams is not None and s.captured_on is not None
    ]
    velocity_7 = series_velocity(history, days=7)
    velocity_28 = series_velocity(history, days=28)
    upsert_track(
        conn,
        Track(
            spotify_track_id=track_id,
            songwriter="; ".join(c.name for c in writers) or None,
            composer="; ".join(c.name for c in writers if "composer" in (c.subroles or [])) or None,
            producer="; ".join(c.name for c in credits if c.role == CreditRole.PRODUCER) or None,
            label=track.label or (album.label if album else None),
            popularity_score=float(track.popularity) if track.popularity is not None else None,
            artist_genres=genres or None,
            artist_followers=artists[0].followers if artists else None,
            stream_velocity=velocity_7,
            enrichment_status=enrichment_status,
            enrichment_detail={
                "missing": missing,
                "stream_velocity_per_day": {"7d": velocity_7, "28d": velocity_28},
                "snapshots": len(history),
            },
        ),
        now=now,
    )
    return Consolidated(track_id, enrichment_status, missing, velocity_7)


def tally_consolidation(results: Sequence[Consolidated], report: PhaseReport) -> None:
    """Each track's enrichment status, and for the unsettled phases why (the status word)."""
    for result in results:
        report.statuses[result.enrichment_status] = (
            report.statuses.get(result.enrichment_status, 0) + 1
        )
        for phase, why in result.missing.items():
            key = f"{phase}: {why.split(':')[0]}"
            report.failures[key] = report.failures.get(key, 0) + 1


def consolidated_coverage(conn: Connection, rows: Sequence[Track]) -> dict[str, Coverage]:
    return {
        field.name: Coverage(
            sum(1 for r in rows if getattr(r, field.name) not in (None, [], {})), len(rows)
        )
        for field in FIELDS
    }


def consolidated_preview(conn: Connection, rows: Sequence[Track]) -> list[dict]:
    return [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "status": r.enrichment_status,
            "songwriter": r.songwriter,
            "publisher_status": r.publisher_status,
            "streams": r.spotify_streams,
            "velocity": r.stream_velocity,
        }
        for r in rows
    ]
