"""Identifiers in recorded MusicBrainz responses (recordings/, see SOURCES.md) as musicbrainzngs
0.7.1 hands them over: artists' IPIs and ISNIs, works' ISWCs in either form, search totals, and
how a recording is related to its works. Expected values are read from the XML directly."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from musicbrainzngs import mbxml

from track_assets.services.musicbrainz import MalformedResponse
from track_assets.services.musicbrainz.client import work_title_query
from track_assets.services.musicbrainz.parsing import (
    parse_artist_lookup,
    parse_artist_search,
    parse_recording,
    parse_work,
    parse_work_count,
    parse_work_search,
)
from track_assets_tests.services.musicbrainz.recorded import recorded_bytes

MMD = "{http://musicbrainz.org/ns/mmd-2.0#}"


def _recorded(name: str) -> tuple[dict, ElementTree.Element]:
    body = recorded_bytes(name)
    return mbxml.parse_message(body), ElementTree.fromstring(body)


def _texts(node: ElementTree.Element, path: str) -> list[str]:
    return [child.text for child in node.findall(path)]


def test_artist_lookup_reads_the_single_ipi_and_the_ipi_and_isni_lists():
    parsed, root = _recorded("lookup-artist_aliases-tags-ratings_rick-astley_api-examples.xml")
    node = root.find(MMD + "artist")
    single = node.find(MMD + "ipi").text
    listed = _texts(node, f"{MMD}ipi-list/{MMD}ipi")
    assert single == listed[0]  # the lookup writes the first IPI twice

    artist = parse_artist_lookup(parsed, "lookup")

    assert artist.ipis == ("00159849414",) == tuple(dict.fromkeys([single, *listed]))
    assert artist.isnis == tuple(_texts(node, f"{MMD}isni-list/{MMD}isni"))
    assert [(a.name, a.type, a.sort_name) for a in artist.aliases] == [
        ("Richard Paul Astley", "Legal name", "Astley, Richard Paul")
    ]


def test_isnis_of_a_lookup_and_of_a_search_hit():
    lookup, root = _recorded("lookup-artist_url-rels_kasabian_2024.xml")
    expected = tuple(_texts(root, f"{MMD}artist/{MMD}isni-list/{MMD}isni"))
    assert parse_artist_lookup(lookup, "lookup").isnis == expected == ("0000000106652390",)
    assert parse_artist_lookup(lookup, "lookup").ipis == ()

    search, root = _recorded("search-artist_kasabian_2024.xml")
    hits, _ = parse_artist_search(search, "search")
    nodes = root.findall(f"{MMD}artist-list/{MMD}artist")
    assert [h.isnis for h in hits] == [tuple(_texts(n, f"{MMD}isni-list/{MMD}isni")) for n in nodes]
    assert hits[0].isnis == ("0000000106652390",)


def test_several_ipis_keep_their_order_once_each():
    # musicbrainzngs' shape for a lookup of a writer with two IPIs (the single <ipi> is the
    # first of the list), and for a search hit (the list only).
    lookup = {"id": "650e7db6-b795-4eb5-a702-5ea2fc46c848", "name": "Lady Gaga"}
    lookup |= {"ipi": "00519338442", "ipi-list": ["00519338442", "00519338540"]}
    hit = {key: value for key, value in lookup.items() if key != "ipi"}
    for node in (lookup, hit):
        assert parse_artist_lookup({"artist": node}, "lookup").ipis == (
            "00519338442",
            "00519338540",
        )


def test_a_work_with_a_single_iswc_and_no_list_keeps_it():
    parsed, root = _recorded("search-work_my-best-friend_musicbrainzngs.xml")
    works, total = parse_work_search(parsed, "search")

    nodes = root.findall(f"{MMD}work-list/{MMD}work")
    assert all(n.find(MMD + "iswc-list") is None for n in nodes)
    assert [w.iswcs for w in works] == [tuple(_texts(n, MMD + "iswc")) for n in nodes]
    assert ("T-702.448.462-8",) in [w.iswcs for w in works]
    assert total == parse_work_count(parsed, "search") == 174


def test_a_work_lookup_with_iswc_and_iswc_list_gives_each_iswc_once():
    parsed, root = _recorded("lookup-work_artist-rels_hello-mata-aou-ne_api-examples.xml")
    node = root.find(MMD + "work")

    work = parse_work(parsed["work"], "lookup")

    assert work.iswcs == tuple(_texts(node, f"{MMD}iswc-list/{MMD}iswc")) == ("T-101.690.320-9",)
    assert node.find(MMD + "iswc").text == work.iswcs[0]
    assert [(w.type, w.artist.name) for w in work.writers] == [
        ("composer", "つんく♂"),
        ("lyricist", "つんく♂"),
    ]
    # Not reached through a recording: no relationship to describe.
    assert (work.relation_type, work.relation_attributes, work.cover) == (None, (), False)


def _relation(work_mbid: str, title: str, kind: str | None, attributes: list[str]) -> dict:
    relation: dict = {"target": work_mbid, "direction": "forward"}
    if kind is not None:
        relation["type"] = kind
    if attributes:
        relation["attribute-list"] = attributes
        relation["attributes"] = [{"attribute": name} for name in attributes]
    relation["work"] = {"id": work_mbid, "title": title}
    return relation


def test_recording_works_are_its_performances_with_covers_flagged():
    # musicbrainzngs' shape for `<relation-list target-type="work">` (attribute-list as texts).
    recording = {
        "id": "5b1a8a4a-5d8e-4c39-9a3a-2a4f1c8e7d10",
        "title": "Stay",
        "work-relation-list": [
            _relation("11111111-1111-4111-8111-111111111111", "Stay", "performance", ["cover"]),
            _relation("22222222-2222-4222-8222-222222222222", "Intro", "performance", []),
            _relation("33333333-3333-4333-8333-333333333333", "Sampled", "not a performance", []),
        ],
    }

    parsed = parse_recording(recording, "lookup")

    assert [(w.title, w.relation_type, w.cover) for w in parsed.works] == [
        ("Stay", "performance", True),
        ("Intro", "performance", False),
    ]
    assert parsed.works[0].relation_attributes == ("cover",)
    assert [w.relation_type for w in parsed.work_relations] == [
        "performance",
        "performance",
        "not a performance",
    ]


def test_a_work_search_without_a_count_is_malformed():
    with pytest.raises(MalformedResponse, match="work-list count"):
        parse_work_count({"work-list": []}, "GET /ws/2/work?query")


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Stay", 'work:"Stay"'),
        ("  Intro ", 'work:"Intro"'),
        ("AC/DC (Live)", r'work:"AC\/DC \(Live\)"'),
        ('Say "Hi"', r'work:"Say \"Hi\""'),
    ],
)
def test_work_title_query_is_one_escaped_phrase(title, query):
    assert work_title_query(title) == query


def test_a_blank_title_is_refused_before_any_request():
    with pytest.raises(ValueError, match="title"):
        work_title_query("  ")
