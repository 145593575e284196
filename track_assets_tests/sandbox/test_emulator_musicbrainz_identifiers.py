"""The emulator draws identifiers and work relationships as the real servers do: IPIs and ISNIs
of artist lookups and search hits, ISWCs of work lookups, the recording -> work relationship with
its type and a cover attribute, and the work-title search with its total, in XML and JSON.

Element order is compared with recorded responses (track_assets_tests/services/musicbrainz/
recordings, see SOURCES.md): the elements both sides have must come in the recorded order.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import httpx
import pytest
from musicbrainzngs import mbxml

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.musicbrainz import musicbrainz_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.musicbrainz_fixtures import (
    MMD,
    USER_AGENT,
    catalog_with,
    compact_iswc,
    musicbrainzngs_against,
    xml_artist_record,
)
from track_assets_tests.services.musicbrainz.recorded import recorded_bytes

COVER_ATTRIBUTE_ID = "1e8536bd-6eda-3822-8e78-1c0f4d3d2113"
RELAXED = SandboxOptions(seed=5, limits={"musicbrainz": {"per_client": {"mode": "off"}}})

WRITER = "0a000000-0000-4000-8000-000000000001"
STAY = "0b000000-0000-4000-8000-000000000001"
STAY_WITH_ME = "0b000000-0000-4000-8000-000000000002"
INTRO = "0b000000-0000-4000-8000-000000000003"
ORIGINAL = "0c000000-0000-4000-8000-000000000001"
COVER = "0c000000-0000-4000-8000-000000000002"

WRITERS = [
    {
        "mbid": WRITER,
        "name": "Ada Stone",
        "type": "Person",
        "disambiguation": "Lagos songwriter",
        "country": "GB",
        "ipis": ["00519338442", "00519338540"],
        "isnis": ["0000000120254559"],
    }
]
WORKS = [
    {
        "mbid": STAY,
        "title": "Stay",
        "iswcs": ["T1234567890"],
        "writers": [{"artist_mbid": WRITER, "type": "composer"}],
    },
    {"mbid": STAY_WITH_ME, "title": "Stay With Me", "writers": []},
    {"mbid": INTRO, "title": "Intro", "writers": []},
]
RECORDINGS = [
    {"mbid": ORIGINAL, "title": "Stay", "isrcs": ["GBAAA2500001"], "work_mbids": [STAY]},
    {
        "mbid": COVER,
        "title": "Stay (Acoustic)",
        "isrcs": ["GBAAA2500002"],
        "work_mbids": [STAY, INTRO],
        "cover_work_mbids": [STAY],
    },
]


@pytest.fixture
def serve() -> Iterator:
    servers: list[SandboxServer] = []

    def start(catalog: Catalog) -> SandboxServer:
        server = SandboxServer([musicbrainz_emulator()], catalog=catalog, options=RELAXED)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _get(server: SandboxServer, path: str, **params: str) -> httpx.Response:
    return httpx.get(
        server.base_url("musicbrainz") + path, params=params, headers={"User-Agent": USER_AGENT}
    )


def _children(node: ElementTree.Element) -> list[str]:
    return [child.tag.removeprefix(MMD) for child in node]


def _in_recorded_order(ours: list[str], recorded: list[str]) -> list[str]:
    """Our children that the recording also has, in the recording's order."""
    return [tag for tag in recorded if tag in ours]


def _only(body: bytes, path: str) -> ElementTree.Element:
    found = ElementTree.fromstring(body).findall(path)
    assert len(found) == 1, path
    return found[0]


@pytest.fixture
def writers(serve) -> SandboxServer:
    return serve(catalog_with(WRITERS, RECORDINGS, WORKS))


# --- artists ---------------------------------------------------------------------------------


def test_artist_lookup_writes_the_first_ipi_then_the_lists_where_the_server_does(serve):
    recorded_body = recorded_bytes(
        "lookup-artist_aliases-tags-ratings_rick-astley_api-examples.xml"
    )
    recorded = _only(recorded_body, MMD + "artist")
    record, _ = xml_artist_record(recorded)
    server = serve(catalog_with([record]))

    served = _get(server, f"/ws/2/artist/{record['mbid']}", inc="aliases")
    ours = _only(served.content, MMD + "artist")

    assert _children(ours) == _in_recorded_order(_children(ours), _children(recorded))
    assert {"ipi", "ipi-list", "isni-list"} <= set(_children(ours))
    # What the catalog does not model: the begin area, tags, genres, rating.
    assert set(_children(recorded)) - set(_children(ours)) == {
        "begin-area",
        "tag-list",
        "genre-list",
        "rating",
    }
    for path in ("ipi", f"ipi-list/{MMD}ipi", f"isni-list/{MMD}isni"):
        assert [n.text for n in ours.findall(MMD + path)] == [
            n.text for n in recorded.findall(MMD + path)
        ]
    keys = ("ipi", "ipi-list", "isni-list")
    theirs = mbxml.parse_message(recorded_body)["artist"]
    assert {k: mbxml.parse_message(served.content)["artist"][k] for k in keys} == {
        k: theirs[k] for k in keys
    }


def test_kasabian_lookup_and_search_hit_place_the_isni_list_as_recorded(serve):
    lookup = _only(recorded_bytes("lookup-artist_url-rels_kasabian_2024.xml"), MMD + "artist")
    search = recorded_bytes("search-artist_kasabian_2024.xml")
    hits = ElementTree.fromstring(search).findall(f"{MMD}artist-list/{MMD}artist")
    server = serve(catalog_with([xml_artist_record(a)[0] for a in hits]))

    ours = _only(_get(server, f"/ws/2/artist/{lookup.get('id')}").content, MMD + "artist")
    assert _children(ours) == _in_recorded_order(_children(ours), _children(lookup))
    assert _children(ours)[:3] == ["name", "sort-name", "isni-list"]

    served = _get(server, "/ws/2/artist/", query='artist:"Kasabian"').content
    our_hit = ElementTree.fromstring(served).find(f"{MMD}artist-list/{MMD}artist")
    assert _children(our_hit) == _in_recorded_order(_children(our_hit), _children(hits[0]))
    assert "isni-list" in _children(our_hit)


def test_a_search_hit_lists_its_ipis_without_the_single_ipi(writers):
    # The search server fills only the list (its 2026 output goes from <begin-area> straight
    # to <ipi-list>); the single <ipi> is the lookup serializer's.
    served = _get(writers, "/ws/2/artist/", query="artist:(ada stone)").content
    hit = _only(served, f"{MMD}artist-list/{MMD}artist")
    tags = _children(hit)
    assert "ipi" not in tags
    assert tags.index("area") < tags.index("disambiguation") < tags.index("ipi-list")
    assert tags.index("ipi-list") < tags.index("isni-list") < tags.index("life-span")
    assert [n.text for n in hit.findall(f"{MMD}ipi-list/{MMD}ipi")] == WRITERS[0]["ipis"]

    lookup = _only(_get(writers, f"/ws/2/artist/{WRITER}").content, MMD + "artist")
    assert _children(lookup)[:6] == [
        "name",
        "sort-name",
        "disambiguation",
        "ipi",
        "ipi-list",
        "isni-list",
    ]
    assert lookup.find(MMD + "ipi").text == WRITERS[0]["ipis"][0]


def test_json_artist_lookup_and_search_hit_list_ipis_and_isnis(writers):
    lookup = _get(writers, f"/ws/2/artist/{WRITER}", fmt="json").json()
    assert (lookup["ipis"], lookup["isnis"]) == (WRITERS[0]["ipis"], WRITERS[0]["isnis"])
    search = _get(writers, "/ws/2/artist/", query="artist:(ada stone)", fmt="json").json()
    hit = search["artists"][0]
    assert (hit["ipis"], hit["isnis"]) == (WRITERS[0]["ipis"], WRITERS[0]["isnis"])


def test_an_unknown_inc_is_still_refused(writers):
    refused = _get(writers, f"/ws/2/artist/{WRITER}", inc="ipis")
    assert refused.status_code == 400
    assert b"ipis is not a valid inc parameter for the artist resource." in refused.content


# --- works -----------------------------------------------------------------------------------


def test_work_lookup_writes_the_first_iswc_then_the_list_as_recorded(serve):
    recorded = _only(
        recorded_bytes("lookup-work_artist-rels_hello-mata-aou-ne_api-examples.xml"), MMD + "work"
    )
    iswcs = [n.text for n in recorded.findall(f"{MMD}iswc-list/{MMD}iswc")]
    artist = recorded.find(f"{MMD}relation-list/{MMD}relation/{MMD}artist")
    work = {
        "mbid": recorded.get("id"),
        "title": recorded.find(MMD + "title").text,
        "iswcs": [compact_iswc(i) for i in iswcs],
        "writers": [
            {"artist_mbid": artist.get("id"), "type": r.get("type")}
            for r in recorded.findall(f"{MMD}relation-list/{MMD}relation")
        ],
    }
    writer = {
        "mbid": artist.get("id"),
        "name": artist.find(MMD + "name").text,
        "sort_name": artist.find(MMD + "sort-name").text,
        "type": "Person",
    }
    server = serve(catalog_with([writer], works=[work]))

    served = _get(server, f"/ws/2/work/{work['mbid']}", inc="artist-rels").content
    ours = _only(served, MMD + "work")

    assert _children(ours) == _in_recorded_order(_children(ours), _children(recorded))
    assert ours.find(MMD + "iswc").text == recorded.find(MMD + "iswc").text == iswcs[0]
    assert [n.text for n in ours.findall(f"{MMD}iswc-list/{MMD}iswc")] == iswcs


def test_work_search_hits_list_iswcs_only(writers):
    served = _get(writers, "/ws/2/work/", query='work:"Stay"').content
    works = ElementTree.fromstring(served).findall(f"{MMD}work-list/{MMD}work")
    stay = next(w for w in works if w.get("id") == STAY)
    assert stay.find(MMD + "iswc") is None
    assert [n.text for n in stay.findall(f"{MMD}iswc-list/{MMD}iswc")] == ["T-123.456.789-0"]


def test_work_title_search_answers_its_total_in_xml_and_json(writers):
    # The client's form (work:"..." with limit 1) and musicbrainzngs' own strict form.
    xml = _get(writers, "/ws/2/work/", query='work:"Stay"', limit="1")
    assert xml.status_code == 200
    listing = _only(xml.content, MMD + "work-list")
    assert (listing.get("count"), len(listing)) == ("2", 1)  # "Stay", "Stay With Me"

    body = _get(writers, "/ws/2/work/", query='work:"Stay"', limit="1", fmt="json").json()
    assert (body["count"], body["offset"], len(body["works"])) == (2, 0, 1)
    assert body["works"][0]["id"] == STAY  # the exact title scores best

    with musicbrainzngs_against(writers.base_url("musicbrainz")) as mb:
        assert mb.search_works(work="Stay", strict=True, limit=1)["work-count"] == 2
        assert mb.search_works(work="Stay With Me", strict=True, limit=1)["work-count"] == 1
        assert mb.search_works(work="Outro", strict=True, limit=1)["work-count"] == 0


@pytest.mark.parametrize(
    "query", ['work:"Stay', 'title:"Stay"', "work:(Stay", "work:AC/DC"], ids=str
)
def test_a_work_search_the_server_refuses_is_refused(writers, query):
    assert _get(writers, "/ws/2/work/", query=query).status_code == 400


# --- recording -> work relationships -----------------------------------------------------------


def test_a_cover_performance_carries_the_cover_attribute_in_xml(writers):
    served = _get(writers, f"/ws/2/recording/{COVER}", inc="work-rels").content
    relations = ElementTree.fromstring(served).findall(
        f"{MMD}recording/{MMD}relation-list[@target-type='work']/{MMD}relation"
    )
    cover, plain = relations
    assert (cover.get("type"), cover.get("type-id")) == (
        "performance",
        "a3005666-a872-32c3-ad06-98af558e99b0",
    )
    # musicbrainz-server's order: target, direction, attribute-list, then the work.
    assert _children(cover) == ["target", "direction", "attribute-list", "work"]
    attribute = _only(ElementTree.tostring(cover), f"{MMD}attribute-list/{MMD}attribute")
    assert (attribute.text, attribute.attrib) == ("cover", {"type-id": COVER_ATTRIBUTE_ID})
    assert _children(plain) == ["target", "direction", "work"]

    with musicbrainzngs_against(writers.base_url("musicbrainz")) as mb:
        parsed = mb.get_recording_by_id(COVER, includes=["work-rels"])["recording"]
    assert [r.get("attribute-list") for r in parsed["work-relation-list"]] == [["cover"], None]
    assert [r["type"] for r in parsed["work-relation-list"]] == ["performance", "performance"]


def test_a_cover_performance_carries_the_cover_attribute_in_json(writers):
    body = _get(writers, f"/ws/2/recording/{COVER}", inc="work-rels", fmt="json").json()
    cover, plain = body["relations"]
    assert (cover["attributes"], cover["attribute-ids"], cover["attribute-values"]) == (
        ["cover"],
        {"cover": COVER_ATTRIBUTE_ID},
        {},
    )
    assert (plain["attributes"], plain["attribute-ids"]) == ([], {})
    assert [r["work"]["id"] for r in body["relations"]] == [STAY, INTRO]

    original = _get(writers, f"/ws/2/recording/{ORIGINAL}", inc="work-rels", fmt="json").json()
    assert [r["attributes"] for r in original["relations"]] == [[]]


def test_work_level_writers_come_with_the_cover_through_the_isrc(writers):
    with musicbrainzngs_against(writers.base_url("musicbrainz")) as mb:
        by_isrc = mb.get_recordings_by_isrc("GBAAA2500002")["isrc"]["recording-list"]
        assert [r["id"] for r in by_isrc] == [COVER]
        found = mb.get_recording_by_id(
            COVER, includes=["work-rels", "work-level-rels", "artist-rels"]
        )["recording"]
    stay = found["work-relation-list"][0]
    assert stay["attribute-list"] == ["cover"]
    assert stay["work"]["iswc"] == "T-123.456.789-0"
    assert stay["work"]["iswc-list"] == ["T-123.456.789-0"]
    assert [(r["type"], r["artist"]["id"]) for r in stay["work"]["artist-relation-list"]] == [
        ("composer", WRITER)
    ]
