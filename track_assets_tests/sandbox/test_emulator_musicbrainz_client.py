"""musicbrainzngs 0.7.1, unchanged (user agent, host, no client-side pacing), against the
emulator over real HTTP: every call the songwriter phase makes, its 503 retry, and namesakes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from musicbrainzngs import mbxml

from track_assets.sandbox.catalog.generate import generate
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.musicbrainz import musicbrainz_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.musicbrainz_fixtures import catalog_with, musicbrainzngs_against

# Client-side pacing is off in these tests, so the server's 1/s limit is off too.
RELAXED = SandboxOptions(seed=5, limits={"musicbrainz": {"per_client": {"mode": "off"}}})


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate(seed=11, playlists=3, tracks=30)


@pytest.fixture
def sandbox(catalog) -> Iterator[SandboxServer]:
    with SandboxServer([musicbrainz_emulator()], catalog=catalog, options=RELAXED) as server:
        yield server


@pytest.fixture
def mb(sandbox):
    with musicbrainzngs_against(sandbox.base_url("musicbrainz")) as client:
        yield client


def _writer_with_links(catalog: Catalog):
    return next(
        a
        for a in catalog.mb_artists
        if a.aliases and any(u.ended for u in a.urls) and len(catalog.mb_artists_named(a.name)) == 1
    )


def test_search_artists_finds_the_artist_with_string_scores(mb, catalog):
    artist = _writer_with_links(catalog)
    found = mb.search_artists(artist=artist.name)
    assert found["artist-list"][0]["id"] == artist.mbid
    assert found["artist-list"][0]["ext:score"] == "100"
    assert all(isinstance(hit["ext:score"], str) for hit in found["artist-list"])
    assert found["artist-count"] == len(found["artist-list"])


def test_search_by_alias_finds_the_artist_behind_a_legal_name(mb, catalog):
    artist = next(a for a in catalog.mb_artists if any(x.type == "Legal name" for x in a.aliases))
    legal = next(x for x in artist.aliases if x.type == "Legal name")
    by_alias = mb.search_artists(alias=legal.name, strict=True)
    assert artist.mbid in [hit["id"] for hit in by_alias["artist-list"]]
    by_name_only = mb.search_artists(artist=legal.name, strict=True)
    assert artist.mbid not in [hit["id"] for hit in by_name_only["artist-list"]]


def test_artist_lookup_gives_url_relations_with_ended_flags_and_aliases(mb, catalog):
    artist = _writer_with_links(catalog)
    found = mb.get_artist_by_id(artist.mbid, includes=["url-rels", "aliases"])["artist"]
    relations = {r["target"]: r for r in found["url-relation-list"]}
    assert set(relations) == {u.resource for u in artist.urls}
    for url in artist.urls:
        relation = relations[url.resource]
        assert relation["type"] == url.type
        assert relation["type-id"] == url.type_id
        assert relation["direction"] == "forward"
        assert relation.get("ended") == ("true" if url.ended else None)
        assert relation.get("end") == url.end
    assert [a["alias"] for a in found["alias-list"]] == [a.name for a in artist.aliases]
    assert found["alias-count"] == len(artist.aliases)


def test_url_reverse_lookup_names_the_linked_artist(mb, catalog):
    artist = _writer_with_links(catalog)
    url = next(u for u in artist.urls if not u.ended)
    found = mb.browse_urls(resource=url.resource, includes=["artist-rels"])["url"]
    assert found["resource"] == url.resource
    assert [r["artist"]["id"] for r in found["artist-relation-list"]] == [
        a.mbid for a in catalog.mb_artists_by_url[url.resource]
    ]
    assert found["artist-relation-list"][0]["direction"] == "backward"


def test_isrc_to_recording_to_work_writers(mb, catalog):
    recording = next(r for r in catalog.mb_recordings if r.work_mbids)
    by_isrc = mb.get_recordings_by_isrc(recording.isrcs[0])["isrc"]
    assert recording.mbid in [r["id"] for r in by_isrc["recording-list"]]

    found = mb.get_recording_by_id(
        recording.mbid, includes=["work-rels", "work-level-rels", "artist-rels"]
    )["recording"]
    writers = {
        (rel["type"], rel["artist"]["id"])
        for work_rel in found["work-relation-list"]
        for rel in work_rel["work"]["artist-relation-list"]
    }
    expected = {
        (w.type, w.artist_mbid)
        for mbid in recording.work_mbids
        for w in catalog.mb_works_by_mbid[mbid].writers
    }
    assert writers == expected

    # Without work-level-rels the works come back bare, as the API documents.
    bare = mb.get_recording_by_id(recording.mbid, includes=["work-rels"])["recording"]
    assert all("artist-relation-list" not in r["work"] for r in bare["work-relation-list"])


def test_search_works_finds_the_work_and_its_writers(mb, catalog):
    work = catalog.mb_works[0]
    writer = catalog.mb_artists_by_mbid[work.writers[0].artist_mbid]
    found = mb.search_works(work=work.title, arid=writer.mbid, strict=True)["work-list"]
    assert found[0]["id"] == work.mbid
    assert found[0]["ext:score"] == "100"
    assert writer.mbid in {r["artist"]["id"] for r in found[0]["artist-relation-list"]}


def test_unknown_entities_are_404_with_musicbrainz_error_text(mb):
    with pytest.raises(mb.ResponseError) as raised:
        mb.get_artist_by_id("12345678-1234-1234-1234-123456789abc")
    assert raised.value.cause.code == 404
    assert mbxml.get_error_message(raised.value.cause.read()) == [
        "Not Found",
        "For usage, please see: https://musicbrainz.org/development/mmd",
    ]
    with pytest.raises(mb.ResponseError) as bad:
        mb.get_artist_by_id("not-an-mbid")
    assert bad.value.cause.code == 400


def test_musicbrainzngs_retries_a_503_and_then_succeeds(mb, sandbox, catalog):
    artist = catalog.mb_artists[0]
    sandbox.faults("musicbrainz").fail_next(1, status=503)
    started = time.monotonic()
    found = mb.get_artist_by_id(artist.mbid)
    assert found["artist"]["id"] == artist.mbid
    assert time.monotonic() - started >= 2.0  # its linear backoff: 2 s before the 2nd try
    counts = sandbox.counters.snapshot("musicbrainz")
    assert counts.count("/ws/2/artist/{ident}", 503) == 1
    assert counts.count("/ws/2/artist/{ident}", 200) == 1


NAMESAKES = [
    {"mbid": "00000000-0000-4000-8000-000000000001", "name": "Ada Stone", "type": "Person",
     "disambiguation": "Lagos songwriter"},
    {"mbid": "00000000-0000-4000-8000-000000000002", "name": "Ada Stone", "type": "Group",
     "disambiguation": "Swedish band"},
    {"mbid": "00000000-0000-4000-8000-000000000003", "name": "Ada Stone Collective"},
    {"mbid": "00000000-0000-4000-8000-000000000004", "name": "Stoney A", "type": "Person",
     "aliases": [{"name": "Ada Stone", "sort_name": "Stone, Ada", "type": "Legal name"}]},
    {"mbid": "00000000-0000-4000-8000-000000000005", "name": "Beyoncé Tribute"},
]  # fmt: skip


@pytest.fixture
def namesake_mb() -> Iterator:
    with (
        SandboxServer(
            [musicbrainz_emulator()], catalog=catalog_with(NAMESAKES), options=RELAXED
        ) as server,
        musicbrainzngs_against(server.base_url("musicbrainz")) as client,
    ):
        yield client


def test_namesakes_both_come_back_tied_at_the_top(namesake_mb):
    hits = namesake_mb.search_artists(artist="Ada Stone")["artist-list"]
    scores = {hit["id"]: int(hit["ext:score"]) for hit in hits}
    first, second = NAMESAKES[0]["mbid"], NAMESAKES[1]["mbid"]
    assert scores[first] == scores[second] == 100
    assert 0 < scores[NAMESAKES[2]["mbid"]] < 100
    assert NAMESAKES[3]["mbid"] not in scores  # artist: searches names, not aliases
    assert {hit["disambiguation"] for hit in hits if hit["name"] == "Ada Stone"} == {
        "Lagos songwriter",
        "Swedish band",
    }


def test_name_or_alias_query_and_unfielded_query_reach_the_alias(namesake_mb):
    hits = namesake_mb.search_artists(query='artist:"Ada Stone" OR alias:"Ada Stone"')
    scores = {hit["id"]: int(hit["ext:score"]) for hit in hits["artist-list"]}
    assert NAMESAKES[3]["mbid"] in scores
    # The phrase is inside the longer name too, which scores lower than the exact names.
    assert scores[NAMESAKES[2]["mbid"]] < scores[NAMESAKES[0]["mbid"]]
    assert NAMESAKES[4]["mbid"] not in scores
    unfielded = namesake_mb.search_artists(query="stone")["artist-list"]
    assert {hit["id"] for hit in unfielded} == {a["mbid"] for a in NAMESAKES[:4]}
    # Accents fold: "beyonce" finds "Beyoncé".
    folded = namesake_mb.search_artists(artist="beyonce")["artist-list"]
    assert [hit["id"] for hit in folded] == [NAMESAKES[4]["mbid"]]
