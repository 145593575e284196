"""MusicBrainzClient against the real emulator over HTTP: the identifiers the matching logic
weighs (IPIs, ISNIs, ISWCs), cover performances, and how many works share a title."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.server import SandboxServer
from track_assets.services.musicbrainz import MusicBrainzClient
from track_assets.services.musicbrainz.client import WORK_SEARCH
from track_assets_tests.sandbox.musicbrainz_fixtures import catalog_with
from track_assets_tests.services.musicbrainz.conftest import start_sandbox

ADA = "0a000000-0000-4000-8000-000000000001"
KOFI = "0a000000-0000-4000-8000-000000000002"
SKYLINE = "0b000000-0000-4000-8000-000000000001"
STAY = "0b000000-0000-4000-8000-000000000002"
STAY_AGAIN = "0b000000-0000-4000-8000-000000000003"
STAY_WITH_ME = "0b000000-0000-4000-8000-000000000004"
SLASHED = "0b000000-0000-4000-8000-000000000005"
ORIGINAL = "0c000000-0000-4000-8000-000000000001"
COVER = "0c000000-0000-4000-8000-000000000002"
MEDLEY = "0c000000-0000-4000-8000-000000000003"

ARTISTS = [
    {
        "mbid": ADA,
        "name": "Ada Stone",
        "type": "Person",
        "ipis": ["00519338442", "00519338540"],
        "isnis": ["0000000120254559"],
        "aliases": [{"name": "Adaeze Stone", "sort_name": "Stone, Adaeze", "type": "Legal name"}],
    },
    {"mbid": KOFI, "name": "Kofi Mensah", "type": "Person"},
]
WORKS = [
    {
        "mbid": SKYLINE,
        "title": "Golden Skyline",
        "iswcs": ["T1234567890", "T0987654321"],
        "writers": [{"artist_mbid": ADA, "type": "composer"}],
    },
    {"mbid": STAY, "title": "Stay", "writers": [{"artist_mbid": KOFI, "type": "lyricist"}]},
    {"mbid": STAY_AGAIN, "title": "Stay", "writers": [{"artist_mbid": ADA, "type": "writer"}]},
    {"mbid": STAY_WITH_ME, "title": "Stay With Me", "writers": []},
    {"mbid": SLASHED, "title": "AC/DC (Live)", "writers": []},
]
RECORDINGS = [
    {"mbid": ORIGINAL, "title": "Stay", "isrcs": ["GBAAA2500001"], "work_mbids": [STAY]},
    {
        "mbid": COVER,
        "title": "Stay",
        "isrcs": ["GBAAA2500002"],
        "work_mbids": [STAY],
        "cover_work_mbids": [STAY],
    },
    {
        "mbid": MEDLEY,
        "title": "Golden Skyline / Stay",
        "isrcs": ["GBAAA2500003"],
        "work_mbids": [SKYLINE, STAY_AGAIN],
        "cover_work_mbids": [STAY_AGAIN],
    },
]


@pytest.fixture(scope="module")
def identifiers_catalog() -> Catalog:
    return catalog_with(ARTISTS, RECORDINGS, WORKS)


@pytest.fixture(scope="module")
def identifiers_sandbox(identifiers_catalog) -> Iterator[SandboxServer]:
    server = start_sandbox(identifiers_catalog, rate_limits="off")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mb(identifiers_sandbox, client_for) -> MusicBrainzClient:
    return client_for(identifiers_sandbox)


def test_artist_lookup_and_search_hit_carry_every_ipi_and_isni(mb):
    artist = mb.artist(ADA)
    assert artist.ipis == ("00519338442", "00519338540")
    assert artist.isnis == ("0000000120254559",)
    assert [(a.name, a.type, a.sort_name) for a in artist.aliases] == [
        ("Adaeze Stone", "Legal name", "Stone, Adaeze")
    ]

    hit = next(h for h in mb.search_artists("Ada Stone") if h.mbid == ADA)
    assert (hit.ipis, hit.isnis) == (artist.ipis, artist.isnis)
    assert mb.artist(KOFI).ipis == mb.artist(KOFI).isnis == ()


def test_recording_works_carry_their_iswcs_and_flag_a_cover(mb):
    original = mb.recording(ORIGINAL)
    assert [(w.mbid, w.relation_type, w.cover) for w in original.works] == [
        (STAY, "performance", False)
    ]

    cover = mb.recording(COVER)
    assert [(w.mbid, w.cover, w.relation_attributes) for w in cover.works] == [
        (STAY, True, ("cover",))
    ]
    # A cover's work still names the song's writers.
    assert [(r.type, r.artist.mbid) for r in cover.works[0].writers] == [("lyricist", KOFI)]

    medley = mb.recording(MEDLEY)
    assert [(w.mbid, w.cover) for w in medley.works] == [(SKYLINE, False), (STAY_AGAIN, True)]
    assert medley.works[0].iswcs == ("T-123.456.789-0", "T-098.765.432-1")
    assert medley.work_relations == medley.works


def test_isrc_lookup_then_recording_reaches_the_cover(mb):
    found = mb.recordings_by_isrc("GB-AAA-25-00002")
    assert [r.mbid for r in found] == [COVER]
    assert [w.cover for w in mb.recording(found[0].mbid).works] == [True]


def test_count_works_titled_is_one_request_per_title(mb):
    assert mb.count_works_titled("Golden Skyline") == 1
    # Two works are titled exactly "Stay"; the phrase also matches "Stay With Me".
    assert mb.count_works_titled("Stay") == 3
    assert mb.count_works_titled("stay") == 3
    assert mb.count_works_titled("AC/DC (Live)") == 1
    assert mb.count_works_titled("Nothing Like It") == 0

    by_endpoint = mb.counters.snapshot()["musicbrainz"]["by_endpoint"]
    assert by_endpoint == {WORK_SEARCH: {"total": 5, "by_status": {"200": 5}}}
