"""The Chartmetric API client: refresh-token auth, track ids, metadata, stats and playlists.

Contracts: docs/services.md#chartmetric. Every request goes through the shared HTTP
layer (retries, the rate limiter, counters); minting a token counts against the limit too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx

from track_assets.playlist_refs import parse_playlist_ref
from track_assets.services.chartmetric import parsing
from track_assets.services.chartmetric.models import (
    ChartmetricPlaylist,
    ChartmetricPlaylistTrack,
    ChartmetricSongwriter,
    ChartmetricTrackInfo,
    ResolutionMethod,
    ResolvedChartmetricTrack,
    StatPoint,
    TokenGrant,
    UnresolvedReason,
)
from track_assets.services.http import (
    DEFAULT_TIMEOUT,
    RateLimiter,
    RequestCounters,
    RetryPolicy,
    ServiceError,
    ServiceHttpClient,
    TokenCache,
)

SERVICE = parsing.SERVICE
STATS_MODES = ("highest-playcounts", "most-history")
PLAYLIST_SPANS = ("current", "past")
MAX_PAGE_SIZE = (
    100  # list endpoints take limit <= 100 (docs/services.md#chartmetric-endpoints-used, [pycmc])
)
# A 429's X-RateLimit-Reset is rounded to whole seconds: never wait less than this.
MIN_RATE_LIMIT_WAIT = 0.05

TOKEN = "POST /api/token"
GET_IDS = "GET /api/track/{type}/{id}/get-ids"
TRACK = "GET /api/track/{id}"
STATS = "GET /api/track/{id}/{platform}/stats/{mode}"
SEARCH = "GET /api/search"
PLAYLIST_TRACKS = "GET /api/playlist/{platform}/{id}/{span}/tracks"


# --- errors -----------------------------------------------------------------------------------


class ChartmetricCredentialsRejected(ServiceError):
    """POST /api/token refused the refresh token."""

    def __init__(self, status: int, detail: str | None) -> None:
        said = f" ({detail})" if detail else ""
        message = (
            f"{SERVICE} refused the refresh token: HTTP {status} on {TOKEN}{said}. Check "
            "CHARTMETRIC_REFRESH_TOKEN: it must be the refresh token of an active Chartmetric "
            "API subscription (Chartmetric > Settings > API)."
        )
        super().__init__(message, service=SERVICE, endpoint=TOKEN)
        self.status = status


class ChartmetricNotFound(ServiceError):
    """Chartmetric has no track or playlist with this id (HTTP 404)."""

    def __init__(self, endpoint: str, what: str, detail: str | None) -> None:
        said = f" ({detail})" if detail else ""
        message = (
            f"{SERVICE} {endpoint}: {what} not found{said}. Check the Chartmetric id; ids come "
            "from get-ids (tracks) or search (playlists), not from Spotify."
        )
        super().__init__(message, service=SERVICE, endpoint=endpoint)
        self.what = what


class ChartmetricRequestFailed(ServiceError):
    """Chartmetric answered a status this client does not expect (e.g. 400, 402)."""

    def __init__(self, endpoint: str, status: int, detail: str | None) -> None:
        said = f" ({detail})" if detail else ""
        hint = {
            400: "a parameter was refused; this is a client bug, report it with the request",
            402: "the Chartmetric subscription has expired; renew it",
            403: "the plan does not include this endpoint",
        }.get(status, "see Chartmetric's status page and rerun")
        message = f"{SERVICE} {endpoint}: HTTP {status}{said}: {hint}."
        super().__init__(message, service=SERVICE, endpoint=endpoint)
        self.status = status


class NotInPlan(Exception):
    """The Chartmetric plan does not include these figures (stream counts need an upgraded plan).

    Not a failure: record the figure as `not_in_plan` and go on.
    """

    def __init__(self, endpoint: str, what: str, detail: str | None) -> None:
        said = f" ({detail})" if detail else ""
        super().__init__(f"{SERVICE} {endpoint}: {what} not in the plan{said}")
        self.service = SERVICE
        self.endpoint = endpoint
        self.what = what
        self.detail = detail  # what Chartmetric said, if anything


# --- token and rate-limit handling ------------------------------------------------------------


class ChartmetricTokenProvider(TokenCache):
    """Access tokens minted from the refresh token, cached by the HTTP layer's TokenCache."""

    def __init__(
        self,
        http: ServiceHttpClient,
        refresh_token: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(self._mint, clock=clock)
        self._http = http
        self._refresh_token = refresh_token

    def _mint(self) -> tuple[str, float]:
        response = self._http.post(
            "/api/token", endpoint=TOKEN, json={"refreshtoken": self._refresh_token}
        )
        if response.status_code in (401, 403):
            raise ChartmetricCredentialsRejected(
                response.status_code, parsing.error_message(response.content)
            )
        if response.status_code != 200:
            raise ChartmetricRequestFailed(
                TOKEN, response.status_code, parsing.error_message(response.content)
            )
        grant: TokenGrant = parsing.parse_token(response.content, TOKEN)
        return grant.token, grant.expires_in


def wait_for_rate_limit_reset(
    response: httpx.Response, *, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait before retrying a 429: until X-RateLimit-Reset (a Unix time,
    docs/services.md#chartmetric-rate-limit), else the standard Retry-After, else the body's `Retry-after`. None: back off."""
    if response.status_code != 429:
        return None
    reset = parsing.rate_limit_reset(response.headers)
    if reset is not None:
        return max(reset - wall_clock(), MIN_RATE_LIMIT_WAIT)
    header = response.headers.get("Retry-After")
    try:
        if header is not None and float(header) > 0:
            return float(header)
    except ValueError:
        pass
    return parsing.body_retry_after(response.content)


# --- the client -------------------------------------------------------------------------------


class ChartmetricClient:
    """Chartmetric Developer API over the shared HTTP layer.

    `rate_limiter` should be the cross-process limiter of this refresh token at the plan's
    requests per second (entry plans: 1/s); without one, 429s are waited out until
    X-RateLimit-Reset.
    """

    def __init__(
        self,
        base_url: str,
        refresh_token: str,
        rate_limiter: RateLimiter | None = None,
        counters: RequestCounters | None = None,
        retry_policy: RetryPolicy | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not refresh_token:
            raise ValueError(
                "no Chartmetric refresh token: set CHARTMETRIC_REFRESH_TOKEN (or start the sandbox)"
            )
        counters = counters if counters is not None else RequestCounters()
        shared: dict[str, Any] = {
            "rate_limiter": rate_limiter,
            "counters": counters,
            "retry_policy": retry_policy,
            "timeout": timeout,
            "sleep": sleep,
            "clock": clock,
            "expects_json": True,
            "retry_after": wait_for_rate_limit_reset,
        }
        base_url = base_url.rstrip("/")
        self._token_http = ServiceHttpClient(SERVICE, base_url, **shared)
        self._tokens = ChartmetricTokenProvider(self._token_http, refresh_token, clock=clock)
        self._http = ServiceHttpClient(SERVICE, base_url, token_provider=self._tokens, **shared)
        # The plan's refusals, by (platform, stat type): a plan does not change within a run,
        # so a series it refused once is not asked for again (one 403, not one per track).
        self._not_in_plan: dict[tuple[str, str | None], str | None] = {}  # -> the refusal
        self.counters = counters

    # -- track ids -----------------------------------------------------------------------------

    def chartmetric_ids_for_isrc(self, isrc: str) -> list[int]:
        """Every Chartmetric id of the ISRC (one ISRC can have several), or []."""
        normalised = isrc.replace("-", "").replace(" ", "").upper()
        return self._ids("isrc", normalised)

    def chartmetric_ids_for_spotify_track(self, spotify_id: str) -> list[int]:
        """The Chartmetric ids that list this Spotify track id, or []."""
        return self._ids("spotify", spotify_id)

    def _ids(self, id_type: str, value: str) -> list[int]:
        response = self._get(f"/api/track/{id_type}/{_segment(value)}/get-ids", GET_IDS)
        if (
            response.status_code == 404
        ):  # unseen, but possible for an unknown id (docs/services.md#chartmetric-endpoints-used)
            return []
        self._expect_ok(response, GET_IDS)
        rows = parsing.parse_ids(response.content, GET_IDS)
        return list(dict.fromkeys(cm_id for row in rows for cm_id in row.chartmetric_ids))

    def resolve_track(self, isrc: str | None, spotify_track_id: str) -> ResolvedChartmetricTrack:
        """The track's Chartmetric id: by ISRC; of several, the one listing our Spotify track
        (none or several: ambiguous); nothing by ISRC (or no ISRC): by the Spotify id."""
        if isrc:
            candidates = self.chartmetric_ids_for_isrc(isrc)
            if len(candidates) == 1:
                return ResolvedChartmetricTrack(
                    candidates[0], ResolutionMethod.ISRC, None, tuple(candidates)
                )
            if candidates:
                listing = set(self.chartmetric_ids_for_spotify_track(spotify_track_id))
                chosen = [c for c in candidates if c in listing]
                if len(chosen) == 1:
                    return ResolvedChartmetricTrack(
                        chosen[0], ResolutionMethod.ISRC, None, tuple(candidates)
                    )
                return ResolvedChartmetricTrack(
                    None, None, UnresolvedReason.AMBIGUOUS, tuple(candidates)
                )
        by_spotify = self.chartmetric_ids_for_spotify_track(spotify_track_id)
        if len(by_spotify) == 1:
            return ResolvedChartmetricTrack(
                by_spotify[0], ResolutionMethod.SPOTIFY_ID, None, tuple(by_spotify)
            )
        if by_spotify:
            return ResolvedChartmetricTrack(
                None, None, UnresolvedReason.AMBIGUOUS, tuple(by_spotify)
            )
        return ResolvedChartmetricTrack(None, None, UnresolvedReason.NOT_FOUND, ())

    # -- track data ----------------------------------------------------------------------------

    def track(self, cm_id: int) -> ChartmetricTrackInfo:
        """Metadata and `cm_statistics` of one Chartmetric track; ChartmetricNotFound if none."""
        response = self._get(f"/api/track/{int(cm_id)}", TRACK)
        if response.status_code == 404:
            raise ChartmetricNotFound(
                TRACK, f"track {cm_id}", parsing.error_message(response.content)
            )
        self._expect_ok(response, TRACK)
        return parsing.parse_track(response.content, TRACK)

    def stats(
        self,
        cm_id: int,
        platform: str,
        mode: str,
        since: date | None = None,
        until: date | None = None,
        latest: bool = False,
        *,
        stat_type: str | None = None,
    ) -> list[StatPoint]:
        """A daily series, e.g. `stats(id, "spotify", "most-history", stat_type="streams")`.

        `mode` is "highest-playcounts" or "most-history" ("latest" is the `latest` flag, not a
        mode); `stat_type` is popularity|streams on spotify, score|rank on chartmetric.
        Raises NotInPlan when the plan does not include these figures: asked once per client,
        then remembered.
        """
        what = f"{platform} {stat_type or 'default'} stats"
        if (platform, stat_type) in self._not_in_plan:
            raise NotInPlan(STATS, what, self._not_in_plan[platform, stat_type])
        if mode not in STATS_MODES:
            raise ValueError(
                f"Chartmetric stats mode must be one of {', '.join(STATS_MODES)}, got {mode!r} "
                "(for the latest point pass latest=True)"
            )
        params: dict[str, str] = {}
        if since is not None:
            params["since"] = since.isoformat()
        if until is not None:
            params["until"] = until.isoformat()
        if latest:
            params["latest"] = "true"
        if stat_type is not None:
            params["type"] = stat_type
        path = f"/api/track/{int(cm_id)}/{_segment(platform)}/stats/{_segment(mode)}"
        response = self._get(path, STATS, params=params)
        detail = parsing.error_message(response.content)
        if response.status_code == 403:
            # The plan refuses these figures (stream counts need an upgraded plan, docs/services.md#chartmetric-plan-restrictions).
            self._not_in_plan[platform, stat_type] = detail
            raise NotInPlan(STATS, what, detail)
        if response.status_code == 404:
            raise ChartmetricNotFound(STATS, f"track {cm_id}", detail)
        self._expect_ok(response, STATS)
        return parsing.parse_stats(response.content, STATS)

    def search_songwriters(self, name: str) -> list[ChartmetricSongwriter]:
        """Chartmetric songwriters matching `name`, with their ids (the track endpoint lists
        songwriter names only); the caller decides which, if any, is the credited person."""
        response = self._get("/api/search", SEARCH, params={"q": name, "type": "songwriters"})
        self._expect_ok(response, SEARCH)
        return parsing.parse_songwriter_search(response.content, SEARCH)

    # -- playlists -----------------------------------------------------------------------------

    def find_spotify_playlist(self, url: str) -> ChartmetricPlaylist | None:
        """Chartmetric's id, name and owner of a Spotify playlist (URL, URI or id), or None when
        Chartmetric does not track it (normal for private or small playlists).
        InvalidPlaylistRef when the text names no Spotify playlist."""
        canonical = parse_playlist_ref(url).url
        response = self._get("/api/search", SEARCH, params={"q": canonical, "type": "playlists"})
        self._expect_ok(response, SEARCH)
        found = parsing.parse_playlist_search(response.content, SEARCH, "spotify")
        return found[0] if found else None

    def playlist_tracks(
        self,
        cm_playlist_id: int,
        span: str = "current",
        *,
        platform: str = "spotify",
        page_size: int = MAX_PAGE_SIZE,
    ) -> list[ChartmetricPlaylistTrack]:
        """Every track of the playlist (`span` "current" or "past"), paging through the list."""
        if span not in PLAYLIST_SPANS:
            raise ValueError(f"span must be one of {', '.join(PLAYLIST_SPANS)}, got {span!r}")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        path = f"/api/playlist/{_segment(platform)}/{int(cm_playlist_id)}/{span}/tracks"
        tracks: list[ChartmetricPlaylistTrack] = []
        while True:
            params = {"limit": str(page_size), "offset": str(len(tracks))}
            response = self._get(path, PLAYLIST_TRACKS, params=params)
            if response.status_code == 404:
                raise ChartmetricNotFound(
                    PLAYLIST_TRACKS,
                    f"{platform} playlist {cm_playlist_id}",
                    parsing.error_message(response.content),
                )
            self._expect_ok(response, PLAYLIST_TRACKS)
            page = parsing.parse_playlist_tracks(response.content, PLAYLIST_TRACKS)
            tracks.extend(page)
            if len(page) < page_size:
                return tracks

    # -- plumbing ------------------------------------------------------------------------------

    def _get(
        self, path: str, endpoint: str, params: Mapping[str, str] | None = None
    ) -> httpx.Response:
        return self._http.get(path, endpoint=endpoint, params=params)

    @staticmethod
    def _expect_ok(response: httpx.Response, endpoint: str) -> None:
        if response.status_code != 200:
            raise ChartmetricRequestFailed(
                endpoint, response.status_code, parsing.error_message(response.content)
            )

    def close(self) -> None:
        self._http.close()
        self._token_http.close()

    def __enter__(self) -> ChartmetricClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _segment(value: str) -> str:
    """One URL path segment, escaped."""
    return quote(str(value), safe="")
