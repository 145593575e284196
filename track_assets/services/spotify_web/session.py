"""`session` access mode: take the session from a real page once (access token, client token,
the persisted-query hash of each operation as the page sends it), then make the same requests
over HTTP, several at a time.

A 401 (expired token) or PersistedQueryNotFound (rotated hash) makes the client open a page
again and retry the failed call once; concurrent failures share one re-bootstrap.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from track_assets.services.http import (
    RETRYABLE_STATUSES,
    RateLimiter,
    RetryPolicy,
    ServiceHttpClient,
    ServiceUnavailable,
    TokenProvider,
    parse_retry_after,
)
from track_assets.services.spotify_web import parsing
from track_assets.services.spotify_web.browser import WebPlayerSite, request_text
from track_assets.services.spotify_web.models import (
    SERVICE,
    AlbumNotFound,
    AlbumPlayCounts,
    ArtistOverview,
    CreditsUnavailable,
    CreditsUnavailableReason,
    PersistedQueryRejected,
    PlaylistNotFound,
    TrackCredits,
    WebPlayerBootstrapFailed,
    WebPlayerLoginRejected,
    WebPlayerRequestFailed,
    WebPlaylist,
)
from track_assets.services.spotify_web.page_mode import album_from_pages, playlist_from_pages
from track_assets.services.spotify_web.parsing import (
    ALBUM_PAGE_LIMIT,
    ARTIST_OVERVIEW,
    FETCH_PLAYLIST,
    GET_ALBUM,
    GET_TRACK,
    PLAYLIST_PAGE_LIMIT,
    PersistedQueryNotFound,
    WebToken,
)

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Request, Response

T = TypeVar("T")
R = TypeVar("R")

CREDITS_LABEL = "GET " + parsing.CREDITS_PATH.replace("{track_id}", "{id}")


@dataclass(frozen=True)
class Bootstrap:
    """One page opened to (re)take the session: why, and for which operation's hash."""

    reason: str  # "start", "expired_token", "rotated_hash", "new_operation"
    operation: str
    url: str


@dataclass(frozen=True)
class _Capture:
    headers: dict[str, str]  # the page's pathfinder request headers (lower-case names)
    sha256: str
    token: WebToken | None  # the page's /api/token answer that issued the token used


@dataclass(frozen=True)
class _Session:
    access_token: str
    headers: dict[str, str]  # client-token, app-platform... as the page sends them
    is_anonymous: bool | None  # None: the page's token answer was not seen


class _BootstrapHiccup(Exception):
    """The page could not start (429/5xx, a network error, one of its scripts failed to load):
    open it again. `if_it_persists` is raised instead once every attempt has failed so."""

    def __init__(
        self,
        problem: str,
        retry_after: float | None = None,
        if_it_persists: Exception | None = None,
    ) -> None:
        super().__init__(problem)
        self.retry_after = retry_after
        self.if_it_persists = if_it_persists


async def capture_session(
    site: WebPlayerSite, context: BrowserContext, url: str, operation: str, timeout: float
) -> _Capture:
    """Open `url` and copy the first `operation` request the page makes (then close it)."""
    from playwright.async_api import Error

    loop = asyncio.get_running_loop()
    sent: asyncio.Future[Request] = loop.create_future()
    tokens: list[Response] = []

    def on_request(request: Request) -> None:
        call = parsing.persisted_query_of(request.method, request.url, request_text(request))
        if call is not None and call.operation == operation and not sent.done():
            sent.set_result(request)

    def on_response(response: Response) -> None:
        if parsing.is_token_url(response.url):
            tokens.append(response)
            if response.status in RETRYABLE_STATUSES and not sent.done():
                problem = f"HTTP {response.status} from the token endpoint"
                sent.set_exception(_BootstrapHiccup(problem))

    page = await site.new_page(context)
    page.on("request", on_request)
    page.on("response", on_response)
    try:
        try:
            document = await page.goto(url, wait_until="commit", timeout=timeout * 1000)
        except Error as error:
            raise _BootstrapHiccup(str(error).splitlines()[0]) from None
        if document is not None and document.status in RETRYABLE_STATUSES:
            retry_after = parse_retry_after(await document.header_value("retry-after"))
            raise _BootstrapHiccup(f"HTTP {document.status} for the page", retry_after)
        try:
            request = await asyncio.wait_for(sent, timeout)
        except TimeoutError:
            # A script of the page that failed to load, or a web player that changed.
            problem = f"no such request within {timeout:g} s"
            raise _BootstrapHiccup(
                problem, if_it_persists=WebPlayerBootstrapFailed(url, operation, problem)
            ) from None
        headers = await request.all_headers()
        call = parsing.persisted_query_of(request.method, request.url, request_text(request))
        if call is None or not call.sha256:
            raise WebPlayerBootstrapFailed(url, operation, "the request carries no sha256Hash")
        bearer = headers.get("authorization", "")
        token = None
        for response in tokens:
            try:
                parsed = parsing.parse_token(await response.body())
            except Exception:  # an unreadable token answer only costs the login check
                continue
            if bearer == f"Bearer {parsed.access_token}":
                token = parsed
        return _Capture(headers, call.sha256, token)
    finally:
        if sent.done() and not sent.cancelled():
            sent.exception()  # a failure that came after we stopped waiting is not news
        await page.close()


class _SessionTokens(TokenProvider):
    """The HTTP layer's token hook: the page's token; a 401 re-bootstraps (once for all)."""

    def __init__(self, reader: SessionReader) -> None:
        self._reader = reader

    def token(self) -> str:
        return self._reader.session().access_token

    def refresh(self, stale: str) -> str:
        return self._reader.refresh_token(stale)


class SessionReader:
    """Reads over HTTP with the session of a page; thread pool of `concurrency` workers."""

    def __init__(
        self,
        site: WebPlayerSite,
        *,
        pathfinder_url: str,
        spclient_url: str,
        concurrency: int,
        retry_policy: RetryPolicy,
        rate_limiter: RateLimiter | None = None,
        timeout: httpx.Timeout | float = 30.0,
        page_timeout: float = 30.0,
    ) -> None:
        self._site = site
        self._page_timeout = page_timeout
        self._policy = retry_policy
        self._rng = random.Random()
        self._lock = threading.RLock()
        self._session: _Session | None = None
        self._hashes: dict[str, str] = {}
        self._last_page: tuple[str, str] | None = None  # (operation, url) of the last bootstrap
        self._bootstraps: list[Bootstrap] = []
        tokens = _SessionTokens(self)

        def http(base_url: str) -> ServiceHttpClient:
            return ServiceHttpClient(
                SERVICE,
                base_url,
                token_provider=tokens,
                rate_limiter=rate_limiter,
                counters=site.counters,
                retry_policy=retry_policy,
                timeout=timeout,
                expects_json=True,
            )

        self._pathfinder_http = http(pathfinder_url)
        self._spclient_http = http(spclient_url)
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="spotify-web")

    # -- the session ---------------------------------------------------------------------------

    @property
    def bootstraps(self) -> tuple[Bootstrap, ...]:
        with self._lock:
            return tuple(self._bootstraps)

    def session(self) -> _Session:
        with self._lock:
            if self._session is None:
                raise RuntimeError("no web player session yet")  # callers bootstrap first
            return self._session

    def _capture(self, operation: str, url: str) -> _Capture:
        """The page's session, the page opened again after a 429/5xx or network error."""
        failures = 0
        while True:
            try:
                return self._site.run(
                    lambda context: capture_session(
                        self._site, context, url, operation, self._page_timeout
                    ),
                    timeout=self._page_timeout * 2 + 10,
                )
            except _BootstrapHiccup as hiccup:
                failures += 1
                if failures >= self._policy.max_attempts:
                    if hiccup.if_it_persists is not None:
                        raise hiccup.if_it_persists from None
                    raise ServiceUnavailable(
                        service=SERVICE,
                        endpoint=f"page {url}",
                        base_url=self._site.base_url,
                        last=str(hiccup),
                        attempts=failures,
                    ) from None
                self._site.counters.record_retry(SERVICE)
                delay = hiccup.retry_after or self._policy.backoff_delay(failures, self._rng)
                time.sleep(min(delay, self._policy.max_retry_after))

    def _bootstrap(self, reason: str, operation: str, url: str) -> None:
        """Open `url`, take its token, headers and `operation` hash. Caller holds the lock."""
        capture = self._capture(operation, url)
        bearer = capture.headers.get("authorization", "")
        if not bearer.lower().startswith("bearer "):
            raise WebPlayerBootstrapFailed(url, operation, "the request has no bearer token")
        self._session = _Session(
            access_token=bearer.split(" ", 1)[1],
            headers={k: v for k, v in capture.headers.items() if k in parsing.SESSION_HEADERS},
            is_anonymous=capture.token.is_anonymous if capture.token else None,
        )
        self._hashes[operation] = capture.sha256
        self._last_page = (operation, url)
        self._bootstraps.append(Bootstrap(reason, operation, url))

    def _page_url(self, operation: str, entity_id: str) -> str:
        return self._site.url(f"/{parsing.PAGE_KIND[operation]}/{entity_id}")

    def _hash(self, operation: str, entity_id: str) -> str:
        """The operation's hash, opening a page that sends it the first time."""
        with self._lock:
            if operation not in self._hashes:
                reason = "start" if self._session is None else "new_operation"
                self._bootstrap(reason, operation, self._page_url(operation, entity_id))
            return self._hashes[operation]

    def _ensure_session(self, entity_id: str) -> _Session:
        with self._lock:
            if self._session is None:
                self._bootstrap("start", GET_TRACK, self._page_url(GET_TRACK, entity_id))
            return self._session  # type: ignore[return-value]

    def refresh_token(self, stale: str) -> str:
        with self._lock:
            current = self._session
            if current is not None and current.access_token != stale:
                return current.access_token  # another call has already re-bootstrapped
            assert self._last_page is not None
            operation, url = self._last_page
            self._bootstrap("expired_token", operation, url)
            return self.session().access_token

    def _rotated(self, operation: str, entity_id: str, stale: str) -> None:
        with self._lock:
            if self._hashes.get(operation) != stale:
                return  # another call has already read the new hash
            self._bootstrap("rotated_hash", operation, self._page_url(operation, entity_id))

    # -- requests ------------------------------------------------------------------------------

    def _query(
        self, operation: str, variables: dict[str, Any], entity_id: str, what: str
    ) -> dict[str, Any]:
        """A pathfinder call; a rotated hash is re-read from the page and the call retried once."""
        label = f"POST {parsing.PATHFINDER_PATH}#{operation}"
        for attempt in range(2):
            sha256 = self._hash(operation, entity_id)
            response = self._pathfinder_http.post(
                parsing.PATHFINDER_PATH,
                endpoint=label,
                json=parsing.query_body(operation, variables, sha256),
                headers=self.session().headers,
            )
            try:
                return parsing.pathfinder_data(response.status_code, response.content, what)
            except PersistedQueryNotFound:
                if attempt:
                    raise PersistedQueryRejected(operation) from None
                self._rotated(operation, entity_id, sha256)
        raise AssertionError("unreachable")

    def _credits(self, track_id: str) -> TrackCredits | CreditsUnavailable:
        what = f"the credits of track {track_id}"
        response = self._spclient_http.get(
            parsing.CREDITS_PATH.format(track_id=track_id),
            endpoint=CREDITS_LABEL,
            headers=self.session().headers,
        )
        if response.status_code == 404:
            return CreditsUnavailable(
                track_id,
                CreditsUnavailableReason.NOT_FOUND,
                parsing.error_message(response.content),
            )
        if response.status_code == 403:
            raise WebPlayerLoginRejected(f"HTTP 403 on the credits of track {track_id}")
        if response.status_code != 200:
            raise WebPlayerRequestFailed(
                what, response.status_code, parsing.error_message(response.content)
            )
        return parsing.parse_spclient_credits(response.content, track_id)

    def _map(self, work: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """`work` over `items` on the pool, in order; the first failure cancels the rest."""
        futures: list[Future[R]] = [self._pool.submit(work, item) for item in items]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            if future.exception() is not None:
                for other in pending:
                    other.cancel()
                raise future.exception()  # type: ignore[misc]
        return [future.result() for future in futures]

    # -- public reads --------------------------------------------------------------------------

    def track_play_counts(self, track_ids: Sequence[str]) -> dict[str, int | None]:
        return self.read_play_counts([], track_ids)[1]

    def seen_play_counts(self, track_ids: Sequence[str]) -> dict[str, int | None]:
        return {}  # the credits come from spclient here: no play count on the way

    def read_play_counts(
        self, album_ids: Sequence[str], track_ids: Sequence[str]
    ) -> tuple[dict[str, AlbumPlayCounts], dict[str, int | None]]:
        """getAlbum of each album and getTrack of each track, all on the pool at once."""
        if not album_ids and not track_ids:
            return {}, {}
        # Each operation's hash before the pool starts: its page is opened once, here.
        if album_ids:
            self._hash(GET_ALBUM, album_ids[0])
        if track_ids:
            self._hash(GET_TRACK, track_ids[0])

        def read(job: tuple[str, str]) -> AlbumPlayCounts | int | None:
            operation, entity_id = job
            if operation == GET_ALBUM:
                return self.album_play_counts(entity_id)
            return self._track_play_count(entity_id)

        jobs = [(GET_ALBUM, a) for a in album_ids] + [(GET_TRACK, t) for t in track_ids]
        results = self._map(read, jobs)
        albums = dict(zip(album_ids, results[: len(album_ids)], strict=True))
        tracks = dict(zip(track_ids, results[len(album_ids) :], strict=True))
        return albums, tracks  # type: ignore[return-value]

    def _track_play_count(self, track_id: str) -> int | None:
        what = f"getTrack of track {track_id}"
        data = self._query(GET_TRACK, parsing.track_variables(track_id), track_id, what)
        return parsing.parse_track_play_count(data, track_id)

    def track_credits(
        self, track_ids: Sequence[str]
    ) -> dict[str, TrackCredits | CreditsUnavailable]:
        """Needs a logged-in session: the client answers `no_sp_dc` itself without a cookie."""
        if not track_ids:
            return {}
        session = self._ensure_session(track_ids[0])
        if self._site.sp_dc and session.is_anonymous:
            raise WebPlayerLoginRejected("the page's /api/token answer is anonymous")
        return dict(zip(track_ids, self._map(self._credits, track_ids), strict=True))

    def album_play_counts(self, album_id: str) -> AlbumPlayCounts:
        what = f"getAlbum of album {album_id}"
        pages = []
        offset = 0
        while True:
            data = self._query(
                GET_ALBUM,
                parsing.album_variables(album_id, offset, ALBUM_PAGE_LIMIT),
                album_id,
                what,
            )
            page = parsing.parse_album_page(data, album_id, offset)
            if page is None:
                raise AlbumNotFound(album_id)
            pages.append(page)
            offset += len(page.tracks)
            if not page.tracks or offset >= page.total_tracks:
                return album_from_pages(pages)

    def artist_overview(self, artist_ids: Sequence[str]) -> dict[str, ArtistOverview | None]:
        if not artist_ids:
            return {}
        self._hash(ARTIST_OVERVIEW, artist_ids[0])

        def overview(artist_id: str) -> ArtistOverview | None:
            data = self._query(
                ARTIST_OVERVIEW,
                parsing.artist_variables(artist_id),
                artist_id,
                f"queryArtistOverview of artist {artist_id}",
            )
            return parsing.parse_artist_overview(data, artist_id)

        return dict(zip(artist_ids, self._map(overview, artist_ids), strict=True))

    def playlist_first_page(self, playlist_id: str) -> WebPlaylist:
        return playlist_from_pages([self._playlist_page(playlist_id, 0)])

    def playlist(self, playlist_id: str) -> WebPlaylist:
        """The first page says the total and the page size the server grants; the other pages
        are then fetched concurrently, and any gap (a shorter page) sequentially."""

        def page_at(offset: int) -> parsing.PlaylistPage:
            return self._playlist_page(playlist_id, offset)

        first = page_at(0)
        pages = [first]
        size = len(first.items)
        if size:
            pages += self._map(page_at, list(range(size, first.total, size)))
        covered = {item.position for page in pages for item in page.items}
        offset = next((p for p in range(first.total) if p not in covered), None)
        while offset is not None:
            page = page_at(offset)
            if not page.items:
                break
            pages.append(page)
            covered |= {item.position for item in page.items}
            offset = next((p for p in range(offset, first.total) if p not in covered), None)
        return playlist_from_pages(pages)

    def _playlist_page(self, playlist_id: str, offset: int) -> parsing.PlaylistPage:
        variables = parsing.playlist_variables(playlist_id, offset, PLAYLIST_PAGE_LIMIT)
        what = f"fetchPlaylist of playlist {playlist_id}"
        page = parsing.parse_playlist_page(
            self._query(FETCH_PLAYLIST, variables, playlist_id, what), playlist_id
        )
        if page is None:
            raise PlaylistNotFound(playlist_id)
        return page

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pathfinder_http.close()
        self._spclient_http.close()
