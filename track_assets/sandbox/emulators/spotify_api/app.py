"""The Spotify accounts service and Web API (`/v1`) as one Starlette app over the catalog.

Contract: docs/services.md#spotify-web-api; shapes from the recordings in
track_assets_tests/fixtures/reference/spotify/webapi/, error bodies from
track_assets_tests/fixtures/reference/spotify/errors/. Tier-dependent behaviour (settings "tier"):

- development: batch `GET /tracks|albums|artists?ids=` and `/playlists/{id}/tracks` answer 403;
  audio features 403 with no message; editorial `37i9dQZ…` playlists 404; `/items` 403 for
  every playlist (a client-credentials token owns none); `/playlists/{id}` is metadata only;
  search `limit` ≤ 10; removed fields absent; a daily quota per client.
- extended: the pre-2026 contract, `tracks`/`track` spelling, editorial playlists and audio
  features served, search `limit` ≤ 50.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from track_assets.sandbox.catalog.model import Catalog, ItemKind, Playlist
from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.emulators.spotify_api.accounts import TokenEndpoint, TokenStore
from track_assets.sandbox.emulators.spotify_api.errors import (
    AUDIO_FEATURES_FORBIDDEN_BODY,
    EDITORIAL_NOT_FOUND_BODY,
    INSUFFICIENT_SCOPE,
    INVALID_BASE62_ID,
    INVALID_ID,
    INVALID_LIMIT,
    INVALID_MARKET,
    JSON_MEDIA_TYPE,
    MISSING_SEARCH_TYPE,
    NO_SEARCH_QUERY,
    NON_EXISTING_ID,
    NOT_OWNER_BODY,
    QUOTA_EXCEEDED_BODY,
    RATE_LIMITED,
    REMOVED_ENDPOINT_BODY,
    TOO_MANY_IDS,
    SpotifyApiError,
    accounts_error,
    render_injected_error,
)
from track_assets.sandbox.emulators.spotify_api.fields import (
    FieldSelection,
    FieldsSyntaxError,
    apply_fields,
    parse_fields,
)
from track_assets.sandbox.emulators.spotify_api.objects import JsonObject, ObjectRenderer
from track_assets.sandbox.emulators.spotify_api.search import (
    SEARCH_TYPES,
    SearchQuery,
    search_albums,
    search_artists,
    search_tracks,
)
from track_assets.sandbox.emulators.spotify_api.settings import (
    DAILY_QUOTA,
    ROLLING_LIMITS,
    ROLLING_WINDOW_SECONDS,
    SpotifyApiSettings,
)

SERVICE = "spotify_api"
SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
MARKET = re.compile(r"^[A-Z]{2}$")
EDITORIAL_PREFIX = "37i9dQZ"  # Spotify-owned editorial and algorithmic playlists

# Ids per batch request (openapi QueryTrackIds / QueryAlbumIds / QueryArtistIds, audio-features).
MAX_TRACK_IDS = 50
MAX_ALBUM_IDS = 20
MAX_ARTIST_IDS = 50
MAX_AUDIO_FEATURE_IDS = 100
# Playlist pages: `/items` as documented (default 20, max 50); `/tracks` accepted and echoed
# limit=100 in the 2019 and 2024 recordings, as the pre-2020 documentation (default 100) said.
ITEMS_PAGE = (20, 50)
TRACKS_PAGE = (100, 100)
EMBEDDED_PAGE_LIMIT = 100  # the page inside `GET /playlists/{id}` (2024 recording)
ALBUM_TRACKS_PAGE = (20, 50)
SEARCH_PAGE = {"development": (5, 10), "extended": (20, 50)}  # (default, max), openapi
SEARCH_MAX_OFFSET = 1000

Handler = Callable[[Request, ObjectRenderer], Any]


def spotify_api_emulator() -> EmulatorSpec:
    """The accounts service and the Web API on one port (url keys "base" and "accounts")."""
    return EmulatorSpec(
        SERVICE,
        build_spotify_api_app,
        url_keys=("base", "accounts"),
        error_renderer=render_injected_error,
    )


def build_spotify_api_app(context: SandboxContext) -> Starlette:
    settings = SpotifyApiSettings.from_mapping(context.settings)
    if not isinstance(context.catalog, Catalog):
        raise ValueError(
            "spotify_api serves a sandbox catalog: pass a Catalog (load_catalog or "
            f"catalog.generate) to the SandboxServer, not {type(context.catalog).__name__}"
        )
    tokens = TokenStore(context.rng, settings.token_lifetime)
    web_api = WebApi(context, context.catalog, tokens, settings)
    routes = [
        Route("/api/token", TokenEndpoint(context.credentials, tokens).handle, methods=["POST"]),
        *web_api.routes(),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={404: _not_found, 405: _method_not_allowed},
    )
    app.router.redirect_slashes = False  # /v1/tracks/ is its own route (spotipy calls it)
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    # Inferred: Spotify's gateway message for a path that is no endpoint.
    return SpotifyApiError(404, "Service not found").response()


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    if request.url.path == "/api/token":
        return accounts_error(405, "server_error", "Unexpected status: 405")
    return SpotifyApiError(405, "Method not allowed").response()


class WebApi:
    """The `/v1` endpoints: auth, rate limits, tier rules, then the handler."""

    def __init__(
        self,
        context: SandboxContext,
        catalog: Catalog,
        tokens: TokenStore,
        settings: SpotifyApiSettings,
    ) -> None:
        self.context = context
        self.catalog = catalog
        self.tokens = tokens
        self.settings = settings
        self.extended = settings.extended
        self.rolling = context.limits.sliding_window(
            "rolling", limit=ROLLING_LIMITS[settings.tier], window=ROLLING_WINDOW_SECONDS
        )
        # Declared in both tiers (so one configuration fits both); enforced in development.
        self.daily_quota = context.limits.daily_quota("daily_quota", limit=DAILY_QUOTA)

    def routes(self) -> list[Route]:
        table: list[tuple[str, Handler]] = [
            ("/v1/tracks/{id}", self.track),
            ("/v1/tracks", self.several_tracks),
            ("/v1/tracks/", self.several_tracks),
            ("/v1/albums/{id}", self.album),
            ("/v1/albums/{id}/tracks", self.album_tracks),
            ("/v1/albums", self.several_albums),
            ("/v1/albums/", self.several_albums),
            ("/v1/artists/{id}", self.artist),
            ("/v1/artists", self.several_artists),
            ("/v1/artists/", self.several_artists),
            ("/v1/audio-features/{id}", self.audio_features),
            ("/v1/audio-features", self.several_audio_features),
            ("/v1/audio-features/", self.several_audio_features),
            ("/v1/playlists/{id}", self.playlist),
            ("/v1/playlists/{id}/items", self.playlist_items),
            ("/v1/playlists/{id}/tracks", self.playlist_tracks),
            ("/v1/search", self.search),
        ]
        return [Route(path, self._endpoint(handler), methods=["GET"]) for path, handler in table]

    # -- the common part of every request ----------------------------------------------------------

    def _endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                client_id = self.tokens.client_of(request.headers.get("authorization"))
                self._admit(client_id)
                renderer = ObjectRenderer(
                    self.catalog,
                    str(request.base_url),
                    extended=self.extended,
                    today=self.context.clock.today(),
                    market=_market(request),
                )
                data = handler(request, renderer)
            except SpotifyApiError as error:
                return error.response()
            body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
            return Response(body, media_type=JSON_MEDIA_TYPE)

        return endpoint

    def _admit(self, client_id: str) -> None:
        decision = self.rolling.hit(client_id)
        if not decision.allowed:
            retry_after = str(decision.retry_after_seconds)
            raise SpotifyApiError(429, RATE_LIMITED, headers={"Retry-After": retry_after})
        if not self.extended:
            quota = self.daily_quota.hit(client_id)
            if not quota.allowed:
                raise SpotifyApiError(
                    429,
                    body=QUOTA_EXCEEDED_BODY,
                    headers={"Retry-After": str(quota.retry_after_seconds)},
                )

    def _extended_only(self, body: bytes = REMOVED_ENDPOINT_BODY) -> None:
        if not self.extended:
            raise SpotifyApiError(403, body=body)

    # -- tracks, albums, artists -------------------------------------------------------------------

    def track(self, request: Request, r: ObjectRenderer) -> JsonObject:
        track = self.catalog.tracks_by_id.get(_entity_id(request))
        if track is None:
            raise SpotifyApiError(404, NON_EXISTING_ID)
        return r.track(track)

    def several_tracks(self, request: Request, r: ObjectRenderer) -> JsonObject:
        self._extended_only()
        ids = _ids(request, MAX_TRACK_IDS)
        tracks = [self.catalog.tracks_by_id.get(i) for i in ids]
        return {"tracks": [r.track(t) if t else None for t in tracks]}

    def album(self, request: Request, r: ObjectRenderer) -> JsonObject:
        album = self.catalog.albums_by_id.get(_entity_id(request))
        if album is None:
            raise SpotifyApiError(404, NON_EXISTING_ID)
        return r.album(album)

    def album_tracks(self, request: Request, r: ObjectRenderer) -> JsonObject:
        album = self.catalog.albums_by_id.get(_entity_id(request))
        if album is None:
            raise SpotifyApiError(404, NON_EXISTING_ID)
        offset, limit = _paging(request, *ALBUM_TRACKS_PAGE)
        tracks = [self.catalog.tracks_by_id[t] for t in album.track_ids[offset : offset + limit]]
        return r.album_tracks_page(album, tracks, offset=offset, limit=limit)

    def several_albums(self, request: Request, r: ObjectRenderer) -> JsonObject:
        self._extended_only()
        albums = [self.catalog.albums_by_id.get(i) for i in _ids(request, MAX_ALBUM_IDS)]
        return {"albums": [r.album(a) if a else None for a in albums]}

    def artist(self, request: Request, r: ObjectRenderer) -> JsonObject:
        artist = self.catalog.artists_by_id.get(_entity_id(request))
        if artist is None:
            raise SpotifyApiError(404, NON_EXISTING_ID)
        return r.artist(artist)

    def several_artists(self, request: Request, r: ObjectRenderer) -> JsonObject:
        self._extended_only()
        artists = [self.catalog.artists_by_id.get(i) for i in _ids(request, MAX_ARTIST_IDS)]
        return {"artists": [r.artist(a) if a else None for a in artists]}

    def audio_features(self, request: Request, r: ObjectRenderer) -> JsonObject:
        self._extended_only(AUDIO_FEATURES_FORBIDDEN_BODY)
        track = self.catalog.tracks_by_id.get(_entity_id(request))
        if track is None:
            raise SpotifyApiError(404, NON_EXISTING_ID)
        return r.audio_features(track)

    def several_audio_features(self, request: Request, r: ObjectRenderer) -> JsonObject:
        self._extended_only(AUDIO_FEATURES_FORBIDDEN_BODY)
        tracks = [self.catalog.tracks_by_id.get(i) for i in _ids(request, MAX_AUDIO_FEATURE_IDS)]
        return {"audio_features": [r.audio_features(t) if t else None for t in tracks]}

    # -- playlists ---------------------------------------------------------------------------------

    def _playlist(self, request: Request):
        playlist_id = request.path_params["id"]
        if not SPOTIFY_ID.match(playlist_id):
            raise SpotifyApiError(400, INVALID_BASE62_ID)
        playlist = self.catalog.playlists_by_id.get(playlist_id)
        if playlist is None or (not self.extended and playlist.id.startswith(EDITORIAL_PREFIX)):
            raise SpotifyApiError(404, body=EDITORIAL_NOT_FOUND_BODY)
        return playlist

    def playlist(self, request: Request, r: ObjectRenderer) -> Any:
        playlist = self._playlist(request)
        selection = _fields(request)
        echoed = _echoed(request, playlist)
        data = r.playlist(playlist, query=echoed)
        if self.extended:
            # Development-tier apps get metadata only for playlists they do not own
            # (docs/services.md#access-tiers).
            data["tracks"] = self._items_page(
                request, r, playlist, "tracks", offset=0, limit=EMBEDDED_PAGE_LIMIT
            )
        return apply_fields(data, selection)

    def playlist_items(self, request: Request, r: ObjectRenderer) -> Any:
        playlist = self._playlist(request)
        self._extended_only(NOT_OWNER_BODY)  # client credentials own no playlist
        return self._paged_items(request, r, playlist, "items", ITEMS_PAGE)

    def playlist_tracks(self, request: Request, r: ObjectRenderer) -> Any:
        self._extended_only()  # removed for Development Mode (observed 403)
        playlist = self._playlist(request)
        return self._paged_items(request, r, playlist, "tracks", TRACKS_PAGE)

    def _paged_items(
        self, request: Request, r: ObjectRenderer, playlist, endpoint: str, page: tuple[int, int]
    ) -> Any:
        selection = _fields(request)
        offset, limit = _paging(request, *page)
        return apply_fields(
            self._items_page(request, r, playlist, endpoint, offset=offset, limit=limit),
            selection,
        )

    def _items_page(
        self, request: Request, r: ObjectRenderer, playlist, endpoint: str, *, offset, limit
    ) -> JsonObject:
        episodes = "episode" in request.query_params.get("additional_types", "").split(",")
        item_key = "track" if self.extended else "item"
        items = [
            r.playlist_item(item, item_key=item_key, episodes=episodes)
            for item in playlist.items[offset : offset + limit]
        ]
        return r.page(
            f"/playlists/{playlist.id}/{endpoint}",
            items,
            offset=offset,
            limit=limit,
            total=len(playlist.items),
            extra=_echoed(request, playlist),
        )

    # -- search ------------------------------------------------------------------------------------

    def search(self, request: Request, r: ObjectRenderer) -> JsonObject:
        params = request.query_params
        text = params.get("q", params.get("query", ""))  # `next` links carry `query=`
        if not text.strip():
            raise SpotifyApiError(400, NO_SEARCH_QUERY)
        raw_types = params.get("type")
        if not raw_types:
            raise SpotifyApiError(400, MISSING_SEARCH_TYPE)
        types = raw_types.split(",")
        for kind in types:
            if kind not in SEARCH_TYPES:
                raise SpotifyApiError(400, f"Bad search type field {kind}")  # inferred wording
        default_limit, max_limit = SEARCH_PAGE[self.settings.tier]
        limit = _integer(params.get("limit"), default_limit, INVALID_LIMIT, 0, max_limit)
        offset = _integer(params.get("offset"), 0, "Invalid offset", 0, SEARCH_MAX_OFFSET)
        query = SearchQuery.parse(text)
        today = self.context.clock.today()
        results: dict[str, list[Any]] = {
            "track": search_tracks(self.catalog, query, today) if "track" in types else [],
            "artist": search_artists(self.catalog, query) if "artist" in types else [],
            "album": search_albums(self.catalog, query) if "album" in types else [],
        }
        draw = {"track": r.track, "artist": r.artist, "album": r.album_simple}
        lead = [("query", text)]
        extra = [("type", raw_types)] + ([("market", r.market)] if r.market else [])
        data: JsonObject = {}
        for kind in types:
            found = results.get(kind, [])
            shown = [draw[kind](x) for x in found[offset : offset + limit]] if found else []
            data[f"{kind}s"] = r.page(
                "/search",
                shown,
                offset=offset,
                limit=limit,
                total=len(found),
                extra=extra,
                lead=lead,
            )
        return data


# -- request parameters ------------------------------------------------------------------------------


def _entity_id(request: Request) -> str:
    entity_id = request.path_params["id"]
    if not SPOTIFY_ID.match(entity_id):
        raise SpotifyApiError(400, INVALID_ID)
    return entity_id


def _ids(request: Request, maximum: int) -> list[str]:
    raw = request.query_params.get("ids")
    if not raw:
        raise SpotifyApiError(400, INVALID_ID)  # inferred: no capture of a missing `ids`
    ids = raw.split(",")
    if len(ids) > maximum:
        raise SpotifyApiError(400, TOO_MANY_IDS)
    if not all(SPOTIFY_ID.match(i) for i in ids):
        raise SpotifyApiError(400, INVALID_ID)
    return ids  # duplicates are allowed (docs/services.md#catalogue-endpoints)


def _market(request: Request) -> str | None:
    market = request.query_params.get("market")
    if market is None:
        return None
    if market == "from_token":
        # A client-credentials token has no user and so no market (spotify/web-api#1451).
        raise SpotifyApiError(403, INSUFFICIENT_SCOPE)
    if not MARKET.match(market):
        raise SpotifyApiError(400, INVALID_MARKET)
    return market


def _paging(request: Request, default_limit: int, max_limit: int) -> tuple[int, int]:
    params = request.query_params
    limit = _integer(params.get("limit"), default_limit, INVALID_LIMIT, 0, max_limit)
    offset = _integer(params.get("offset"), 0, "Invalid offset", 0, None)
    return offset, limit


def _integer(raw: str | None, default: int, message: str, low: int, high: int | None) -> int:
    if raw is None:
        return default
    if not re.fullmatch(r"-?\d{1,9}", raw.strip()):
        raise SpotifyApiError(400, message)
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise SpotifyApiError(400, message)
    return value


def _fields(request: Request) -> FieldSelection | None:
    raw = request.query_params.get("fields")
    if raw is None:
        return None
    try:
        return parse_fields(raw)
    except FieldsSyntaxError:
        raise SpotifyApiError(400, "Invalid fields") from None  # inferred wording


def _echoed(request: Request, playlist: Playlist) -> list[tuple[str, str]]:
    """The query parameters a playlist `href`/`next` repeats.

    `additional_types` comes back as the requested types the playlist holds: the 2024 recording
    asked for `track,episode` of a tracks-only playlist and echoed `track`; the 2022 one echoed
    `track%2Cepisode` for a playlist of both.
    """
    params = request.query_params
    echoed = []
    if "additional_types" in params:
        requested = params["additional_types"].split(",")
        held = {"episode" if i.kind is ItemKind.EPISODE else "track" for i in playlist.items}
        present = [kind for kind in requested if kind in held]
        echoed.append(("additional_types", ",".join(present or requested)))
    if "market" in params:
        echoed.append(("market", params["market"]))
    return echoed
