"""Typed records the MusicBrainz client returns: artists with their identifiers, aliases and URL
links, recordings with their works (how each is related, and its writers), and the artists a URL
belongs to."""

from __future__ import annotations

from dataclasses import dataclass

# Work -> artist relationship types that make an artist a writer of the work (musicbrainz-server
# t/sql/initial.sql link types; docs/services.md#musicbrainz-response-fields).
WRITER_RELATION_TYPES = frozenset({"composer", "lyricist", "writer", "librettist"})
# Recording -> work: the relationship that makes the recording a recording of the work; the
# "cover" attribute on it marks a cover version (musicbrainz-server link_attribute_type "cover").
PERFORMANCE_RELATION_TYPE = "performance"
COVER_ATTRIBUTE = "cover"


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
    no links, and `score`: relative to the best hit of that search, never a sign of a match).
    `ipis` and `isnis` are the artist's IPI and ISNI codes, in MusicBrainz's order."""

    mbid: str
    name: str
    sort_name: str | None = None
    disambiguation: str | None = None
    type: str | None = None
    country: str | None = None
    ipis: tuple[str, ...] = ()
    isnis: tuple[str, ...] = ()
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
    """A work with its ISWCs and the artists related to it (writers and any other relationship).

    Reached through a recording, it also says how the recording relates to it: `relation_type`
    ("performance", or another recording -> work type), that relationship's attributes, and
    `cover` when they mark the recording a cover version. None/()/False for a searched work."""

    mbid: str
    title: str
    iswcs: tuple[str, ...] = ()
    writers: tuple[MbWriterRelation, ...] = ()
    relation_type: str | None = None
    relation_attributes: tuple[str, ...] = ()
    cover: bool = False


@dataclass(frozen=True)
class MbRecording:
    """A recording; `works` are the works it is a performance of (covers included, flagged),
    `work_relations` every work it is related to, whatever the type; each work carries its
    artist relationships when the lookup asked for them (work-rels + work-level-rels +
    artist-rels)."""

    mbid: str
    title: str
    length_ms: int | None = None
    works: tuple[MbWork, ...] = ()
    work_relations: tuple[MbWork, ...] = ()


@dataclass(frozen=True)
class MbUrlArtistLink:
    """One artist linked to a URL (reverse lookup), with the relationship's type and state."""

    artist: MbArtistRef
    type: str
    ended: bool = False
