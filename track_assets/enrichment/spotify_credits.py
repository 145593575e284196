"""Phase 2: store a track's web-player credits (writers deduplicated into songwriters) and its
play count. The credits' "Source" line is kept as `credits_source_names`: usually the label or
distributor, never the publisher (publishers come from The MLC)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import Track, TrackCredit
from track_assets.db.repository import (
    delete_stale_track_credits,
    record_field_provenance,
    set_phase_status,
    upsert_songwriter,
    upsert_track,
    upsert_track_credit,
)

CREDITS_PHASE = "spotify_credits"
PLAY_COUNT_PHASE = "spotify_play_count"
SOURCE = "web_player"
WRITER, PRODUCER, PERFORMER = "writer", "producer", "performer"


@dataclass(frozen=True)
class CreditedPerson:
    name: str
    role: str  # writer | producer | performer
    subroles: tuple[str, ...] = ()  # composer, lyricist, ...
    spotify_artist_uri: str | None = None


@dataclass(frozen=True)
class FoundCredits:
    track_id: str
    people: Sequence[CreditedPerson]
    source_names: Sequence[str] = ()
    label: str | None = None


def store_track_credits(conn: Connection, found: FoundCredits, *, now: datetime) -> int:
    """Replace the track's web-player credits with `found`; returns how many credits it has.

    A writer becomes (or is matched to) a songwriter: by Spotify artist URI when credited
    with one, else by normalised name. A person listed twice in one role is stored once.
    """
    kept: set[tuple[str, str]] = set()
    for person in found.people:
        if (person.role, person.name) in kept:
            continue
        kept.add((person.role, person.name))
        songwriter_id = None
        if person.role == WRITER:
            songwriter_id = upsert_songwriter(conn, person.name, person.spotify_artist_uri, now=now)
        upsert_track_credit(
            conn,
            TrackCredit(
                track_id=found.track_id,
                role=person.role,
                name=person.name,
                source=SOURCE,
                subroles=list(person.subroles),
                spotify_artist_uri=person.spotify_artist_uri,
                songwriter_id=songwriter_id,
            ),
            now=now,
        )
    delete_stale_track_credits(conn, found.track_id, SOURCE, kept)
    upsert_track(
        conn,
        Track(
            spotify_track_id=found.track_id,
            credits_source_names=list(found.source_names),
            label=found.label,
        ),
        now=now,
    )
    has_writers = any(person.role == WRITER for person in found.people)
    record_field_provenance(
        conn,
        entity="track",
        entity_id=found.track_id,
        field="songwriters",
        source=SOURCE,
        fetched_at=now,
        reason=None if has_writers else "no_writers_credited",
    )
    set_phase_status(conn, found.track_id, CREDITS_PHASE, "done", now=now)
    return len(kept)


def store_play_count(conn: Connection, track_id: str, play_count: int, *, now: datetime) -> None:
    upsert_track(conn, Track(spotify_track_id=track_id, spotify_streams=play_count), now=now)
    record_field_provenance(
        conn,
        entity="track",
        entity_id=track_id,
        field="spotify_streams",
        source=SOURCE,
        fetched_at=now,
    )
    set_phase_status(conn, track_id, PLAY_COUNT_PHASE, "done", now=now)
