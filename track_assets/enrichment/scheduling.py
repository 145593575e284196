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
from track_assets.enrichment.chartmetric_analytics import PHASE as CHARTMETRIC_PHASE
from track_assets.enrichment.musicbrainz_store import PHASE as MUSICBRAINZ_PHASE
from track_assets.enrichment.publisher_status import PHASE as MLC_PHASE
from track_assets.enrichment.spotify_credits import CREDITS_PHASE, PLAY_COUNT_PHASE
from track_assets.enrichment.spotify_metadata import PHASE as METADATA_PHASE
from track_assets.settings import Settings

VOLATILE_PHASES = (PLAY_COUNT_PHASE, CHARTMETRIC_PHASE)
STATIC_PHASES = (METADATA_PHASE, CREDITS_PHASE, MLC_PHASE, MUSICBRAINZ_PHASE)


def phase_ttls(settings: Settings) -> dict[str, timedelta]:
    """How long each phase's answer stays fresh: volatile figures a day, static facts a month."""
    return {
        **{phase: settings.static_ttl for phase in STATIC_PHASES},
        **{phase: settings.volatile_ttl for phase in VOLATILE_PHASES},
    }


def enrichment_due(
    conn: Connection, fetch: PlaylistFetch, now: datetime, ttls: dict[str, timedelta]
) -> str | None:
    """Why the fetched playlist needs an enrichment run now, or None when every track is settled
    and fresh (a refetch that changed nothing costs no run)."""
    if fetch.status == "failed":
        return None
    if fetch.new_count:
        return f"{fetch.new_count} new tracks"
    tracks = playlist_track_rows(conn, fetch.playlist_id)
    pending = sum(1 for t in tracks if t.enrichment_status in (None, "pending"))
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
