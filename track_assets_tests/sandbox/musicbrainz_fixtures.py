"""Helpers for the MusicBrainz emulator tests: catalogs built from the recorded responses, a
configured musicbrainzngs, and structure signatures of XML and JSON bodies.

The catalog entities are read from the reference files with ElementTree/json (never with
musicbrainzngs' parser), so the emulator is compared against the recording, not the client.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from xml.etree import ElementTree

import musicbrainzngs
from musicbrainzngs import musicbrainz as mb_module

from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import MB_URL_LINK_TYPE_IDS, Catalog
from track_assets_tests.support.reference import reference_text

MMD = "{http://musicbrainz.org/ns/mmd-2.0#}"
EXT_SCORE = "{http://musicbrainz.org/ns/ext#-2.0}score"
USER_AGENT = "track-assets-tests/0.1 python-musicbrainzngs/0.7.1 ( tests@track-assets.invalid )"

EMPTY_SPOTIFY = {
    "format_version": 1,
    "reference_date": "2025-01-01",
    "playlists": [],
    "tracks": [],
    "albums": [],
    "artists": [],
}


def catalog_with(
    artists: list[dict] = (), recordings: list[dict] = (), works: list[dict] = ()
) -> Catalog:
    """A catalog holding only these MusicBrainz records (catalog file field names)."""
    return load_catalog(
        {
            **EMPTY_SPOTIFY,
            "musicbrainz": {
                "artists": list(artists),
                "recordings": list(recordings),
                "works": list(works),
            },
        }
    )


# --- musicbrainzngs, configured as the project configures it ------------------------------------


@contextlib.contextmanager
def musicbrainzngs_against(base_url: str, *, rate_limit: bool = False) -> Iterator[Any]:
    """musicbrainzngs pointed at `base_url` (host only changed); module state restored after."""
    saved = (
        mb_module.hostname,
        mb_module.https,
        mb_module._useragent,
        mb_module._client,
        mb_module.do_rate_limit,
        mb_module.limit_interval,
        mb_module.limit_requests,
    )
    musicbrainzngs.set_useragent("track-assets-tests", "0.1", "tests@track-assets.invalid")
    musicbrainzngs.set_hostname(base_url.split("://", 1)[1].rstrip("/"))
    musicbrainzngs.set_rate_limit(rate_limit)
    try:
        yield musicbrainzngs
    finally:
        (
            mb_module.hostname,
            mb_module.https,
            mb_module._useragent,
            mb_module._client,
            mb_module.do_rate_limit,
            mb_module.limit_interval,
            mb_module.limit_requests,
        ) = saved


# --- catalog records read from the reference files ----------------------------------------------


def _text(node: ElementTree.Element, tag: str) -> str | None:
    child = node.find(MMD + tag)
    return child.text if child is not None else None


def xml_artist_record(node: ElementTree.Element) -> tuple[dict, list[str]]:
    """A catalog artist equal to a recorded `<artist>`, and what the catalog cannot hold."""
    record: dict[str, Any] = {"mbid": node.get("id"), "name": _text(node, "name")}
    record["sort_name"] = _text(node, "sort-name") or record["name"]
    if node.get("type") in ("Person", "Group"):
        record["type"] = node.get("type")
    for tag, key in (("disambiguation", "disambiguation"), ("gender", "gender")):
        if _text(node, tag):
            record[key] = _text(node, tag).capitalize() if key == "gender" else _text(node, tag)
    country = _text(node, "country")
    if country:
        record["country"] = country
    begin = node.find(f"{MMD}life-span/{MMD}begin")
    if begin is not None:
        record["begin_date"] = begin.text
    record["isnis"] = [i.text for i in node.findall(f"{MMD}isni-list/{MMD}isni")]
    record["ipis"] = [i.text for i in node.findall(f"{MMD}ipi-list/{MMD}ipi")]
    record["aliases"] = []
    for alias in node.findall(f"{MMD}alias-list/{MMD}alias"):
        entry: dict[str, Any] = {"name": alias.text}
        if alias.get("sort-name"):
            entry["sort_name"] = alias.get("sort-name")
        if alias.get("type"):
            entry["type"] = alias.get("type")
        if alias.get("locale"):
            entry["locale"] = alias.get("locale")
        entry["primary"] = alias.get("primary") == "primary"
        record["aliases"].append(entry)
    record["urls"] = []
    dropped = []
    for relation in node.findall(f"{MMD}relation-list[@target-type='url']/{MMD}relation"):
        kind = relation.get("type")
        target = relation.find(MMD + "target")
        if kind not in MB_URL_LINK_TYPE_IDS:
            dropped.append(kind)
            continue
        url = {"url_id": target.get("id"), "resource": target.text, "type": kind}
        for part in ("begin", "end"):
            if _text(relation, part):
                url[part] = _text(relation, part)
        url["ended"] = _text(relation, "ended") == "true"
        record["urls"].append(url)
    return record, dropped


def json_artist_record(body: Mapping[str, Any]) -> dict[str, Any]:
    """A catalog artist equal to a recorded JSON artist (lookup or search hit)."""
    record: dict[str, Any] = {"mbid": body["id"], "name": body["name"]}
    record["sort_name"] = body["sort-name"]
    record["type"] = body.get("type")
    record["disambiguation"] = body.get("disambiguation") or ""
    record["country"] = body.get("country")
    record["begin_date"] = (body.get("life-span") or {}).get("begin")
    record["isnis"] = list(body.get("isnis") or [])
    record["ipis"] = list(body.get("ipis") or [])
    record["aliases"] = [
        {
            "name": alias["name"],
            "sort_name": alias["sort-name"],
            "type": alias.get("type"),
            "locale": alias.get("locale"),
            "primary": bool(alias.get("primary")),
        }
        for alias in body.get("aliases") or []
    ]
    record["urls"] = [
        {
            "url_id": relation["url"]["id"],
            "resource": relation["url"]["resource"],
            "type": relation["type"],
            "begin": relation["begin"],
            "end": relation["end"],
            "ended": relation["ended"],
        }
        for relation in body.get("relations") or []
        if relation["target-type"] == "url"
    ]
    return record


def reference_root(relative: str) -> ElementTree.Element:
    return ElementTree.fromstring(reference_text(relative).encode("utf-8"))


def compact_iswc(text: str) -> str:
    return "T" + re.sub(r"[^0-9]", "", text)


def work_search_records(relative: str) -> tuple[list[dict], list[dict]]:
    """Catalog works and their writers equal to a recorded work search."""
    artists: dict[str, dict] = {}
    works = []
    for work in reference_root(relative).iter(MMD + "work"):
        writers = []
        for relation in work.findall(f"{MMD}relation-list/{MMD}relation"):
            artist = relation.find(MMD + "artist")
            mbid = artist.get("id")
            artists.setdefault(
                mbid,
                {
                    "mbid": mbid,
                    "name": _text(artist, "name"),
                    "sort_name": _text(artist, "sort-name"),
                },
            )
            writers.append({"artist_mbid": mbid, "type": relation.get("type")})
        iswcs = [compact_iswc(i.text) for i in work.iter(MMD + "iswc")]
        works.append(
            {
                "mbid": work.get("id"),
                "title": _text(work, "title"),
                "iswcs": iswcs,
                "writers": writers,
            }
        )
    return list(artists.values()), works


# --- structure signatures -----------------------------------------------------------------------


def xml_structure(document: bytes | str | ElementTree.Element) -> dict[str, frozenset[str]]:
    """Element path -> attribute names (namespaced, `{uri}name`), over all siblings.

    Paths use Clark names; a relation-list carries its target-type (`relation-list[url]`).
    """
    root = (
        document
        if isinstance(document, ElementTree.Element)
        else ElementTree.fromstring(document if isinstance(document, bytes) else document.encode())
    )
    found: dict[str, set[str]] = {}

    def walk(node: ElementTree.Element, prefix: str) -> None:
        name = node.tag
        if node.tag == MMD + "relation-list":
            name = f"{node.tag}[{node.get('target-type')}]"
        path = f"{prefix}/{name}"
        found.setdefault(path, set()).update(node.attrib)
        for child in node:
            walk(child, path)

    walk(root, "")
    return {path: frozenset(attrs) for path, attrs in found.items()}


def json_structure(body: Any, prefix: str = "$") -> dict[str, frozenset[str]]:
    """Path -> key set of every object (list items merged), plus `path#type` -> value types."""
    found: dict[str, set[str]] = {}

    def kind(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float):
            return "number"
        return type(value).__name__

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            found.setdefault(path, set()).update(value)
            for key, item in value.items():
                found.setdefault(f"{path}.{key}#type", set()).add(kind(item))
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    walk(body, prefix)
    return {path: frozenset(keys) for path, keys in found.items()}


def dict_key_structure(parsed: Any, prefix: str = "") -> dict[str, frozenset[str]]:
    """Path -> key set of musicbrainzngs' parsed dicts (list items merged)."""
    found: dict[str, set[str]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            found.setdefault(path, set()).update(value)
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    walk(parsed, prefix)
    return {path: frozenset(keys) for path, keys in found.items()}


def json_text(relative: str) -> Any:
    return json.loads(reference_text(relative))
