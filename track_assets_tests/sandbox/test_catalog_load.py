"""Loading catalog files: schema, semantic rules, error paths, typed records and lookups."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache

import jsonschema
import pytest

from track_assets.sandbox.catalog import (
    CatalogError,
    catalog_json,
    catalog_schema,
    generate_catalog,
    load_catalog,
    model,
)
from track_assets.sandbox.catalog.model import ItemKind


@cache
def _small() -> str:
    return catalog_json(generate_catalog(seed=3, playlists=3, tracks=30))


def small_data() -> dict:
    """A fresh, mutable copy of a small generated catalog."""
    return json.loads(_small())


def load_error(data: dict) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_catalog(data)
    return caught.value


def first_item(data: dict, kind: str) -> tuple[int, int]:
    for p, playlist in enumerate(data["playlists"]):
        for i, item in enumerate(playlist["items"]):
            if item["kind"] == kind:
                return p, i
    raise AssertionError(f"no {kind} item")


def test_generated_catalog_passes_the_json_schema():
    validator = jsonschema.Draft202012Validator(catalog_schema())
    for seed, playlists, tracks in [(3, 3, 30), (11, 6, 120), (5, 7, 45)]:
        data = generate_catalog(seed=seed, playlists=playlists, tracks=tracks)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []


def test_schema_is_valid_2020_12_and_shipped_as_package_data():
    schema = catalog_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_id_formats_agree_with_the_model():
    defs = catalog_schema()["$defs"]
    assert defs["spotifyId"]["pattern"] == model.SPOTIFY_ID_PATTERN
    assert defs["isrc"]["pattern"] == model.ISRC_PATTERN
    assert defs["mlcSongCode"]["pattern"] == model.MLC_SONG_CODE_PATTERN
    assert defs["mbid"]["pattern"] == model.MBID_PATTERN
    assert defs["iswc"]["pattern"] == model.ISWC_PATTERN
    assert defs["ipi"]["pattern"] == model.IPI_PATTERN
    assert set(defs["mbUrl"]["properties"]["type"]["enum"]) == set(model.MB_URL_LINK_TYPE_IDS)


def test_bad_isrc_names_its_path():
    data = small_data()
    data["tracks"][3]["isrc"] = "XX1"
    error = load_error(data)
    assert error.path == "$.tracks[3].isrc"
    assert str(error).startswith(
        "$.tracks[3].isrc: 'XX1' does not match '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$'"
    )


def test_dangling_track_reference_names_the_playlist_item():
    data = small_data()
    p, i = first_item(data, "track")
    data["playlists"][p]["items"][i]["track_id"] = "NoSuchTrack00000000000"
    error = load_error(data)
    assert error.path == f"$.playlists[{p}].items[{i}].track_id"
    assert "'NoSuchTrack00000000000' is not a known track id" in str(error)


def test_wrong_type_names_its_path():
    data = small_data()
    data["tracks"][2]["duration_ms"] = "3:25"
    error = load_error(data)
    assert error.path == "$.tracks[2].duration_ms"
    assert "'3:25' is not of type 'integer'" in error.message


def _bad_mbid(d: dict) -> str:
    d["musicbrainz"]["artists"][0]["mbid"] = "not-a-uuid"
    return "$.musicbrainz.artists[0].mbid"


def _bad_song_code(d: dict) -> str:
    d["mlc"]["works"][0]["song_code"] = "sb5vh7"
    return "$.mlc.works[0].song_code"


def _album_mismatch(d: dict) -> str:
    d["tracks"][0]["album_id"] = d["albums"][-1]["id"]
    return "$.tracks[0].album_id"


def _unknown_field(d: dict) -> str:
    d["tracks"][1]["colour"] = "blue"
    return "$.tracks[1]"


def _release_date_precision(d: dict) -> str:
    d["albums"][0].update(release_date="2024", release_date_precision="day")
    return "$.albums[0].release_date"


def _editorial_flag(d: dict) -> str:
    d["playlists"][0]["editorial"] = False  # playlist 0 is the editorial one (37i9dQZF1...)
    return "$.playlists[0].editorial"


def _duplicate_id(d: dict) -> str:
    d["tracks"].append(copy.deepcopy(d["tracks"][0]))
    return f"$.tracks[{len(d['tracks']) - 1}].id"


def _mlc_writer_ref(d: dict) -> str:
    writer_ids = d["mlc"]["works"][0]["publishers"][0]["writer_ids"]
    writer_ids.append("999")
    return f"$.mlc.works[0].publishers[0].writer_ids[{len(writer_ids) - 1}]"


def _chartmetric_playlist_track(d: dict) -> str:
    cm_playlist = d["chartmetric"]["playlists"][0]
    on_it = set(cm_playlist["track_ids"])
    cm_playlist["track_ids"].append(next(t["id"] for t in d["tracks"] if t["id"] not in on_it))
    return f"$.chartmetric.playlists[0].track_ids[{len(cm_playlist['track_ids']) - 1}]"


def _impossible_date(d: dict) -> str:
    d["tracks"][0]["plays"]["start_date"] = "2026-02-30"
    return "$.tracks[0].plays.start_date"


@pytest.mark.parametrize(
    ("break_it", "words"),
    [
        (_bad_mbid, "does not match"),
        (_bad_song_code, "does not match"),
        (_album_mismatch, "does not list this track"),
        (_unknown_field, "Additional properties are not allowed ('colour'"),
        (_release_date_precision, "does not fit precision 'day'"),
        (_editorial_flag, "disagrees with id"),
        (_duplicate_id, "repeats tracks[0]"),
        (_mlc_writer_ref, "'999' is not a known writer id of this work"),
        (_chartmetric_playlist_track, "is not on playlist"),
        (_impossible_date, "'2026-02-30' is not a real date"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else "",
)
def test_broken_catalogs_name_the_bad_path(break_it, words):
    data = small_data()
    path = break_it(data)
    error = load_error(data)
    assert error.path == path, str(error)
    assert words in str(error)


def test_error_from_a_file_names_the_file_and_every_problem(tmp_path):
    data = small_data()
    data["tracks"][0]["artist_ids"] = ["NoSuchArtist0000000000"]
    data["tracks"][1]["relinked_to"] = data["tracks"][1]["id"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    error = caught.value
    assert error.source == str(path)
    assert str(path) in str(error)
    assert [p for p, _ in error.problems] == [
        "$.tracks[0].artist_ids[0]",
        "$.tracks[1].relinked_to",
    ]


def test_invalid_json_is_a_catalog_error(tmp_path):
    path = tmp_path / "truncated.json"
    path.write_text('{"format_version": 1, "tracks": [', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^\$: not valid JSON: .* at line 1"):
        load_catalog(path)


def test_loads_from_a_file_into_typed_records(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(_small(), encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.seed == 3
    assert len(catalog.playlists) == 3
    assert len(catalog.playlist_ids_by_track_id) == 30
    track = catalog.tracks[0]
    assert track.uri == f"spotify:track:{track.id}"
    assert catalog.albums_by_id[track.album_id].track_ids.count(track.id) == 1
    shares = [p.collection_share for w in catalog.mlc_works for p in w.publishers]
    assert all(isinstance(s, Decimal) for s in shares)
    assert Decimal("33.33") in shares  # exact, not 33.329999...
    local = next(i for p in catalog.playlists for i in p.items if i.kind is ItemKind.LOCAL)
    assert local.local.uri.startswith("spotify:local:")
    assert local.added_at.tzinfo is not None


def test_lookups_for_the_emulators():
    catalog = load_catalog(small_data())
    for isrc, tracks in catalog.tracks_by_isrc.items():
        assert all(t.isrc == isrc for t in tracks)
    assert any(len(t) > 1 for t in catalog.tracks_by_isrc.values())  # shared ISRCs
    assert any(len(ids) > 1 for ids in catalog.chartmetric_ids_by_isrc.values())
    for cm_playlist in catalog.cm_playlists:
        assert catalog.cm_playlists_by_id[cm_playlist.id] is cm_playlist
        playlist = catalog.playlist_by_chartmetric_id(cm_playlist.id)
        assert playlist.id == cm_playlist.spotify_playlist_id
        assert catalog.cm_playlists_by_spotify_id[cm_playlist.spotify_playlist_id] is cm_playlist
    for artist in catalog.mb_artists:
        for alias in artist.aliases:
            assert artist in catalog.mb_artists_named(alias.name.lower())
        for url in artist.urls:
            assert artist in catalog.mb_artists_by_url[url.resource]
            assert len(url.type_id) == 36
    for recording in catalog.mlc_recordings:
        assert recording in catalog.mlc_recordings_by_isrc[recording.isrc]
    for recording in catalog.mb_recordings:
        for isrc in recording.isrcs:
            assert recording in catalog.mb_recordings_by_isrc[isrc]


def test_a_minimal_hand_written_catalog_loads_with_defaults():
    track_id, album_id, artist_id = (
        "HandWrittenTrack000001",
        "HandWrittenAlbum000001",
        "HandWrittenArtist00001",
    )
    data = {
        "format_version": 1,
        "reference_date": "2026-11-01",
        "playlists": [
            {
                "id": "HandWrittenPlaylist001",
                "name": "two items",
                "owner": {"id": "someone", "display_name": "Someone"},
                "items": [{"kind": "track", "track_id": track_id}, {"kind": "unavailable"}],
            }
        ],
        "tracks": [
            {
                "id": track_id,
                "name": "Only Song",
                "isrc": "GBXYZ2600001",
                "album_id": album_id,
                "artist_ids": [artist_id],
                "duration_ms": 200000,
                "popularity": {"start_date": "2026-11-01", "start_value": 40, "daily_change": 0},
                "plays": {
                    "start_date": "2026-11-01",
                    "start_count": 1000,
                    "daily_growth_rate": 0,
                    "daily_increment": 10,
                    "compounding_days": 0,
                },
            }
        ],
        "albums": [
            {
                "id": album_id,
                "name": "Only Song",
                "release_date": "2026",
                "release_date_precision": "year",
                "label": "Self-released",
                "artist_ids": [artist_id],
                "track_ids": [track_id],
            }
        ],
        "artists": [{"id": artist_id, "name": "Solo Person"}],
    }
    catalog = load_catalog(data)
    track = catalog.tracks_by_id[track_id]
    assert track.track_number == 1 and track.disc_number == 1 and not track.explicit
    assert track.available_markets == catalog.albums_by_id[album_id].available_markets
    assert track.credits.writers == ()
    assert catalog.playlists[0].editorial is False
    assert catalog.mlc_works == () and catalog.cm_tracks == ()
