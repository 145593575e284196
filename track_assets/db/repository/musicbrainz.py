"""MusicBrainz-backed artist records of songwriters, and their external (social) links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import ArtistExternalLink, MusicBrainzArtist
from track_assets.db.statements import known_values, upsert_row
from track_assets.db.tables import LINK_KINDS, artist_external_links, artist_songwriters, artists


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
    now: datetime | None = None,
) -> None:
    """Record that this MusicBrainz artist is this songwriter, and how we know."""
    values = known_values(
        {
            "artist_id": artist_id,
            "songwriter_id": songwriter_id,
            "method": method,
            "confidence": confidence,
        },
        artist_songwriters,
    )
    upsert_row(conn, artist_songwriters, values, key=("artist_id", "songwriter_id"), now=now)


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
