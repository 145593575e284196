"""Our parsing of real recorded MusicBrainz responses (track_assets_tests/fixtures/reference/musicbrainz/xml), as
musicbrainzngs 0.7.1 hands them over; the expected values are read from the XML directly."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from musicbrainzngs import mbxml

from track_assets.enrichment.songwriter_links import LinkPlatform, classify_link
from track_assets.services.musicbrainz import MalformedResponse
from track_assets.services.musicbrainz.parsing import (
    parse_artist_lookup,
    parse_artist_search,
    parse_work_search,
)
from track_assets_tests.support.reference import reference_text

MMD = "{http://musicbrainz.org/ns/mmd-2.0#}"


def _parsed(relative: str) -> tuple[dict, ElementTree.Element]:
    text = reference_text(f"musicbrainz/xml/{relative}")
    return mbxml.parse_message(text.encode("utf-8")), ElementTree.fromstring(text.encode())


def test_kasabian_url_links_keep_type_and_ended_and_classify_by_host():
    parsed, root = _parsed("lookup-artist_url-rels_kasabian_2024.xml")
    artist = parse_artist_lookup(parsed, "lookup")

    relations = root.findall(f".//{MMD}relation-list[@target-type='url']/{MMD}relation")
    assert [(u.url, u.type, u.ended) for u in artist.urls] == [
        (
            r.find(f"{MMD}target").text,
            r.get("type"),
            (r.find(f"{MMD}ended") is not None and r.find(f"{MMD}ended").text == "true"),
        )
        for r in relations
    ]
    assert len(artist.urls) == 33 and sum(u.ended for u in artist.urls) == 4
    platforms = {classify_link(u.url, u.type) for u in artist.urls if u.type == "social network"}
    assert {LinkPlatform.TWITTER, LinkPlatform.FACEBOOK, LinkPlatform.INSTAGRAM} <= platforms
    homepage = next(u for u in artist.urls if u.type == "official homepage")
    assert classify_link(homepage.url, homepage.type) is LinkPlatform.WEBSITE


def test_search_scores_are_numbers_and_namesakes_keep_their_aliases():
    parsed, root = _parsed("search-artist_dynamo_musicbrainzngs.xml")
    hits, total = parse_artist_search(parsed, "search")

    nodes = root.findall(f"{MMD}artist-list/{MMD}artist")
    assert total == int(root.find(f"{MMD}artist-list").get("count")) == 349
    assert [(h.mbid, h.name, h.score) for h in hits] == [
        (
            n.get("id"),
            n.find(f"{MMD}name").text,
            int(n.get("{http://musicbrainz.org/ns/ext#-2.0}score")),
        )
        for n in nodes
    ]
    assert [h.score for h in hits if h.name == "Dynamo"] == [44, 44, 44, 35]
    with_aliases = [h for h in hits if h.aliases]
    assert with_aliases and all(a.name for h in with_aliases for a in h.aliases)


def test_work_search_gives_writer_relations():
    parsed, _ = _parsed("search-work_my-best-friend_musicbrainzngs.xml")
    works, total = parse_work_search(parsed, "search")

    assert total == 174
    first = works[0]
    assert (first.title, [(r.type, r.artist.name) for r in first.writers]) == (
        "My Best Friend",
        [("composer", "Marusha"), ("lyricist", "Marusha")],
    )


def test_an_artist_without_id_is_a_malformed_response():
    with pytest.raises(MalformedResponse, match="'id'"):
        parse_artist_lookup({"artist": {"name": "Nobody"}}, "GET /ws/2/artist/{mbid}")
