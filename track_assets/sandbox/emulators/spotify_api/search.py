"""`GET /search` over the catalog: `isrc:` is exact; `track:`, `artist:`, `album:`, `year:` and
free words match names (case-insensitive, every word must occur). Results by popularity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from track_assets.sandbox.catalog.model import Album, Artist, Catalog, Track
from track_assets.sandbox.catalog.timeseries import popularity_on

SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"|(\S+))')
_FILTERS = ("isrc", "track", "artist", "album", "year", "genre", "upc", "tag")


@dataclass
class SearchQuery:
    words: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> SearchQuery:
        query = cls()
        for match in _TOKEN.finditer(text):
            key, quoted, bare = match.groups()
            value = quoted if quoted is not None else bare
            if key is not None and key.lower() in _FILTERS:
                query.filters.setdefault(key.lower(), []).append(value)
            else:
                whole = match.group(0).strip('"')
                query.words.extend(whole.casefold().split())
        return query

    def matches(self, haystack: str, key: str | None = None) -> bool:
        text = haystack.casefold()
        needles = self.words if key is None else self.filters.get(key, [])
        return all(all(word in text for word in needle.casefold().split()) for needle in needles)


def search_tracks(catalog: Catalog, query: SearchQuery, today: date) -> list[Track]:
    if "isrc" in query.filters:
        isrcs = {value.upper() for value in query.filters["isrc"]}
        if len(isrcs) > 1:
            return []
        candidates: tuple[Track, ...] = catalog.tracks_by_isrc.get(isrcs.pop(), ())
    else:
        candidates = catalog.tracks
    if query.filters.get("upc") or query.filters.get("tag") or query.filters.get("genre"):
        return []
    found = []
    for track in candidates:
        album = catalog.albums_by_id[track.album_id]
        artists = " ".join(catalog.artists_by_id[a].name for a in track.artist_ids)
        if not (
            query.matches(track.name, "track")
            and query.matches(artists, "artist")
            and query.matches(album.name, "album")
            and all(album.release_date.startswith(y) for y in query.filters.get("year", []))
            and query.matches(f"{track.name} {artists} {album.name}")
        ):
            continue
        found.append(track)
    return sorted(found, key=lambda t: -popularity_on(t, today))


def search_artists(catalog: Catalog, query: SearchQuery) -> list[Artist]:
    if set(query.filters) - {"artist", "genre"}:
        return []
    found = [
        artist
        for artist in catalog.artists
        if query.matches(artist.name, "artist")
        and query.matches(artist.name)
        and all(
            g.casefold() in (x.casefold() for x in artist.genres)
            for g in query.filters.get("genre", [])
        )
    ]
    return sorted(found, key=lambda a: -a.popularity)


def search_albums(catalog: Catalog, query: SearchQuery) -> list[Album]:
    if set(query.filters) - {"album", "artist", "year", "upc"}:
        return []
    found = []
    for album in catalog.albums:
        artists = " ".join(catalog.artists_by_id[a].name for a in album.artist_ids)
        if (
            query.matches(album.name, "album")
            and query.matches(artists, "artist")
            and all(album.release_date.startswith(y) for y in query.filters.get("year", []))
            and all(album.upc == u for u in query.filters.get("upc", []))
            and query.matches(f"{album.name} {artists}")
        ):
            found.append(album)
    return sorted(found, key=lambda a: -a.popularity)
