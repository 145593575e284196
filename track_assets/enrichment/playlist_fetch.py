"""Phase 0: try each way of reading a playlist in turn, then store what the first one served.

The sources (Chartmetric, the Web API, the web player) are adapted into `FetchedPlaylist` by the
caller; this module decides the order's outcome (a copy taken from Chartmetric only counts when
Spotify does not contradict it) and writes playlists, tracks, membership and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy.engine import Connection

from track_assets.db.records import PlaylistFetch, Track
from track_assets.db.repository import (
    get_track,
    latest_playlist_fetch,
    mark_missing_memberships_removed,
    playlist_track_ids,
    record_playlist_fetch,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_track,
)
from track_assets.db.statuses import EnrichmentStatus, FetchStatus
from track_assets.playlist_refs import PlaylistRef

TRACK = "track"
SKIPPED_KINDS = ("local", "episode", "unavailable")
SERVED = "served"


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
    check: CopyCheck | None = None  # Spotify's verdict on a copy taken from elsewhere


class SourceDeclined(Exception):
    """A source cannot serve this playlist (unknown to it, closed to the tier, not found, or its
    answer stayed unreadable through every retry); the message says what it answered, so the
    next source is tried. `unreadable`: the source answered, but in no form that could be read
    (a cut-off body, a page from its edge, a changed format): a rerun may well read it."""

    def __init__(self, answer: str, *, unreadable: bool = False) -> None:
        super().__init__(answer)
        self.unreadable = unreadable


@dataclass(frozen=True)
class Attempt:
    method: str
    answer: str  # "served" or what the source said
    unreadable: bool = False


class PlaylistUnavailable(Exception):
    """No source could serve the playlist; the message names each one's answer and what to do:
    rerun when an answer could not be read, else check the playlist."""

    def __init__(self, playlist_id: str, attempts: Sequence[Attempt]) -> None:
        self.playlist_id = playlist_id
        self.attempts = tuple(attempts)
        answers = "; ".join(f"{a.method}: {a.answer}" for a in attempts) or "no source configured"
        advice = (
            "An answer could not be read: rerun later; if it persists, that service changed "
            "its format."
            if any(a.unreadable for a in attempts)
            else "Check that the playlist exists and is public."
        )
        super().__init__(
            f"Playlist {playlist_id} ({PlaylistRef(playlist_id).url}) could not be read. "
            f"{answers}. {advice}"
        )


@dataclass(frozen=True)
class FetchResult:
    playlist: FetchedPlaylist
    attempts: tuple[Attempt, ...]

    @property
    def reason(self) -> str:
        """Which source served and why: Spotify's verdict on a checked copy, else what the
        sources before it answered."""
        method = self.playlist.method
        if self.playlist.check is not None:
            return f"{method}: {self.playlist.check.detail}"
        declined = "; ".join(f"{a.method}: {a.answer}" for a in self.attempts if a.answer != SERVED)
        return f"{declined}: used {method}" if declined else f"{method}: the first source"


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
            attempts.append(Attempt(method, str(declined), declined.unreadable))
            continue
        attempts.append(Attempt(method, SERVED))
        return FetchResult(fetched, tuple(attempts))
    raise PlaylistUnavailable(playlist_id, attempts)


# --- a copy taken from elsewhere, checked against Spotify ----------------------------------------


@dataclass(frozen=True)
class SpotifyListing:
    """What Spotify says of a playlist at the least cost: its snapshot, how many entries it holds
    (tracks, local files, episodes and unavailable ones alike) and its first page of entries.
    `total` is None when the answer gives no count (the Web API's development tier)."""

    method: str  # spotify_api | web_player
    snapshot_id: str | None
    total: int | None
    first_page: tuple[FetchedItem, ...] = ()


@dataclass(frozen=True)
class KnownVersion:
    """The playlist as the last landed fetch stored it: the Spotify snapshot that fetch matched
    and the tracks it kept."""

    snapshot_id: str
    track_ids: frozenset[str]


class Verdict(StrEnum):
    AGREE = "agree"
    LAGGING = "lagging"  # Spotify has tracks the copy lacks
    DIFFERS = "differs"  # the copy lists more tracks than Spotify, or others
    UNCHECKED = "unchecked"  # Spotify said nothing the copy could be compared with


@dataclass(frozen=True)
class CopyCheck:
    verdict: Verdict
    detail: str  # e.g. "copy lagging (48 tracks vs Spotify's 50, per web_player)"
    against: str | None = None  # the Spotify source whose answer decided
    snapshot_id: str | None = None  # Spotify's snapshot the copy was found to match

    @property
    def disagrees(self) -> bool:
        return self.verdict in (Verdict.LAGGING, Verdict.DIFFERS)


def compare_with_listing(
    copy: FetchedPlaylist, listing: SpotifyListing, known: KnownVersion | None = None
) -> CopyCheck | None:
    """Spotify's verdict on `copy` from one listing. A listing without a count decides only when
    its snapshot is the one the last fetch matched and the copy holds that fetch's tracks;
    otherwise it says nothing (None)."""
    ours = _track_counts(copy.items)
    by = listing.method
    if listing.total is None:
        unchanged = known is not None and listing.snapshot_id == known.snapshot_id
        if unchanged and set(ours) == known.track_ids:
            return CopyCheck(
                Verdict.AGREE,
                f"checked against {by} (snapshot unchanged since the last fetch, "
                f"the same {_tracks(len(ours))})",
                by,
                listing.snapshot_id,
            )
        return None
    page = listing.first_page
    theirs = _track_counts(page)
    on_page = sum(theirs.values())
    # Entries past the first page count as tracks: a local file or an episode there makes the
    # copy look short, which costs a full read from Spotify, never a hidden track.
    spotify_tracks = listing.total - (len(page) - on_page)
    copy_tracks = sum(ours.values())
    lacking = sum((theirs - ours).values())
    whole = len(page) >= listing.total
    surplus = sum((ours - theirs).values()) if whole else 0
    if copy_tracks < spotify_tracks:
        detail = f"copy lagging ({_tracks(copy_tracks)} vs Spotify's {spotify_tracks}, per {by})"
        return CopyCheck(Verdict.LAGGING, detail, by, listing.snapshot_id)
    if lacking:
        detail = (
            f"copy lagging (lacks {lacking} of the {_tracks(on_page)} on Spotify's first page, "
            f"per {by})"
        )
        return CopyCheck(Verdict.LAGGING, detail, by, listing.snapshot_id)
    if copy_tracks > spotify_tracks or surplus:
        detail = f"copy differs ({_tracks(copy_tracks)} vs Spotify's {spotify_tracks}, per {by})"
        return CopyCheck(Verdict.DIFFERS, detail, by, listing.snapshot_id)
    scope = (
        f"the same {_tracks(spotify_tracks)}"
        if whole
        else f"{_tracks(spotify_tracks)}, the first {len(page)} entries agree"
    )
    return CopyCheck(Verdict.AGREE, f"checked against {by} ({scope})", by, listing.snapshot_id)


def check_against_spotify(
    copy: FetchedPlaylist,
    listings: Sequence[tuple[str, Callable[[], SpotifyListing]]],
    known: KnownVersion | None = None,
) -> CopyCheck:
    """Ask each listing in turn until one decides; when none can (each declined or gave no
    count), the verdict is UNCHECKED and says what each answered."""
    answers: list[str] = []
    for method, listing_of in listings:
        try:
            listing = listing_of()
        except SourceDeclined as declined:
            answers.append(f"{method}: {declined}")
            continue
        check = compare_with_listing(copy, listing, known)
        if check is not None:
            return check
        answers.append(f"{method}: {_no_count_answer(listing, known)}")
    said = "; ".join(answers) or "no Spotify source configured"
    return CopyCheck(Verdict.UNCHECKED, f"not checked against Spotify ({said})")


def checked_copy(
    copy: FetchedPlaylist,
    listings: Sequence[tuple[str, Callable[[], SpotifyListing]]],
    known: KnownVersion | None = None,
) -> FetchedPlaylist:
    """`copy` with Spotify's verdict, when Spotify agrees or cannot say; SourceDeclined when
    it disagrees, so the next source serves the playlist as if this one had declined."""
    check = check_against_spotify(copy, listings, known)
    if check.disagrees:
        raise SourceDeclined(check.detail)
    return replace(copy, check=check, snapshot_id=check.snapshot_id or copy.snapshot_id)


def known_version(conn: Connection, playlist_id: str) -> KnownVersion | None:
    """The snapshot the last landed fetch matched and the tracks it stored; None when there was
    no such fetch or it matched no snapshot (a copy Spotify could not check)."""
    last = latest_playlist_fetch(conn, playlist_id, landed_only=True)
    if last is None or not last.snapshot_id:
        return None
    return KnownVersion(last.snapshot_id, frozenset(playlist_track_ids(conn, playlist_id)))


def _track_counts(items: Sequence[FetchedItem]) -> Counter[str]:
    return Counter(item.track_id for item in items if item.kind == TRACK and item.track_id)


def _tracks(count: int) -> str:
    return f"{count} track" if count == 1 else f"{count} tracks"


def _no_count_answer(listing: SpotifyListing, known: KnownVersion | None) -> str:
    if known is not None and listing.snapshot_id == known.snapshot_id:
        return "no track count, and the copy's tracks are not the ones the last fetch stored"
    if known is not None:
        return "no track count, and the snapshot changed since the last fetch"
    return "no track count"


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
    conn: Connection,
    fetched: FetchedPlaylist,
    *,
    now: datetime,
    run_id: str | None = None,
    reason: str | None = None,
) -> StoredFetch:
    """Write a fetch: the playlist row, new tracks (pending), membership, removals, a fetch row
    (with `reason`: which source served and why).

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
            reason=reason,
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
            status=FetchStatus.FAILED,
            reason=reason,
            run_id=run_id,
        ),
    )


def record_unavailable(
    conn: Connection,
    unavailable: PlaylistUnavailable,
    *,
    now: datetime,
    run_id: str | None = None,
) -> int:
    """A failed fetch: every source declined (the last one tried is the fetch's method)."""
    last = unavailable.attempts[-1].method if unavailable.attempts else "web_player"
    return record_failed_fetch(
        conn, unavailable.playlist_id, last, str(unavailable), now=now, run_id=run_id
    )


def fetch_summary(result: FetchResult, stored: StoredFetch) -> dict:
    """What the materialization says of a fetch: which source served and why, what changed."""
    return {
        "fetch_id": stored.fetch_id,
        "fetch_method": stored.method,
        "fetch_reason": result.reason,
        "attempts": {a.method: a.answer for a in result.attempts},
        "new_tracks": len(stored.new_track_ids),
        "added_to_playlist": len(stored.added_track_ids),
        "removed_from_playlist": len(stored.removed_track_ids),
        "skipped": stored.skipped,
        "playlist_name": result.playlist.name or "",
    }


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
                enrichment_status=EnrichmentStatus.PENDING,
            ),
            now=now,
        )
        return True
    if item.isrc and not known.isrc:
        upsert_track(conn, Track(spotify_track_id=item.track_id, isrc=item.isrc), now=now)
    return False
