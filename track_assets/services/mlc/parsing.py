"""The MLC Public Search API's JSON, read into our records: the only module that knows its
field names.

Shapes: docs/services.md#mlc-search-endpoints and #mlc-work-fields (from independent clients; no real
Public Search API body is public). Note the song code's spelling: `mlcsongCode` (lower-case s)
on recordings and in the POST /works body, `mlcSongCode` on work objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from track_assets.services.http.json_body import JsonReader
from track_assets.services.http.json_body import MalformedResponse as BaseMalformedResponse
from track_assets.services.mlc.models import (
    MlcPublisherRecord,
    MlcRecordingHit,
    MlcWorkRecord,
    MlcWriterRecord,
    TokenGrant,
)

SERVICE = "mlc"


class MalformedResponse(BaseMalformedResponse):
    """An MLC body that is not the JSON its endpoint documents."""

    SERVICE = SERVICE
    HINT = (
        "the body was cut off or The MLC changed its format; rerun, and if it persists update "
        "track_assets/services/mlc/parsing.py"
    )


class _Reader(JsonReader):
    """Typed access to one response's JSON, naming the endpoint and key path on any mismatch."""

    error = MalformedResponse
    parse_float = Decimal  # shares such as 33.33 stay exact

    def json(self, body: bytes | str) -> Any:
        try:
            return super().json(body)
        except RecursionError:  # json's decoder recurses once per nested array or object
            raise self.fail("(body)", "nested too deeply to be read") from None

    def text(self, value: Any, key: str) -> str | None:
        """A non-empty string, stripped; None for null or blank."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {type(value).__name__}")
        return value.strip() or None

    def identifier(self, value: Any, key: str) -> str | None:
        """An id the API may send as a string or a number (writerId, chainId, ...)."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(value, key)

    def share(self, value: Any, key: str) -> Decimal | None:
        """`collectionShare`: a number on the 0-100 scale; one client types it as a list of
        numbers (docs/services.md#mlc-work-fields), which is summed."""
        if value is None:
            return None
        if isinstance(value, list):
            parts = [self.share(v, f"{key}[{i}]") for i, v in enumerate(value)]
            known = [p for p in parts if p is not None]
            return sum(known, Decimal(0)) if known else None
        if isinstance(value, bool):
            raise self.fail(key, "expected a number, got a boolean")
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                raise self.fail(key, f"expected a number, got {value!r}") from None
        else:
            raise self.fail(key, f"expected a number, got {type(value).__name__}")
        if not number.is_finite() or not 0 <= number <= 100:
            raise self.fail(key, f"expected a percent between 0 and 100, got {value!r}")
        return number


# --- token and errors -------------------------------------------------------------------------


def parse_token(body: bytes | str, endpoint: str) -> TokenGrant:
    """POST /oauth/token: `{accessToken, idToken, refreshToken, tokenType, expiresIn, ...}`,
    `expiresIn` a string such as "3600" (docs/services.md#mlc-login-and-idtoken)."""
    read = _Reader(endpoint)
    data = read.mapping(read.json(body), "(body)")
    id_token = read.text(data.get("idToken"), "idToken")
    if id_token is None:
        raise read.fail("idToken", "missing or empty")
    raw = data.get("expiresIn")
    try:
        expires_in = float(raw) if not isinstance(raw, bool) and raw is not None else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
        expires_in = None
    if expires_in is None or not 0 < expires_in < float("inf"):
        raise read.fail("expiresIn", f"expected a positive number of seconds, got {raw!r}")
    return TokenGrant(
        id_token=id_token,
        expires_in=expires_in,
        refresh_token=read.text(data.get("refreshToken"), "refreshToken"),
    )


def error_description(body: bytes | str) -> str | None:
    """What an error body says: the token endpoint's `errorDescription` (or `error`), the
    gateway's `message`; None when the body says nothing readable."""
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    for key in ("errorDescription", "error", "message"):
        if isinstance(data.get(key), str) and data[key].strip():
            return data[key].strip()
    return None


# --- request bodies ---------------------------------------------------------------------------


def login_body(username: str, password: str) -> dict[str, str]:
    """POST /oauth/token with the account's e-mail and password (docs/services.md#mlc-login-and-idtoken)."""
    return {"username": username, "password": password}


def refresh_body(refresh_token: str) -> dict[str, str]:
    """POST /oauth/token with the refresh token of an earlier login (docs/services.md#mlc-login-and-idtoken)."""
    return {"refreshToken": refresh_token}


def recordings_by_isrc_body(isrc: str) -> dict[str, str]:
    return {"isrc": isrc}


def works_request_body(song_codes: Iterable[str]) -> list[dict[str, str]]:
    """The POST /works body: an array of `{"mlcsongCode": ...}`, spelled as the API spec does
    (docs/services.md#mlc-search-endpoints, [mlc-cli])."""
    return [{"mlcsongCode": code} for code in song_codes]


# --- recordings and works ---------------------------------------------------------------------


def parse_recordings(body: bytes | str, endpoint: str) -> list[MlcRecordingHit]:
    """POST /search/recordings: `[{id, isrc, title, artist, labels, mlcsongCode}]`; an empty
    body (one client handles 204) is no recording."""
    if not body or not body.strip():
        return []
    read = _Reader(endpoint)
    hits = []
    for i, raw in enumerate(read.items(read.json(body), "(body)")):
        key = f"[{i}]"
        row = read.mapping(raw, key)
        hits.append(
            MlcRecordingHit(
                recording_id=read.identifier(row.get("id"), f"{key}.id"),
                isrc=read.text(row.get("isrc"), f"{key}.isrc"),
                title=read.text(row.get("title"), f"{key}.title"),
                artist=read.text(row.get("artist"), f"{key}.artist"),
                labels=read.text(row.get("labels"), f"{key}.labels"),
                song_code=read.text(row.get("mlcsongCode"), f"{key}.mlcsongCode"),
            )
        )
    return hits


def _writer(read: _Reader, raw: Any, key: str) -> MlcWriterRecord:
    row = read.mapping(raw, key)
    return MlcWriterRecord(
        first_name=read.text(row.get("writerFirstName"), f"{key}.writerFirstName"),
        last_name=read.text(row.get("writerLastName"), f"{key}.writerLastName"),
        ipi=read.identifier(row.get("writerIPI"), f"{key}.writerIPI"),
        role_code=read.text(row.get("writerRoleCode"), f"{key}.writerRoleCode"),
        writer_id=read.identifier(row.get("writerId"), f"{key}.writerId"),
        chain_id=read.identifier(row.get("chainId"), f"{key}.chainId"),
        chain_parent_id=read.identifier(row.get("chainParentId"), f"{key}.chainParentId"),
    )


def _publisher(read: _Reader, raw: Any, key: str) -> MlcPublisherRecord:
    row = read.mapping(raw, key)
    name = read.text(row.get("publisherName"), f"{key}.publisherName")
    if name is None:
        raise read.fail(f"{key}.publisherName", "missing")

    def nested(field: str) -> tuple[MlcPublisherRecord, ...]:
        return tuple(
            _publisher(read, item, f"{key}.{field}[{i}]")
            for i, item in enumerate(read.items(row.get(field), f"{key}.{field}"))
        )

    return MlcPublisherRecord(
        name=name,
        ipi=read.identifier(row.get("publisherIpiNumber"), f"{key}.publisherIpiNumber"),
        role_code=read.text(row.get("publisherRoleCode"), f"{key}.publisherRoleCode"),
        collection_share=read.share(row.get("collectionShare"), f"{key}.collectionShare"),
        administrators=nested("administrators"),
        parent_publishers=nested("parentPublishers"),
        publisher_id=read.identifier(row.get("publisherId"), f"{key}.publisherId"),
        mlc_publisher_number=read.identifier(
            row.get("mlcPublisherNumber"), f"{key}.mlcPublisherNumber"
        ),
        chain_id=read.identifier(row.get("chainId"), f"{key}.chainId"),
        chain_parent_id=read.identifier(row.get("chainParentId"), f"{key}.chainParentId"),
    )


def _work(read: _Reader, raw: Any, key: str) -> MlcWorkRecord:
    row = read.mapping(raw, key)
    song_code = read.text(row.get("mlcSongCode"), f"{key}.mlcSongCode")
    if song_code is None:
        raise read.fail(f"{key}.mlcSongCode", "missing")
    akas = []
    for i, item in enumerate(read.items(row.get("akas"), f"{key}.akas")):
        aka = read.mapping(item, f"{key}.akas[{i}]")
        title = read.text(aka.get("akaTitle"), f"{key}.akas[{i}].akaTitle")
        if title:
            akas.append(title)
    return MlcWorkRecord(
        song_code=song_code,
        title=read.text(row.get("primaryTitle"), f"{key}.primaryTitle"),
        iswc=read.text(row.get("iswc"), f"{key}.iswc"),
        artists=read.text(row.get("artists"), f"{key}.artists"),
        alternative_titles=tuple(akas),
        writers=tuple(
            _writer(read, item, f"{key}.writers[{i}]")
            for i, item in enumerate(read.items(row.get("writers"), f"{key}.writers"))
        ),
        publishers=tuple(
            _publisher(read, item, f"{key}.publishers[{i}]")
            for i, item in enumerate(read.items(row.get("publishers"), f"{key}.publishers"))
        ),
    )


def parse_work(body: bytes | str, endpoint: str) -> MlcWorkRecord:
    """GET /work/id/{mlcSongCode}: one work object (not an array)."""
    read = _Reader(endpoint)
    return _work(read, read.json(body), "(body)")


def parse_works(body: bytes | str, endpoint: str) -> list[MlcWorkRecord]:
    """POST /works: an array of work objects (unknown codes are left out)."""
    if not body or not body.strip():
        return []
    read = _Reader(endpoint)
    return [
        _work(read, item, f"[{i}]") for i, item in enumerate(read.items(read.json(body), "(body)"))
    ]
