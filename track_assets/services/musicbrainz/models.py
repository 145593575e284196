"""Typed records the MusicBrainz client returns: artists with aliases and URL links, recordings
with their works' writers, and the artists a URL belongs to."""

from __future__ import annotations

from dataclasses import dataclass

# Work -> artist relationship types that make an artist a writer of the work (musicbrainz-server
# t/sql/initial.sql link types; reference/notes/musicbrainz.md §5 step 2).
WRITER_RELATION_TYPES = frozenset({"composer", "lyricist", "writer", "librettist"})


@dataclass(frozen=True)
class MbAlias:
    """Another name of an artist: a legal name, a stage name, a transliteration, a search hint."""

    name: str
    sort_name: str | None = None
    type: str | None = None  # "Artist name" | "Legal name" | "Search hint" | ...
    locale: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class MbUrlLink:
    """An artist -> URL relationship. `type` is MusicBrainz's relationship name; all social
    networks share "social network", so only the URL's host tells Instagram from TikTok."""

    url: str
    type: str
    type_id: str | None = None
    begin: str | None = None
    end: str | None = None
    ended: bool = False


@dataclass(frozen=True)
class MbArtistRef:
    """The short artist MusicBrainz embeds in a relationship (no aliases, no links)."""

    mbid: str
    name: str
    sort_name: str | None = None
    disambiguation: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class MbArtistRecord:
    """An artist from a lookup (aliases and URL links as requested) or a search hit (aliases,
    no links, and `score`: relative to the best hit of that search, never a sign of a match)."""

    mbid: str
    name: str
    sort_name: str | None = None
    disambiguation: str | None = None
    type: str | None = None
    country: str | None = None
    aliases: tuple[MbAlias, ...] = ()
    urls: tuple[MbUrlLink, ...] = ()
    score: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The artist's name and then every alias."""
        return (self.name, *(alias.name for alias in self.aliases))


@dataclass(frozen=True)
class MbWriterRelation:
    """A work -> artist relationship such as composer, lyricist or writer."""

    type: str
    artist: MbArtistRef

    @property
    def is_writer(self) -> bool:
        return self.type in WRITER_RELATION_TYPES


@dataclass(frozen=True)
class MbWork:
    """A work with the artists related to it (writers and any other relationship)."""

    mbid: str
    title: str
    iswcs: tuple[str, ...] = ()
    writers: tuple[MbWriterRelation, ...] = ()


@dataclass(frozen=True)
class MbRecording:
    """A recording; `works` are its "performance" works, each with its artist relationships
    when the lookup asked for them (work-rels + work-level-rels + artist-rels)."""

    mbid: str
    title: str
    length_ms: int | None = None
    works: tuple[MbWork, ...] = ()


@dataclass(frozen=True)
class MbUrlArtistLink:
    """One artist linked to a URL (reverse lookup), with the relationship's type and state."""

    artist: MbArtistRef
    type: str
    ended: bool = False
