"""Parsing Chartmetric bodies: the real recorded envelope, tolerated variants, malformed input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import httpx
import pytest

from track_assets.services.chartmetric import ChartmetricPlaylist, MalformedResponse
from track_assets.services.chartmetric.client import wait_for_rate_limit_reset
from track_assets.services.chartmetric.parsing import (
    body_retry_after,
    error_message,
    parse_ids,
    parse_playlist_search,
    parse_playlist_tracks,
    parse_songwriter_search,
    parse_stats,
    parse_token,
    parse_track,
    rate_limit_reset,
)
from track_assets_tests.support.reference import reference_json

EP = "GET /test"


def _body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_the_documented_token_example_parses():
    example = reference_json("chartmetric/docs-examples/post-api-token_200_apidocs-example.json")
    grant = parse_token(_body(example), "POST /api/token")
    assert grant.token == example["token"] and grant.expires_in == 3600.0


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (b'{"obj": {"na', "(body)"),  # cut off, as the fault injector does
        (_body({"data": []}), "obj"),  # no envelope
        (_body({"obj": {"name": "x"}}), "obj.id"),
        (_body({"obj": {"id": 1, "moods": "calm"}}), "obj.moods"),
        (_body({"obj": {"id": 1, "cm_statistics": {"sp_popularity": "high"}}}), "sp_popularity"),
        (_body({"obj": {"id": 1, "release_date": "soon"}}), "obj.release_date"),
    ],
)
def test_malformed_track_bodies_name_the_endpoint_and_key(body, key):
    with pytest.raises(MalformedResponse) as raised:
        parse_track(body, EP)
    assert raised.value.endpoint == EP
    assert key in raised.value.key and EP in str(raised.value)


def test_track_fields_in_their_other_documented_shapes():
    info = parse_track(
        _body(
            {
                "obj": {
                    "id": "42",
                    "songwriters": ["Ann Lee", {"id": 7, "name": "Bo Ray"}],
                    "tags": ["pop", "dance"],
                    "moods": [{"id": 1, "name": "Happy"}],
                    "activities": None,
                    "spotify_track_ids": ["a" * 22],
                    "release_date": "2024-05-01",
                }
            }
        ),
        EP,
    )
    assert info.chartmetric_id == 42
    assert [(s.name, s.chartmetric_id) for s in info.songwriters] == [
        ("Ann Lee", None),
        ("Bo Ray", 7),
    ]
    assert (info.tags, info.moods, info.activities) == (("pop", "dance"), ("Happy",), ())
    assert info.spotify_track_ids == ("a" * 22,)
    assert info.release_date == date(2024, 5, 1)
    # Figures not reported stay None, never 0.
    assert (info.playlist_reach, info.spotify_popularity, info.spotify_streams) == (None,) * 3


def test_stats_read_date_only_timestamps_like_the_real_recording_and_skip_nulls():
    real = reference_json(
        "chartmetric/json/artist-where-people-listen_2762_latest_2025-04-21.trimmed.json"
    )
    city = next(iter(real["obj"]["cities"].values()))[0]
    body = _body(
        {
            "obj": [
                {
                    "track_domain_id": "x",
                    "data": [
                        {"timestp": city["timestp"], "value": 5},
                        {"timestp": "2025-04-22T00:00:00.000Z", "value": None},
                    ],
                }
            ]
        }
    )
    [point] = parse_stats(body, EP)
    assert (point.day, point.value, point.track_domain_id) == (date(2025, 4, 21), 5, "x")


def test_ids_search_and_playlist_rows():
    ids = parse_ids(
        _body({"obj": [{"isrc": "X", "chartmetric_ids": [1, 2], "spotify_ids": []}]}), EP
    )
    assert ids[0].chartmetric_ids == (1, 2)
    assert parse_ids(_body({"obj": []}), EP) == []
    found = _body(
        {
            "obj": {
                "playlists": {
                    "spotify": [{"id": "848051", "name": "RapCaviar", "owner_name": "Spotify"}],
                    "deezer": [],
                }
            }
        }
    )
    assert parse_playlist_search(found, EP, "spotify") == [
        ChartmetricPlaylist(848051, "RapCaviar", "Spotify")
    ]
    [row] = parse_playlist_tracks(
        _body(
            {"obj": [{"id": 3, "spotify_track_ids": ["b" * 22], "added_at": "2026-01-02T03:04:05"}]}
        ),
        EP,
    )
    assert (row.chartmetric_id, row.spotify_track_id) == (3, "b" * 22)
    assert row.added_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_the_wait_after_a_429_comes_from_x_ratelimit_reset():
    request = httpx.Request("GET", "https://api.chartmetric.com/api/track/1")

    def response(status: int, headers: dict, body: object = None) -> httpx.Response:
        return httpx.Response(status, headers=headers, json=body, request=request)

    now = 1_800_000_000.0
    wait = wait_for_rate_limit_reset(
        response(429, {"X-RateLimit-Reset": str(int(now) + 2)}), wall_clock=lambda: now + 0.5
    )
    assert wait == pytest.approx(1.5)
    assert wait_for_rate_limit_reset(response(429, {}, {"Retry-after": 3})) == 3.0
    assert wait_for_rate_limit_reset(response(503, {"X-RateLimit-Reset": str(int(now))})) is None


# --- bodies found by fuzzing (track_assets_tests/services/test_parser_fuzz.py), shrunk ---------


def test_a_body_nested_too_deeply_is_malformed_not_a_recursion_error():
    deep = b"[" * 2000  # json's decoder recursed once per "[" and raised RecursionError
    with pytest.raises(MalformedResponse) as raised:
        parse_ids(deep, EP)
    assert raised.value.key == "(body)" and "nested too deeply" in str(raised.value)
    assert error_message(deep) is None and body_retry_after(deep) is None


@pytest.mark.parametrize("doc_id", ["²", "9" * 5000])  # str.isdigit() but int() refuses
def test_digits_int_refuses_are_malformed(doc_id):
    with pytest.raises(MalformedResponse) as raised:
        parse_songwriter_search(
            _body({"obj": {"songwriters": [{"name": "S", "doc_id": doc_id}]}}), EP
        )
    assert raised.value.key == "obj.songwriters[0].doc_id"
    with pytest.raises(MalformedResponse) as raised:
        parse_playlist_tracks(_body({"obj": [{"cm_track": doc_id}]}), EP)
    assert raised.value.key == "obj[0].cm_track"


@pytest.mark.parametrize("value", [10**400, float("nan"), float("inf")])
def test_numbers_that_are_no_finite_float_are_malformed(value):
    # 10**400 raised OverflowError in float(); NaN and Infinity (json reads them) were kept
    with pytest.raises(MalformedResponse) as raised:
        parse_token(_body({"token": "t", "expires_in": value}), "POST /api/token")
    assert raised.value.key == "expires_in"
    with pytest.raises(MalformedResponse) as raised:
        parse_track(_body({"obj": {"id": 1, "score": value}}), EP)
    assert raised.value.key == "obj.score"
    stats = {"obj": [{"data": [{"value": value, "timestp": "2025-04-21"}]}]}
    with pytest.raises(MalformedResponse) as raised:
        parse_stats(_body(stats), EP)
    assert raised.value.key == "obj[0].data[0].value"
    assert body_retry_after(_body({"Retry-after": value})) is None


def test_a_timestamp_pushed_out_of_the_calendar_by_its_offset_is_malformed():
    body = _body({"obj": [{"cm_track": 1, "added_at": "0001-01-01T00:00:00+01:00"}]})
    with pytest.raises(MalformedResponse) as raised:  # was OverflowError
        parse_playlist_tracks(body, EP)
    assert raised.value.key == "obj[0].added_at"


@pytest.mark.parametrize("reset", ["nan", "inf", "1" + "0" * 400])
def test_a_rate_limit_reset_that_is_no_finite_time_is_ignored(reset):
    assert rate_limit_reset({"X-RateLimit-Reset": reset}) is None  # was nan or inf
    request = httpx.Request("GET", "https://api.chartmetric.com/api/track/1")
    response = httpx.Response(429, headers={"X-RateLimit-Reset": reset}, request=request)
    assert wait_for_rate_limit_reset(response) is None  # back off instead of waiting forever
