"""Phase 6: one consolidated row per track, its enrichment status, a dated snapshot of its
volatile figures and the growth of its play count from our own snapshots."""

from __future__ import annotations

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
from track_assets.enrichment.chartmetric_analytics import PHASE as CHARTMETRIC_PHASE
from track_assets.enrichment.chartmetric_analytics import series_velocity
from track_assets.enrichment.musicbrainz_store import PHASE as MUSICBRAINZ_PHASE
from track_assets.enrichment.publisher_status import PHASE as MLC_PHASE
from track_assets.enrichment.spotify_credits import CREDITS_PHASE, PLAY_COUNT_PHASE
from track_assets.enrichment.spotify_metadata import PHASE as METADATA_PHASE

SNAPSHOT_SOURCE = "pipeline"
PHASES = (
    METADATA_PHASE,
    CREDITS_PHASE,
    PLAY_COUNT_PHASE,
    MLC_PHASE,
    MUSICBRAINZ_PHASE,
    CHARTMETRIC_PHASE,
)
SETTLED = ("done", "not_applicable")


@dataclass(frozen=True)
class Consolidated:
    track_id: str
    enrichment_status: str  # complete | partial | failed
    missing: dict[str, str]  # phase -> why it has not settled
    stream_velocity: float | None


def consolidate_track(conn: Connection, track_id: str, *, now: datetime) -> Consolidated:
    """Fill the track's consolidated fields from every phase, append today's snapshot of its
    volatile figures and compute its play-count velocity (per day, over 7 and 28 days)."""
    track = get_track(conn, track_id)
    if track is None:
        raise ValueError(f"track {track_id} is not in the database")
    credits = list_track_credits(conn, track_id)
    writers = [c for c in credits if c.role == "writer"]
    album = get_album(conn, track.album_id) if track.album_id else None
    artist_ids = track_artist_ids(conn, track_id)
    artists = [a for a in (get_spotify_artist(conn, i) for i in artist_ids) if a is not None]
    genres = list(dict.fromkeys(g for a in artists for g in (a.genres or [])))

    missing = {}
    for phase in PHASES:
        status = get_phase_status(conn, track_id, phase)
        if status is None:
            missing[phase] = "not run yet"
        elif status.status not in SETTLED:
            missing[phase] = f"{status.status}: {status.reason or 'no reason given'}"
    if METADATA_PHASE in missing and get_phase_status(conn, track_id, METADATA_PHASE):
        enrichment_status = "failed"  # not even the Spotify metadata could be had
    else:
        enrichment_status = "partial" if missing else "complete"

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
            producer="; ".join(c.name for c in credits if c.role == "producer") or None,
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
