"""Chartmetric Developer API emulator: refresh-token auth, `{"obj": ...}` bodies, a per-token
sliding-window limit with `X-RateLimit-*` headers, track ids, metadata, stats and playlists.

Contracts: docs/services.md#chartmetric (which says what is verified and how); the token body
follows the vendor's documentation example, kept as
track_assets_tests/fixtures/reference/chartmetric/docs-examples/post-api-token_200_apidocs-example.json.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from track_assets.sandbox.catalog.model import (
    Catalog,
    ChartmetricPlaylist,
    ChartmetricTrack,
    ItemKind,
    Playlist,
)
from track_assets.sandbox.catalog.names import normalise_name
from track_assets.sandbox.catalog.timeseries import ChartmetricMetric, chartmetric_series
from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.faults import InjectedError
from track_assets.sandbox.hosting import Message, Receive, Scope, Send
from track_assets.sandbox.rate_limits import Decision, SlidingWindow
from track_assets.sandbox.request_bodies import read_body, replay_body

SERVICE = "chartmetric"
LIMITER = "requests"  # SandboxOptions.limits["chartmetric"]["requests"]
# Entry plans are reported at 1 request/s on a sliding 1 s window
# (docs/services.md#chartmetric-rate-limit).
DEFAULT_REQUESTS_PER_SECOND = 1
WINDOW_SECONDS = 1.0
STATS_DEFAULT_DAYS = 180  # `since` defaults to 180 days ago (docs/services.md#chartmetric-stats)
MAX_PAGE_SIZE = 100

GET_IDS_TYPES = (
    "isrc",
    "spotify",
    "chartmetric",
    "itunes",
    "deezer",
    "amazon",
    "youtube",
    "soundcloud",
    "shazam",
    "tiktok",
    "beatport",
    "qq",
    "genius",
)
STATS_PLATFORMS = ("chartmetric", "spotify", "youtube", "shazam", "tiktok", "genius", "soundcloud")
STATS_MODES = ("highest-playcounts", "most-history")
STATS_TYPES = {"spotify": ("popularity", "streams"), "chartmetric": ("score", "rank")}
PLAYLIST_PLATFORMS = ("spotify", "applemusic", "deezer", "amazon", "youtube")
SEARCH_TYPES = (
    "all",
    "artists",
    "tracks",
    "playlists",
    "curators",
    "albums",
    "stations",
    "cities",
    "songwriters",
)
_SPOTIFY_URL = re.compile(
    r"^https?://open\.spotify\.com/(?:intl-[a-z]{2}(?:-[A-Za-z]{2})?/)?"
    r"(?P<kind>track|playlist)/(?P<id>[0-9A-Za-z]{22})(?:[/?#].*)?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartmetricSettings:
    """`SandboxOptions.settings["chartmetric"]`; an unknown key or bad value stops the start.

    - `token_lifetime_seconds`: life of an access token from `/api/token` (real: 1 h).
    - `streams_in_plan`: whether the plan includes Spotify stream counts. The seed says they
      need an upgraded ("Enterprise") plan, so the default plan has none: `type=streams`
      answers 403 and `cm_statistics.sp_streams` is null
      (docs/services.md#chartmetric-plan-restrictions).
    """

    token_lifetime_seconds: float = 3600.0
    streams_in_plan: bool = False

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ChartmetricSettings:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in settings.items():
            if key == "tier":  # every service gets it; Chartmetric plans are set here instead
                continue
            where = f"settings.{SERVICE}.{key}"
            if key not in known:
                raise ValueError(
                    f"settings.{SERVICE}: unknown setting {key!r}; known: {', '.join(sorted(known))}"
                )
            if key == "streams_in_plan":
                if not isinstance(value, bool):
                    raise ValueError(f"{where} must be true or false (got {value!r})")
            elif (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ValueError(f"{where} must be a number of seconds > 0 (got {value!r})")
            values[key] = value
        return cls(**values)


# --- tokens -----------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class _Grant:
    refresh_token: str
    expires_at: float  # real Unix time: clients compare the JWT's `exp` with their own clock


class AccessTokens:
    """Access tokens minted from the one refresh token, as HS256 JWTs (the docs' example token
    is a JWT). Expiry runs on real time, not the sandbox date."""

    def __init__(self, secret: bytes, lifetime: float, wall: Callable[[], float] = time.time):
        self._secret = secret
        self._lifetime = lifetime
        self._wall = wall
        self._grants: dict[str, _Grant] = {}
        self._serial = 0

    @property
    def lifetime(self) -> float:
        return self._lifetime

    def mint(self, refresh_token: str) -> str:
        now = self._wall()
        self._serial += 1
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {
            "id": self._serial,
            "scope": "api",
            "iat": int(now),
            "exp": int(now + self._lifetime),
        }
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256)
        token = f"{header}.{payload}.{_b64url(signature.digest())}"
        self._grants[token] = _Grant(refresh_token, now + self._lifetime)
        return token

    def owner(self, token: str) -> str | None:
        """The refresh token behind `token`, expired or not (None: never issued here)."""
        grant = self._grants.get(token)
        return grant.refresh_token if grant else None

    def is_valid(self, token: str) -> bool:
        grant = self._grants.get(token)
        return grant is not None and self._wall() < grant.expires_at


def bearer_token(request_headers: Mapping[str, str]) -> str | None:
    value = request_headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# --- errors and envelope ----------------------------------------------------------------------


def error(status: int, message: str) -> JSONResponse:
    """Chartmetric's error body: a JSON object with an `error` string
    (docs/services.md#chartmetric-envelope-and-errors)."""
    return JSONResponse({"error": message}, status_code=status)


def render_injected_error(injected: InjectedError) -> Response:
    body: dict[str, Any] = {"error": injected.message}
    if injected.status == 429 and injected.retry_after is not None:
        body["Retry-after"] = injected.retry_after
    return JSONResponse(body, status_code=injected.status)


def envelope(payload: Any) -> JSONResponse:
    return JSONResponse({"obj": payload})


class BadParameter(Exception):
    """A query or path parameter the API would refuse with 400."""


# --- the rate-limit layer ---------------------------------------------------------------------


class RateLimitLayer:
    """Counts every request received against the plan's sliding window, keyed by the refresh
    token behind the bearer (or the one sent to `/api/token`), answers 429 past the limit, and
    puts the three `X-RateLimit-*` headers on every response
    (docs/services.md#chartmetric-rate-limit, [cm-rl])."""

    def __init__(self, app: Any, limiter: SlidingWindow, tokens: AccessTokens, refresh: str):
        self._app = app
        self._limiter = limiter
        self._tokens = tokens
        self._refresh = refresh

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        key, receive = await self._client_key(scope, receive)
        decision = self._limiter.hit(key)
        headers = _rate_limit_headers(decision)
        if not decision.allowed:
            # The 429 body is undocumented; a 2019 client reads `Retry-after` from it (◐).
            response = JSONResponse(
                {"error": "Too Many Requests", "Retry-after": decision.retry_after_seconds},
                status_code=429,
            )
            response.headers.update(headers)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        *((k.lower().encode(), v.encode()) for k, v in headers.items()),
                    ],
                }
            await send(message)

        await self._app(scope, receive, send_with_headers)

    async def _client_key(self, scope: Scope, receive: Receive) -> tuple[str, Receive]:
        request = Request(scope)
        token = bearer_token(request.headers)
        if token is not None and self._tokens.owner(token) is not None:
            return f"refresh:{self._tokens.owner(token)}", receive
        if scope.get("method") == "POST" and scope.get("path") == "/api/token":
            body, _ = await read_body(receive)
            receive = replay_body(body, receive)
            if _refresh_token_in(body, request.headers.get("content-type", "")) == self._refresh:
                return f"refresh:{self._refresh}", receive
        client = scope.get("client") or ("unknown", 0)
        return f"client:{client[0]}", receive


def _rate_limit_headers(decision: Decision) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(max(0, decision.remaining)),
        "X-RateLimit-Reset": str(decision.reset_epoch),
    }


def _refresh_token_in(body: bytes, content_type: str) -> Any:
    """The `refreshtoken` of a JSON body (the documented form; other bodies carry none)."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("refreshtoken") if isinstance(data, dict) else None


# --- catalog views ----------------------------------------------------------------------------


def _timestamp(day: date) -> str:
    # Stats rows are read with `.replace("Z", "")` by a production client (◐ [wmd]).
    return f"{day.isoformat()}T00:00:00.000Z"


def _stable_int(text: str, digits: int = 8) -> int:
    """A made-up but stable positive id for things the catalog has no Chartmetric id for."""
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % (10**digits) or 1


def youtube_video_id(cm_track: ChartmetricTrack) -> str:
    """The stable YouTube id the emulator gives a track with YouTube data (the catalog has
    view counts but no video id)."""
    digest = hashlib.sha1(f"youtube:{cm_track.id}".encode()).digest()
    return _b64url(digest)[:11]


class ChartmetricView:
    """The catalog as Chartmetric shows it, evaluated at the sandbox date."""

    def __init__(self, catalog: Catalog, streams_in_plan: bool) -> None:
        self.catalog = catalog
        self.streams_in_plan = streams_in_plan
        self.cm_ids_by_youtube_id = {
            youtube_video_id(t): t.id for t in catalog.cm_tracks if t.youtube_views is not None
        }

    # ids

    def get_ids(self, id_type: str, value: str) -> list[dict[str, Any]]:
        catalog = self.catalog
        if id_type == "isrc":
            cm_ids = catalog.chartmetric_ids_by_isrc.get(value, ())
        elif id_type == "spotify":
            cm_ids = catalog.chartmetric_ids_by_spotify_id.get(value, ())
        elif id_type == "chartmetric":
            cm_ids = (int(value),) if int(value) in catalog.cm_tracks_by_id else ()
        elif id_type == "youtube":
            found = self.cm_ids_by_youtube_id.get(value)
            cm_ids = (found,) if found is not None else ()
        else:  # the other platforms: no ids in the catalog
            cm_ids = ()
        tracks = [catalog.cm_tracks_by_id[i] for i in cm_ids]
        if id_type == "isrc":
            return [self._id_row(value, tracks)] if tracks else []
        rows: dict[str | None, list[ChartmetricTrack]] = {}
        for track in tracks:
            rows.setdefault(track.isrc, []).append(track)
        return [self._id_row(isrc, group) for isrc, group in rows.items()]

    def _id_row(self, isrc: str | None, tracks: list[ChartmetricTrack]) -> dict[str, Any]:
        spotify = list(dict.fromkeys(s for t in tracks for s in t.spotify_track_ids))
        youtube = [youtube_video_id(t) for t in tracks if t.youtube_views is not None]
        row: dict[str, Any] = {
            "isrc": isrc,
            "chartmetric_ids": [t.id for t in tracks],
            "spotify_ids": spotify,
        }
        for platform in ("itunes", "deezer", "amazon", "youtube", "soundcloud", "shazam"):
            row[f"{platform}_ids"] = youtube if platform == "youtube" else []
        for platform in ("tiktok", "beatport", "qq", "genius"):
            row[f"{platform}_ids"] = []
        return row

    # track metadata

    def image_url(self, cm_track: ChartmetricTrack) -> str | None:
        for spotify_id in cm_track.spotify_track_ids:
            track = self.catalog.tracks_by_id.get(spotify_id)
            album = self.catalog.albums_by_id.get(track.album_id) if track else None
            if album and album.images:
                return album.images[0].url
        return None

    def albums(self, cm_track: ChartmetricTrack) -> list[dict[str, Any]]:
        albums = []
        seen = set()
        for spotify_id in cm_track.spotify_track_ids:
            track = self.catalog.tracks_by_id.get(spotify_id)
            album = self.catalog.albums_by_id.get(track.album_id) if track else None
            if album is None or album.id in seen:
                continue
            seen.add(album.id)
            albums.append(
                {
                    "id": _stable_int(f"album:{album.id}"),
                    "name": album.name,
                    "upc": album.upc,
                    "release_date": album.release_date,
                    "label": album.label,
                    "image_url": album.images[0].url if album.images else None,
                    "popularity": album.popularity,
                }
            )
        return albums

    def track(self, cm_track: ChartmetricTrack, today: date) -> dict[str, Any]:
        popularity = self.value_on(cm_track, ChartmetricMetric.SPOTIFY_POPULARITY, today)
        streams = (
            self.value_on(cm_track, ChartmetricMetric.SPOTIFY_STREAMS, today)
            if self.streams_in_plan
            else None
        )
        return {
            "id": cm_track.id,
            "name": cm_track.name,
            "isrc": cm_track.isrc,
            "image_url": self.image_url(cm_track),
            "duration_ms": cm_track.duration_ms,
            "composer_name": cm_track.composer_name,
            # A list of names (◐ [wmd] dto `List[str]`); Chartmetric songwriter ids come from
            # /api/search?type=songwriters as `doc_id` (docs/services.md#chartmetric-endpoints-used).
            "songwriters": [s.name for s in cm_track.songwriters],
            "moods": [{"id": m.id, "name": m.name} for m in cm_track.moods],
            "activities": [{"id": a.id, "name": a.name} for a in cm_track.activities],
            "tags": ", ".join(cm_track.tags),  # a string (◐ [wmd] dto `tags: str`)
            "artists": [{"id": a.id, "name": a.name} for a in cm_track.artists],
            "albums": self.albums(cm_track),
            "release_date": cm_track.release_date.isoformat() if cm_track.release_date else None,
            "album_label": cm_track.album_label,
            "explicit": cm_track.explicit,
            "score": cm_track.score,
            "tempo": cm_track.tempo,
            "cm_statistics": {
                "timestamp": _timestamp(today),
                "cm_track": cm_track.id,
                "score": cm_track.score,
                "num_sp_playlists": cm_track.spotify_playlist_count,
                "num_sp_editorial_playlists": cm_track.spotify_editorial_playlist_count,
                "num_am_playlists": None,
                "num_am_editorial_playlists": None,
                "sp_playlist_total_reach": cm_track.playlist_reach,
                "sp_popularity": popularity,
                # Named as in artist `cm_statistics` (◐ several independent clients).
                "sp_popularity_rank": cm_track.spotify_popularity_rank,
                "sp_streams": streams,
                "airplay_streams": None,
            },
        }

    # stats

    def series(
        self, cm_track: ChartmetricTrack, metric: ChartmetricMetric, since: date, until: date
    ) -> list[tuple[date, int, int]]:
        """(day, value, difference from the day before) for each day with data."""
        if cm_track.stats_since is None:  # the schema allows null: data as far back as asked
            cm_track = replace(cm_track, stats_since=since - timedelta(days=1))
        # One day earlier, so the first day's difference is against real data.
        points = chartmetric_series(
            self.catalog, cm_track, metric, since - timedelta(days=1), until
        )
        result = []
        previous = None
        for point in points:
            if point.day >= since:
                diff = point.value - previous if previous is not None else 0
                result.append((point.day, point.value, diff))
            previous = point.value
        return result

    def value_on(self, cm_track: ChartmetricTrack, metric: ChartmetricMetric, day: date):
        points = self.series(cm_track, metric, day, day)
        return points[0][1] if points else None

    # playlists

    def spotify_playlist(self, cm_playlist: ChartmetricPlaylist) -> Playlist | None:
        return self.catalog.playlists_by_id.get(cm_playlist.spotify_playlist_id)

    def playlist(self, cm_playlist: ChartmetricPlaylist, now: datetime) -> dict[str, Any]:
        playlist = self.spotify_playlist(cm_playlist)
        return {
            "id": cm_playlist.id,
            "name": playlist.name if playlist else None,
            "description": playlist.description if playlist else None,
            "image_url": playlist.images[0].url if playlist and playlist.images else None,
            "playlist_id": cm_playlist.spotify_playlist_id,
            "owner_name": playlist.owner.display_name if playlist else None,
            "owner_id": playlist.owner.id if playlist else None,
            "followers": playlist.followers if playlist else None,
            "num_track": len(cm_playlist.track_ids),
            "editorial": playlist.editorial if playlist else False,
            "personalized": False,
            "code2": None,
            "last_updated": now.isoformat().replace("+00:00", "Z"),
            "genres": [],
            "moods": [],
            "activities": [],
            "tags": [],
        }

    def playlist_rows(self, cm_playlist: ChartmetricPlaylist, span: str) -> list[dict[str, Any]]:
        playlist = self.spotify_playlist(cm_playlist)
        added_at = {}
        if playlist is not None:
            for item in playlist.items:
                if item.kind is ItemKind.TRACK and item.track_id not in added_at:
                    added_at[item.track_id] = item.added_at
        current = span == "current"
        spotify_ids = cm_playlist.track_ids if current else cm_playlist.past_track_ids
        rows = []
        for position, spotify_id in enumerate(spotify_ids, start=1):
            cm_ids = self.catalog.chartmetric_ids_by_spotify_id.get(spotify_id, ())
            if not cm_ids:
                continue
            cm_track = self.catalog.cm_tracks_by_id[cm_ids[0]]
            when = added_at.get(spotify_id) if current else None
            rows.append(
                {
                    "cm_track": cm_track.id,
                    "id": cm_track.id,
                    "name": cm_track.name,
                    "isrc": cm_track.isrc,
                    "spotify_track_id": spotify_id,
                    "spotify_track_ids": list(cm_track.spotify_track_ids),
                    "artist_names": [a.name for a in cm_track.artists],
                    "added_at": when.isoformat().replace("+00:00", "Z") if when else None,
                    "position": position if current else None,
                }
            )
        return rows

    # search

    def search(self, query: str, search_type: str) -> dict[str, Any]:
        match = _SPOTIFY_URL.match(query.strip())
        tracks: list[ChartmetricTrack] = []
        playlists: list[ChartmetricPlaylist] = []
        artists: dict[int, str] = {}
        songwriters: dict[int, str] = {}
        catalog = self.catalog
        if match and match.group("kind") == "track":
            ids = catalog.chartmetric_ids_by_spotify_id.get(match.group("id"), ())
            tracks = [catalog.cm_tracks_by_id[i] for i in ids]
        elif match and match.group("kind") == "playlist":
            found = catalog.cm_playlists_by_spotify_id.get(match.group("id"))
            playlists = [found] if found else []
        elif not query.lower().startswith(("http://", "https://")):
            wanted = normalise_name(query)
            for track in catalog.cm_tracks:
                if wanted in normalise_name(track.name) or query.strip().upper() == track.isrc:
                    tracks.append(track)
                for ref in track.artists:
                    if wanted in normalise_name(ref.name):
                        artists.setdefault(ref.id, ref.name)
                for ref in track.songwriters:
                    if wanted in normalise_name(ref.name):
                        songwriters.setdefault(ref.id, ref.name)
            for cm_playlist in catalog.cm_playlists:
                playlist = self.spotify_playlist(cm_playlist)
                if playlist and wanted in normalise_name(playlist.name):
                    playlists.append(cm_playlist)
        return {
            "tracks": [
                {
                    # The old apidoc types the track id as a string (◐ [wmd-doc]).
                    "id": str(t.id),
                    "name": t.name,
                    "image_url": self.image_url(t),
                    "isrc": t.isrc,
                    "artist_names": [a.name for a in t.artists],
                }
                for t in tracks
            ],
            "playlists": [
                {
                    "id": p.id,
                    "name": pl.name if (pl := self.spotify_playlist(p)) else None,
                    "image_url": pl.images[0].url if pl and pl.images else None,
                    "owner_name": pl.owner.display_name if pl else None,
                }
                for p in playlists
            ],
            "artists": [
                {
                    "id": i,
                    "name": n,
                    "image_url": None,
                    "isni": None,
                    "sp_monthly_listeners": None,
                    "sp_followers": None,
                    "cm_artist_score": None,
                }
                for i, n in artists.items()
            ],
            "songwriters": [
                {"name": n, "doc_id": i, "artistName": None, "image_url": None}
                for i, n in songwriters.items()
            ],
        }


# --- request parsing --------------------------------------------------------------------------


def _boolean(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise BadParameter(f"{name} must be true or false")


def _iso_date(request: Request, name: str, default: date) -> date:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not _DATE.match(raw):
        raise BadParameter(f"{name} must be an ISO date (YYYY-MM-DD), got {raw!r}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"{name} is not a valid date: {raw!r}") from None


def _whole(request: Request, name: str, default: int, minimum: int, maximum: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise BadParameter(f"{name} must be a whole number, got {raw!r}")
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise BadParameter(f"{name} must be between {minimum}{upper}, got {value}")
    return value


def _numeric_id(raw: str, what: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter(f"{what} must be a positive integer Chartmetric id, got {raw!r}")
    return int(raw)


# --- the app ----------------------------------------------------------------------------------


def build_app(context: SandboxContext) -> Starlette:
    settings = ChartmetricSettings.from_settings(context.settings)
    refresh = context.credentials["CHARTMETRIC_REFRESH_TOKEN"]
    limiter = context.limits.sliding_window(
        LIMITER, limit=DEFAULT_REQUESTS_PER_SECOND, window=WINDOW_SECONDS
    )
    secret = bytes(context.rng.getrandbits(8) for _ in range(32))
    tokens = AccessTokens(secret, settings.token_lifetime_seconds)
    catalog: Catalog = context.catalog
    view = ChartmetricView(catalog, settings.streams_in_plan)

    def authorized(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def guarded(request: Request) -> Response:
            token = bearer_token(request.headers)
            if token is None:
                return error(401, "Missing or malformed Authorization header")
            if not tokens.is_valid(token):
                return error(401, "Invalid or expired token")
            try:
                return await handler(request)
            except BadParameter as problem:
                return error(400, str(problem))

        return guarded

    async def mint_token(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        refresh_token = None
        if content_type == "application/json":
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                return error(400, "Request body is not valid JSON")
            if isinstance(data, dict):
                refresh_token = data.get("refreshtoken")
        if not isinstance(refresh_token, str) or not refresh_token:
            return error(401, "refreshtoken is required")
        if not hmac.compare_digest(refresh_token.encode(), refresh.encode()):
            return error(401, "Invalid refresh token")
        return JSONResponse(
            {
                "token": tokens.mint(refresh_token),
                "expires_in": math.ceil(tokens.lifetime),
                "refresh_token": refresh_token,
                "scope": "api",
            }
        )

    @authorized
    async def get_ids(request: Request) -> Response:
        id_type = request.path_params["id_type"]
        value = request.path_params["value"]
        if id_type not in GET_IDS_TYPES:
            raise BadParameter(f"type must be one of {', '.join(GET_IDS_TYPES)}, got {id_type!r}")
        if id_type == "chartmetric":
            _numeric_id(value, "id")
        return envelope(view.get_ids(id_type, value))

    @authorized
    async def track(request: Request) -> Response:
        cm_id = _numeric_id(request.path_params["cm_id"], "track id")
        cm_track = catalog.cm_tracks_by_id.get(cm_id)
        if cm_track is None:
            return error(404, f"Track {cm_id} not found")
        return envelope(view.track(cm_track, context.clock.today()))

    @authorized
    async def track_stats(request: Request) -> Response:
        params = request.path_params
        platform, mode = params["platform"], params["mode"]
        if platform not in STATS_PLATFORMS:
            raise BadParameter("Domain does not exist")  # quoted by a consumer (◐ recoup-skill)
        if mode not in STATS_MODES:
            raise BadParameter(f"mode must be one of {', '.join(STATS_MODES)}, got {mode!r}")
        stat_type = request.query_params.get("type")
        allowed = STATS_TYPES.get(platform)
        if allowed is not None:
            stat_type = stat_type or allowed[0]
            if stat_type not in allowed:
                raise BadParameter(f"type must be one of {', '.join(allowed)} on {platform}")
        today = context.clock.today()
        since = _iso_date(request, "since", today - timedelta(days=STATS_DEFAULT_DAYS))
        until = min(_iso_date(request, "until", today), today)
        latest = _boolean(request, "latest")
        interpolated = _boolean(request, "interpolated")
        by_domain_id = _boolean(request, "isDomainId")
        if platform == "spotify" and stat_type == "streams" and not settings.streams_in_plan:
            return error(403, "Spotify stream counts are not included in your plan")
        cm_track = _stats_track(params["track_id"], platform, by_domain_id)
        if cm_track is None:
            return error(404, f"Track {params['track_id']} not found")
        entry = _stats_entry(cm_track, platform, stat_type)
        if entry is None:
            return envelope([])
        domain, domain_id, metric = entry
        if latest:
            since, until = today, today
        points = _points(cm_track, platform, metric, since, until)
        diff_key = "daily_diff" if interpolated else "diff"
        data = []
        for day, value, diff in points:
            row: dict[str, Any] = {"value": value, "timestp": _timestamp(day), diff_key: diff}
            if interpolated:
                row["interpolated"] = False  # every day has real data in the catalog
            data.append(row)
        return envelope([{"domain": domain, "track_domain_id": domain_id, "data": data}])

    def _stats_track(raw_id: str, platform: str, by_domain_id: bool) -> ChartmetricTrack | None:
        if by_domain_id and platform == "spotify":
            cm_ids = catalog.chartmetric_ids_by_spotify_id.get(raw_id, ())
            return catalog.cm_tracks_by_id[cm_ids[0]] if cm_ids else None
        if by_domain_id and platform == "youtube":
            found = view.cm_ids_by_youtube_id.get(raw_id)
            return catalog.cm_tracks_by_id.get(found) if found is not None else None
        if by_domain_id and platform != "chartmetric":
            return None
        return catalog.cm_tracks_by_id.get(_numeric_id(raw_id, "track id"))

    def _stats_entry(
        cm_track: ChartmetricTrack, platform: str, stat_type: str | None
    ) -> tuple[str, str, ChartmetricMetric | None] | None:
        if platform == "spotify" and cm_track.spotify_track_ids:
            metric = (
                ChartmetricMetric.SPOTIFY_STREAMS
                if stat_type == "streams"
                else ChartmetricMetric.SPOTIFY_POPULARITY
            )
            return "spotify", cm_track.spotify_track_ids[0], metric
        if platform == "youtube" and cm_track.youtube_views is not None:
            return "youtube", youtube_video_id(cm_track), ChartmetricMetric.YOUTUBE_VIEWS
        if platform == "chartmetric" and stat_type == "score":
            return "chartmetric", str(cm_track.id), None
        return None  # no data on that platform (or the Chartmetric rank) in the catalog

    def _points(cm_track, platform, metric, since, until) -> list[tuple[date, int, int]]:
        if metric is not None:
            return view.series(cm_track, metric, since, until)
        # The Chartmetric score: the catalog holds one (rounded) value, constant over time.
        start = max(since, cm_track.stats_since or since)
        days = (until - start).days + 1
        value = round(cm_track.score)
        return [(start + timedelta(days=n), value, 0) for n in range(max(0, days))]

    @authorized
    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "")
        if not query.strip():
            raise BadParameter("q is required")
        search_type = request.query_params.get("type", "all")
        if search_type not in SEARCH_TYPES:
            raise BadParameter(f"type must be one of {', '.join(SEARCH_TYPES)}")
        if _boolean(request, "beta"):
            raise BadParameter("the sandbox does not emulate the beta search engine")
        limit = _whole(request, "limit", 10, 1, None)
        offset = _whole(request, "offset", 0, 0, None)
        found = view.search(query, search_type)

        def page(items: list) -> list:
            return items[offset : offset + limit]

        buckets: dict[str, Any] = {
            "artists": page(found["artists"]),
            "playlists": {
                platform: page(found["playlists"]) if platform == "spotify" else []
                for platform in PLAYLIST_PLATFORMS
            },
            "tracks": page(found["tracks"]),
            "curators": {"spotify": [], "applemusic": [], "deezer": []},
            "albums": [],
            "stations": [],
            "cities": [],
            "songwriters": page(found["songwriters"]),
        }
        if search_type == "all":
            return envelope(buckets)
        return envelope({search_type: buckets[search_type]})

    def _playlist(request: Request) -> ChartmetricPlaylist | Response:
        platform = request.path_params["platform"]
        if platform not in PLAYLIST_PLATFORMS:
            raise BadParameter(f"platform must be one of {', '.join(PLAYLIST_PLATFORMS)}")
        # Playlist endpoints take the Chartmetric playlist id, a positive integer, never the
        # platform's own id (◐ [pycmc] [recoup-pl]).
        cm_id = _numeric_id(request.path_params["playlist_id"], "playlist id")
        found = catalog.cm_playlists_by_id.get(cm_id) if platform == "spotify" else None
        if found is None:
            return error(404, f"Playlist {cm_id} not found")
        return found

    @authorized
    async def playlist(request: Request) -> Response:
        found = _playlist(request)
        if isinstance(found, Response):
            return found
        return envelope(view.playlist(found, context.clock.now()))

    @authorized
    async def playlist_tracks(request: Request) -> Response:
        span = request.path_params["span"]
        if span not in ("current", "past"):
            raise BadParameter(f"span must be current or past, got {span!r}")
        found = _playlist(request)
        if isinstance(found, Response):
            return found
        limit = _whole(request, "limit", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        offset = _whole(request, "offset", 0, 0, None)
        rows = view.playlist_rows(found, span)
        return envelope(rows[offset : offset + limit])

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        message = "Method Not Allowed" if status == 405 else "Not Found"
        return error(status, message)

    return Starlette(
        routes=[
            Route("/api/token", mint_token, methods=["POST"]),
            Route("/api/track/{id_type}/{value}/get-ids", get_ids),
            Route("/api/track/{track_id}/{platform}/stats/{mode}", track_stats),
            Route("/api/track/{cm_id}", track),
            Route("/api/search", search),
            Route("/api/playlist/{platform}/{playlist_id}", playlist),
            Route("/api/playlist/{platform}/{playlist_id}/{span}/tracks", playlist_tracks),
        ],
        middleware=[
            Middleware(RateLimitLayer, limiter=limiter, tokens=tokens, refresh=refresh),
        ],
        exception_handlers={404: not_found, 405: not_found},
    )


def chartmetric_emulator() -> EmulatorSpec:
    return EmulatorSpec(SERVICE, build_app, error_renderer=render_injected_error)
