"""MusicBrainz artists, their songwriter links and social links: one row each, updated."""

from __future__ import annotations

import pytest

from track_assets.db.records import ArtistExternalLink, MusicBrainzArtist
from track_assets.db.repository import (
    get_musicbrainz_artist,
    link_artist_songwriter,
    list_artist_external_links,
    songwriter_artist_ids,
    upsert_artist_external_link,
    upsert_musicbrainz_artist,
    upsert_songwriter,
)
from track_assets.db.tables import artist_external_links, artist_songwriters, artists
from track_assets_tests.db.rows import count_rows

MBID = "db92a151-1ac2-438b-bc43-b82e149ddd50"


def test_upsert_musicbrainz_artist_twice_keeps_one_row_with_new_values(conn):
    first = upsert_musicbrainz_artist(
        conn, MusicBrainzArtist(musicbrainz_id=MBID, name="Rick Astley", country="GB")
    )
    second = upsert_musicbrainz_artist(
        conn,
        MusicBrainzArtist(
            musicbrainz_id=MBID,
            name="Rick Astley",
            sort_name="Astley, Rick",
            disambiguation="English singer",
            type="Person",
        ),
    )

    assert first == second
    assert count_rows(conn, artists) == 1
    stored = get_musicbrainz_artist(conn, MBID)
    assert (stored.id, stored.sort_name, stored.country, stored.type) == (
        first,
        "Astley, Rick",
        "GB",
        "Person",
    )


def test_link_artist_songwriter_twice_keeps_one_row_with_new_values(conn):
    artist = upsert_musicbrainz_artist(conn, MusicBrainzArtist(musicbrainz_id=MBID, name="Rick"))
    writer = upsert_songwriter(conn, "Rick Astley")
    link_artist_songwriter(conn, artist, writer, method="name_search", confidence=0.5)
    link_artist_songwriter(conn, artist, writer, method="isrc_work_writer", confidence=0.95)

    assert count_rows(conn, artist_songwriters) == 1
    assert songwriter_artist_ids(conn, writer) == [artist]
    row = conn.execute(artist_songwriters.select()).one()
    assert (row.method, row.confidence) == ("isrc_work_writer", 0.95)


def test_upsert_external_link_twice_keeps_one_row_with_new_values(conn):
    artist = upsert_musicbrainz_artist(conn, MusicBrainzArtist(musicbrainz_id=MBID, name="Rick"))
    url = "https://www.instagram.com/officialrickastley/"
    first = upsert_artist_external_link(
        conn, ArtistExternalLink(artist_id=artist, kind="other", url=url)
    )
    second = upsert_artist_external_link(
        conn, ArtistExternalLink(artist_id=artist, kind="instagram", url=url, ended=True)
    )
    upsert_artist_external_link(
        conn, ArtistExternalLink(artist_id=artist, kind="website", url="https://rickastley.co.uk")
    )

    assert first == second
    assert count_rows(conn, artist_external_links) == 2
    links = {link.url: link for link in list_artist_external_links(conn, artist)}
    assert (links[url].kind, links[url].ended) == ("instagram", True)


def test_unknown_link_kind_is_refused(conn):
    artist = upsert_musicbrainz_artist(conn, MusicBrainzArtist(musicbrainz_id=MBID, name="Rick"))
    with pytest.raises(ValueError, match="myspace"):
        upsert_artist_external_link(
            conn, ArtistExternalLink(artist_id=artist, kind="myspace", url="https://myspace.com/x")
        )
