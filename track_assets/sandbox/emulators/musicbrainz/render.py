"""WS/2 bodies for catalog entities, in MusicBrainz's XML (mmd-2.0) and JSON shapes.

Shapes follow the recorded responses in track_assets_tests/fixtures/reference/musicbrainz/ (xml/:
artist lookups with url-rels and aliases, artist and work searches; json/: artist lookup and
search) and, for the entities with no recording there (url, isrc, recording, work),
musicbrainz-server's WS/2 tests and serializer and the responses on
musicbrainz.org/doc/MusicBrainz_API/Examples (an artist lookup with IPIs, a work lookup with
ISWCs: track_assets_tests/services/musicbrainz/recordings/).
Elements the catalog does not model (tags, begin-area, releases, ratings) are never drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from uuid import NAMESPACE_URL, uuid5
from xml.sax.saxutils import escape, quoteattr

from track_assets.sandbox.emulators.musicbrainz.facts import (
    ALIAS_TYPE_IDS,
    ARTIST_TYPE_IDS,
    COUNTRY_AREA_TYPE_ID,
    COUNTRY_AREAS,
    COVER,
    COVER_ATTRIBUTE_ID,
    EXT_NS,
    GENDER_IDS,
    MMD_NS,
    PERFORMANCE,
    PERFORMANCE_TYPE_ID,
    USAGE_TEXT,
    WORK_ARTIST_LINK_TYPE_IDS,
)

# --- a minimal XML tree ----------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)
    text: str | None = None

    def add(self, tag: str, text: str | None = None, **attrs: str) -> Element:
        child = Element(tag, {k.replace("_", "-"): v for k, v in attrs.items()}, text=text)
        self.children.append(child)
        return child

    def append(self, child: Element | None) -> None:
        if child is not None:
            self.children.append(child)

    def serialise(self, parts: list[str]) -> None:
        attrs = "".join(f" {name}={quoteattr(value)}" for name, value in self.attrs.items())
        if not self.children and self.text is None:
            parts.append(f"<{self.tag}{attrs}/>")
            return
        parts.append(f"<{self.tag}{attrs}>")
        if self.text is not None:
            parts.append(escape(self.text))
        for child in self.children:
            child.serialise(parts)
        parts.append(f"</{self.tag}>")


def element(tag: str, text: str | None = None, **attrs: str) -> Element:
    return Element(tag, {k.replace("_", "-"): v for k, v in attrs.items()}, text=text)


def metadata_document(*children: Element, created: str | None = None) -> bytes:
    """`<metadata>` in the mmd-2.0 default namespace; searches add `created` and the ext ns."""
    root = Element("metadata")
    if created is not None:
        root.attrs["created"] = created
    root.attrs["xmlns"] = MMD_NS
    if created is not None:
        root.attrs["xmlns:ns2"] = EXT_NS
    root.children.extend(children)
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']
    root.serialise(parts)
    return "".join(parts).encode("utf-8")


def error_document(message: str) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>']
    Element("error", children=[element("text", message), element("text", USAGE_TEXT)]).serialise(
        parts
    )
    return "".join(parts).encode("utf-8")


def error_json(message: str) -> dict[str, str]:
    return {"error": message, "help": USAGE_TEXT}


# --- shared pieces -----------------------------------------------------------------------------


def format_iswc(iswc: str) -> str:
    """The catalog's T1234567890 as MusicBrainz writes ISWCs: T-123.456.789-0."""
    digits = iswc[1:]
    if len(digits) != 10 or not digits.isdigit():
        return iswc
    return f"T-{digits[0:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9]}"


def credited_artist_id(name: str) -> str:
    """A stable MBID for a credited performer the catalog has no MusicBrainz artist for."""
    return str(uuid5(NAMESPACE_URL, f"track-assets-sandbox:musicbrainz:artist:{name}"))


def _type_attrs(artist: Any) -> dict[str, str]:
    if artist is None or not artist.type:
        return {}
    attrs = {"type": artist.type}
    type_id = ARTIST_TYPE_IDS.get(artist.type)
    if type_id:
        attrs["type-id"] = type_id
    return attrs


def _sorted_urls(artist: Any) -> list[Any]:
    # The recorded lists run by type name, case-insensitively, then by URL (Kasabian 2024).
    return sorted(artist.urls, key=lambda url: (url.type.casefold(), url.resource))


# --- artists: XML -----------------------------------------------------------------------------


def artist_xml(
    artist: Any,
    *,
    aliases: bool = False,
    url_rels: bool = False,
    score: int | None = None,
) -> Element:
    """An artist as a lookup draws it, or (with `score`) as a search hit. The two servers place
    the disambiguation and the IPI/ISNI codes differently: the lookup right after the names
    (xml/lookup-artist_url-rels_kasabian_2024.xml: isni-list before country), the search server
    after the areas (xml/search-artist_kasabian_2024.xml: isni-list after begin-area)."""
    search = score is not None
    node = element("artist", id=artist.mbid)
    node.attrs.update(_type_attrs(artist))
    if search:
        node.attrs["ns2:score"] = str(score)
    node.add("name", artist.name)
    node.add("sort-name", artist.sort_name)
    if not search:
        _identity_xml(node, artist, lookup=True)
    if artist.gender:
        if search:
            gender_id = GENDER_IDS.get(artist.gender)
            attrs = {"id": gender_id} if gender_id else {}
            node.add("gender", artist.gender.lower(), **attrs)
        else:
            node.add("gender", artist.gender)
    if artist.country:
        node.add("country", artist.country)
        node.append(_area_xml(artist.country, search))
    if search:
        _identity_xml(node, artist, lookup=False)
    if artist.begin_date or search:
        life_span = node.add("life-span")
        if artist.begin_date:
            life_span.add("begin", artist.begin_date)
        if search:
            life_span.add("ended", "false")
    if (aliases or search) and artist.aliases:
        alias_list = node.add("alias-list")
        if not search:
            alias_list.attrs["count"] = str(len(artist.aliases))
        for alias in artist.aliases:
            alias_list.append(_alias_xml(alias))
    if url_rels and artist.urls:
        relations = node.add("relation-list", target_type="url")
        for url in _sorted_urls(artist):
            relations.append(_url_relation_xml(url))
    return node


def _identity_xml(node: Element, artist: Any, *, lookup: bool) -> None:
    """Disambiguation, IPIs, ISNIs. A lookup also writes the first IPI alone before the list
    (musicbrainz-server XMLSerializer `_serialize_artist`; the Rick Astley lookup in
    track_assets_tests/services/musicbrainz/recordings/); the search server fills only the list
    (its 2026 output goes from the areas straight to `<ipi-list>`)."""
    if artist.disambiguation:
        node.add("disambiguation", artist.disambiguation)
    if artist.ipis:
        if lookup:
            node.add("ipi", artist.ipis[0])
        ipi_list = node.add("ipi-list")
        for ipi in artist.ipis:
            ipi_list.add("ipi", ipi)
    if artist.isnis:
        isni_list = node.add("isni-list")
        for isni in artist.isnis:
            isni_list.add("isni", isni)


def _area_xml(country: str, search: bool) -> Element | None:
    known = COUNTRY_AREAS.get(country)
    if known is None:
        return None
    area_id, name = known
    area = element("area", id=area_id)
    if search:
        area.attrs.update({"type": "Country", "type-id": COUNTRY_AREA_TYPE_ID})
    area.add("name", name)
    area.add("sort-name", name)
    if search:
        area.add("life-span").add("ended", "false")
    else:
        area.add("iso-3166-1-code-list").add("iso-3166-1-code", country)
    return area


def _alias_xml(alias: Any) -> Element:
    node = element("alias", alias.name, sort_name=alias.sort_name)
    if alias.type:
        node.attrs["type"] = alias.type
        if alias.type in ALIAS_TYPE_IDS:
            node.attrs["type-id"] = ALIAS_TYPE_IDS[alias.type]
    if alias.locale:
        node.attrs["locale"] = alias.locale
    if alias.primary:
        node.attrs["primary"] = "primary"
    return node


def _dates_xml(node: Element, begin: str | None, end: str | None, ended: bool) -> None:
    if begin:
        node.add("begin", begin)
    if end:
        node.add("end", end)
    if ended:
        node.add("ended", "true")


def _url_relation_xml(url: Any) -> Element:
    node = element("relation", type=url.type, type_id=url.type_id)
    node.add("target", url.resource, id=url.url_id)
    node.add("direction", "forward")
    _dates_xml(node, url.begin, url.end, url.ended)
    return node


def artist_stub_xml(artist: Any) -> Element:
    """The short artist inside a relation or an artist credit."""
    node = element("artist", id=artist.mbid)
    node.attrs.update(_type_attrs(artist))
    node.add("name", artist.name)
    node.add("sort-name", artist.sort_name)
    if artist.disambiguation:
        node.add("disambiguation", artist.disambiguation)
    return node


# --- artists: JSON ----------------------------------------------------------------------------


def _relation_json(
    *,
    type_: str,
    type_id: str,
    target_type: str,
    direction: str,
    begin: Any,
    end: Any,
    ended: bool,
    attributes: Mapping[str, str] = MappingProxyType({}),
) -> dict[str, Any]:
    """`attributes`: name -> type-id of the relationship's (valueless) attributes."""
    return {
        "attribute-ids": dict(attributes),
        "attribute-values": {},
        "attributes": list(attributes),
        "begin": begin,
        "direction": direction,
        "end": end,
        "ended": ended,
        "source-credit": "",
        "target-credit": "",
        "target-type": target_type,
        "type": type_,
        "type-id": type_id,
    }


def _url_relation_json(url: Any) -> dict[str, Any]:
    relation = _relation_json(
        type_=url.type,
        type_id=url.type_id,
        target_type="url",
        direction="forward",
        begin=url.begin,
        end=url.end,
        ended=url.ended,
    )
    relation["url"] = {"id": url.url_id, "resource": url.resource}
    return relation


def _area_json(country: str | None, search: bool) -> dict[str, Any] | None:
    known = COUNTRY_AREAS.get(country or "")
    if known is None:
        return None
    area_id, name = known
    if search:
        return {
            "id": area_id,
            "type": "Country",
            "type-id": COUNTRY_AREA_TYPE_ID,
            "name": name,
            "sort-name": name,
            "life-span": {"ended": None},
        }
    return {
        "id": area_id,
        "name": name,
        "sort-name": name,
        "disambiguation": "",
        "type": None,
        "type-id": None,
        "iso-3166-1-codes": [country],
    }


def artist_json(artist: Any, *, aliases: bool = False, relations: bool = False) -> dict[str, Any]:
    """An artist as a JSON lookup draws it (reference json/lookup-artist_url-rels_*)."""
    body: dict[str, Any] = {
        "id": artist.mbid,
        "name": artist.name,
        "sort-name": artist.sort_name,
        "type": artist.type,
        "type-id": ARTIST_TYPE_IDS.get(artist.type or ""),
        "disambiguation": artist.disambiguation,
        "country": artist.country,
        "area": _area_json(artist.country, search=False),
        "begin-area": None,
        "end-area": None,
        "life-span": {"begin": artist.begin_date, "end": None, "ended": False},
        "gender": artist.gender,
        "gender-id": GENDER_IDS.get(artist.gender or ""),
        "ipis": list(artist.ipis),
        "isnis": list(artist.isnis),
    }
    if aliases:
        body["aliases"] = [
            {
                "name": alias.name,
                "sort-name": alias.sort_name,
                "type": alias.type,
                "type-id": ALIAS_TYPE_IDS.get(alias.type or ""),
                "locale": alias.locale,
                "primary": True if alias.primary else None,
                "begin": None,
                "end": None,
                "ended": False,
            }
            for alias in artist.aliases
        ]
    if relations:
        body["relations"] = [_url_relation_json(url) for url in _sorted_urls(artist)]
    return body


def artist_search_json(artist: Any, score: int) -> dict[str, Any]:
    """One hit of a JSON artist search (reference json/search-artist_*): absent fields omitted,
    `score` an integer, life-span `ended` null as the search server writes it."""
    body: dict[str, Any] = {"id": artist.mbid}
    if artist.type:
        body["type"] = artist.type
        body["type-id"] = ARTIST_TYPE_IDS.get(artist.type)
    body["score"] = score
    if artist.gender and artist.gender in GENDER_IDS:
        body["gender-id"] = GENDER_IDS[artist.gender]
    body["name"] = artist.name
    body["sort-name"] = artist.sort_name
    if artist.gender:
        body["gender"] = artist.gender.lower()
    if artist.country:
        body["country"] = artist.country
        area = _area_json(artist.country, search=True)
        if area is not None:
            body["area"] = area
    if artist.disambiguation:
        body["disambiguation"] = artist.disambiguation
    if artist.ipis:
        body["ipis"] = list(artist.ipis)
    if artist.isnis:
        body["isnis"] = list(artist.isnis)
    life_span: dict[str, Any] = {}
    if artist.begin_date:
        life_span["begin"] = artist.begin_date
    life_span["ended"] = None
    body["life-span"] = life_span
    if artist.aliases:
        body["aliases"] = [_search_alias_json(alias) for alias in artist.aliases]
    return body


def _search_alias_json(alias: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"sort-name": alias.sort_name}
    if alias.type in ALIAS_TYPE_IDS:
        body["type-id"] = ALIAS_TYPE_IDS[alias.type]
    body.update(
        {
            "name": alias.name,
            "locale": alias.locale,
            "type": alias.type,
            "primary": True if alias.primary else None,
            "begin-date": None,
            "end-date": None,
        }
    )
    return body


def artist_stub_json(artist: Any) -> dict[str, Any]:
    return {
        "id": artist.mbid,
        "name": artist.name,
        "sort-name": artist.sort_name,
        "disambiguation": artist.disambiguation,
        "type": artist.type,
        "type-id": ARTIST_TYPE_IDS.get(artist.type or ""),
    }


# --- urls (reverse lookup) -----------------------------------------------------------------------


@dataclass(frozen=True)
class UrlEntity:
    """A URL entity of the catalog: its MBID, resource and the artists linking to it."""

    mbid: str
    resource: str
    links: tuple[tuple[Any, Any], ...]  # (MbArtist, MbUrlRelation)


def url_xml(url: UrlEntity, *, artist_rels: bool) -> Element:
    node = element("url", id=url.mbid)
    node.add("resource", url.resource)
    if artist_rels and url.links:
        relations = node.add("relation-list", target_type="artist")
        for artist, relation in sorted(url.links, key=lambda pair: pair[0].name.casefold()):
            rel = relations.add("relation", type=relation.type, type_id=relation.type_id)
            rel.add("target", artist.mbid)
            rel.add("direction", "backward")
            _dates_xml(rel, relation.begin, relation.end, relation.ended)
            rel.append(artist_stub_xml(artist))
    return node


def url_json(url: UrlEntity, *, artist_rels: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"id": url.mbid, "resource": url.resource}
    if artist_rels:
        body["relations"] = []
        for artist, relation in sorted(url.links, key=lambda pair: pair[0].name.casefold()):
            entry = _relation_json(
                type_=relation.type,
                type_id=relation.type_id,
                target_type="artist",
                direction="backward",
                begin=relation.begin,
                end=relation.end,
                ended=relation.ended,
            )
            entry["artist"] = artist_stub_json(artist)
            body["relations"].append(entry)
    return body


# --- recordings and works ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordingView:
    """What a recording request asked to see (from its inc)."""

    artists: bool = False
    isrcs: bool = False
    work_rels: bool = False
    work_level_rels: bool = False
    artist_rels: bool = False


class CatalogView:
    """Catalog lookups the renderers need (artists by MBID, release dates by ISRC)."""

    def __init__(self, catalog: Any) -> None:
        self.catalog = catalog

    def artist(self, mbid: str) -> Any:
        return self.catalog.mb_artists_by_mbid.get(mbid)

    def first_release_date(self, recording: Any) -> str | None:
        """The earliest release date of the Spotify albums carrying one of its ISRCs."""
        dates = []
        for isrc in recording.isrcs:
            for track in self.catalog.tracks_by_isrc.get(isrc, ()):
                album = self.catalog.albums_by_id.get(track.album_id)
                if album is not None:
                    dates.append(album.release_date)
        return min(dates) if dates else None

    def credits(self, recording: Any) -> list[tuple[str, Any, str]]:
        """(credited name, artist or a stand-in, join phrase) per name of the credit."""
        rows = []
        count = len(recording.artist_credit)
        for position, credit in enumerate(recording.artist_credit):
            artist = self.artist(credit.artist_mbid) if credit.artist_mbid else None
            if artist is None:
                artist = _StandIn(credited_artist_id(credit.name), credit.name)
            join = "" if position == count - 1 else (" & " if position == count - 2 else ", ")
            rows.append((credit.name, artist, join))
        return rows


@dataclass(frozen=True)
class _StandIn:
    mbid: str
    name: str
    type: str | None = None
    disambiguation: str = ""

    @property
    def sort_name(self) -> str:
        return self.name


def recording_xml(recording: Any, view: RecordingView, catalog: CatalogView, works: Any) -> Element:
    node = element("recording", id=recording.mbid)
    node.add("title", recording.title)
    if recording.length_ms is not None:
        node.add("length", str(recording.length_ms))
    first = catalog.first_release_date(recording)
    if first:
        node.add("first-release-date", first)
    if view.artists:
        credit = node.add("artist-credit")
        for name, artist, join in catalog.credits(recording):
            name_credit = credit.add("name-credit")
            if join:
                name_credit.attrs["joinphrase"] = join
            if name != artist.name:
                name_credit.add("name", name)
            name_credit.append(artist_stub_xml(artist))
    if view.isrcs and recording.isrcs:
        isrc_list = node.add("isrc-list", count=str(len(recording.isrcs)))
        for isrc in recording.isrcs:
            isrc_list.add("isrc", id=isrc)
    linked = [works[mbid] for mbid in recording.work_mbids if mbid in works]
    if view.work_rels and linked:
        relations = node.add("relation-list", target_type="work")
        for work in linked:
            rel = relations.add("relation", type=PERFORMANCE, type_id=PERFORMANCE_TYPE_ID)
            rel.add("target", work.mbid)
            rel.add("direction", "forward")
            attributes = _performance_attributes(recording, work)
            if attributes:
                listed = rel.add("attribute-list")
                for name, type_id in attributes.items():
                    listed.add("attribute", name, type_id=type_id)
            rel.append(
                work_xml(work, catalog, artist_rels=view.work_level_rels and view.artist_rels)
            )
    return node


def recording_json(
    recording: Any, view: RecordingView, catalog: CatalogView, works: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": recording.mbid,
        "title": recording.title,
        "length": recording.length_ms,
        "disambiguation": "",
        "video": False,
        "first-release-date": catalog.first_release_date(recording) or "",
    }
    if view.artists:
        body["artist-credit"] = [
            {"name": name, "joinphrase": join, "artist": artist_stub_json(artist)}
            for name, artist, join in catalog.credits(recording)
        ]
    if view.isrcs:
        body["isrcs"] = list(recording.isrcs)
    if view.work_rels or view.artist_rels:
        body["relations"] = []
    if view.work_rels:
        for mbid in recording.work_mbids:
            work = works.get(mbid)
            if work is None:
                continue
            entry = _relation_json(
                type_=PERFORMANCE,
                type_id=PERFORMANCE_TYPE_ID,
                target_type="work",
                direction="forward",
                begin=None,
                end=None,
                ended=False,
                attributes=_performance_attributes(recording, work),
            )
            entry["work"] = work_json(
                work, catalog, artist_rels=view.work_level_rels and view.artist_rels
            )
            body["relations"].append(entry)
    return body


def _performance_attributes(recording: Any, work: Any) -> dict[str, str]:
    """Attribute name -> type-id of the recording's performance of `work` (a cover, or none)."""
    return {COVER: COVER_ATTRIBUTE_ID} if work.mbid in recording.cover_work_mbids else {}


def _writer_relations(work: Any, catalog: CatalogView) -> list[tuple[Any, Any]]:
    rows = []
    for relation in work.writers:
        artist = catalog.artist(relation.artist_mbid)
        if artist is not None:
            rows.append((relation, artist))
    return rows


def work_xml(
    work: Any, catalog: CatalogView, *, artist_rels: bool, score: int | None = None
) -> Element:
    node = element("work", id=work.mbid)
    if score is not None:
        node.attrs["ns2:score"] = str(score)
    node.add("title", work.title)
    if work.iswcs:
        # Lookups write the first ISWC alone, then the list (the work lookup in
        # track_assets_tests/services/musicbrainz/recordings/); today's search server writes
        # only the list, 2012's only <iswc> (reference xml/search-work_my-best-friend_*).
        if score is None:
            node.add("iswc", format_iswc(work.iswcs[0]))
        iswc_list = node.add("iswc-list")
        for iswc in work.iswcs:
            iswc_list.add("iswc", format_iswc(iswc))
    writers = _writer_relations(work, catalog)
    if artist_rels and writers:
        relations = node.add("relation-list", target_type="artist")
        for relation, artist in writers:
            rel = relations.add(
                "relation", type=relation.type, type_id=WORK_ARTIST_LINK_TYPE_IDS[relation.type]
            )
            rel.add("target", artist.mbid)
            rel.add("direction", "backward")
            rel.append(artist_stub_xml(artist))
    return node


def work_json(
    work: Any, catalog: CatalogView, *, artist_rels: bool, score: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"id": work.mbid}
    if score is not None:
        body["score"] = score
    body.update(
        {
            "title": work.title,
            "type": None,
            "type-id": None,
            "language": None,
            "languages": [],
            "iswcs": [format_iswc(iswc) for iswc in work.iswcs],
            "disambiguation": "",
            "attributes": [],
        }
    )
    if artist_rels:
        body["relations"] = []
        for relation, artist in _writer_relations(work, catalog):
            entry = _relation_json(
                type_=relation.type,
                type_id=WORK_ARTIST_LINK_TYPE_IDS[relation.type],
                target_type="artist",
                direction="backward",
                begin=None,
                end=None,
                ended=False,
            )
            entry["artist"] = artist_stub_json(artist)
            body["relations"].append(entry)
    return body


def isrc_xml(
    isrc: str, recordings: Sequence[Any], view: RecordingView, catalog: CatalogView, works: Any
) -> Element:
    node = element("isrc", id=isrc)
    listing = node.add("recording-list", count=str(len(recordings)))
    for recording in recordings:
        listing.append(recording_xml(recording, view, catalog, works))
    return node


def isrc_json(
    isrc: str, recordings: Iterable[Any], view: RecordingView, catalog: CatalogView, works: Any
) -> dict[str, Any]:
    return {
        "isrc": isrc,
        "recordings": [recording_json(r, view, catalog, works) for r in recordings],
    }
