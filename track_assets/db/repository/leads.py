"""What songwriter leads are ranked from: every writer credit on a tracked track with the track's
growth and its chosen MLC work, and the songwriters' MusicBrainz artists and links.

A few queries over every track, never one per track; which credits are leads is decided in
`track_assets.enrichment.songwriter_leads`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from track_assets.db.records import LeadCredit, SongwriterProfile
from track_assets.db.repository.exports import tracked_playlists_by_track, tracked_track_ids
from track_assets.db.statements import in_chunks
from track_assets.db.statuses import CreditRole
from track_assets.db.tables import (
    artist_external_links,
    artist_songwriters,
    artists,
    mlc_work_publishers,
    mlc_works,
    songwriters,
    track_credits,
    track_mlc_works,
    tracks,
)

WRITER_ROLE = CreditRole.WRITER


def songwriter_lead_credits(conn: Connection) -> list[LeadCredit]:
    """Every writer credit linked to a songwriter on a track now on a tracked playlist, with
    the track's velocity and streams, its playlists, and its chosen MLC work (status, known
    share, names of its publishers and administrators); ordered by track, then credit."""
    chosen = and_(
        track_mlc_works.c.track_id == tracks.c.spotify_track_id,
        track_mlc_works.c.is_chosen.is_(True),
    )
    query = (
        select(
            songwriters.c.id.label("songwriter_id"),
            songwriters.c.name.label("writer_name"),
            songwriters.c.spotify_artist_uri,
            track_credits.c.track_id,
            tracks.c.name.label("track_name"),
            tracks.c.stream_velocity,
            tracks.c.spotify_streams,
            track_credits.c.mlc_ipi,
            track_credits.c.mlc_represented,
            track_credits.c.mlc_match_confidence,
            track_credits.c.mlc_match_evidence,
            mlc_works.c.mlc_song_code,
            mlc_works.c.status.label("mlc_status"),
            mlc_works.c.known_share,
        )
        .select_from(track_credits)
        .join(songwriters, songwriters.c.id == track_credits.c.songwriter_id)
        .join(tracks, tracks.c.spotify_track_id == track_credits.c.track_id)
        .outerjoin(track_mlc_works, chosen)
        .outerjoin(mlc_works, mlc_works.c.mlc_song_code == track_mlc_works.c.mlc_song_code)
        .where(
            track_credits.c.role == WRITER_ROLE,
            track_credits.c.track_id.in_(tracked_track_ids()),
        )
        .order_by(track_credits.c.track_id, track_credits.c.id)
    )
    rows = conn.execute(query).all()
    playlists = tracked_playlists_by_track(conn)
    publishers = _chosen_work_publishers(conn)
    return [
        LeadCredit.from_row(
            row,
            publishers=publishers.get(row.mlc_song_code, ()),
            playlists=playlists.get(row.track_id, ()),
        )
        for row in rows
    ]


def _chosen_work_publishers(conn: Connection) -> dict[str, tuple[str, ...]]:
    """Distinct publisher and administrator names of every work chosen for some track."""
    query = (
        select(mlc_work_publishers.c.mlc_song_code, mlc_work_publishers.c.name)
        .where(
            mlc_work_publishers.c.mlc_song_code.in_(
                select(track_mlc_works.c.mlc_song_code).where(track_mlc_works.c.is_chosen.is_(True))
            )
        )
        .order_by(mlc_work_publishers.c.mlc_song_code, mlc_work_publishers.c.id)
    )
    found: dict[str, dict[str, None]] = {}
    for row in conn.execute(query):
        found.setdefault(row.mlc_song_code, {})[row.name] = None
    return {code: tuple(names) for code, names in found.items()}


def songwriter_profiles(
    conn: Connection, songwriter_ids: Iterable[int]
) -> dict[int, SongwriterProfile]:
    """The MusicBrainz artists linked to each songwriter (sorted ids) and their current (not
    ended) links by kind (sorted URLs); songwriters linked to no artist get an empty profile."""
    wanted = sorted(set(songwriter_ids))
    mbids: dict[int, set[str]] = {i: set() for i in wanted}
    links: dict[int, dict[str, set[str]]] = {i: {} for i in wanted}
    matches: dict[int, tuple] = {}
    current = and_(
        artist_external_links.c.artist_id == artists.c.id,
        artist_external_links.c.ended.is_(False),
    )
    for chunk in in_chunks(wanted):
        query = (
            select(
                artist_songwriters.c.songwriter_id,
                artist_songwriters.c.method,
                artist_songwriters.c.confidence,
                artist_songwriters.c.evidence,
                artists.c.musicbrainz_id,
                artist_external_links.c.kind,
                artist_external_links.c.url,
            )
            .join(artists, artists.c.id == artist_songwriters.c.artist_id)
            .outerjoin(artist_external_links, current)
            .where(artist_songwriters.c.songwriter_id.in_(chunk))
        )
        for row in conn.execute(query):
            mbids[row.songwriter_id].add(row.musicbrainz_id)
            match = (row.confidence or 0.0, row.method, row.evidence)
            if row.songwriter_id not in matches or match[0] > matches[row.songwriter_id][0]:
                matches[row.songwriter_id] = match
            if row.url is not None:
                links[row.songwriter_id].setdefault(row.kind, set()).add(row.url)
    return {
        i: SongwriterProfile(
            songwriter_id=i,
            musicbrainz_artist_ids=tuple(sorted(mbids[i])),
            social_links={kind: tuple(sorted(urls)) for kind, urls in sorted(links[i].items())},
            musicbrainz_match=matches[i][1] if i in matches else None,
            musicbrainz_confidence=matches[i][0] if i in matches else None,
            musicbrainz_evidence=matches[i][2] if i in matches else None,
        )
        for i in wanted
    }
