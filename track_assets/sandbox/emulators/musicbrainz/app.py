"""The MusicBrainz WS/2 emulator: artist/work search, artist/recording/work/url lookups, ISRC
lookup, reverse URL lookup, with MusicBrainz's validation, error bodies and 1 req/s limit.

Order of checks per request (docs/services.md#musicbrainz-rate-limit-and-user-agent,
docs/services.md#musicbrainz-errors): User-Agent (403 when missing or a bare HTTP-library
default), then the rate limits (503 past 50/s per User-Agent, then past 1/s per client), then
the format (406), then the request itself (400/401/404).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.emulators.musicbrainz import render
from track_assets.sandbox.emulators.musicbrainz.facts import (
    BAD_FORMAT,
    BUSY,
    INVALID_ISRC,
    INVALID_MBID,
    MULTIPLE_INC,
    NO_USER_AGENT,
    NOT_FOUND,
    RATE_LIMITED,
    SEARCH_FAILED,
    USER_INCLUDES,
    VALID_INCLUDES,
)
from track_assets.sandbox.emulators.musicbrainz.lucene import QuerySyntaxError, parse_query
from track_assets.sandbox.emulators.musicbrainz.search import (
    ARTIST_SCHEMA,
    WORK_SCHEMA,
    SearchIndex,
    artist_document,
    work_document,
)
from track_assets.sandbox.faults import InjectedError

XML_TYPE = "application/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"

_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_NIL_MBID = "00000000-0000-0000-0000-000000000000"
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
# A User-Agent that is only an HTTP library's default names no application
# (docs/services.md#musicbrainz-rate-limit-and-user-agent).
DEFAULT_BLOCKED_USER_AGENTS = (
    r"(?i)^(python-urllib|python-requests|python-httpx|aiohttp|curl|wget|go-http-client|java"
    r"|okhttp|axios|node-fetch|undici|libwww-perl|apache-httpclient)(/[\w.\-]*)?$",
)
DEFAULT_LIMIT = 25
CLIENT_KEYS = ("ip", "user_agent", "ip+user_agent")


class WsError(Exception):
    """An error MusicBrainz answers with its `<error>` body (or JSON `{"error", "help"}`)."""

    def __init__(self, status: int, message: str, *, always_xml: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.always_xml = always_xml


def render_injected_error(error: InjectedError) -> Response:
    """Injected faults draw MusicBrainz's XML error; a 503 says the server is busy."""
    message = BUSY if error.status == 503 else error.message
    return Response(render.error_document(message), status_code=error.status, media_type=XML_TYPE)


def musicbrainz_emulator() -> EmulatorSpec:
    return EmulatorSpec("musicbrainz", build_app, error_renderer=render_injected_error)


@dataclass(frozen=True)
class Settings:
    """`settings.musicbrainz`: require_user_agent (true), blocked_user_agents (regexes),
    user_agent_status (403), client_key ("ip" | "user_agent" | "ip+user_agent")."""

    require_user_agent: bool
    blocked_user_agents: tuple[re.Pattern[str], ...]
    user_agent_status: int
    client_key: str

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> Settings:
        known = {"tier", "require_user_agent", "blocked_user_agents", "user_agent_status"}
        known.add("client_key")
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(
                f"settings.musicbrainz: unknown key(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known - {'tier'}))}"
            )
        require = settings.get("require_user_agent", True)
        if not isinstance(require, bool):
            raise ValueError("settings.musicbrainz.require_user_agent must be true or false")
        patterns = settings.get("blocked_user_agents", DEFAULT_BLOCKED_USER_AGENTS)
        if not isinstance(patterns, list | tuple) or not all(isinstance(p, str) for p in patterns):
            raise ValueError("settings.musicbrainz.blocked_user_agents must be a list of regexes")
        status = settings.get("user_agent_status", 403)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("settings.musicbrainz.user_agent_status must be a 4xx/5xx status")
        client_key = settings.get("client_key", "ip")
        if client_key not in CLIENT_KEYS:
            raise ValueError(f"settings.musicbrainz.client_key must be one of {CLIENT_KEYS}")
        return cls(require, tuple(re.compile(p) for p in patterns), status, client_key)


class _Data:
    """The catalog's MusicBrainz side, indexed for the emulator (read-only)."""

    def __init__(self, catalog: Any) -> None:
        self.catalog = catalog
        self.artists = tuple(getattr(catalog, "mb_artists", ()))
        self.works = tuple(getattr(catalog, "mb_works", ()))
        self.artists_by_mbid = {a.mbid: a for a in self.artists}
        self.works_by_mbid = {w.mbid: w for w in self.works}
        self.recordings_by_mbid = {r.mbid: r for r in getattr(catalog, "mb_recordings", ())}
        self.recordings_by_isrc: dict[str, list[Any]] = {}
        for recording in self.recordings_by_mbid.values():
            for isrc in recording.isrcs:
                self.recordings_by_isrc.setdefault(isrc, []).append(recording)
        links: dict[str, list[tuple[Any, Any]]] = {}
        url_ids: dict[str, str] = {}
        for artist in self.artists:
            for url in artist.urls:
                links.setdefault(url.resource, []).append((artist, url))
                url_ids.setdefault(url.resource, url.url_id)
        self.urls_by_resource = {
            resource: render.UrlEntity(url_ids[resource], resource, tuple(pairs))
            for resource, pairs in links.items()
        }
        self.urls_by_mbid = {url.mbid: url for url in self.urls_by_resource.values()}
        self.view = render.CatalogView(_CatalogAdapter(catalog, self.artists_by_mbid))
        self.artist_index = SearchIndex(ARTIST_SCHEMA, [artist_document(a) for a in self.artists])
        self.work_index = SearchIndex(
            WORK_SCHEMA, [work_document(w, self.view.catalog) for w in self.works]
        )


class _CatalogAdapter:
    """What the renderers read from a catalog, tolerating a catalog without Spotify data."""

    def __init__(self, catalog: Any, artists_by_mbid: Mapping[str, Any]) -> None:
        self.mb_artists_by_mbid = artists_by_mbid
        self.mb_recordings = tuple(getattr(catalog, "mb_recordings", ()))
        self.tracks_by_isrc = getattr(catalog, "tracks_by_isrc", {})
        self.albums_by_id = getattr(catalog, "albums_by_id", {})


Handler = Callable[[Request, str, "_Call"], Awaitable[Response]]


@dataclass(frozen=True)
class _Call:
    """A validated request: its format, includes and remaining query parameters."""

    fmt: str
    inc: frozenset[str]
    params: Mapping[str, list[str]]


# Kept even with the sandbox's limits off, as the real server's ceiling for a well-known client.
PER_USER_AGENT_PER_SECOND = 50


def build_app(context: SandboxContext) -> Starlette:
    settings = Settings.from_mapping(context.settings)
    data = _Data(context.catalog)
    # The page's order: per User-Agent (50/s), then per IP (1/s)
    # (docs/services.md#musicbrainz-rate-limit-and-user-agent).
    per_user_agent = context.limits.token_bucket(
        "per_user_agent", rate=PER_USER_AGENT_PER_SECOND, burst=PER_USER_AGENT_PER_SECOND
    )
    # "1 request/s on average" per IP: 0.2 s of jitter between two arrivals is absorbed (a client
    # paced at 1/s on a loaded machine sends some a little early), while a client faster than 1/s
    # on average still drifts into 503s within a few requests.
    per_client = context.limits.token_bucket("per_client", rate=1.0, burst=1, tolerance=0.2)

    def respond(call_fmt: str, xml: render.Element | None, body: Any, created: bool) -> Response:
        if call_fmt == "json":
            return Response(
                json.dumps(body, ensure_ascii=False).encode("utf-8"), media_type=JSON_TYPE
            )
        assert xml is not None
        stamp = created_stamp() if created else None
        return Response(render.metadata_document(xml, created=stamp), media_type=XML_TYPE)

    def error_response(error: WsError, fmt: str) -> Response:
        if fmt == "json" and not error.always_xml:
            return Response(
                json.dumps(render.error_json(error.message)).encode("utf-8"),
                status_code=error.status,
                media_type=JSON_TYPE,
            )
        return Response(
            render.error_document(error.message), status_code=error.status, media_type=XML_TYPE
        )

    def client_key(request: Request, user_agent: str) -> str:
        host = request.client.host if request.client else "unknown"
        if settings.client_key == "user_agent":
            return user_agent
        if settings.client_key == "ip+user_agent":
            return f"{host} {user_agent}"
        return host

    def endpoint(resource: str, handler: Handler, *, lookup: bool) -> Callable:
        async def serve(request: Request) -> Response:
            fmt = "xml"
            try:
                user_agent = request.headers.get("user-agent", "").strip()
                if settings.require_user_agent and (
                    not user_agent
                    or any(p.search(user_agent) for p in settings.blocked_user_agents)
                ):
                    raise WsError(settings.user_agent_status, NO_USER_AGENT, always_xml=True)
                for limiter, key in (
                    (per_user_agent, user_agent),
                    (per_client, client_key(request, user_agent)),
                ):
                    if not limiter.hit(key).allowed:
                        raise WsError(503, RATE_LIMITED, always_xml=True)
                fmt = negotiate_format(request)
                call = validate(request, resource, fmt, lookup=lookup)
                ident = request.path_params.get("ident", "")
                return await handler(request, ident, call)
            except WsError as error:
                return error_response(error, fmt)

        return serve

    # -- handlers --------------------------------------------------------------------------------

    async def artist_search(request: Request, _: str, call: _Call) -> Response:
        query = single(call.params, "query", "artist")
        hits, offset, total = run_search(data.artist_index, query, call, data.artists, "name")
        artists = [(data.artists[hit.index], hit.score) for hit in hits]
        xml = render.element("artist-list", count=str(total), offset=str(offset))
        for artist, score in artists:
            xml.append(render.artist_xml(artist, score=score))
        body = {
            "created": created_stamp(),
            "count": total,
            "offset": offset,
            "artists": [render.artist_search_json(a, score) for a, score in artists],
        }
        return respond(call.fmt, xml, body, created=True)

    async def work_search(request: Request, _: str, call: _Call) -> Response:
        query = single(call.params, "query", "work")
        hits, offset, total = run_search(data.work_index, query, call, data.works, "title")
        works = [(data.works[hit.index], hit.score) for hit in hits]
        xml = render.element("work-list", count=str(total), offset=str(offset))
        for work, score in works:
            xml.append(render.work_xml(work, data.view, artist_rels=True, score=score))
        body = {
            "created": created_stamp(),
            "count": total,
            "offset": offset,
            "works": [render.work_json(w, data.view, artist_rels=True, score=s) for w, s in works],
        }
        return respond(call.fmt, xml, body, created=True)

    async def artist_lookup(request: Request, ident: str, call: _Call) -> Response:
        artist = data.artists_by_mbid.get(checked_mbid(ident))
        if artist is None:
            raise WsError(404, NOT_FOUND)
        aliases = "aliases" in call.inc
        url_rels = "url-rels" in call.inc
        any_rels = any(inc.endswith("-rels") for inc in call.inc)
        xml = render.artist_xml(artist, aliases=aliases, url_rels=url_rels)
        body = render.artist_json(artist, aliases=aliases, relations=any_rels)
        if any_rels and not url_rels:
            body["relations"] = []
        return respond(call.fmt, xml, body, created=False)

    async def recording_lookup(request: Request, ident: str, call: _Call) -> Response:
        recording = data.recordings_by_mbid.get(checked_mbid(ident))
        if recording is None:
            raise WsError(404, NOT_FOUND)
        view = recording_view(call.inc)
        return respond(
            call.fmt,
            render.recording_xml(recording, view, data.view, data.works_by_mbid),
            render.recording_json(recording, view, data.view, data.works_by_mbid),
            created=False,
        )

    async def work_lookup(request: Request, ident: str, call: _Call) -> Response:
        work = data.works_by_mbid.get(checked_mbid(ident))
        if work is None:
            raise WsError(404, NOT_FOUND)
        artist_rels = "artist-rels" in call.inc
        body = render.work_json(work, data.view, artist_rels=artist_rels)
        if not artist_rels and any(inc.endswith("-rels") for inc in call.inc):
            body["relations"] = []
        return respond(
            call.fmt, render.work_xml(work, data.view, artist_rels=artist_rels), body, False
        )

    async def url_lookup(request: Request, ident: str, call: _Call) -> Response:
        if ident:
            url = data.urls_by_mbid.get(checked_mbid(ident))
        else:
            resources = call.params.get("resource", [])
            if not resources:
                raise WsError(
                    400,
                    "The given parameters do not match any available query type "
                    "for the url resource.",
                )
            if len(resources) > 1:
                # Newer servers accept several resource= and answer a url-list; 0.7.1 sends one.
                raise WsError(400, "Must specify at most 1 resource argument")
            url = data.urls_by_resource.get(resources[0])
        if url is None:
            raise WsError(404, NOT_FOUND)
        artist_rels = "artist-rels" in call.inc
        body = render.url_json(url, artist_rels=artist_rels)
        if not artist_rels and any(inc.endswith("-rels") for inc in call.inc):
            body["relations"] = []
        return respond(call.fmt, render.url_xml(url, artist_rels=artist_rels), body, False)

    async def isrc_lookup(request: Request, ident: str, call: _Call) -> Response:
        if not _ISRC.match(ident):
            raise WsError(400, INVALID_ISRC)
        recordings = data.recordings_by_isrc.get(ident)
        if not recordings:
            raise WsError(404, NOT_FOUND)
        view = recording_view(call.inc)
        works = data.works_by_mbid
        return respond(
            call.fmt,
            render.isrc_xml(ident, recordings, view, data.view, works),
            render.isrc_json(ident, recordings, view, data.view, works),
            created=False,
        )

    async def not_served(request: Request, _: str, call: _Call) -> Response:
        raise WsError(501, "The sandbox's MusicBrainz emulator does not serve this request.")

    # -- helpers -----------------------------------------------------------------------------------

    def created_stamp() -> str:
        now = context.clock.now()
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    def run_search(
        index: SearchIndex, text: str, call: _Call, records: tuple, name_attr: str
    ) -> tuple[list, int, int]:
        dismax = single_or_none(call.params, "dismax") == "true"
        try:
            query = parse_query(_dismax_query(text) if dismax else text)
            hits = index.search(
                query,
                sort_key=lambda i: (getattr(records[i], name_attr).casefold(), records[i].mbid),
            )
        except QuerySyntaxError:
            raise WsError(400, SEARCH_FAILED) from None
        limit = _int_or_none(single_or_none(call.params, "limit"))
        if limit is None or not 1 <= limit <= 100:
            limit = DEFAULT_LIMIT  # out-of-range values fall back to 25 (observed 2026)
        offset = _int_or_none(single_or_none(call.params, "offset"))
        if offset is None or offset < 0:
            offset = 0
        return hits[offset : offset + limit], offset, len(hits)

    def single(params: Mapping[str, list[str]], name: str, resource: str) -> str:
        values = params.get(name, [])
        if not values or not values[0].strip():
            raise WsError(
                400,
                "The given parameters do not match any available query type "
                f"for the {resource} resource.",
            )
        if len(values) > 1:
            raise WsError(400, f"Must specify at most 1 {name} argument")
        return values[0]

    def single_or_none(params: Mapping[str, list[str]], name: str) -> str | None:
        values = params.get(name, [])
        return values[-1] if values else None

    routes = [
        Route("/ws/2/artist", endpoint("artist", artist_search, lookup=False)),
        Route("/ws/2/artist/", endpoint("artist", artist_search, lookup=False)),
        Route("/ws/2/artist/{ident}", endpoint("artist", artist_lookup, lookup=True)),
        Route("/ws/2/work", endpoint("work", work_search, lookup=False)),
        Route("/ws/2/work/", endpoint("work", work_search, lookup=False)),
        Route("/ws/2/work/{ident}", endpoint("work", work_lookup, lookup=True)),
        Route("/ws/2/recording", endpoint("recording", not_served, lookup=False)),
        Route("/ws/2/recording/", endpoint("recording", not_served, lookup=False)),
        Route("/ws/2/recording/{ident}", endpoint("recording", recording_lookup, lookup=True)),
        Route("/ws/2/url", endpoint("url", url_lookup, lookup=True)),
        Route("/ws/2/url/", endpoint("url", url_lookup, lookup=True)),
        Route("/ws/2/url/{ident}", endpoint("url", url_lookup, lookup=True)),
        Route("/ws/2/isrc/{ident}", endpoint("isrc", isrc_lookup, lookup=True)),
    ]
    return Starlette(routes=routes)


def negotiate_format(request: Request) -> str:
    """fmt= wins over Accept; blank, */* and application/xml give XML; others 406."""
    formats = request.query_params.getlist("fmt")
    if formats:
        fmt = formats[-1]
        if fmt in ("xml", "json"):
            return fmt
        raise WsError(406, BAD_FORMAT, always_xml=True)
    accept = request.headers.get("accept", "").strip()
    if not accept:
        return "xml"
    for media_range in accept.split(","):
        media = media_range.split(";")[0].strip().lower()
        if media == "application/json":
            return "json"
        if media in ("application/xml", "*/*", "application/*"):
            return "xml"
    raise WsError(406, BAD_FORMAT, always_xml=True)


def validate(request: Request, resource: str, fmt: str, *, lookup: bool) -> _Call:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    inc_values = params.pop("inc", [])
    if len(inc_values) > 1:
        raise WsError(400, MULTIPLE_INC)
    includes = frozenset(inc_values[0].split()) if inc_values else frozenset()
    valid = VALID_INCLUDES.get(resource, frozenset())
    for inc in sorted(includes):
        if inc not in valid:
            raise WsError(400, f"{inc} is not a valid inc parameter for the {resource} resource.")
    if includes & USER_INCLUDES:
        raise WsError(401, "You are not authorized to access this resource.")
    if lookup:
        allowed = {"fmt"}
        if includes & {"releases", "release-groups"}:
            allowed |= {"status", "type"}
        if resource == "url" and not request.path_params.get("ident"):
            allowed |= {"resource", "limit", "offset"}
        for name in params:
            if name not in allowed:
                raise WsError(400, f"{name} is not a valid parameter")
    params.pop("fmt", None)
    return _Call(fmt, includes, params)


def checked_mbid(ident: str) -> str:
    mbid = ident.lower()
    if not _MBID.match(mbid) or mbid == _NIL_MBID:
        raise WsError(400, INVALID_MBID)
    return mbid


def recording_view(includes: frozenset[str]) -> render.RecordingView:
    return render.RecordingView(
        artists="artists" in includes or "artist-credits" in includes,
        isrcs="isrcs" in includes,
        work_rels="work-rels" in includes,
        work_level_rels="work-level-rels" in includes,
        artist_rels="artist-rels" in includes,
    )


def _dismax_query(text: str) -> str:
    """dismax=true: the words as typed, every special character escaped."""
    return " ".join(re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", w) for w in text.split())


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None
