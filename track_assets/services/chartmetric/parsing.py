"""Chartmetric's JSON, read into our records: the only module that knows its field names.

Successful bodies wrap the payload in `{"obj": ...}`; errors are `{"error": "<message>"}`
(docs/services.md#chartmetric-envelope-and-errors; the envelope and `timestp` dates are seen in the real
body track_assets_tests/fixtures/reference/chartmetric/json/artist-where-people-listen_2762_latest_2025-04-21.trimmed.json).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from track_assets.services.chartmetric.models import (
    ChartmetricIds,
    ChartmetricPlaylist,
    ChartmetricPlaylistTrack,
    ChartmetricSongwriter,
    ChartmetricTrackInfo,
    StatPoint,
    TokenGrant,
)
from track_assets.services.http.json_body import JsonReader
from track_assets.services.http.json_body import MalformedResponse as BaseMalformedResponse

SERVICE = "chartmetric"


class MalformedResponse(BaseMalformedResponse):
    """A Chartmetric body that is not the JSON its endpoint documents."""

    SERVICE = SERVICE
    HINT = (
        "the body was cut off or Chartmetric changed its format; rerun, and if it persists "
        "update track_assets/services/chartmetric/parsing.py"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


class _Reader(JsonReader):
    """Typed access to one response's JSON, naming the endpoint and key path on any mismatch."""

    error = MalformedResponse

    def json(self, body: bytes | str) -> Any:
        try:
            return super().json(body)
        except RecursionError:  # json's decoder recurses once per nested array or object
            raise self.fail("(body)", "nested too deeply to be read") from None

    def envelope(self, body: bytes | str) -> Any:
        data = self.json(body)
        if not isinstance(data, dict) or "obj" not in data:
            raise self.fail("obj", "the `obj` envelope is missing")
        return data["obj"]

    def integer(self, value: Any, key: str) -> int | None:
        """An int, also from a digit string (search types track ids as strings)."""
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(key, "expected a whole number, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            try:
                return int(value.strip())
            except ValueError:  # digits int() refuses ("²"), or more than 4300 of them
                pass
        raise self.fail(key, f"expected a whole number, got {_short(value)}")

    def required_integer(self, value: Any, key: str) -> int:
        number = self.integer(value, key)
        if number is None:
            raise self.fail(key, "missing")
        return number

    def number(self, value: Any, key: str) -> int | float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {_short(value)}")
        try:
            finite = math.isfinite(value)  # JSON ints have no size limit; json reads NaN too
        except OverflowError:
            finite = False
        if not finite:
            raise self.fail(key, f"expected a finite number, got {_short(value)}")
        return value

    def text(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {type(value).__name__}")
        return value or None

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        found = (self.text(v, f"{key}[{i}]") for i, v in enumerate(self.items(value, key)))
        return tuple(v for v in found if v)

    def day(self, value: Any, key: str) -> date | None:
        """A date from "2025-04-21" or a timestamp such as "2025-04-21T00:00:00.000Z"."""
        text = self.text(value, key)
        if text is None:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise self.fail(key, f"expected an ISO date, got {text!r}") from None

    def moment(self, value: Any, key: str) -> datetime | None:
        """An aware UTC datetime; a timestamp without a zone is taken as UTC."""
        text = self.text(value, key)
        if text is None:
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range
            raise self.fail(key, f"expected an ISO timestamp, got {text!r}") from None


# --- token and errors -------------------------------------------------------------------------


def parse_token(body: bytes | str, endpoint: str) -> TokenGrant:
    """POST /api/token: `{"token", "expires_in", "refresh_token", "scope"}`."""
    read = _Reader(endpoint)
    data = read.mapping(read.json(body), "(body)")
    token = read.text(data.get("token"), "token")
    if token is None:
        raise read.fail("token", "missing or empty")
    expires_in = read.number(data.get("expires_in"), "expires_in")
    if expires_in is None or expires_in <= 0:
        raise read.fail("expires_in", f"expected a positive number of seconds, got {expires_in!r}")
    return TokenGrant(token=token, expires_in=float(expires_in))


def error_message(body: bytes | str) -> str | None:
    """The `error` string of an error body, if the body has one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"]
    return None


def rate_limit_reset(headers: Mapping[str, str]) -> float | None:
    """`X-RateLimit-Reset`: the Unix time at which a new request would succeed."""
    value = headers.get("X-RateLimit-Reset")
    try:
        reset = float(value) if value is not None else None
    except ValueError:
        return None
    return reset if reset is not None and math.isfinite(reset) else None  # "nan", 400 digits


def body_retry_after(body: bytes | str) -> float | None:
    """Seconds from the 429 body's `Retry-after`, which an older API version sent (docs/services.md#chartmetric-rate-limit)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    value = data.get("Retry-after") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) else None


# --- ids and search ---------------------------------------------------------------------------


def parse_ids(body: bytes | str, endpoint: str) -> list[ChartmetricIds]:
    """get-ids: `obj` is a list of rows; nothing found is `[]` or empty `chartmetric_ids`."""
    read = _Reader(endpoint)
    rows = []
    for i, raw in enumerate(read.items(read.envelope(body), "obj")):
        key = f"obj[{i}]"
        row = read.mapping(raw, key)
        cm_ids = read.items(row.get("chartmetric_ids"), f"{key}.chartmetric_ids")
        rows.append(
            ChartmetricIds(
                isrc=read.text(row.get("isrc"), f"{key}.isrc"),
                chartmetric_ids=tuple(
                    read.required_integer(v, f"{key}.chartmetric_ids[{j}]")
                    for j, v in enumerate(cm_ids)
                ),
                spotify_track_ids=read.texts(row.get("spotify_ids"), f"{key}.spotify_ids"),
            )
        )
    return rows


def parse_playlist_search(
    body: bytes | str, endpoint: str, platform: str
) -> list[ChartmetricPlaylist]:
    """Search with `type=playlists`: the rows of `obj.playlists.<platform>`."""
    read = _Reader(endpoint)
    obj = read.mapping(read.envelope(body), "obj")
    buckets = obj.get("playlists")
    if isinstance(buckets, dict):
        rows, key = buckets.get(platform), f"obj.playlists.{platform}"
    else:
        rows, key = buckets, "obj.playlists"
    found = []
    for i, raw in enumerate(read.items(rows, key)):
        row = read.mapping(raw, f"{key}[{i}]")
        found.append(
            ChartmetricPlaylist(
                id=read.required_integer(row.get("id"), f"{key}[{i}].id"),
                name=read.text(row.get("name"), f"{key}[{i}].name"),
                owner_name=read.text(row.get("owner_name"), f"{key}[{i}].owner_name"),
            )
        )
    return found


def parse_songwriter_search(body: bytes | str, endpoint: str) -> list[ChartmetricSongwriter]:
    """Search with `type=songwriters`: `obj.songwriters[] = {name, doc_id, ...}`."""
    read = _Reader(endpoint)
    obj = read.mapping(read.envelope(body), "obj")
    found = []
    for i, raw in enumerate(read.items(obj.get("songwriters"), "obj.songwriters")):
        key = f"obj.songwriters[{i}]"
        row = read.mapping(raw, key)
        name = read.text(row.get("name"), f"{key}.name")
        if name:
            found.append(
                ChartmetricSongwriter(name, read.integer(row.get("doc_id"), f"{key}.doc_id"))
            )
    return found


# --- track metadata ---------------------------------------------------------------------------


def _names(read: _Reader, value: Any, key: str) -> tuple[str, ...]:
    """Names from a list of `{id, name}` objects or of plain strings."""
    names = []
    for i, item in enumerate(read.items(value, key)):
        name = (
            read.text(read.mapping(item, f"{key}[{i}]").get("name"), f"{key}[{i}].name")
            if not isinstance(item, str)
            else item.strip()
        )
        if name:
            names.append(name)
    return tuple(names)


def _songwriters(read: _Reader, value: Any) -> tuple[ChartmetricSongwriter, ...]:
    """`songwriters` is documented as a list of names (◐ [wmd]); objects carry an id too."""
    writers = []
    for i, item in enumerate(read.items(value, "obj.songwriters")):
        key = f"obj.songwriters[{i}]"
        if isinstance(item, str):
            if item.strip():
                writers.append(ChartmetricSongwriter(item.strip()))
            continue
        row = read.mapping(item, key)
        name = read.text(row.get("name"), f"{key}.name")
        cm_id = row.get("id", row.get("doc_id"))
        if name:
            writers.append(ChartmetricSongwriter(name, read.integer(cm_id, f"{key}.id")))
    return tuple(writers)


def _tags(read: _Reader, value: Any) -> tuple[str, ...]:
    """`tags` is a comma-separated string (◐ [wmd] `tags: str`); a list is accepted too."""
    if isinstance(value, list):
        return read.texts(value, "obj.tags")
    text = read.text(value, "obj.tags") or ""
    return tuple(tag.strip() for tag in text.split(",") if tag.strip())


def parse_track(body: bytes | str, endpoint: str) -> ChartmetricTrackInfo:
    """GET /api/track/{id}: `obj` with descriptive fields and `cm_statistics` (docs/services.md#chartmetric-track-fields)."""
    read = _Reader(endpoint)
    obj = read.mapping(read.envelope(body), "obj")
    stats_raw = obj.get("cm_statistics")
    stats = read.mapping(stats_raw, "obj.cm_statistics") if stats_raw is not None else {}

    def stat(name: str) -> int | None:
        return read.integer(stats.get(name), f"obj.cm_statistics.{name}")

    spotify_ids = obj.get("spotify_track_ids")
    score = read.number(obj.get("score", stats.get("score")), "obj.score")
    return ChartmetricTrackInfo(
        chartmetric_id=read.required_integer(obj.get("id"), "obj.id"),
        name=read.text(obj.get("name"), "obj.name"),
        isrc=read.text(obj.get("isrc"), "obj.isrc"),
        artist_names=_names(read, obj.get("artists"), "obj.artists"),
        composer_name=read.text(obj.get("composer_name"), "obj.composer_name"),
        songwriters=_songwriters(read, obj.get("songwriters")),
        moods=_names(read, obj.get("moods"), "obj.moods"),
        activities=_names(read, obj.get("activities"), "obj.activities"),
        tags=_tags(read, obj.get("tags")),
        album_label=read.text(obj.get("album_label"), "obj.album_label"),
        release_date=read.day(obj.get("release_date"), "obj.release_date"),
        spotify_track_ids=(
            read.texts(spotify_ids, "obj.spotify_track_ids") if spotify_ids is not None else None
        ),
        score=float(score) if score is not None else None,
        playlist_reach=stat("sp_playlist_total_reach"),
        spotify_playlist_count=stat("num_sp_playlists"),
        spotify_editorial_playlist_count=stat("num_sp_editorial_playlists"),
        spotify_popularity=stat("sp_popularity"),
        spotify_popularity_rank=stat("sp_popularity_rank"),
        spotify_streams=stat("sp_streams"),
        statistics_at=read.moment(stats.get("timestamp"), "obj.cm_statistics.timestamp"),
    )


# --- stats ------------------------------------------------------------------------------------


def parse_stats(body: bytes | str, endpoint: str) -> list[StatPoint]:
    """Stats: `obj: [{domain, track_domain_id, data: [{value, timestp, ...}]}]` (docs/services.md#chartmetric-stats).

    Several entries (one per platform track) are kept apart by `track_domain_id`.
    """
    read = _Reader(endpoint)
    points = []
    for i, raw in enumerate(read.items(read.envelope(body), "obj")):
        key = f"obj[{i}]"
        entry = read.mapping(raw, key)
        domain_id = entry.get("track_domain_id")
        domain_id = str(domain_id) if isinstance(domain_id, int | str) else None
        for j, raw_point in enumerate(read.items(entry.get("data"), f"{key}.data")):
            point_key = f"{key}.data[{j}]"
            point = read.mapping(raw_point, point_key)
            day = read.day(point.get("timestp"), f"{point_key}.timestp")
            value = read.number(point.get("value"), f"{point_key}.value")
            if day is None:
                raise read.fail(f"{point_key}.timestp", "missing")
            if value is None:
                continue  # no figure that day: leave the day out rather than invent one
            points.append(StatPoint(day=day, value=value, track_domain_id=domain_id))
    return points


# --- playlists --------------------------------------------------------------------------------


def parse_playlist_tracks(body: bytes | str, endpoint: str) -> list[ChartmetricPlaylistTrack]:
    """Playlist tracks: `obj` is a list of rows whose fields no public source documents, so
    every field is optional (docs/services.md#chartmetric-endpoints-used)."""
    read = _Reader(endpoint)
    tracks = []
    for i, raw in enumerate(read.items(read.envelope(body), "obj")):
        key = f"obj[{i}]"
        row = read.mapping(raw, key)
        spotify_ids = read.texts(row.get("spotify_track_ids"), f"{key}.spotify_track_ids")
        spotify_id = read.text(row.get("spotify_track_id"), f"{key}.spotify_track_id")
        cm_id = row.get("cm_track", row.get("id"))
        tracks.append(
            ChartmetricPlaylistTrack(
                chartmetric_id=read.integer(cm_id, f"{key}.cm_track"),
                name=read.text(row.get("name"), f"{key}.name"),
                isrc=read.text(row.get("isrc"), f"{key}.isrc"),
                spotify_track_id=spotify_id or (spotify_ids[0] if spotify_ids else None),
                spotify_track_ids=spotify_ids,
                artist_names=read.texts(row.get("artist_names"), f"{key}.artist_names"),
                position=read.integer(row.get("position"), f"{key}.position"),
                added_at=read.moment(row.get("added_at"), f"{key}.added_at"),
            )
        )
    return tracks
