"""MusicBrainzClient against the real emulator over HTTP: each method returns what the catalog
holds, in our records."""

from __future__ import annotations

import pytest

from track_assets.sandbox.catalog.model import Catalog, MbArtist
from track_assets.sandbox.catalog.names import normalise_name
from track_assets.services.musicbrainz import MusicBrainzClient, MusicBrainzNotFound
from track_assets.services.musicbrainz.client import ARTIST, ISRC, RECORDING


def _artist_with_alias_and_ended_link(catalog: Catalog) -> MbArtist:
    return next(
        a
        for a in catalog.mb_artists
        if a.aliases and any(u.ended for u in a.urls) and len(catalog.mb_artists_named(a.name)) == 1
    )


def test_recordings_by_isrc_then_recording_give_the_works_writers(client, catalog):
    recording = next(r for r in catalog.mb_recordings if r.work_mbids)

    isrc = recording.isrcs[0]
    found = client.recordings_by_isrc(f"{isrc[:2].lower()}-{isrc[2:5]}-{isrc[5:]}")
    assert [r.mbid for r in found] == [r.mbid for r in catalog.mb_recordings_by_isrc[isrc]]

    full = client.recording(recording.mbid)
    assert full.title == recording.title
    assert [w.mbid for w in full.works] == list(recording.work_mbids)
    writers = {(rel.type, rel.artist.mbid) for work in full.works for rel in work.writers}
    assert writers == {
        (w.type, w.artist_mbid)
        for mbid in recording.work_mbids
        for w in catalog.mb_works_by_mbid[mbid].writers
    }
    assert all(rel.is_writer for work in full.works for rel in work.writers)
    names = {rel.artist.mbid: rel.artist.name for work in full.works for rel in work.writers}
    assert names == {m: catalog.mb_artists_by_mbid[m].name for m in names}


def test_unknown_isrc_is_no_recording_and_an_impossible_one_costs_no_request(client):
    assert client.recordings_by_isrc("ZZZZZ0000001") == []
    assert client.recordings_by_isrc("not an isrc") == []
    by_endpoint = client.counters.snapshot()["musicbrainz"]["by_endpoint"]
    assert by_endpoint == {ISRC: {"total": 1, "by_status": {"404": 1}}}


def test_artist_has_its_aliases_and_url_links_with_ended_flags(client, catalog):
    expected = _artist_with_alias_and_ended_link(catalog)

    artist = client.artist(expected.mbid)

    assert (artist.mbid, artist.name, artist.sort_name, artist.type, artist.country) == (
        expected.mbid,
        expected.name,
        expected.sort_name,
        expected.type,
        expected.country,
    )
    assert artist.names == (expected.name, *(a.name for a in expected.aliases))
    assert [(a.type, a.primary) for a in artist.aliases] == [
        (a.type, a.primary) for a in expected.aliases
    ]
    links = {link.url: link for link in artist.urls}
    assert set(links) == {u.resource for u in expected.urls}
    for url in expected.urls:
        assert (links[url.resource].type, links[url.resource].ended) == (url.type, url.ended)
        assert links[url.resource].type_id == url.type_id
    assert any(link.ended for link in artist.urls)


def test_unknown_artist_and_recording_raise_not_found(client):
    with pytest.raises(MusicBrainzNotFound) as artist:
        client.artist("12345678-1234-1234-1234-123456789abc")
    assert artist.value.endpoint == ARTIST
    with pytest.raises(MusicBrainzNotFound) as recording:
        client.recording("12345678-1234-1234-1234-123456789abc")
    assert recording.value.endpoint == RECORDING


def test_spotify_url_reverse_lookup_names_the_linked_artists(client, catalog):
    url, artists = next(
        (u, a) for u, a in catalog.mb_artists_by_url.items() if "open.spotify.com/artist/" in u
    )
    artist_id = url.rsplit("/", 1)[1]

    for reference in (url, f"{url}?si=abc123", f"spotify:artist:{artist_id}", artist_id):
        links = client.artists_by_spotify_url(reference)
        assert sorted(link.artist.mbid for link in links) == sorted(a.mbid for a in artists)
    expected_ended = {a.mbid: any(u.ended for u in a.urls if u.resource == url) for a in artists}
    assert {link.artist.mbid: link.ended for link in links} == expected_ended
    assert client.artists_by_spotify_url("spotify:artist:0000000000000000000000") == []


def test_search_finds_every_namesake_and_artists_behind_an_alias(client, catalog):
    name, namesakes = next((n, a) for n, a in catalog.mb_artists_by_name.items() if len(a) > 1)
    hits = client.search_artists(namesakes[0].name.upper())
    found = {h.mbid for h in hits if name in {normalise_name(x) for x in h.names}}
    assert found == {a.mbid for a in namesakes}
    assert all(hit.score is not None and 1 <= hit.score <= 100 for hit in hits)

    artist = next(a for a in catalog.mb_artists if any(x.type == "Legal name" for x in a.aliases))
    legal = next(x.name for x in artist.aliases if x.type == "Legal name")
    behind_alias = next(h for h in client.search_artists(legal) if h.mbid == artist.mbid)
    assert legal in behind_alias.names


def test_works_by_writers_lists_each_writers_works(client: MusicBrainzClient, catalog):
    writers = [m for m, works in catalog.mb_works_by_writer.items() if len(works) > 1][:2]

    works = client.works_by_writers(writers)

    assert {w.mbid for w in works} == {
        w.mbid for m in writers for w in catalog.mb_works_by_writer[m]
    }
    titles = {w.mbid: w.title for w in works}
    assert titles == {w: catalog.mb_works_by_mbid[w].title for w in titles}
