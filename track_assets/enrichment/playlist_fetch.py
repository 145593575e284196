"""Phase 0: try each way of reading a playlist in turn, then store what the first one served.

The sources (Chartmetric, the Web API, the web player) are adapted into `FetchedPlaylist` by the
caller; this module decides the order's outcome and writes playlists, tracks and membership.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import PlaylistFetch, Track
from track_assets.db.repository import (
    get_track,
    mark_missing_memberships_removed,
    playlist_track_ids,
    record_playlist_fetch,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_track,
)
from track_assets.playlist_refs import PlaylistRef

TRACK = "track"
SKIPPED_KINDS = ("local", "episode", "unavailable")


@dataclass(frozen=True)
class FetchedItem:
    """One playlist entry as a source served it. Only `kind == "track"` items carry a track."""

    position: int
    kind: str  # track | local | episode | unavailable
    track_id: str | None = None
    added_at: datetime | None = None
    isrc: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class FetchedPlaylist:
    playlist_id: str
    method: str  # chartmetric | spotify_api | web_player
    items: tuple[FetchedItem, ...]
    name: str | None = None
    owner: str | None = None
    followers: int | None = None
    snapshot_id: str | None = None


class SourceDeclined(Exception):
    """A source cannot serve this playlist (unknown to it, closed to the tier, not found); the
    message says what it answered, so the next source is tried."""


@dataclass(frozen=True)
class Attempt:
    method: str
    answer: str  # "served" or what the source said


class PlaylistUnavailable(Exception):
    """No source could serve the playlist; the message names each one's answer."""

    def __init__(self, playlist_id: str, attempts: Sequence[Attempt]) -> None:
        self.playlist_id = playlist_id
        self.attempts = tuple(attempts)
        answers = "; ".join(f"{a.method}: {a.answer}" for a in attempts) or "no source configured"
        super().__init__(
            f"Playlist {playlist_id} ({PlaylistRef(playlist_id).url}) could not be read. "
            f"{answers}. Check that the playlist exists and is public."
        )


@dataclass(frozen=True)
class FetchResult:
    playlist: FetchedPlaylist
    attempts: tuple[Attempt, ...]


def fetch_first_available(
    playlist_id: str, sources: Sequence[tuple[str, Callable[[], FetchedPlaylist]]]
) -> FetchResult:
    """Call the sources in order; the first that does not decline serves the playlist. Any
    other exception (credentials, quota, a service down after retries) propagates: it is a
    systemic failure, not an answer about this playlist."""
    attempts: list[Attempt] = []
    for method, fetch in sources:
        try:
            fetched = fetch()
        except SourceDeclined as declined:
            attempts.append(Attempt(method, str(declined)))
            continue
        attempts.append(Attempt(method, "served"))
        return FetchResult(fetched, tuple(attempts))
    raise PlaylistUnavailable(playlist_id, attempts)


@dataclass(frozen=True)
class StoredFetch:
    fetch_id: int
    method: str
    track_ids: tuple[str, ...]  # the playable tracks now on the playlist, in order
    new_track_ids: tuple[str, ...]  # tracks the database had never seen
    added_track_ids: tuple[str, ...]  # tracks new to this playlist (new or known elsewhere)
    removed_track_ids: tuple[str, ...]
    skipped: dict[str, int] = field(default_factory=dict)  # kind -> count


def store_playlist_fetch(
    conn: Connection, fetched: FetchedPlaylist, *, now: datetime, run_id: str | None = None
) -> StoredFetch:
    """Write a fetch: the playlist row, new tracks (pending), membership, removals, a fetch row.

    A track already known (through this or another playlist) keeps its enrichment; only an
    ISRC the fetch gives where none was stored is added. A track listed twice keeps its first
    position.
    """
    playlist_id = fetched.playlist_id
    upsert_playlist(
        conn,
        spotify_playlist_id=playlist_id,
        name=fetched.name,
        owner=fetched.owner,
        followers=fetched.followers,
        now=now,
    )
    before = set(playlist_track_ids(conn, playlist_id))
    skipped: Counter[str] = Counter()
    track_ids: list[str] = []
    new_ids: list[str] = []
    for item in sorted(fetched.items, key=lambda entry: entry.position):
        if item.kind != TRACK or item.track_id is None:
            skipped[item.kind if item.kind in SKIPPED_KINDS else "unavailable"] += 1
            continue
        if item.track_id in track_ids:
            skipped["duplicate"] += 1
            continue
        track_ids.append(item.track_id)
        if _store_track(conn, item, fetched.method, now):
            new_ids.append(item.track_id)
        upsert_playlist_membership(
            conn,
            playlist_id,
            item.track_id,
            position=item.position,
            added_at=item.added_at,
            now=now,
        )
    removed = mark_missing_memberships_removed(conn, playlist_id, track_ids, now=now)
    fetch_id = record_playlist_fetch(
        conn,
        PlaylistFetch(
            playlist_id=playlist_id,
            fetched_at=now,
            method=fetched.method,
            status="succeeded",
            snapshot_id=fetched.snapshot_id,
            track_count=len(track_ids),
            new_count=len(new_ids),
            removed_count=len(removed),
            skipped_count=sum(skipped.values()),
            skipped_reasons=dict(skipped) or None,
            run_id=run_id,
        ),
    )
    return StoredFetch(
        fetch_id=fetch_id,
        method=fetched.method,
        track_ids=tuple(track_ids),
        new_track_ids=tuple(new_ids),
        added_track_ids=tuple(t for t in track_ids if t not in before),
        removed_track_ids=tuple(removed),
        skipped=dict(skipped),
    )


def record_failed_fetch(
    conn: Connection,
    playlist_id: str,
    method: str,
    reason: str,
    *,
    now: datetime,
    run_id: str | None = None,
) -> int:
    upsert_playlist(conn, spotify_playlist_id=playlist_id, now=now)
    return record_playlist_fetch(
        conn,
        PlaylistFetch(
            playlist_id=playlist_id,
            fetched_at=now,
            method=method,
            status="failed",
            reason=reason,
            run_id=run_id,
        ),
    )


def _store_track(conn: Connection, item: FetchedItem, method: str, now: datetime) -> bool:
    """Insert the track if unknown (True) or add an ISRC it lacked (False)."""
    assert item.track_id is not None
    known = get_track(conn, item.track_id)
    if known is None:
        upsert_track(
            conn,
            Track(
                spotify_track_id=item.track_id,
                spotify_url=f"https://open.spotify.com/track/{item.track_id}",
                isrc=item.isrc,
                name=item.name,
                fetch_method=method,
                enrichment_status="pending",
            ),
            now=now,
        )
        return True
    if item.isrc and not known.isrc:
        upsert_track(conn, Track(spotify_track_id=item.track_id, isrc=item.isrc), now=now)
    return False
