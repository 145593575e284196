"""A catalog marks the recordings that perform a work as a cover version (`cover_work_mbids`);
catalogs written before the field load unchanged, with no cover anywhere."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from track_assets.sandbox.catalog import (
    CatalogError,
    catalog_schema,
    generate_catalog,
    load_catalog,
)
from track_assets_tests.sandbox.musicbrainz_fixtures import EMPTY_SPOTIFY

SONG = "0b000000-0000-4000-8000-000000000001"
OTHER = "0b000000-0000-4000-8000-000000000002"
MUSICBRAINZ = {
    "artists": [],
    "works": [
        {"mbid": SONG, "title": "Stay", "writers": []},
        {"mbid": OTHER, "title": "Intro", "writers": []},
    ],
    "recordings": [
        {
            "mbid": "0c000000-0000-4000-8000-000000000001",
            "title": "Stay",
            "isrcs": ["GBAAA2500001"],
            "work_mbids": [SONG],
        },
        {
            "mbid": "0c000000-0000-4000-8000-000000000002",
            "title": "Stay / Intro",
            "isrcs": ["GBAAA2500002"],
            "work_mbids": [SONG, OTHER],
            "cover_work_mbids": [SONG],
        },
    ],
}


def _data(musicbrainz: dict = MUSICBRAINZ) -> dict:
    return {**copy.deepcopy(EMPTY_SPOTIFY), "musicbrainz": copy.deepcopy(musicbrainz)}


def test_cover_work_mbids_load_and_default_to_no_cover():
    catalog = load_catalog(_data())
    original, medley = catalog.mb_recordings
    assert (original.work_mbids, original.cover_work_mbids) == ((SONG,), ())
    assert (medley.work_mbids, medley.cover_work_mbids) == ((SONG, OTHER), (SONG,))


def test_the_schema_knows_the_field():
    validator = jsonschema.Draft202012Validator(catalog_schema())
    assert list(validator.iter_errors(_data())) == []
    bad = _data()
    bad["musicbrainz"]["recordings"][1]["cover_work_mbids"] = ["not-an-mbid"]
    assert [list(e.absolute_path) for e in validator.iter_errors(bad)] == [
        ["musicbrainz", "recordings", 1, "cover_work_mbids", 0]
    ]


def test_a_cover_of_a_work_the_recording_does_not_perform_names_its_path():
    data = _data()
    data["musicbrainz"]["recordings"][0]["cover_work_mbids"] = [OTHER]
    with pytest.raises(CatalogError) as caught:
        load_catalog(data)
    assert caught.value.path == "$.musicbrainz.recordings[0].cover_work_mbids[0]"
    assert f"{OTHER!r} is not in this recording's work_mbids" in caught.value.message


def test_generated_catalogs_have_no_covers_and_no_field():
    data = generate_catalog(seed=3, playlists=3, tracks=30)
    assert all("cover_work_mbids" not in r for r in data["musicbrainz"]["recordings"])
    catalog = load_catalog(data)
    assert catalog.mb_recordings and all(r.cover_work_mbids == () for r in catalog.mb_recordings)
