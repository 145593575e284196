"""MLC parsing of shapes the emulator does not send but other clients report (docs/services.md#the-mlc):
`expiresIn` as a string, `collectionShare` as a list, 204/empty bodies, broken bodies."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from track_assets.services.mlc import MalformedResponse
from track_assets.services.mlc.parsing import (
    error_description,
    parse_recordings,
    parse_token,
    parse_work,
    parse_works,
    works_request_body,
)

ENDPOINT = "TEST /endpoint"


def _work(**publisher) -> str:
    return json.dumps(
        {
            "mlcSongCode": "AB12CD",
            "primaryTitle": "SONG",
            "iswc": "",
            "writers": [{"writerFirstName": "ADA", "writerLastName": "", "writerIPI": 123}],
            "publishers": [{"publisherName": "PUB", **publisher}],
        }
    )


def test_expires_in_is_read_from_a_string_and_must_be_positive():
    body = {"idToken": "id.jwt.x", "accessToken": "a", "refreshToken": None, "expiresIn": "3600"}
    grant = parse_token(json.dumps(body), ENDPOINT)
    assert (grant.id_token, grant.expires_in, grant.refresh_token) == ("id.jwt.x", 3600.0, None)
    with pytest.raises(MalformedResponse, match="expiresIn"):
        parse_token(json.dumps({**body, "expiresIn": "soon"}), ENDPOINT)
    with pytest.raises(MalformedResponse, match="idToken"):
        parse_token(json.dumps({**body, "idToken": None}), ENDPOINT)


def test_collection_share_as_number_string_or_list():
    assert parse_work(_work(collectionShare=33.33), ENDPOINT).publishers[0].collection_share == (
        Decimal("33.33")
    )
    assert parse_work(_work(collectionShare="50"), ENDPOINT).publishers[0].collection_share == 50
    listed = parse_work(_work(collectionShare=[25, 12.5]), ENDPOINT).publishers[0]
    assert listed.collection_share == Decimal("37.5")
    assert parse_work(_work(), ENDPOINT).publishers[0].collection_share is None
    with pytest.raises(MalformedResponse, match="percent"):
        parse_work(_work(collectionShare=150), ENDPOINT)


def test_blank_fields_read_as_unknown_and_numeric_ids_as_text():
    work = parse_work(_work(collectionShare=0), ENDPOINT)
    assert work.iswc is None
    [writer] = work.writers
    assert (writer.full_name, writer.last_name, writer.ipi) == ("ADA", None, "123")


def test_empty_recording_bodies_are_no_recordings_and_broken_ones_are_malformed():
    assert parse_recordings(b"", ENDPOINT) == []
    assert parse_recordings(b"[]", ENDPOINT) == []
    with pytest.raises(MalformedResponse) as raised:
        parse_recordings(b'[{"mlcsongCode": 7', ENDPOINT)
    assert raised.value.endpoint == ENDPOINT and "not valid JSON" in str(raised.value)
    with pytest.raises(MalformedResponse, match="mlcSongCode"):
        parse_work(json.dumps({"primaryTitle": "X"}), ENDPOINT)


def test_the_works_body_spells_the_song_code_with_a_lower_case_s():
    assert works_request_body(["AB12CD"]) == [{"mlcsongCode": "AB12CD"}]


# --- bodies found by fuzzing (track_assets_tests/services/test_parser_fuzz.py), shrunk ---------


def test_a_body_nested_too_deeply_is_malformed_not_a_recursion_error():
    deep = b"[" * 2000  # json's decoder recursed once per "[" and raised RecursionError
    with pytest.raises(MalformedResponse) as raised:
        parse_works(deep, ENDPOINT)
    assert raised.value.key == "(body)" and "nested too deeply" in str(raised.value)
    assert error_description(deep) is None


def test_a_token_lifetime_too_large_for_a_float_is_malformed():
    body = json.dumps({"idToken": "id", "expiresIn": 10**400})  # float() raised OverflowError
    with pytest.raises(MalformedResponse) as raised:
        parse_token(body, ENDPOINT)
    assert raised.value.key == "expiresIn"
