"""`page` access mode: open the web player's own pages in Chromium and read the JSON they load
(pathfinder getTrack/getAlbum/fetchPlaylist/queryArtistOverview, the credits request made by
"View credits"); the DOM only as a last resort for a play count.

Several pages work at once (`concurrency`), each visit retried on 429/5xx/network failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from track_assets.services.http import (
    RETRYABLE_STATUSES,
    NullRateLimiter,
    RateLimiter,
    RetryAfterTooLong,
    RetryPolicy,
    ServiceUnavailable,
    parse_retry_after,
)
from track_assets.services.http.json_body import is_json
from track_assets.services.spotify_web import parsing
from track_assets.services.spotify_web.browser import WebPlayerSite, request_text
from track_assets.services.spotify_web.models import (
    SERVICE,
    AlbumNotFound,
    AlbumPlayCounts,
    ArtistOverview,
    CreditsUnavailable,
    CreditsUnavailableReason,
    MalformedResponse,
    PlaylistNotFound,
    TrackCredits,
    WebPlayerLoginRejected,
    WebPlayerRequestFailed,
    WebPlaylist,
)
from track_assets.services.spotify_web.parsing import (
    ARTIST_OVERVIEW,
    FETCH_PLAYLIST,
    GET_ALBUM,
    GET_TRACK,
    AlbumPage,
    PlaylistPage,
)

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request, Response

J = TypeVar("J")
R = TypeVar("R")

CREDITS_BUTTON = re.compile(r"credits", re.IGNORECASE)
PLAY_COUNT_SELECTOR = '[data-testid="playcount"]'
# How long the play counts a credits visit loaded answer the play-count read that follows it
# (the phase reads a batch's credits, then its play counts); the counts move once a day.
SEEN_PLAY_COUNTS_MAX_AGE = 300.0


class _TransientFailure(Exception):
    """A visit that may succeed when the page is loaded again."""

    def __init__(self, what: str, last: str, retry_after: float | None = None) -> None:
        super().__init__(f"{what}: {last}")
        self.last = last
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Visit:
    """A page to read a play count from: /album/{id} or /track/{id}."""

    kind: str  # "album" or "track"
    entity_id: str

    def __str__(self) -> str:
        return f"/{self.kind}/{self.entity_id}"


@dataclass(frozen=True)
class _Seen:
    request: Request
    response: Response | None  # None: the request failed without a response
    failure: str | None = None
    token: bool = False  # the page's /api/token call failed: the page will not go on


class _Watch:
    """The responses (and failures) one visit waits for, plus the page's token responses."""

    def __init__(self, page: Page, matches: Callable[[str, str, str | None], bool]) -> None:
        self._page = page
        self._matches = matches
        self._queue: asyncio.Queue[_Seen] = asyncio.Queue()
        self.token_responses: list[Response] = []

    def _on_response(self, response: Response) -> None:
        request = response.request
        if parsing.is_token_url(request.url):
            self.token_responses.append(response)
            if response.status != 200:
                self._queue.put_nowait(_Seen(request, response, token=True))
        elif self._matches(request.method, request.url, request_text(request)):
            self._queue.put_nowait(_Seen(request, response))

    def _on_failed(self, request: Request) -> None:
        if self._matches(request.method, request.url, request_text(request)):
            self._queue.put_nowait(_Seen(request, None, request.failure or "failed"))

    def __enter__(self) -> _Watch:
        self._page.on("response", self._on_response)
        self._page.on("requestfailed", self._on_failed)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._page.remove_listener("response", self._on_response)
        self._page.remove_listener("requestfailed", self._on_failed)

    async def next(self, what: str, timeout: float) -> _Seen:
        """The next matching request's outcome; a first 401 is skipped (the page retries it
        with a new token itself)."""
        unauthorized = 0
        while True:
            try:
                seen = await asyncio.wait_for(self._queue.get(), timeout)
            except TimeoutError:
                problem = f"the page made no such request in {timeout:g} s"
                raise _TransientFailure(what, problem) from None
            if seen.token and seen.response is not None:
                await _token_failed(seen.response, what)
            if seen.response is not None and seen.response.status == 401 and unauthorized == 0:
                unauthorized += 1
                continue
            return seen


async def _token_failed(response: Response, what: str) -> None:
    """Raise for a failed /api/token call: retry the visit on 429/5xx, else give up."""
    status = response.status
    if status in RETRYABLE_STATUSES:
        retry_after = parse_retry_after(await response.header_value("retry-after"))
        raise _TransientFailure(what, f"HTTP {status} from the token endpoint", retry_after)
    try:
        message = parsing.error_message(await response.body())
    except Exception:  # the message is a nicety
        message = ""
    raise WebPlayerRequestFailed("the web player token (/api/token)", status, message)


class PageReader:
    """Reads everything by visiting pages; one pool of pages per client, reused across calls."""

    def __init__(
        self,
        site: WebPlayerSite,
        *,
        concurrency: int,
        retry_policy: RetryPolicy,
        rate_limiter: RateLimiter | None = None,
        page_timeout: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self._site = site
        self._concurrency = concurrency
        self._policy = retry_policy
        self._limiter = rate_limiter or NullRateLimiter()
        self._timeout = page_timeout
        self._rng = rng or random.Random()
        self._pages: list[Page] = []
        self._free: asyncio.Queue[Page] | None = None
        # (when, play count by track) seen by the last track_credits call's pages
        self._seen: tuple[float, dict[str, int | None]] = (0.0, {})

    # -- public reads ------------------------------------------------------------------------

    def track_play_counts(self, track_ids: Sequence[str]) -> dict[str, int | None]:
        results = self._visit_all(track_ids, self._track_play_count)
        return dict(zip(track_ids, results, strict=True))

    def track_credits(
        self, track_ids: Sequence[str]
    ) -> dict[str, TrackCredits | CreditsUnavailable]:
        play_counts: dict[str, int | None] = {}

        async def visit(page: Page, track_id: str) -> TrackCredits | CreditsUnavailable:
            return await self._track_credits(page, track_id, play_counts)

        results = self._visit_all(track_ids, visit)
        self._seen = (time.monotonic(), play_counts)
        return dict(zip(track_ids, results, strict=True))

    def seen_play_counts(self, track_ids: Sequence[str]) -> dict[str, int | None]:
        """The play counts the last `track_credits` call's pages loaded (their getTrack)."""
        at, seen = self._seen
        if time.monotonic() - at > SEEN_PLAY_COUNTS_MAX_AGE:
            return {}
        return {track_id: seen[track_id] for track_id in track_ids if track_id in seen}

    def read_play_counts(
        self, album_ids: Sequence[str], track_ids: Sequence[str]
    ) -> tuple[dict[str, AlbumPlayCounts], dict[str, int | None]]:
        """Album pages and track pages, all visited at once."""
        jobs = [_Visit("album", a) for a in album_ids] + [_Visit("track", t) for t in track_ids]

        async def visit(page: Page, job: _Visit) -> AlbumPlayCounts | int | None:
            if job.kind == "album":
                return await self._album(page, job.entity_id)
            return await self._track_play_count(page, job.entity_id)

        results = self._visit_all(jobs, visit)
        albums = dict(zip(album_ids, results[: len(album_ids)], strict=True))
        tracks = dict(zip(track_ids, results[len(album_ids) :], strict=True))
        return albums, tracks  # type: ignore[return-value]

    def album_play_counts(self, album_id: str) -> AlbumPlayCounts:
        return self._visit_all([album_id], self._album)[0]

    def artist_overview(self, artist_ids: Sequence[str]) -> dict[str, ArtistOverview | None]:
        results = self._visit_all(artist_ids, self._artist)
        return dict(zip(artist_ids, results, strict=True))

    def playlist(self, playlist_id: str) -> WebPlaylist:
        return self._visit_all([playlist_id], self._playlist)[0]

    def playlist_first_page(self, playlist_id: str) -> WebPlaylist:
        return self._visit_all([playlist_id], self._playlist_first_page)[0]

    def close(self) -> None:
        self._pages.clear()
        self._free = None  # the pages close with the site's context

    # -- the pool ------------------------------------------------------------------------------

    def _visit_all(self, jobs: Sequence[J], visit: Callable[[Page, J], Awaitable[R]]) -> list[R]:
        if not jobs:
            return []

        async def work(context: BrowserContext) -> list[R]:
            free = await self._page_pool(context, min(self._concurrency, len(jobs)))

            async def one(job: J) -> R:
                page = await free.get()
                try:
                    return await self._with_retries(str(job), lambda: visit(page, job))
                finally:
                    free.put_nowait(page)

            try:
                async with asyncio.TaskGroup() as group:
                    tasks = [group.create_task(one(job)) for job in jobs]
            except ExceptionGroup as errors:  # the first failure, not a group of one
                raise errors.exceptions[0] from None
            return [task.result() for task in tasks]

        return self._site.run(work)

    async def _page_pool(self, context: BrowserContext, wanted: int) -> asyncio.Queue[Page]:
        if self._free is None:
            self._free = asyncio.Queue()
        while len(self._pages) < wanted:
            page = await self._site.new_page(context)
            self._pages.append(page)
            self._free.put_nowait(page)
        return self._free

    async def _with_retries(self, what: str, attempt: Callable[[], Awaitable[R]]) -> R:
        failures = 0
        while True:
            # The visit holds its slot until it is over, not through the backoff after it.
            grant = await asyncio.to_thread(self._limiter.acquire)
            try:
                try:
                    return await attempt()
                finally:
                    await asyncio.to_thread(self._limiter.release, grant)
            except _TransientFailure as failure:
                failures += 1
                if failure.retry_after and failure.retry_after > self._policy.max_retry_after:
                    raise RetryAfterTooLong(
                        service=SERVICE,
                        endpoint=what,
                        status=429,
                        retry_after=failure.retry_after,
                        max_retry_after=self._policy.max_retry_after,
                    ) from None
                if failures >= self._policy.max_attempts:
                    raise ServiceUnavailable(
                        service=SERVICE,
                        endpoint=f"page {what}",
                        base_url=self._site.base_url,
                        last=failure.last,
                        attempts=failures,
                    ) from None
                self._site.counters.record_retry(SERVICE)
                delay = failure.retry_after or self._policy.backoff_delay(failures, self._rng)
                await asyncio.sleep(delay)

    # -- one visit -----------------------------------------------------------------------------

    async def _open(self, page: Page, path: str) -> None:
        from playwright.async_api import Error

        url = self._site.url(path)
        try:
            response = await page.goto(url, wait_until="commit", timeout=self._timeout * 1000)
        except Error as error:
            raise _TransientFailure(url, str(error).splitlines()[0]) from None
        if response is not None and response.status >= 400:
            retryable = response.status in self._policy.retry_statuses
            if not retryable:
                raise WebPlayerRequestFailed(url, response.status)
            retry_after = parse_retry_after(await response.header_value("retry-after"))
            raise _TransientFailure(url, f"HTTP {response.status}", retry_after)

    async def _answer(self, seen: _Seen, what: str) -> tuple[int, bytes]:
        """Status and body of a matched request; retryable outcomes raise _TransientFailure."""
        from playwright.async_api import Error

        if seen.response is None:
            raise _TransientFailure(what, f"request failed: {seen.failure}")
        status = seen.response.status
        if status in self._policy.retry_statuses:
            retry_after = parse_retry_after(await seen.response.header_value("retry-after"))
            raise _TransientFailure(what, f"HTTP {status}", retry_after)
        try:
            body = await seen.response.body()
        except Error as error:
            raise _BodyUnavailable(str(error)) from None
        if status == 200 and not is_json(body):  # cut off, or a page from the edge: a retry
            self._site.counters.record_malformed(SERVICE)
            raise _TransientFailure(what, "HTTP 200 with a body that is not JSON")
        return status, body

    async def _pathfinder(
        self, page: Page, path: str, operation: str, entity_uri: str, what: str
    ) -> dict[str, Any]:
        with _Watch(page, parsing.pathfinder_matcher(operation, entity_uri)) as watch:
            await self._open(page, path)
            status, body = await self._answer(await watch.next(what, self._timeout), what)
        return parsing.pathfinder_data(status, body, what)

    async def _track_play_count(self, page: Page, track_id: str) -> int | None:
        what = f"getTrack of track {track_id}"
        try:
            data = await self._pathfinder(
                page, f"/track/{track_id}", GET_TRACK, parsing.uri("track", track_id), what
            )
        except _BodyUnavailable:
            return await self._play_count_from_dom(page, what)
        return parsing.parse_track_play_count(data, track_id)

    async def _play_count_from_dom(self, page: Page, what: str) -> int:
        """Last resort: the play count the page shows (when its JSON could not be read)."""
        from playwright.async_api import Error

        try:
            text = await page.locator(PLAY_COUNT_SELECTOR).first.inner_text(
                timeout=self._timeout * 1000
            )
        except Error as error:
            raise _TransientFailure(what, f"no play count on the page ({error})") from None
        digits = re.sub(r"[^0-9]", "", text)
        if not digits:
            raise _TransientFailure(what, f"the page shows no number: {text!r}")
        return int(digits)

    async def _track_credits(
        self, page: Page, track_id: str, play_counts: dict[str, int | None]
    ) -> TrackCredits | CreditsUnavailable:
        """Open the track page and click "View credits"; the page's getTrack answer, read on
        the way, leaves the track's play count in `play_counts`."""
        from playwright.async_api import Error

        what = f"the credits of track {track_id}"
        track_uri = parsing.uri("track", track_id)
        is_track = parsing.pathfinder_matcher(GET_TRACK, track_uri)

        def matches(method: str, url: str, post_data: str | None) -> bool:
            return is_track(method, url, post_data) or parsing.is_credits_request(
                method, url, post_data, track_id
            )

        with _Watch(page, matches) as watch:
            await self._open(page, f"/track/{track_id}")
            seen = await watch.next(what, self._timeout)
            if not is_track(seen.request.method, seen.request.url, request_text(seen.request)):
                raise _TransientFailure(what, "the credits loaded before the track")
            status, body = await self._answer(seen, what)
            data = parsing.pathfinder_data(status, body, what)
            with contextlib.suppress(MalformedResponse):  # then the play-count read reports it
                play_counts[track_id] = parsing.parse_track_play_count(data, track_id)
            if not parsing.track_exists(data):
                return CreditsUnavailable(
                    track_id, CreditsUnavailableReason.NOT_FOUND, "the web player has no track"
                )
            await self._check_logged_in(watch)
            try:
                await page.get_by_role("button", name=CREDITS_BUTTON).first.click(
                    timeout=self._timeout * 1000
                )
            except Error as error:
                raise _TransientFailure(what, f"no credits button ({error})") from None
            seen = await watch.next(what, self._timeout)
            status, body = await self._answer(seen, what)
        if status == 404:
            return CreditsUnavailable(
                track_id, CreditsUnavailableReason.NOT_FOUND, parsing.error_message(body)
            )
        if status in (401, 403):
            raise WebPlayerLoginRejected(f"HTTP {status} on the credits of track {track_id}")
        if status != 200:
            raise WebPlayerRequestFailed(what, status, parsing.error_message(body))
        request = seen.request
        return parsing.parse_credits_response(
            request.url, request.method, request_text(request), status, body, track_id
        )

    async def _check_logged_in(self, watch: _Watch) -> None:
        from playwright.async_api import Error

        if not self._site.sp_dc:
            return
        for response in watch.token_responses:
            try:
                token = parsing.parse_token(await response.body())
            except Error:
                continue
            if token.is_anonymous:
                raise WebPlayerLoginRejected("the page's /api/token answer is anonymous")

    async def _album(self, page: Page, album_id: str) -> AlbumPlayCounts:
        what = f"getAlbum of album {album_id}"
        matches = parsing.pathfinder_matcher(GET_ALBUM, parsing.uri("album", album_id))
        pages: list[AlbumPage] = []
        with _Watch(page, matches) as watch:
            await self._open(page, f"/album/{album_id}")
            while True:
                status, body = await self._answer(await watch.next(what, self._timeout), what)
                data = parsing.pathfinder_data(status, body, what)
                offset = sum(len(p.tracks) for p in pages)
                album = parsing.parse_album_page(data, album_id, offset)
                if album is None:
                    raise AlbumNotFound(album_id)
                pages.append(album)
                if not album.tracks or offset + len(album.tracks) >= album.total_tracks:
                    break
        return album_from_pages(pages)

    async def _artist(self, page: Page, artist_id: str) -> ArtistOverview | None:
        what = f"queryArtistOverview of artist {artist_id}"
        data = await self._pathfinder(
            page, f"/artist/{artist_id}", ARTIST_OVERVIEW, parsing.uri("artist", artist_id), what
        )
        return parsing.parse_artist_overview(data, artist_id)

    async def _playlist_first_page(self, page: Page, playlist_id: str) -> WebPlaylist:
        return await self._playlist(page, playlist_id, whole=False)

    async def _playlist(self, page: Page, playlist_id: str, *, whole: bool = True) -> WebPlaylist:
        what = f"fetchPlaylist of playlist {playlist_id}"
        matches = parsing.pathfinder_matcher(FETCH_PLAYLIST, parsing.uri("playlist", playlist_id))
        pages: list[PlaylistPage] = []
        with _Watch(page, matches) as watch:
            await self._open(page, f"/playlist/{playlist_id}")
            while True:
                status, body = await self._answer(await watch.next(what, self._timeout), what)
                data = parsing.pathfinder_data(status, body, what)
                one = parsing.parse_playlist_page(data, playlist_id)
                if one is None:
                    raise PlaylistNotFound(playlist_id)
                pages.append(one)
                if not whole or not one.items or sum(len(p.items) for p in pages) >= one.total:
                    break
        return playlist_from_pages(pages)


class _BodyUnavailable(Exception):
    """Playwright could not give a response body (the page moved on): fall back to the DOM."""


def album_from_pages(pages: Sequence[AlbumPage]) -> AlbumPlayCounts:
    first = pages[0]
    tracks = tuple(track for page in sorted(pages, key=lambda p: p.offset) for track in page.tracks)
    return AlbumPlayCounts(
        album_id=first.album_id,
        name=first.name,
        label=first.label,
        release_date=first.release_date,
        total_tracks=first.total_tracks,
        tracks=tracks,
        copyrights=first.copyrights,
    )


def playlist_from_pages(pages: Sequence[PlaylistPage]) -> WebPlaylist:
    """The playlist from its pages (any order; a position seen twice is kept once)."""
    first = min(pages, key=lambda p: p.offset)
    items = {item.position: item for page in pages for item in page.items}
    return WebPlaylist(
        playlist_id=first.playlist_id,
        name=first.name,
        description=first.description,
        owner_id=first.owner_id,
        owner_name=first.owner_name,
        followers=first.followers,
        revision_id=first.revision_id,
        editorial=first.playlist_id.startswith("37i9") or first.owner_id == "spotify",
        total=first.total,
        items=tuple(items[position] for position in sorted(items)),
    )
