"""MusicBrainz-backed artist records of songwriters, and their external (social) links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from track_assets.db.records import ArtistExternalLink, IsrcMusicBrainzWork, MusicBrainzArtist
from track_assets.db.statements import in_chunks, known_values, upsert_row
from track_assets.db.tables import (
    LINK_KINDS,
    artist_external_links,
    artist_songwriters,
    artists,
    isrc_musicbrainz_works,
    musicbrainz_answers,
)


def upsert_musicbrainz_artist(
    conn: Connection, artist: MusicBrainzArtist, *, now: datetime | None = None
) -> int:
    """Insert or update the artist with this MusicBrainz id; returns our artist id."""
    values = known_values(artist.as_values(), artists)
    values.pop("id", None)
    row = upsert_row(
        conn, artists, values, key=("musicbrainz_id",), returning=(artists.c.id,), now=now
    )
    return row.id


def get_musicbrainz_artist(conn: Connection, musicbrainz_id: str) -> MusicBrainzArtist | None:
    row = conn.execute(select(artists).where(artists.c.musicbrainz_id == musicbrainz_id)).first()
    return MusicBrainzArtist.from_row(row) if row is not None else None


def link_artist_songwriter(
    conn: Connection,
    artist_id: int,
    songwriter_id: int,
    *,
    method: str | None = None,
    confidence: float | None = None,
    evidence: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record that this MusicBrainz artist is this songwriter, and how we know."""
    values = known_values(
        {
            "artist_id": artist_id,
            "songwriter_id": songwriter_id,
            "method": method,
            "confidence": confidence,
            "evidence": evidence,
        },
        artist_songwriters,
    )
    upsert_row(conn, artist_songwriters, values, key=("artist_id", "songwriter_id"), now=now)


def musicbrainz_artists_of_songwriters(
    conn: Connection, songwriter_ids: Iterable[int]
) -> dict[int, list[MusicBrainzArtist]]:
    """The MusicBrainz artists linked to each of these songwriters (with their aliases, IPIs
    and ISNIs), in one query per chunk; songwriters linked to none are left out."""
    found: dict[int, list[MusicBrainzArtist]] = {}
    for chunk in in_chunks(sorted(set(songwriter_ids))):
        rows = conn.execute(
            select(artist_songwriters.c.songwriter_id, artists)
            .join(artists, artists.c.id == artist_songwriters.c.artist_id)
            .where(artist_songwriters.c.songwriter_id.in_(chunk))
            .order_by(artist_songwriters.c.songwriter_id, artists.c.id)
        )
        for row in rows:
            found.setdefault(row.songwriter_id, []).append(MusicBrainzArtist.from_row(row))
    return found


def songwriter_artist_ids(conn: Connection, songwriter_id: int) -> list[int]:
    return list(
        conn.execute(
            select(artist_songwriters.c.artist_id)
            .where(artist_songwriters.c.songwriter_id == songwriter_id)
            .order_by(artist_songwriters.c.artist_id)
        ).scalars()
    )


def upsert_artist_external_link(
    conn: Connection, link: ArtistExternalLink, *, now: datetime | None = None
) -> int:
    """Insert or update one link of an artist (unique by artist and URL); returns its id."""
    if link.kind not in LINK_KINDS:
        raise ValueError(f"link kind {link.kind!r} is not one of {', '.join(LINK_KINDS)}")
    values = link.as_values()
    values.pop("id")
    row = upsert_row(
        conn,
        artist_external_links,
        values,
        key=("artist_id", "url"),
        returning=(artist_external_links.c.id,),
        now=now,
    )
    return row.id


def list_artist_external_links(conn: Connection, artist_id: int) -> list[ArtistExternalLink]:
    rows = conn.execute(
        select(artist_external_links)
        .where(artist_external_links.c.artist_id == artist_id)
        .order_by(artist_external_links.c.kind, artist_external_links.c.url)
    )
    return [ArtistExternalLink.from_row(row) for row in rows]


def replace_isrc_musicbrainz_works(
    conn: Connection, isrc: str, works: Iterable[IsrcMusicBrainzWork], *, now: datetime
) -> None:
    """The MusicBrainz works of the ISRC's recordings, as just looked up (others removed)."""
    conn.execute(delete(isrc_musicbrainz_works).where(isrc_musicbrainz_works.c.isrc == isrc))
    for work in works:
        values = work.as_values()
        upsert_row(conn, isrc_musicbrainz_works, values, key=("isrc", "work_mbid"), now=now)


def musicbrainz_iswcs_by_isrc(conn: Connection, isrcs: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The ISWCs of the MusicBrainz works of each ISRC's recordings (ISRCs without any left
    out)."""
    found: dict[str, dict[str, None]] = {}
    for chunk in in_chunks(sorted(set(isrcs))):
        rows = conn.execute(
            select(isrc_musicbrainz_works.c.isrc, isrc_musicbrainz_works.c.iswcs).where(
                isrc_musicbrainz_works.c.isrc.in_(chunk)
            )
        )
        for row in rows:
            for iswc in row.iswcs or ():
                found.setdefault(row.isrc, {})[iswc] = None
    return {isrc: tuple(iswcs) for isrc, iswcs in found.items()}


def store_musicbrainz_answers(
    conn: Connection, question: str, answers: Mapping[str, Any], *, now: datetime
) -> None:
    """Keep MusicBrainz's answers to `question`, by key, as fetched `now` (replacing older)."""
    for key, answer in answers.items():
        values = {"question": question, "key": key, "answer": answer, "fetched_at": now}
        upsert_row(conn, musicbrainz_answers, values, key=("question", "key"), now=now)


def musicbrainz_answers_since(
    conn: Connection, question: str, keys: Iterable[str], *, since: datetime
) -> dict[str, Any]:
    """The kept answers to `question` for these keys fetched after `since` (others left out)."""
    found: dict[str, Any] = {}
    for chunk in in_chunks(sorted(set(keys))):
        rows = conn.execute(
            select(musicbrainz_answers.c.key, musicbrainz_answers.c.answer).where(
                musicbrainz_answers.c.question == question,
                musicbrainz_answers.c.key.in_(chunk),
                musicbrainz_answers.c.fetched_at > since,
            )
        )
        found.update((row.key, row.answer) for row in rows)
    return found
