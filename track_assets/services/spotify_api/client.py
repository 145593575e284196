"""The Spotify Web API client: client-credentials token, tier-aware batching, typed records.

Contract: docs/services.md#spotify-web-api. Extended-tier apps read tracks, albums, artists and
audio features in batches; development-tier apps (since Feb/Mar 2026) only one id per call,
without the withheld fields, without audio features, editorial playlists or playlist items.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from track_assets.services.http import (
    DEFAULT_TIMEOUT,
    RateLimiter,
    RequestCounters,
    RetryAfterTooLong,
    RetryPolicy,
    ServiceHttpClient,
    TokenCache,
    parse_retry_after,
)
from track_assets.services.spotify_api.models import (
    AudioFeatures,
    MalformedResponse,
    NotInTier,
    PlaylistInfo,
    PlaylistItem,
    PlaylistNotAccessible,
    SpotifyAlbum,
    SpotifyApiError,
    SpotifyArtist,
    SpotifyCredentialsRejected,
    SpotifyQuotaExceeded,
    SpotifyTrack,
    Tier,
    TierSetting,
)
from track_assets.services.spotify_api.parsing import (
    QUOTA_EXCEEDED,
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
    parse_track_search,
)

if TYPE_CHECKING:
    from track_assets.settings import ServiceSettings

SERVICE = "spotify_api"
TOKEN_ENDPOINT = "POST /api/token"
TIER_SETTINGS = ("development", "extended", "auto")

SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
MARKET = re.compile(r"^[A-Z]{2}$")
EDITORIAL_PREFIX = "37i9dQZ"  # Spotify-owned editorial and algorithmic playlists

# Ids per batch call (openapi QueryTrackIds/QueryAlbumIds/QueryArtistIds, audio-features).
TRACKS_PER_CALL = 50
ALBUMS_PER_CALL = 20
ARTISTS_PER_CALL = 50
AUDIO_FEATURES_PER_CALL = 100
PLAYLIST_PAGE_MAX = 50  # `/items` documents max 50 (docs/services.md#playlist-endpoints)
SEARCH_LIMIT = 10  # the development tier's maximum (docs/services.md#access-tiers)


class ClientCredentialsTokens(TokenCache):
    """Access tokens from the accounts service (`POST /api/token`, Basic auth), cached by the
    HTTP layer's TokenCache. There is no refresh token: a new one is requested."""

    def __init__(
        self,
        accounts: ServiceHttpClient,
        client_id: str,
        client_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(self._request_token, clock=clock)
        self._accounts = accounts
        pair = f"{client_id}:{client_secret}".encode()
        self._basic = "Basic " + base64.b64encode(pair).decode("ascii")

    def _request_token(self) -> tuple[str, float]:
        response = self._accounts.post(
            "/api/token",
            endpoint=TOKEN_ENDPOINT,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": self._basic},
        )
        if response.status_code != 200:
            error = parse_error(response.content)
            if error.oauth_error == "invalid_client":
                raise SpotifyCredentialsRejected(error.description, response.status_code)
            raise SpotifyApiError(
                endpoint=TOKEN_ENDPOINT,
                status=response.status_code,
                message=error.description or error.oauth_error or error.message,
            )
        token = parse_token(decode_json(response.content, TOKEN_ENDPOINT), TOKEN_ENDPOINT)
        return token.value, token.expires_in


class _QuotaLockout(Exception):
    """Raised from inside the HTTP layer's wait hook: a quota 429 is never waited out."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Resource:
    """One batchable resource: `/v1/<name>?ids=` (extended) or `/v1/<name>/{id}`."""

    name: str
    per_call: int
    parse: Callable[..., Any]  # (data, endpoint, *, requested_id, tier, where) -> record


def _parse_track(
    data: Any, endpoint: str, *, requested_id: str, tier: str | None, where: str
) -> SpotifyTrack:
    return parse_track(data, endpoint, requested_id=requested_id, tier=tier, where=where)


def _parse_album(
    data: Any, endpoint: str, *, requested_id: str, tier: str | None, where: str
) -> SpotifyAlbum:
    return parse_album(data, endpoint, tier=tier, where=where)


def _parse_artist(
    data: Any, endpoint: str, *, requested_id: str, tier: str | None, where: str
) -> SpotifyArtist:
    return parse_artist(data, endpoint, tier=tier, where=where)


_TRACKS = _Resource("tracks", TRACKS_PER_CALL, _parse_track)
_ALBUMS = _Resource("albums", ALBUMS_PER_CALL, _parse_album)
_ARTISTS = _Resource("artists", ARTISTS_PER_CALL, _parse_artist)


class SpotifyApiClient:
    """Typed reads from the Spotify Web API for one app (client credentials).

    `tier`: "extended" uses the batch endpoints, "development" one id per call, "auto" tries a
    batch once and, on the 403 the development tier answers, uses single calls from then on.
    `client.tier` is the tier in use ("auto" until a batch call has told).

    Results are keyed by the ids asked for, also when Spotify answers with a relinked track;
    an unknown (or malformed) id maps to None. Raises SpotifyError subclasses (models.py) and
    the HTTP layer's ServiceUnavailable/Unauthorized.
    """

    def __init__(
        self,
        base_url: str,
        accounts_url: str,
        client_id: str,
        client_secret: str,
        *,
        tier: TierSetting = "auto",
        rate_limiter: RateLimiter | None = None,
        counters: RequestCounters | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ) -> None:
        if tier not in TIER_SETTINGS:
            raise ValueError(
                f"Spotify tier must be one of {', '.join(TIER_SETTINGS)}, not {tier!r}"
            )
        if not client_id or not client_secret:
            raise ValueError(
                "Spotify Web API: SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET must both be set "
                "(or both unset, to use the sandbox)"
            )
        self.configured_tier = tier
        self.counters = counters if counters is not None else RequestCounters()
        self._base = httpx.URL(base_url)
        self._accounts = ServiceHttpClient(
            SERVICE,
            accounts_url,
            counters=self.counters,
            retry_policy=retry_policy,
            timeout=timeout,
            expects_json=True,
        )
        self.tokens = ClientCredentialsTokens(self._accounts, client_id, client_secret)
        self._http = ServiceHttpClient(
            SERVICE,
            base_url,
            token_provider=self.tokens,
            rate_limiter=rate_limiter,
            counters=self.counters,
            retry_policy=retry_policy,
            timeout=timeout,
            retry_after=self._wait_after,
            expects_json=True,
        )
        self._tier: Tier | None = None if tier == "auto" else tier
        self._tier_lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, *, tier: TierSetting = "auto", **kwargs: Any
    ) -> SpotifyApiClient:
        """From `load_settings().service("spotify_api")` (real service or sandbox)."""
        return cls(
            settings.url("base"),
            settings.url("accounts"),
            settings.credentials.get("SPOTIFY_CLIENT_ID", ""),
            settings.credentials.get("SPOTIFY_CLIENT_SECRET", ""),
            tier=tier,
            **kwargs,
        )

    @property
    def tier(self) -> str:
        """ "development" or "extended"; "auto" while not yet detected."""
        return self._tier or "auto"

    # -- tracks, albums, artists, audio features -------------------------------------------------

    def tracks(
        self, ids: Iterable[str], *, market: str | None = None
    ) -> dict[str, SpotifyTrack | None]:
        """Tracks by requested id. With a `market`, Spotify may relink: the record's `id` is
        then the served track's. No market (the default) gives no relinking."""
        params = {}
        if market is not None:
            if not MARKET.match(market):
                raise ValueError(
                    f"market must be an ISO 3166-1 alpha-2 code like 'US', not {market!r}"
                )
            params["market"] = market
        return self._lookup(_TRACKS, ids, params)

    def track(self, track_id: str, *, market: str | None = None) -> SpotifyTrack | None:
        return self.tracks([track_id], market=market)[track_id]

    def albums(self, ids: Iterable[str]) -> dict[str, SpotifyAlbum | None]:
        return self._lookup(_ALBUMS, ids, {})

    def artists(self, ids: Iterable[str]) -> dict[str, SpotifyArtist | None]:
        return self._lookup(_ARTISTS, ids, {})

    def audio_features(self, ids: Iterable[str]) -> dict[str, AudioFeatures | None]:
        """Audio features by track id. Raises NotInTier when the app may not read them (every
        development-tier app, and extended apps created since 27 Nov 2024): record the phase
        as not applicable."""
        if self._tier == "development":
            raise NotInTier(
                "audio features",
                "development",
                "closed to Development Mode apps since 27 Nov 2024",
            )
        requested = list(ids)
        results: dict[str, AudioFeatures | None] = dict.fromkeys(requested)
        wanted = _valid_unique(requested)
        endpoint = "GET /v1/audio-features"
        for start in range(0, len(wanted), AUDIO_FEATURES_PER_CALL):
            chunk = wanted[start : start + AUDIO_FEATURES_PER_CALL]
            response = self._get("/v1/audio-features", endpoint, {"ids": ",".join(chunk)})
            if response.status_code == 403:
                # Not proof of the development tier: extended apps created since Nov 2024 get it too.
                raise NotInTier(
                    "audio features",
                    self.tier,
                    "Spotify answered 403: closed to apps created or in Development Mode since "
                    "27 Nov 2024",
                )
            self._expect_ok(response, endpoint)
            objects = parse_several(
                self._json(response, endpoint), "audio_features", endpoint, len(chunk)
            )
            for i, (track_id, obj) in enumerate(zip(chunk, objects, strict=True)):
                results[track_id] = (
                    parse_audio_features(obj, endpoint, where=f"$.audio_features[{i}]")
                    if obj is not None
                    else None
                )
        return results

    def search_isrc(self, isrc: str) -> list[SpotifyTrack]:
        """Tracks carrying this ISRC (`q=isrc:…`), most popular first; may be several."""
        code = isrc.replace("-", "").strip().upper()
        if not ISRC.match(code):
            raise ValueError(f"{isrc!r} is not an ISRC (like USRC17607839)")
        endpoint = "GET /v1/search"
        response = self._get(
            "/v1/search",
            endpoint,
            {"q": f"isrc:{code}", "type": "track", "limit": SEARCH_LIMIT},
        )
        self._expect_ok(response, endpoint)
        return parse_track_search(self._json(response, endpoint), endpoint, tier=self._tier)

    # -- playlists ---------------------------------------------------------------------------------

    def playlist(self, playlist_id: str) -> PlaylistInfo:
        """Name, owner, followers and snapshot id. Raises PlaylistNotAccessible."""
        _check_playlist_id(playlist_id)
        endpoint = "GET /v1/playlists/{id}"
        response = self._get(f"/v1/playlists/{playlist_id}", endpoint)
        self._check_playlist_answer(response, playlist_id)
        self._expect_ok(response, endpoint)
        return parse_playlist(self._json(response, endpoint), endpoint, tier=self._tier)

    def playlist_items(
        self, playlist_id: str, *, page_size: int = PLAYLIST_PAGE_MAX
    ) -> list[PlaylistItem]:
        """Every entry, in order, following `next` to the last page. Raises
        PlaylistNotAccessible (development tier: any playlist the app does not own, which with
        client credentials is every one; editorial playlists)."""
        _check_playlist_id(playlist_id)
        if not 1 <= page_size <= PLAYLIST_PAGE_MAX:
            raise ValueError(f"page_size must be 1..{PLAYLIST_PAGE_MAX}, not {page_size}")
        endpoint = "GET /v1/playlists/{id}/items"
        url: str | None = f"/v1/playlists/{playlist_id}/items"
        params: dict[str, Any] | None = {
            "offset": 0,
            "limit": page_size,
            # Without episodes asked for, Spotify sends an episode as null: unavailable.
            "additional_types": "track,episode",
        }
        items: list[PlaylistItem] = []
        seen: set[str] = set()
        while url is not None:
            response = self._get(url, endpoint, params)
            self._check_playlist_answer(response, playlist_id)
            self._expect_ok(response, endpoint)
            page = parse_playlist_page(self._json(response, endpoint), endpoint, tier=self._tier)
            items.extend(page.items)
            url, params = page.next_url, None
            if url is not None:
                self._check_next(url, seen, endpoint)
        return items

    # -- plumbing ----------------------------------------------------------------------------------

    def _lookup(
        self, resource: _Resource, ids: Iterable[str], params: Mapping[str, str]
    ) -> dict[str, Any]:
        requested = list(ids)
        results: dict[str, Any] = dict.fromkeys(requested)
        wanted = _valid_unique(requested)
        done = 0
        while done < len(wanted):
            if self._tier == "development":
                for requested_id in wanted[done:]:
                    results[requested_id] = self._single(resource, requested_id, params)
                break
            chunk = wanted[done : done + resource.per_call]
            found = self._batch(resource, chunk, params)
            if found is None:
                continue  # the development tier refused the batch: single calls from now on
            results.update(found)
            done += len(chunk)
        return results

    def _batch(
        self, resource: _Resource, chunk: list[str], params: Mapping[str, str]
    ) -> dict[str, Any] | None:
        """Records for `chunk` from one batch call; None when the tier refuses batches."""
        endpoint = f"GET /v1/{resource.name}"
        response = self._get(f"/v1/{resource.name}", endpoint, {"ids": ",".join(chunk), **params})
        if response.status_code == 403 and not _premium_refusal(response):
            self._batches_refused(endpoint)
            return None
        self._expect_ok(response, endpoint)
        with self._tier_lock:
            if self._tier is None:
                self._tier = "extended"
        objects = parse_several(self._json(response, endpoint), resource.name, endpoint, len(chunk))
        return {
            requested_id: (
                resource.parse(
                    obj,
                    endpoint,
                    requested_id=requested_id,
                    tier=self._tier,
                    where=f"$.{resource.name}[{i}]",
                )
                if obj is not None
                else None
            )
            for i, (requested_id, obj) in enumerate(zip(chunk, objects, strict=True))
        }

    def _batches_refused(self, endpoint: str) -> None:
        if self.configured_tier == "extended":
            raise NotInTier(
                f"the batch endpoint {endpoint}?ids=",
                "extended",
                "Spotify answered 403 as it does for Development Mode apps: set "
                "SPOTIFY_API_TIER=development (or auto) for these credentials",
            )
        with self._tier_lock:
            self._tier = "development"

    def _single(self, resource: _Resource, requested_id: str, params: Mapping[str, str]) -> Any:
        endpoint = f"GET /v1/{resource.name}/{{id}}"
        response = self._get(f"/v1/{resource.name}/{requested_id}", endpoint, params)
        if response.status_code == 404:
            return None  # "non existing id"
        self._expect_ok(response, endpoint)
        return resource.parse(
            self._json(response, endpoint),
            endpoint,
            requested_id=requested_id,
            tier=self._tier,
            where="$",
        )

    def _get(
        self, path: str, endpoint: str, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        try:
            return self._http.get(path, endpoint=endpoint, params=params)
        except _QuotaLockout as lockout:
            raise SpotifyQuotaExceeded(
                endpoint=endpoint, retry_after=lockout.retry_after, reason=QUOTA_EXCEEDED
            ) from None
        except RetryAfterTooLong as error:
            if error.status != 429:
                raise
            raise SpotifyQuotaExceeded(
                endpoint=endpoint, retry_after=error.retry_after, reason=None
            ) from error

    @staticmethod
    def _wait_after(response: httpx.Response) -> float | None:
        """The HTTP layer's wait before retrying a 429/5xx; a quota 429 ends the request."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if response.status_code == 429 and parse_error(response.content).reason == QUOTA_EXCEEDED:
            raise _QuotaLockout(retry_after)
        return retry_after

    @staticmethod
    def _json(response: httpx.Response, endpoint: str) -> Any:
        return decode_json(response.content, endpoint)

    @staticmethod
    def _expect_ok(response: httpx.Response, endpoint: str) -> None:
        if response.status_code != 200:
            raise SpotifyApiError(
                endpoint=endpoint,
                status=response.status_code,
                message=parse_error(response.content).message,
            )

    def _check_playlist_answer(self, response: httpx.Response, playlist_id: str) -> None:
        status = response.status_code
        if status == 404:
            if playlist_id.startswith(EDITORIAL_PREFIX):
                reason = (
                    "a Spotify-owned editorial or algorithmic playlist, closed to Development "
                    "Mode apps since 27 Nov 2024"
                )
            else:
                reason = "not found (deleted, private or a wrong id)"
            raise PlaylistNotAccessible(playlist_id, status, reason)
        if status == 403 and not _premium_refusal(response):
            raise PlaylistNotAccessible(
                playlist_id,
                status,
                "in Development Mode the Web API lists items only to the playlist's owner or "
                "collaborators, and a client-credentials app owns none",
            )

    def _check_next(self, url: str, seen: set[str], endpoint: str) -> None:
        """A `next` link must stay on the API host (it gets our token) and never repeat."""
        target = httpx.URL(url)
        if (target.scheme, target.host, target.port) != (
            self._base.scheme,
            self._base.host,
            self._base.port,
        ):
            raise MalformedResponse(endpoint, "$.next", f"points away from {self._base} ({url})")
        if url in seen:
            raise MalformedResponse(endpoint, "$.next", f"repeats an earlier page ({url})")
        seen.add(url)

    def close(self) -> None:
        self._http.close()
        self._accounts.close()

    def __enter__(self) -> SpotifyApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _valid_unique(ids: list[str]) -> list[str]:
    """Distinct well-formed ids in order; a malformed id would fail a whole batch (400)."""
    return [i for i in dict.fromkeys(ids) if isinstance(i, str) and SPOTIFY_ID.match(i)]


def _premium_refusal(response: httpx.Response) -> bool:
    """The 403 a Development Mode app gets when its owner's Premium lapsed (docs/services.md#access-tiers)."""
    message = parse_error(response.content).message or ""
    return "premium" in message.lower()


def _check_playlist_id(playlist_id: str) -> None:
    if not SPOTIFY_ID.match(playlist_id):
        raise ValueError(
            f"{playlist_id!r} is not a Spotify playlist id (22 letters and digits); "
            "see track_assets.playlist_refs for URLs and URIs"
        )
