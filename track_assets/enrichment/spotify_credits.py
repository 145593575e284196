"""Phase 2: store a track's web-player credits (writers deduplicated into songwriters) and its
play count. The credits' "Source" line is kept as `credits_source_names`: usually the label or
distributor, never the publisher (publishers come from The MLC)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from track_assets.db.records import Track, TrackCredit
from track_assets.db.repository import (
    credits_of_tracks,
    delete_stale_track_credits,
    phase_statuses,
    record_field_provenance,
    set_phase_status,
    upsert_songwriter,
    upsert_track,
    upsert_track_credit,
)
from track_assets.db.statuses import CreditRole, PhaseState
from track_assets.enrichment.phase_report import Coverage
from track_assets.phases import SPOTIFY_CREDITS_LOOKUP, SPOTIFY_PLAY_COUNT

CREDITS_PHASE = SPOTIFY_CREDITS_LOOKUP.key
PLAY_COUNT_PHASE = SPOTIFY_PLAY_COUNT.key
SOURCE = "web_player"
WRITER, PRODUCER, PERFORMER = CreditRole.WRITER, CreditRole.PRODUCER, CreditRole.PERFORMER
RETRY_AFTER = timedelta(days=1)
NO_SP_DC = "no_sp_dc"  # credits need the web player's login; the track waits for one
NO_PLAY_COUNT = "no_play_count"


@dataclass(frozen=True)
class CreditedPerson:
    name: str
    role: CreditRole
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
    set_phase_status(conn, found.track_id, CREDITS_PHASE, PhaseState.DONE, now=now)
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
    set_phase_status(conn, track_id, PLAY_COUNT_PHASE, PhaseState.DONE, now=now)


def store_missing_credits(conn: Connection, track_id: str, reason: str, *, now: datetime) -> str:
    """The web player gave no credits: not applicable while no login is configured (the track
    waits for one), else failed and retried tomorrow. Returns the status stored."""
    status = PhaseState.NOT_APPLICABLE if reason == NO_SP_DC else PhaseState.FAILED
    retry_at = now + RETRY_AFTER if status == PhaseState.FAILED else None
    set_phase_status(
        conn, track_id, CREDITS_PHASE, status, reason=reason, next_retry_at=retry_at, now=now
    )
    return status


def store_missing_play_count(conn: Connection, track_id: str, *, now: datetime) -> None:
    set_phase_status(
        conn,
        track_id,
        PLAY_COUNT_PHASE,
        PhaseState.FAILED,
        reason=NO_PLAY_COUNT,
        next_retry_at=now + RETRY_AFTER,
        now=now,
    )


def credits_waiting_for_login(conn: Connection, track_ids: Sequence[str]) -> list[str]:
    """Tracks set aside for want of SPOTIFY_SP_DC (to look up now that a login is configured)."""
    statuses = phase_statuses(conn, track_ids, CREDITS_PHASE)
    return [
        track_id
        for track_id in track_ids
        if (s := statuses.get(track_id)) is not None
        and s.status == PhaseState.NOT_APPLICABLE
        and s.reason == NO_SP_DC
    ]


def credits_coverage(conn: Connection, rows: Sequence[Track]) -> dict[str, Coverage]:
    writers = credits_of_tracks(conn, [r.spotify_track_id for r in rows], role=WRITER)
    return {
        "songwriters": Coverage(sum(1 for w in writers.values() if w), len(rows)),
        "play_count": Coverage(sum(1 for r in rows if r.spotify_streams is not None), len(rows)),
        "credits_source_names": Coverage(sum(1 for r in rows if r.credits_source_names), len(rows)),
    }


def credits_preview(conn: Connection, rows: Sequence[Track]) -> list[dict]:
    writers = credits_of_tracks(conn, [r.spotify_track_id for r in rows], role=WRITER)
    return [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "writers": [c.name for c in writers[r.spotify_track_id]],
            "play_count": r.spotify_streams,
        }
        for r in rows
    ]
