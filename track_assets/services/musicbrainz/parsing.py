"""musicbrainzngs' parsed WS/2 dicts, read into our records: the only module that knows their keys.

musicbrainzngs 0.7.1 turns the XML into dicts whose keys follow the elements: a relation list is
`"<target-type>-relation-list"`, flags such as `ended` are the string "true" and the search
score is the string `"ext:score"` (docs/facts.md#musicbrainzngs-071). A code written both
singly and in a list (`<ipi>` and `<ipi-list>` of an artist lookup, `<iswc>` and `<iswc-list>`
of a work) arrives under both keys (`"ipi"`, `"ipi-list"`); either may be missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from track_assets.services.http.json_body import MalformedResponse as BaseMalformedResponse
from track_assets.services.musicbrainz.models import (
    COVER_ATTRIBUTE,
    PERFORMANCE_RELATION_TYPE,
    MbAlias,
    MbArtistRecord,
    MbArtistRef,
    MbRecording,
    MbUrlArtistLink,
    MbUrlLink,
    MbWork,
    MbWriterRelation,
)

SERVICE = "musicbrainz"


class MalformedResponse(BaseMalformedResponse):
    """A MusicBrainz body that is not the WS/2 document its endpoint documents."""

    SERVICE = SERVICE
    HINT = (
        "the body was cut off or the server is not a MusicBrainz WS/2 server (check the "
        "configured base URL); if it persists update track_assets/services/musicbrainz/parsing.py"
    )


def _mapping(value: Any, endpoint: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponse(endpoint, key, f"expected an element, got {type(value).__name__}")
    return value


def _required(node: Mapping[str, Any], key: str, endpoint: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedResponse(endpoint, key, "missing")
    return value


def _optional(node: Mapping[str, Any], key: str) -> str | None:
    value = node.get(key)
    return value if isinstance(value, str) and value else None


def _flag(node: Mapping[str, Any], key: str) -> bool:
    # musicbrainzngs keeps "true"/"false" text (and `primary="primary"` on aliases).
    return str(node.get(key, "")).lower() in ("true", key)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _list(node: Mapping[str, Any], key: str, endpoint: str) -> list[Any]:
    value = node.get(key, [])
    if not isinstance(value, list):
        raise MalformedResponse(endpoint, key, "expected a list")
    return value


def _codes(
    node: Mapping[str, Any], listed: str, endpoint: str, single: str | None = None
) -> tuple[str, ...]:
    """The codes of `<single>` and `<listed>` (IPIs, ISNIs, ISWCs): each once, in order."""
    values: Iterable[Any] = [node.get(single) if single else None, *_list(node, listed, endpoint)]
    return tuple(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))


# --- artists ----------------------------------------------------------------------------------


def parse_alias(node: Mapping[str, Any], endpoint: str) -> MbAlias:
    return MbAlias(
        name=_required(node, "alias", endpoint),
        sort_name=_optional(node, "sort-name"),
        type=_optional(node, "type"),
        locale=_optional(node, "locale"),
        primary=_flag(node, "primary"),
    )


def parse_url_link(node: Mapping[str, Any], endpoint: str) -> MbUrlLink:
    return MbUrlLink(
        url=_required(node, "target", endpoint),
        type=_optional(node, "type") or "",
        type_id=_optional(node, "type-id"),
        begin=_optional(node, "begin"),
        end=_optional(node, "end"),
        ended=_flag(node, "ended"),
    )


def parse_artist_ref(node: Any, endpoint: str) -> MbArtistRef:
    node = _mapping(node, endpoint, "artist")
    return MbArtistRef(
        mbid=_required(node, "id", endpoint),
        name=_required(node, "name", endpoint),
        sort_name=_optional(node, "sort-name"),
        disambiguation=_optional(node, "disambiguation"),
        type=_optional(node, "type"),
    )


def parse_artist(node: Any, endpoint: str) -> MbArtistRecord:
    """An `<artist>` of a lookup or a search hit."""
    node = _mapping(node, endpoint, "artist")
    return MbArtistRecord(
        mbid=_required(node, "id", endpoint),
        name=_required(node, "name", endpoint),
        sort_name=_optional(node, "sort-name"),
        disambiguation=_optional(node, "disambiguation"),
        type=_optional(node, "type"),
        country=_optional(node, "country"),
        ipis=_codes(node, "ipi-list", endpoint, single="ipi"),
        isnis=_codes(node, "isni-list", endpoint),
        aliases=tuple(parse_alias(a, endpoint) for a in _list(node, "alias-list", endpoint)),
        urls=tuple(parse_url_link(u, endpoint) for u in _list(node, "url-relation-list", endpoint)),
        score=_int_or_none(node.get("ext:score")),
    )


def parse_artist_lookup(body: Any, endpoint: str) -> MbArtistRecord:
    return parse_artist(_mapping(body, endpoint, "(body)").get("artist"), endpoint)


def parse_artist_search(body: Any, endpoint: str) -> tuple[list[MbArtistRecord], int]:
    """The hits of one page and the total number of matches."""
    body = _mapping(body, endpoint, "(body)")
    hits = [parse_artist(hit, endpoint) for hit in _list(body, "artist-list", endpoint)]
    total = _int_or_none(body.get("artist-count"))
    return hits, total if total is not None else len(hits)


# --- recordings and works ---------------------------------------------------------------------


def parse_work(node: Any, endpoint: str, relation: Mapping[str, Any] | None = None) -> MbWork:
    """A `<work>`; `relation` is the recording's relationship to it when reached through one."""
    node = _mapping(node, endpoint, "work")
    relations = _list(node, "artist-relation-list", endpoint)
    attributes: tuple[str, ...] = ()
    if relation is not None:
        listed = _list(relation, "attribute-list", endpoint)
        attributes = tuple(a for a in listed if isinstance(a, str) and a)
    return MbWork(
        mbid=_required(node, "id", endpoint),
        title=_optional(node, "title") or "",
        iswcs=_codes(node, "iswc-list", endpoint, single="iswc"),
        writers=tuple(
            MbWriterRelation(
                type=_optional(_mapping(r, endpoint, "relation"), "type") or "",
                artist=parse_artist_ref(r.get("artist"), endpoint),
            )
            for r in relations
        ),
        relation_type=_optional(relation, "type") if relation is not None else None,
        relation_attributes=attributes,
        cover=COVER_ATTRIBUTE in attributes,
    )


def parse_work_search(body: Any, endpoint: str) -> tuple[list[MbWork], int]:
    body = _mapping(body, endpoint, "(body)")
    works = [parse_work(work, endpoint) for work in _list(body, "work-list", endpoint)]
    total = _int_or_none(body.get("work-count"))
    return works, total if total is not None else len(works)


def parse_work_count(body: Any, endpoint: str) -> int:
    """The number of works a search matched (`<work-list count>`), whatever the page size."""
    total = _int_or_none(_mapping(body, endpoint, "(body)").get("work-count"))
    if total is None or total < 0:
        raise MalformedResponse(endpoint, "work-list count", "missing")
    return total


def parse_recording(node: Any, endpoint: str) -> MbRecording:
    node = _mapping(node, endpoint, "recording")
    related = []
    for relation in _list(node, "work-relation-list", endpoint):
        relation = _mapping(relation, endpoint, "relation")
        if "work" in relation:
            related.append(parse_work(relation["work"], endpoint, relation))
    return MbRecording(
        mbid=_required(node, "id", endpoint),
        title=_optional(node, "title") or "",
        length_ms=_int_or_none(node.get("length")),
        works=tuple(w for w in related if w.relation_type == PERFORMANCE_RELATION_TYPE),
        work_relations=tuple(related),
    )


def parse_recording_lookup(body: Any, endpoint: str) -> MbRecording:
    return parse_recording(_mapping(body, endpoint, "(body)").get("recording"), endpoint)


def parse_isrc_recordings(body: Any, endpoint: str) -> list[MbRecording]:
    isrc = _mapping(_mapping(body, endpoint, "(body)").get("isrc"), endpoint, "isrc")
    return [parse_recording(r, endpoint) for r in _list(isrc, "recording-list", endpoint)]


# --- urls -------------------------------------------------------------------------------------


def parse_url_artists(body: Any, endpoint: str) -> list[MbUrlArtistLink]:
    url = _mapping(_mapping(body, endpoint, "(body)").get("url"), endpoint, "url")
    links = []
    for relation in _list(url, "artist-relation-list", endpoint):
        relation = _mapping(relation, endpoint, "relation")
        links.append(
            MbUrlArtistLink(
                artist=parse_artist_ref(relation.get("artist"), endpoint),
                type=_optional(relation, "type") or "",
                ended=_flag(relation, "ended"),
            )
        )
    return links
