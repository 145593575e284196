"""`track-assets status`: what the database holds now, as one stable JSON-ready summary.

Keys (stable; new keys may be added, none renamed): `playlists` (tracked), `tracks` (on a
tracked playlist now), `coverage` (field -> {"have", "of"} over those tracks), `phases`
(phase -> status -> tracks), `fetch_methods` (method -> tracks first registered by it),
`enrichment_status` (complete / partial / failed / pending -> tracks), `requests` (service ->
requests made by every recorded step), `events` (activity-log kind -> entries), `leads`
(`total`, `by_reason`, and `top`: the first TOP_LEADS ranked songwriter leads).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from track_assets.db.repository import requests_by_service, webhook_counts
from track_assets.db.statuses import CreditRole
from track_assets.db.tables import (
    activity_log,
    albums,
    artist_songwriters,
    playlist_tracks,
    playlists,
    track_credits,
    track_phase_status,
    tracks,
)
from track_assets.phases import FIELDS

TOP_LEADS = 10

# Every consolidated field by its name, and (stable keys from before the registry) the phases'
# own columns under the names `status` always gave them.
COVERED_FIELDS = {
    **{field.name: tracks.c[field.name] for field in FIELDS},
    "album": tracks.c.album_id,
    "popularity": tracks.c.popularity,
    "play_count": tracks.c.spotify_streams,
}


def pipeline_status(conn: Connection) -> dict[str, Any]:
    tracked = select(playlists.c.spotify_playlist_id).where(playlists.c.removed_at.is_(None))
    on_playlists = (
        select(playlist_tracks.c.track_id)
        .where(
            playlist_tracks.c.removed_at.is_(None),
            playlist_tracks.c.playlist_id.in_(tracked),
        )
        .distinct()
    )
    current = tracks.c.spotify_track_id.in_(on_playlists)
    total = conn.execute(select(func.count()).select_from(tracks).where(current)).scalar_one()
    coverage = {
        name: {"have": _count(conn, current, column.is_not(None)), "of": total}
        for name, column in COVERED_FIELDS.items()
    }
    labelled = (
        select(func.count())
        .select_from(tracks.join(albums, tracks.c.album_id == albums.c.spotify_album_id))
        .where(current, albums.c.label.is_not(None))
    )
    coverage["label"] = {"have": conn.execute(labelled).scalar_one(), "of": total}
    with_writers = select(track_credits.c.track_id).where(track_credits.c.role == CreditRole.WRITER)
    coverage["songwriters"] = {
        "have": _count(conn, current, tracks.c.spotify_track_id.in_(with_writers)),
        "of": total,
    }
    linked_writers = select(track_credits.c.track_id).where(
        track_credits.c.role == CreditRole.WRITER,
        track_credits.c.songwriter_id.in_(select(artist_songwriters.c.songwriter_id)),
    )
    coverage["songwriter_links"] = {
        "have": _count(conn, current, tracks.c.spotify_track_id.in_(linked_writers)),
        "of": total,
    }
    phases: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(track_phase_status.c.phase, track_phase_status.c.status, func.count())
        .where(track_phase_status.c.track_id.in_(on_playlists))
        .group_by(track_phase_status.c.phase, track_phase_status.c.status)
    )
    for phase, status, count in rows:
        phases.setdefault(phase, {})[status] = count
    methods = conn.execute(
        select(tracks.c.fetch_method, func.count()).where(current).group_by(tracks.c.fetch_method)
    )
    statuses = conn.execute(
        select(tracks.c.enrichment_status, func.count())
        .where(current)
        .group_by(tracks.c.enrichment_status)
    )
    return {
        "playlists": conn.execute(
            select(func.count()).select_from(tracked.subquery())
        ).scalar_one(),
        "tracks": total,
        "coverage": dict(sorted(coverage.items())),
        "phases": {phase: dict(sorted(s.items())) for phase, s in sorted(phases.items())},
        "fetch_methods": {str(m): n for m, n in methods},
        "enrichment_status": dict(sorted((str(k), n) for k, n in statuses)),
        "requests": requests_by_service(conn),
        "leads": _leads_summary(conn),
        "webhook": webhook_counts(conn),
        "events": dict(
            sorted(
                conn.execute(
                    select(activity_log.c.kind, func.count()).group_by(activity_log.c.kind)
                ).all()
            )
        ),
    }


def _count(conn: Connection, *conditions) -> int:
    return conn.execute(select(func.count()).select_from(tracks).where(*conditions)).scalar_one()


def _leads_summary(conn: Connection) -> dict[str, Any]:
    from track_assets.enrichment.exports import compute_songwriter_leads
    from track_assets.enrichment.songwriter_leads import lead_counts_by_reason

    leads = compute_songwriter_leads(conn)
    return {
        "total": len(leads),
        "by_reason": lead_counts_by_reason(leads),
        "top": [
            {
                "rank": lead.rank,
                "writer_name": lead.writer_name,
                "ipi": lead.ipi,
                "reasons": list(lead.reasons),
                "lead_tracks": lead.lead_tracks,
                "best_velocity": lead.best_velocity,
                "total_streams": lead.total_streams,
                "track_names": list(lead.track_names),
            }
            for lead in leads[:TOP_LEADS]
        ],
    }
