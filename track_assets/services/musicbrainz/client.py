"""The MusicBrainz WS/2 client: musicbrainzngs 0.7.1 behind the shared rate limiter and counters.

musicbrainzngs keeps its configuration in module globals and does its own HTTP (urllib) and its
own 503 retries (docs/facts.md#musicbrainzngs-071). So this client:
- configures it once per process (User-Agent with a contact, host and scheme from the base URL,
  its per-process pacing off) and re-applies that only if other code changed the globals;
- serialises every call behind one process-wide lock (the globals are shared by all threads);
- sees every HTTP attempt, retries included, through a urllib handler added to the openers
  musicbrainzngs builds: each attempt takes a slot of the shared cross-process limiter, held
  until its response (or its error) is back, and is counted by endpoint and status; it also sets a socket timeout (musicbrainzngs sets
  none) and stops musicbrainzngs' 8-attempt, 56-second retry loop after `max_attempts`.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import musicbrainzngs
from musicbrainzngs import compat as mb_compat
from musicbrainzngs import mbxml
from musicbrainzngs import musicbrainz as mb_module

from track_assets.services.http import (
    DEFAULT_TIMEOUT_SECONDS,
    Grant,
    NullRateLimiter,
    RateLimiter,
    RequestCounters,
    ServiceError,
    ServiceUnavailable,
)
from track_assets.services.musicbrainz import parsing
from track_assets.services.musicbrainz.models import (
    MbArtistRecord,
    MbRecording,
    MbUrlArtistLink,
    MbWork,
)
from track_assets.services.musicbrainz.parsing import MalformedResponse

SERVICE = parsing.SERVICE
APP_NAME = "track-assets"
# musicbrainzngs sleeps 2, 4, 6 ... s between attempts; 4 attempts wait 12 s in all, not 56 s.
DEFAULT_MAX_ATTEMPTS = 4
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
SEARCH_PAGE_SIZE = (
    100  # the server resets any limit outside 1-100 to 25 (docs/services.md#musicbrainz-search)
)
MAX_SEARCH_PAGES = 3

ISRC = "GET /ws/2/isrc/{isrc}"
RECORDING = "GET /ws/2/recording/{mbid}"
ARTIST = "GET /ws/2/artist/{mbid}"
URL = "GET /ws/2/url?resource"
ARTIST_SEARCH = "GET /ws/2/artist?query"
WORK_SEARCH = "GET /ws/2/work?query"

_ISRC_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
_SPOTIFY_ARTIST = re.compile(
    r"^(?:spotify:artist:|https?://open\.spotify\.com/(?:intl-[a-z]{2}/)?artist/)"
    r"([0-9A-Za-z]{22})(?:[/?#].*)?$"
)
_WORD = re.compile(r"\w+")
# Lucene's special characters, escaped the way musicbrainzngs escapes field values.
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')

# One lock for the module-global musicbrainzngs, whatever client instance is calling.
_MUSICBRAINZNGS_LOCK = threading.RLock()
_current = threading.local()


# --- errors -----------------------------------------------------------------------------------


class MusicBrainzNotFound(ServiceError):
    """MusicBrainz has no entity with this id (HTTP 404)."""

    def __init__(self, endpoint: str, what: str) -> None:
        message = (
            f"{SERVICE} {endpoint}: {what} not found. The MBID may have been merged or deleted; "
            "look it up on musicbrainz.org and rerun the songwriter phase to refresh it."
        )
        super().__init__(message, service=SERVICE, endpoint=endpoint)
        self.what = what


class MusicBrainzRequestFailed(ServiceError):
    """MusicBrainz refused the request (a status this client does not retry)."""

    def __init__(self, endpoint: str, status: int | None, detail: str) -> None:
        hint = {
            400: "a parameter was refused; this is a client bug, report it with the request",
            401: "this request needs a MusicBrainz login, which the pipeline never uses",
            403: (
                "the User-Agent was refused; configure a contact (an e-mail or URL) for the "
                "musicbrainz resource so MusicBrainz knows who is calling"
            ),
        }.get(status or 0, "see https://status.metabrainz.org and rerun")
        said = f"HTTP {status}" if status is not None else "refused"
        super().__init__(
            f"{SERVICE} {endpoint}: {said} ({detail}): {hint}.", service=SERVICE, endpoint=endpoint
        )
        self.status = status


_UNREADABLE = (ValueError, LookupError, TypeError, AttributeError, RecursionError)


class _StopAttempts(Exception):
    """Raised inside musicbrainzngs' retry loop to end it (not an OSError, so it escapes)."""

    def __init__(self, status: int | None, last: str, attempts: int) -> None:
        super().__init__(last)
        self.status = status
        self.last = last
        self.attempts = attempts


# --- the per-attempt hook ---------------------------------------------------------------------


class _Attempts:
    """One client call: its limiter, counters, label and attempt budget."""

    def __init__(self, client: MusicBrainzClient, label: str) -> None:
        self.client = client
        self.label = label
        self.sent = 0
        self.grant: Grant | None = None  # the slot of an attempt sent with no response back yet
        self.finished_at: float | None = None

    @property
    def pending(self) -> bool:
        """An attempt was sent and no response came back."""
        return self.grant is not None

    def before_attempt(self, request: urllib.request.Request) -> None:
        client = self.client
        if self.pending:  # the previous attempt died in the transport (reset, timeout)
            self._release()
            client.counters.record(SERVICE, self.label, "error:network")
            self.finished_at = time.monotonic()
        if self.sent >= client.max_attempts:
            raise _StopAttempts(None, "network error", self.sent)
        if self.sent:
            client.counters.record_retry(SERVICE)
            if self.finished_at is not None:
                client.counters.record_backoff(SERVICE, time.monotonic() - self.finished_at)
        grant = client.rate_limiter.acquire()
        if grant.waited:
            client.counters.record_rate_limit_wait(SERVICE, grant.waited)
        request.timeout = client.timeout
        self.sent += 1
        self.grant = grant

    def after_response(self, status: int) -> None:
        # The status line is in: the request reached the server, so its slot counts from now.
        self._release()
        self.finished_at = time.monotonic()
        self.client.counters.record(SERVICE, self.label, status)
        if status in RETRYABLE_STATUSES:
            if self.sent >= self.client.max_attempts:
                raise _StopAttempts(status, f"HTTP {status}", self.sent)
        elif status >= 400 and status not in (400, 401, 404, 411):
            # musicbrainzngs would retry these 8 times (e.g. 403 for a refused User-Agent).
            raise _StopAttempts(status, f"HTTP {status}", self.sent)

    def after_call(self, error: BaseException | None) -> None:
        if self.pending:
            self._release()
            cause = getattr(error, "cause", None) or error
            name = type(cause).__name__ if cause is not None else "network"
            self.client.counters.record(SERVICE, self.label, f"error:{name}")

    def _release(self) -> None:
        grant, self.grant = self.grant, None
        if grant is not None:
            self.client.rate_limiter.release(grant)


class _AttemptHook(urllib.request.BaseHandler):
    """Runs before every request and after every response of the openers musicbrainzngs builds;
    does nothing unless a MusicBrainzClient call is in progress on this thread."""

    handler_order = 100  # before HTTPErrorProcessor (1000) turns 4xx/5xx into exceptions

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        attempts = getattr(_current, "attempts", None)
        if attempts is not None:
            attempts.before_attempt(request)
        return request

    def http_response(self, request: urllib.request.Request, response: Any) -> Any:
        attempts = getattr(_current, "attempts", None)
        if attempts is not None:
            try:
                attempts.after_response(response.code)
            except _StopAttempts:
                response.close()
                raise
        return response

    https_request = http_request
    https_response = http_response


def _install_attempt_hook() -> None:
    """Make musicbrainzngs' openers carry `_AttemptHook` (it builds one per call through
    `musicbrainzngs.compat.build_opener`; nothing else in it is pluggable)."""
    with _MUSICBRAINZNGS_LOCK:
        if getattr(mb_compat.build_opener, "track_assets_hook", False):
            return
        original = mb_compat.build_opener

        def build_opener(*handlers: Any) -> urllib.request.OpenerDirector:
            return original(*handlers, _AttemptHook())

        build_opener.track_assets_hook = True  # type: ignore[attr-defined]
        mb_compat.build_opener = build_opener


# --- request helpers --------------------------------------------------------------------------


def canonical_isrc(isrc: str) -> str | None:
    """ISRC upper-cased without separators, or None when it cannot be an ISRC."""
    compact = re.sub(r"[\s-]", "", isrc).upper()
    return compact if _ISRC_PATTERN.match(compact) else None


def spotify_artist_url(reference: str) -> str:
    """The form MusicBrainz stores a Spotify artist link in, from an artist id, URI or URL."""
    reference = reference.strip()
    if re.fullmatch(r"[0-9A-Za-z]{22}", reference):
        return f"https://open.spotify.com/artist/{reference}"
    match = _SPOTIFY_ARTIST.match(reference)
    if match is None:
        raise ValueError(f"{reference!r} is not a Spotify artist id, URI or URL")
    return f"https://open.spotify.com/artist/{match.group(1)}"


def _quoted_words(text: str) -> list[str]:
    """The words of a name as the search server indexes them (accents folded, punctuation
    dropped), each quoted so no word can be read as an operator; "and" is left out when other
    words remain, so "Simon & Garfunkel" and "Simon and Garfunkel" find each other."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    words = list(dict.fromkeys(_WORD.findall(folded)))
    if len(words) > 1 and "and" in words:
        words.remove("and")
    return [f'"{word}"' for word in words]


def artist_name_query(name: str) -> str:
    """Lucene query for every artist whose name or an alias holds all the words of `name`."""
    words = _quoted_words(name)
    if not words:
        raise ValueError(f"artist name {name!r} has no letters or digits to search for")
    clause = " AND ".join(words)
    return f"artist:({clause}) OR alias:({clause})"


def work_title_query(title: str) -> str:
    """Lucene query for the works whose title holds `title` as a phrase (`work:"..."`)."""
    if not title.strip():
        raise ValueError("a work title to count must have some text")
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", title.strip())
    return f'work:"{escaped}"'


def works_by_writers_query(mbids: Iterable[str]) -> str:
    ids = sorted({mbid.lower() for mbid in mbids})
    if not ids or not all(re.fullmatch(r"[0-9a-f-]{36}", mbid) for mbid in ids):
        raise ValueError(f"expected MusicBrainz artist ids, got {ids}")
    return " OR ".join(f'arid:"{mbid}"' for mbid in ids)


# --- the client -------------------------------------------------------------------------------


class MusicBrainzClient:
    """MusicBrainz WS/2 (musicbrainz.org or the sandbox) through musicbrainzngs.

    `contact` (an e-mail or URL) goes into the User-Agent, as MusicBrainz requires.
    `rate_limiter` should be the cross-process limiter for MusicBrainz at 1 request/s; each
    HTTP attempt, retries included, takes one slot until its response is back.
    """

    def __init__(
        self,
        base_url: str,
        contact: str,
        rate_limiter: RateLimiter | None = None,
        counters: RequestCounters | None = None,
        *,
        app: str = APP_NAME,
        version: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        if not contact or not contact.strip():
            raise ValueError(
                "MusicBrainz needs a contact (e-mail or URL) in the User-Agent: configure one "
                "for the musicbrainz resource"
            )
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"MusicBrainz base URL {base_url!r} must be http(s)://host[:port]")
        if parts.path.rstrip("/") not in ("", "/ws/2"):
            raise ValueError(
                f"MusicBrainz base URL {base_url!r}: musicbrainzngs always requests /ws/2/..., "
                "so the base URL can carry no other path"
            )
        self.base_url = f"{parts.scheme}://{parts.netloc}"
        self.hostname = parts.netloc
        self.use_https = parts.scheme == "https"
        self.app = app
        self.version = version or _package_version()
        self.contact = contact.strip()
        self.rate_limiter: RateLimiter = (
            rate_limiter if rate_limiter is not None else NullRateLimiter()
        )
        self.counters = counters if counters is not None else RequestCounters()
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._applied: tuple[Any, ...] | None = None
        _install_attempt_hook()

    @property
    def user_agent(self) -> str:
        """What musicbrainzngs sends: `app/version python-musicbrainzngs/x ( contact )`."""
        with _MUSICBRAINZNGS_LOCK:
            self._configure()
            return mb_module._useragent

    # -- lookups -------------------------------------------------------------------------------

    def recordings_by_isrc(self, isrc: str) -> list[MbRecording]:
        """The recordings carrying this ISRC ([] when MusicBrainz knows none, or when the value
        cannot be an ISRC at all); their works are not included, see `recording`."""
        code = canonical_isrc(isrc)
        if code is None:
            return []
        body = self._call(ISRC, musicbrainzngs.get_recordings_by_isrc, code, missing_ok=True)
        return [] if body is None else parsing.parse_isrc_recordings(body, ISRC)

    def recording(self, mbid: str) -> MbRecording:
        """A recording with its works and each work's artist relationships (the writers)."""
        body = self._call(
            RECORDING,
            musicbrainzngs.get_recording_by_id,
            mbid,
            includes=["work-rels", "work-level-rels", "artist-rels"],
            what=f"recording {mbid}",
        )
        return parsing.parse_recording_lookup(body, RECORDING)

    def artist(self, mbid: str) -> MbArtistRecord:
        """An artist with its aliases and URL relationships (ended ones flagged)."""
        body = self._call(
            ARTIST,
            musicbrainzngs.get_artist_by_id,
            mbid,
            includes=["url-rels", "aliases"],
            what=f"artist {mbid}",
        )
        return parsing.parse_artist_lookup(body, ARTIST)

    def artists_by_spotify_url(self, url: str) -> list[MbUrlArtistLink]:
        """The artists MusicBrainz links to this Spotify artist page (reverse URL lookup), with
        each relationship's ended flag; [] when MusicBrainz does not know the URL."""
        resource = spotify_artist_url(url)
        body = self._call(
            URL,
            musicbrainzngs.browse_urls,
            resource=resource,
            includes=["artist-rels"],
            missing_ok=True,
        )
        return [] if body is None else parsing.parse_url_artists(body, URL)

    # -- searches ------------------------------------------------------------------------------

    def search_artists(self, name: str) -> list[MbArtistRecord]:
        """Artists whose name or an alias holds every word of `name`, best score first, with
        their aliases. Scores are relative: the caller decides what is a match."""
        return self._search(
            ARTIST_SEARCH,
            musicbrainzngs.search_artists,
            artist_name_query(name),
            parsing.parse_artist_search,
        )

    def works_by_writers(self, mbids: Iterable[str]) -> list[MbWork]:
        """Works that name any of these artists in a relationship (composer, lyricist, writer,
        ...), with their artist relationships."""
        return self._search(
            WORK_SEARCH,
            musicbrainzngs.search_works,
            works_by_writers_query(mbids),
            parsing.parse_work_search,
        )

    def count_works_titled(self, title: str) -> int:
        """How many MusicBrainz works carry this title (one request, the search's total).

        The search server matches the title's words as a phrase, so "Stay" also counts "Stay
        With Me": the figure is high for a generic title ("Stay", "Intro") and small for one
        that identifies a song, which is what it is for."""
        body = self._call(
            WORK_SEARCH, musicbrainzngs.search_works, query=work_title_query(title), limit=1
        )
        return parsing.parse_work_count(body, WORK_SEARCH)

    def _search(
        self,
        label: str,
        function: Callable[..., Any],
        query: str,
        parse: Callable[[Any, str], tuple[list[Any], int]],
    ) -> list[Any]:
        found: list[Any] = []
        for page in range(MAX_SEARCH_PAGES):
            body = self._call(
                label,
                function,
                query=query,
                limit=SEARCH_PAGE_SIZE,
                offset=page * SEARCH_PAGE_SIZE or None,
            )
            hits, total = parse(body, label)
            found.extend(hits)
            if not hits or len(found) >= total:
                break
        return found

    # -- musicbrainzngs ------------------------------------------------------------------------

    def _configure(self) -> None:
        """Point musicbrainzngs at this client's server (once, or again if someone moved it)."""
        state = (
            mb_module._useragent,
            mb_module.hostname,
            mb_module.https,
            mb_module.do_rate_limit,
            mb_module.ws_format,
        )
        if self._applied is not None and state == self._applied:
            return
        musicbrainzngs.set_useragent(self.app, self.version, self.contact)
        # Any set_hostname call without use_https=True switches to http (docs/facts.md#musicbrainzngs-071).
        musicbrainzngs.set_hostname(self.hostname, use_https=self.use_https)
        # Pacing is the shared limiter's job, per attempt and across processes.
        musicbrainzngs.set_rate_limit(False)
        if mb_module.ws_format != "xml":
            musicbrainzngs.set_format("xml")
        self._applied = (
            mb_module._useragent,
            mb_module.hostname,
            mb_module.https,
            mb_module.do_rate_limit,
            mb_module.ws_format,
        )

    def _call(self, label: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`_call_once`, asked again when the body did not parse (cut off, or a page from the
        edge), within the same attempt budget as a 503; the rate limiter spaces the attempts."""
        for _ in range(self.max_attempts - 1):
            try:
                return self._call_once(label, function, *args, **kwargs)
            except MalformedResponse:
                self.counters.record_malformed(SERVICE)
                self.counters.record_retry(SERVICE)
        return self._call_once(label, function, *args, **kwargs)

    def _call_once(
        self,
        label: str,
        function: Callable[..., Any],
        *args: Any,
        missing_ok: bool = False,
        what: str = "entity",
        **kwargs: Any,
    ) -> Any:
        """One musicbrainzngs call, every attempt limited and counted; None for a 404 when
        `missing_ok`. Raises MusicBrainzNotFound, MusicBrainzRequestFailed, ServiceUnavailable
        or MalformedResponse."""
        with _MUSICBRAINZNGS_LOCK:
            self._configure()
            attempts = _Attempts(self, label)
            _current.attempts = attempts
            error: BaseException | None = None
            try:
                return function(*args, **kwargs)
            except _StopAttempts as stop:
                error = stop
                if stop.status is not None and stop.status not in RETRYABLE_STATUSES:
                    raise MusicBrainzRequestFailed(label, stop.status, stop.last) from None
                raise self._unavailable(label, stop.last, stop.attempts) from None
            except musicbrainzngs.ResponseError as failure:
                error = failure
                cause = failure.cause
                status = cause.code if isinstance(cause, urllib.error.HTTPError) else None
                if status == 404:
                    if missing_ok:
                        return None
                    raise MusicBrainzNotFound(label, what) from failure
                if status is None:  # the body did not parse
                    raise MalformedResponse(label, "(body)", str(failure.cause)) from failure
                raise MusicBrainzRequestFailed(label, status, _error_text(failure)) from failure
            except musicbrainzngs.AuthenticationError as failure:
                error = failure
                raise MusicBrainzRequestFailed(label, 401, _error_text(failure)) from failure
            except musicbrainzngs.NetworkError as failure:
                error = failure
                cause = failure.cause
                last = f"HTTP {cause.code}" if hasattr(cause, "code") else repr(cause)
                raise self._unavailable(label, last, attempts.sent) from failure
            except _UNREADABLE as failure:
                error = failure
                if not attempts.sent or attempts.pending:
                    raise  # refused before anything came back: a bad argument
                # musicbrainzngs reading XML it does not expect: a bare ValueError without the
                # mmd-2.0 namespace (docs/facts.md#musicbrainzngs-071), a KeyError for a
                # relation list without target-type, a LookupError for an unknown encoding, a
                # RecursionError for nesting too deep (found by test_parser_fuzz.py).
                raise MalformedResponse(
                    label, "(body)", f"{type(failure).__name__}: {failure}"
                ) from failure
            finally:
                attempts.after_call(error)
                _current.attempts = None

    def _unavailable(self, label: str, last: str, attempts: int) -> ServiceUnavailable:
        return ServiceUnavailable(
            service=SERVICE, endpoint=label, base_url=self.base_url, last=last, attempts=attempts
        )


def _error_text(failure: musicbrainzngs.WebServiceError) -> str:
    cause = failure.cause
    try:
        body = cause.read() if hasattr(cause, "read") else b""
        texts = mbxml.get_error_message(body) if body else []
    except Exception:  # the error body is only a hint
        texts = []
    return texts[0] if texts else str(cause)


def _package_version() -> str:
    try:
        return metadata.version("track_assets")
    except metadata.PackageNotFoundError:
        return "0.1.0"
