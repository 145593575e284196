"""When a playlist needs work: enrichment after a fetch (new, pending, stale or retry-due tracks)
and the nightly fetch (not fetched yet on the pipeline's date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from track_assets.db.records import Playlist, PlaylistFetch
from track_assets.db.repository import (
    latest_playlist_fetch,
    playlist_track_rows,
    tracks_needing_phase,
)
from track_assets.db.statuses import EnrichmentStatus, FetchStatus
from track_assets.phases import Freshness, Lookup, lookup_ttls


def phase_ttls(static: timedelta, volatile: timedelta) -> dict[str, timedelta]:
    """How long each lookup's answer stays fresh: static facts `static`, volatile figures
    `volatile`. The sensor and every phase asset ask this one function."""
    return lookup_ttls({Freshness.STATIC: static, Freshness.VOLATILE: volatile})


def tracks_due(
    conn: Connection,
    lookups: Sequence[Lookup],
    track_ids: Sequence[str],
    now: datetime,
    ttls: dict[str, timedelta],
) -> list[str]:
    """The tracks (in the given order) due in any of `lookups`: never looked up, stale past the
    lookup's TTL, or failed and due a retry."""
    due: set[str] = set()
    for lookup in lookups:
        due.update(tracks_needing_phase(conn, lookup.key, track_ids, now, ttls[lookup.key]))
    return [track_id for track_id in track_ids if track_id in due]


def enrichment_due(
    conn: Connection, fetch: PlaylistFetch, now: datetime, ttls: dict[str, timedelta]
) -> str | None:
    """Why the fetched playlist needs an enrichment run now, or None when every track is settled
    and fresh (a refetch that changed nothing costs no run)."""
    if fetch.status == FetchStatus.FAILED:
        return None
    if fetch.new_count:
        return f"{fetch.new_count} new tracks"
    tracks = playlist_track_rows(conn, fetch.playlist_id)
    pending = sum(1 for t in tracks if t.enrichment_status in (None, EnrichmentStatus.PENDING))
    if pending:
        return f"{pending} tracks not consolidated yet"
    ids = [t.spotify_track_id for t in tracks]
    for phase, ttl in ttls.items():
        due = tracks_needing_phase(conn, phase, ids, now, ttl)
        if due:
            return f"{len(due)} tracks due in {phase}"
    return None


def playlists_due_for_fetch(
    conn: Connection, playlists: Sequence[Playlist], today: date
) -> list[Playlist]:
    """The playlists fetched before (landed or failed) but without a landed fetch on `today`,
    in the order given. A playlist never fetched is the watch sensor's, not the night's."""
    due = []
    for playlist in playlists:
        if latest_playlist_fetch(conn, playlist.spotify_playlist_id) is None:
            continue
        landed = latest_playlist_fetch(conn, playlist.spotify_playlist_id, landed_only=True)
        if landed is None or landed.fetched_at.date() != today:
            due.append(playlist)
    return due
