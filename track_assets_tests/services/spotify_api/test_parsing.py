"""Parsing of real recorded Spotify responses (track_assets_tests/fixtures/reference/spotify/), and of the same
responses shaped as the development tier sends them, or broken."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from track_assets.services.spotify_api import NOT_IN_TIER, NOT_RETURNED, MalformedResponse
from track_assets.services.spotify_api.parsing import (
    decode_json,
    parse_album,
    parse_artist,
    parse_audio_features,
    parse_error,
    parse_playlist,
    parse_playlist_page,
    parse_several,
    parse_token,
    parse_track,
)
from track_assets_tests.support.reference import reference_json

ENDPOINT = "GET /v1/test"


def webapi(name: str) -> Any:
    return reference_json(f"spotify/webapi/{name}")


def observed_error(entry_id: str) -> dict[str, Any]:
    entries = reference_json("spotify/errors/observed-error-bodies.json")["entries"]
    return next(e for e in entries if e["id"] == entry_id)


# --- tracks -----------------------------------------------------------------------------------


def test_full_track_2024() -> None:
    track = parse_track(webapi("track_5NcYCtoBkAGyxL5SCF64av_2024.json"), ENDPOINT)

    assert (track.id, track.requested_id, track.linked_from_id) == (
        "5NcYCtoBkAGyxL5SCF64av",
        "5NcYCtoBkAGyxL5SCF64av",
        None,
    )
    assert (track.name, track.isrc, track.duration_ms) == ("Sunburst", "GBSMU1664476", 189389)
    assert (track.explicit, track.popularity, track.is_local, track.relinked) == (
        False,
        51,
        False,
        False,
    )
    assert (track.disc_number, track.track_number) == (1, 1)
    assert track.album.id == "4yS3vUFIaE2xilaeYz3p9q"
    assert (track.album.release_date, track.album.release_date_precision) == ("2014-04-27", "day")
    assert track.album.widest_image.width == 640
    assert track.artists[0].name == "Tobu"
    assert len(track.artists) == len(track.album.artists) == 2
    assert track.is_playable is None  # no market asked
    assert track.missing == {}


def test_popularity_zero_is_kept_as_zero() -> None:
    track = parse_track(
        webapi("track_1t2qKa8K72IBC8yQlhD9bU_popularity-0_no-markets_2024.json"), ENDPOINT
    )
    assert track.popularity == 0
    assert "popularity" not in track.missing


def test_development_tier_track_has_no_popularity_and_says_why() -> None:
    data = webapi("track_5NcYCtoBkAGyxL5SCF64av_2024.json")
    for removed in ("popularity", "available_markets"):
        del data[removed]

    development = parse_track(data, ENDPOINT, tier="development")
    extended = parse_track(data, ENDPOINT, tier="extended")

    assert development.popularity is None
    assert development.missing == {"popularity": NOT_IN_TIER}
    assert extended.missing == {"popularity": NOT_RETURNED}  # absent, but not by tier rule
    assert development.isrc == "GBSMU1664476"  # restored March 2026


def test_relinked_track_keeps_the_requested_id() -> None:
    data = webapi("track_market-ES_relinked-linked_from_2017.json")
    track = parse_track(data, ENDPOINT, requested_id="3jfr0TF6DQcOLat8gGn7E2")

    assert (track.id, track.requested_id, track.linked_from_id) == (
        "5FVd6KXrgO9B3JPmC8OPst",
        "3jfr0TF6DQcOLat8gGn7E2",
        "3jfr0TF6DQcOLat8gGn7E2",
    )
    assert track.relinked and track.is_playable is True
    assert track.album.release_date is None  # a 2017 simplified album had no release date
    assert track.album.missing["release_date"] == NOT_RETURNED


def test_unplayable_track_in_market() -> None:
    track = parse_track(webapi("track_market-ES_unplayable-restrictions_2017.json"), ENDPOINT)
    assert track.is_playable is False


def test_batch_answers_keep_null_slots() -> None:
    data = webapi("tracks_several_unknown-id-returns-null_2015.json")

    objects = parse_several(data, "tracks", ENDPOINT, 2)

    assert objects[1] is None
    assert parse_track(objects[0], ENDPOINT).id == "0eGsygTp906u18L0Oimnem"
    with pytest.raises(MalformedResponse) as raised:
        parse_several(data, "tracks", ENDPOINT, 3)
    assert raised.value.where == "$.tracks"


def test_relinked_batch_is_matched_by_position() -> None:
    data = webapi("tracks_several_market-ES_relinked-linked_from_2017.json")
    (raw,) = parse_several(data, "tracks", ENDPOINT, 1)

    track = parse_track(raw, ENDPOINT, requested_id="4oI9kesyxHUr8fqiLd6uO9")

    assert (track.id, track.linked_from_id) == ("1CFz8ZV88CFLwmggjGrW4c", "4oI9kesyxHUr8fqiLd6uO9")


# --- albums, artists, audio features ------------------------------------------------------------


def test_full_album_2024() -> None:
    album = parse_album(webapi("album_4yS3vUFIaE2xilaeYz3p9q_2024.json"), ENDPOINT)

    assert (album.id, album.name, album.label, album.popularity) == (
        "4yS3vUFIaE2xilaeYz3p9q",
        "Sunburst",
        "Tobu",
        44,
    )
    assert album.upc == "195597193539"
    assert [c.type for c in album.copyrights] == ["C", "P"]
    assert album.copyrights[0].text == "2020 Tobu"
    assert (album.track_ids, album.total_tracks) == (("5NcYCtoBkAGyxL5SCF64av",), 1)
    assert album.missing == {}


def test_development_tier_album_has_no_label_or_popularity() -> None:
    data = webapi("album_4yS3vUFIaE2xilaeYz3p9q_2024.json")
    del data["label"], data["popularity"]

    album = parse_album(data, ENDPOINT, tier="development")

    assert (album.label, album.popularity) == (None, None)
    assert album.missing == {"label": NOT_IN_TIER, "popularity": NOT_IN_TIER}
    assert album.copyrights[1].text.endswith("Tobu")  # the P-line stays: a label fallback


def test_empty_label_is_unknown_not_blank() -> None:
    data = webapi("album_4yS3vUFIaE2xilaeYz3p9q_2024.json")
    data["label"] = ""
    album = parse_album(data, ENDPOINT, tier="extended")
    assert album.label is None and album.missing["label"] == NOT_RETURNED


def test_several_albums_2014() -> None:
    data = webapi("albums_several_2-ids_2014.json")
    albums = [parse_album(a, ENDPOINT) for a in parse_several(data, "albums", ENDPOINT, 2)]
    assert [a.id for a in albums] == ["2agWNCZl5Ts9W05mij8EPh", "3JquYMWj5wrzuZCNAvOYN9"]
    assert all(a.track_ids for a in albums)


def test_full_artist_2024() -> None:
    artist = parse_artist(webapi("artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json"), ENDPOINT)
    assert (artist.id, artist.name, artist.followers, artist.popularity) == (
        "7gXb99Sf9nNmpNYeAgIQFG",
        "Sub Urban",
        1717416,
        65,
    )
    assert artist.genres == ("modern indie pop",)
    assert [i.width for i in artist.images] == [640, 320, 160]


def test_artist_without_followers() -> None:
    data = webapi("artists_several_2-ids_2014.json")
    bowie, _ = (parse_artist(a, ENDPOINT, tier="extended") for a in data["artists"])
    assert (bowie.name, bowie.popularity, bowie.followers) == ("David Bowie", 76, None)
    assert bowie.missing == {"followers": NOT_RETURNED}  # 2014 had no followers at all
    stripped = copy.deepcopy(data["artists"][0])
    del stripped["popularity"], stripped["genres"]
    development = parse_artist(stripped, ENDPOINT, tier="development")
    assert development.missing == {
        "followers": NOT_IN_TIER,
        "popularity": NOT_IN_TIER,
        "genres": NOT_IN_TIER,  # deprecated; Development Mode sends it empty or not at all
    }
    empty = parse_artist({**stripped, "genres": []}, ENDPOINT, tier="development")
    assert (empty.genres, empty.missing["genres"]) == (None, NOT_IN_TIER)
    assert parse_artist({**stripped, "genres": []}, ENDPOINT, tier="extended").genres == ()


def test_audio_features() -> None:
    several = webapi("audio-features_several_3-ids_2016.json")
    features = [
        parse_audio_features(f, ENDPOINT)
        for f in parse_several(several, "audio_features", ENDPOINT, 3)
    ]
    single = parse_audio_features(webapi("audio-features_single_2017.json"), ENDPOINT)

    assert [f.track_id for f in features] == [
        "1zHlj4dQ8ZAtrayhuDDmkY",
        "7ouMYWpwJ422jRcDASZB7P",
        "4VqPOruhp5EdPBeR92t6lQ",
    ]
    assert (single.track_id, single.tempo, single.key, single.mode) == (
        "3jfr0TF6DQcOLat8gGn7E2",
        85.03,
        5,
        1,
    )
    assert (single.duration_ms, single.time_signature) == (272394, 4)


# --- playlists --------------------------------------------------------------------------------


def test_playlist_object_2024() -> None:
    info = parse_playlist(webapi("playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json"), ENDPOINT)
    assert (info.id, info.name, info.owner_id, info.owner_name) == (
        "5LkNhFidYyyjRWwnkcMbQs",
        "Top 10 NCS Songs Episode 2",
        "w19j0mt7brffcom023smtwpop",
        "Teejay.limm",
    )
    assert (info.followers, info.snapshot_id, info.total_items) == (
        14,
        "AAAAGltfrxsoRxBM/BA89GkrJPbyZs3o",
        10,
    )


def test_development_tier_playlist_is_metadata_only() -> None:
    data = webapi("playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json")
    del data["tracks"]
    info = parse_playlist(data, ENDPOINT, tier="development")
    assert info.total_items is None and info.missing["total_items"] == NOT_IN_TIER
    assert info.name == "Top 10 NCS Songs Episode 2"


def test_playlist_page_with_local_files() -> None:
    data = webapi("playlist_4dn0iEoAxn69ea0Tyov8V5_local-tracks_2019.trimmed.json")

    page = parse_playlist_page(data["tracks"], ENDPOINT)

    assert [i.kind for i in page.items] == ["track", "local", "local"]
    assert page.items[0].track_id == "2zh0drqnJTQdG4WOFCQH4f"
    local = page.items[1]
    assert (local.track, local.name, local.uri) == (
        None,
        "torus xxxii",
        "spotify:local:vril::torus+xxxii:233",
    )
    assert local.added_at == datetime(2015, 6, 1, 0, 6, 54, tzinfo=UTC)
    assert local.added_by == "marcel#spotify"
    assert page.total == 244
    assert page.next_url.endswith("/tracks?offset=100&limit=100")


def test_playlist_page_positions_follow_the_offset() -> None:
    page = parse_playlist_page(
        webapi("playlist-tracks_offset100_next-previous_2019.trimmed.json"), ENDPOINT
    )
    assert [i.position for i in page.items] == [100, 101]
    assert [i.track_id for i in page.items] == ["4j9fDVS1gkVpQ9g2Zcncne", "6yL3AViIaFeamRBAUi4Bla"]


def test_playlist_page_with_episodes() -> None:
    page = parse_playlist_page(webapi("playlist-tracks_tracks-and-episodes_2022.json"), ENDPOINT)

    assert [i.kind for i in page.items] == ["episode", "episode", "track", "track"]
    assert page.items[0].episode_id == "6Oo1FMgWEQpQKh2mYtsnp5"
    assert page.items[0].track is None
    assert page.next_url is None


def test_playlist_page_in_the_2026_spelling_and_null_entries() -> None:
    data = webapi("playlist-tracks_5LkNhFidYyyjRWwnkcMbQs_limit100_2024.json")
    renamed = copy.deepcopy(data)
    for item in renamed["items"]:
        item["item"] = item.pop("track")  # Feb 2026: track -> item
    renamed["items"][3]["item"] = None  # no longer available

    old, new = parse_playlist_page(data, ENDPOINT), parse_playlist_page(renamed, ENDPOINT)

    assert [i.track_id for i in new.items if i.position != 3] == [
        i.track_id for i in old.items if i.position != 3
    ]
    assert new.items[3].kind == "unavailable" and new.items[3].track is None
    assert old.items[0].name == ""  # a real track with an empty name stays as sent
    assert len(new.items) == new.total == 10


# --- tokens and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "token_client-credentials_200_2017.json",
        "token_client-credentials_200_scope-empty_2019.json",
    ],
)
def test_token_recordings(name: str) -> None:
    token = parse_token(webapi(name), "POST /api/token")
    assert token.value.startswith("BQ") and token.expires_in == 3600


def test_error_bodies() -> None:
    quota = parse_error(
        observed_error("webapi-429-quota-exceeded-observed")["body_verbatim"].encode()
    )
    features = parse_error(
        observed_error("webapi-403-audio-features-new-app")["body_verbatim"].encode()
    )
    client = parse_error(observed_error("accounts-400-invalid-client")["body_verbatim"].encode())
    expired = parse_error(
        json.dumps(
            reference_json("spotify/errors/error_401_access-token-expired_2019.json")
        ).encode()
    )

    assert (quota.reason, quota.message) == ("QUOTA_EXCEEDED", "Too many requests")
    assert (features.message, features.reason) == (None, None)  # no message in that capture
    assert (client.oauth_error, client.description) == ("invalid_client", "Invalid client")
    assert expired.message == "The access token expired"
    assert parse_error(b"<html>bad gateway</html>").message is None


# --- malformed answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "where", "problem"),
    [
        (("duration_ms",), None, "$.duration_ms", "is missing"),
        (("album", "name"), None, "$.album.name", "is missing"),
        (("explicit",), "no", "$.explicit", "not true/false"),
        (("artists",), {"id": "x"}, "$.artists", "not a list"),
        (("duration_ms",), True, "$.duration_ms", "not a whole number"),
    ],
)
def test_malformed_track_names_endpoint_and_key(
    path: tuple[str, ...], value: Any, where: str, problem: str
) -> None:
    data = webapi("track_5NcYCtoBkAGyxL5SCF64av_2024.json")
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value

    with pytest.raises(MalformedResponse) as raised:
        parse_track(data, "GET /v1/tracks/{id}")

    assert raised.value.where == where
    assert problem in raised.value.problem
    assert str(raised.value).startswith("Spotify Web API GET /v1/tracks/{id} sent a malformed")


def test_truncated_body_is_malformed() -> None:
    with pytest.raises(MalformedResponse) as raised:
        decode_json(b'{"tracks": [{"id": "5Nc', "GET /v1/tracks")
    assert raised.value.endpoint == "GET /v1/tracks"


def test_bad_added_at_is_malformed() -> None:
    data = webapi("playlist-tracks_tracks-and-episodes_2022.json")
    data["items"][2]["added_at"] = "yesterday"
    with pytest.raises(MalformedResponse) as raised:
        parse_playlist_page(data, ENDPOINT)
    assert raised.value.where == "$.items[2].added_at"


# --- bodies found by fuzzing (track_assets_tests/services/test_parser_fuzz.py), shrunk ------------


def test_a_body_nested_too_deeply_is_malformed_not_a_recursion_error() -> None:
    deep = b"[" * 2000  # json's decoder recursed once per "[" and raised RecursionError
    with pytest.raises(MalformedResponse, match="nested too deeply"):
        decode_json(deep, ENDPOINT)
    assert parse_error(deep).message is None


@pytest.mark.parametrize("expires_in", [10**400, 0, -3600])
def test_a_token_lifetime_that_is_not_a_positive_float_is_malformed(expires_in: int) -> None:
    # 10**400 raised OverflowError converting to float
    token = {"access_token": "BQBj", "token_type": "Bearer", "expires_in": expires_in}
    with pytest.raises(MalformedResponse) as raised:
        parse_token(token, "POST /api/token")
    assert raised.value.where == "$.expires_in"


@pytest.mark.parametrize("value", [10**400, float("nan"), float("inf")])
def test_an_audio_feature_that_is_not_a_finite_float_is_malformed(value: float) -> None:
    # 10**400 raised OverflowError; NaN and Infinity (which json reads) were kept
    data = webapi("audio-features_single_2017.json") | {"danceability": value}
    with pytest.raises(MalformedResponse) as raised:
        parse_audio_features(data, ENDPOINT)
    assert raised.value.where == "$.danceability"


def test_an_added_at_pushed_out_of_the_calendar_by_its_offset_is_malformed() -> None:
    data = webapi("playlist-tracks_tracks-and-episodes_2022.json")
    data["items"][2]["added_at"] = "0001-01-01T00:00:00+01:00"  # was OverflowError
    with pytest.raises(MalformedResponse) as raised:
        parse_playlist_page(data, ENDPOINT)
    assert raised.value.where == "$.items[2].added_at"
