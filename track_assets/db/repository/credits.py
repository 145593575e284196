"""Track credits (who wrote, composed, produced a track) and the deduplicated songwriters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from track_assets.db.records import Songwriter, TrackCredit
from track_assets.db.statements import in_chunks, known_values, upsert_row
from track_assets.db.statuses import CreditRole
from track_assets.db.tables import songwriters, track_credits


def normalized_person_name(name: str) -> str:
    """Case, accents, punctuation and spacing folded: 'Beyoncé  Knowles' -> 'beyonce knowles'."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[^\w]+", " ", without_marks.casefold())
    return " ".join(words.replace("_", " ").split())


def songwriter_identity_key(name: str, spotify_artist_uri: str | None = None) -> str:
    """The Spotify artist URI when known, else 'name:' + the normalized name."""
    if spotify_artist_uri:
        return spotify_artist_uri
    normalized = normalized_person_name(name)
    if not normalized:
        raise ValueError(f"songwriter name {name!r} has no letters or digits")
    return f"name:{normalized}"


def upsert_songwriter(
    conn: Connection,
    name: str,
    spotify_artist_uri: str | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """The id of this person, created on first sight: the same URI (or, without one, the same
    normalized name) always gives the same id. The stored name is the latest spelling."""
    normalized = normalized_person_name(name)
    values = {
        "name": name.strip(),
        "normalized_name": normalized,
        "spotify_artist_uri": spotify_artist_uri or None,
        "identity_key": songwriter_identity_key(name, spotify_artist_uri),
    }
    row = upsert_row(
        conn,
        songwriters,
        values,
        key=("identity_key",),
        returning=(songwriters.c.id,),
        now=now,
    )
    return row.id


def get_songwriter(conn: Connection, songwriter_id: int) -> Songwriter | None:
    row = conn.execute(select(songwriters).where(songwriters.c.id == songwriter_id)).first()
    return Songwriter.from_row(row) if row is not None else None


def upsert_track_credit(
    conn: Connection, credit: TrackCredit, *, now: datetime | None = None
) -> int:
    """Insert or update one credit (unique by track, role, name); returns its id.
    None fields (subroles, artist URI, songwriter) keep what is stored."""
    values = known_values(credit.as_values(), track_credits)
    values.pop("id", None)
    row = upsert_row(
        conn,
        track_credits,
        values,
        key=("track_id", "role", "name"),
        returning=(track_credits.c.id,),
        now=now,
    )
    return row.id


def delete_stale_track_credits(
    conn: Connection, track_id: str, source: str, keep: Iterable[tuple[str, str]]
) -> int:
    """Delete the track's credits from `source` whose (role, name) is not in `keep`: what a
    new fetch of the credits no longer lists. Returns how many were deleted."""
    kept = set(keep)
    rows = conn.execute(
        select(track_credits.c.id, track_credits.c.role, track_credits.c.name).where(
            track_credits.c.track_id == track_id, track_credits.c.source == source
        )
    )
    stale = [row.id for row in rows if (row.role, row.name) not in kept]
    for chunk in in_chunks(stale):
        conn.execute(delete(track_credits).where(track_credits.c.id.in_(chunk)))
    return len(stale)


def list_track_credits(conn: Connection, track_id: str) -> list[TrackCredit]:
    rows = conn.execute(
        select(track_credits)
        .where(track_credits.c.track_id == track_id)
        .order_by(track_credits.c.role, track_credits.c.id)
    )
    return [TrackCredit.from_row(row) for row in rows]


def credits_of_tracks(
    conn: Connection, track_ids: Iterable[str], *, role: str | None = None
) -> dict[str, list[TrackCredit]]:
    """Every given track's credits (only `role`'s when given), in as few queries as the ids
    allow; a track without credits maps to an empty list."""
    ids = list(dict.fromkeys(track_ids))
    found: dict[str, list[TrackCredit]] = {track_id: [] for track_id in ids}
    for chunk in in_chunks(ids):
        query = select(track_credits).where(track_credits.c.track_id.in_(chunk))
        if role is not None:
            query = query.where(track_credits.c.role == role)
        for row in conn.execute(query.order_by(track_credits.c.role, track_credits.c.id)):
            found[row.track_id].append(TrackCredit.from_row(row))
    return found


def set_credit_mlc_match(
    conn: Connection,
    track_id: str,
    name: str,
    *,
    mlc_ipi: str | None,
    represented: bool | None,
    writer_name: str | None = None,
    confidence: float | None = None,
    evidence: str | None = None,
) -> bool:
    """Record how The MLC lists one credited writer of the track: the work's writer it is (name
    and IPI), whether a publisher represents them on the track's work, and how sure the match
    is with the evidence (or why there is none). False if no such writer credit exists."""
    result = conn.execute(
        update(track_credits)
        .where(
            track_credits.c.track_id == track_id,
            track_credits.c.role == CreditRole.WRITER,
            track_credits.c.name == name,
        )
        .values(
            mlc_ipi=mlc_ipi,
            mlc_represented=represented,
            mlc_writer_name=writer_name,
            mlc_match_confidence=confidence,
            mlc_match_evidence=evidence,
        )
    )
    return result.rowcount > 0
