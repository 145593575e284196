"""Phase 4's matching: which writers of a track to look up, which MusicBrainz artist each one is
(evidence first, never a namesake on score alone), and that artist's current links by platform.

Pure logic: MusicBrainz answers come through the `MusicBrainzSource` protocol, which the
MusicBrainz client satisfies; `CachedMusicBrainzLookups` asks it each question once.
The rules follow reference/notes/musicbrainz.md §5 and the sandbox's ground truth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from track_assets.db.records import TrackCredit
from track_assets.db.repository.credits import normalized_person_name

# Phase 4 looks up at most this many writers per track (ARCHITECTURE.md): the first distinct
# names of the track's Writers credits, in credit order (see `writers_to_resolve`).
MUSICBRAINZ_WRITERS_PER_TRACK = 3
WRITER_ROLE = "writer"
# Work -> artist relationship types that make an artist a writer of the work.
WRITER_RELATION_TYPES = frozenset({"composer", "lyricist", "writer", "librettist"})

_FEATURING = re.compile(r"\s*[(\[](?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)
_SPOTIFY_ARTIST_ID = re.compile(r"^(?:spotify:artist:)?([0-9A-Za-z]{22})$")


class MatchMethod(StrEnum):
    """How a writer was matched to a MusicBrainz artist, or why it was not."""

    EVIDENCE = "evidence"  # ISRC -> recording -> work -> composer/lyricist/writer relationship
    SPOTIFY_URL = "spotify_url"  # the one artist with a current link to the writer's Spotify page
    NAME_CORROBORATED = "name_corroborated"  # name/alias equal, writer of a work with this title
    AMBIGUOUS = "ambiguous"  # name/alias candidates, none or several corroborated: no links
    NOT_FOUND = "not_found"  # no artist has this name or alias

    @property
    def linked(self) -> bool:
        return self in CONFIDENCE


# Stored with each link (artist_songwriters.confidence): evidence from the track itself is
# certain; the Spotify link is an editor's claim about the person; name plus a work title can
# still be a namesake who wrote a song of the same name.
CONFIDENCE: dict[MatchMethod, float] = {
    MatchMethod.EVIDENCE: 1.0,
    MatchMethod.SPOTIFY_URL: 0.95,
    MatchMethod.NAME_CORROBORATED: 0.8,
}


class LinkPlatform(StrEnum):
    """Where an artist link points; the values are the database's link kinds."""

    INSTAGRAM = "instagram"
    TWITTER = "twitter"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    FACEBOOK = "facebook"
    SOUNDCLOUD = "soundcloud"
    BANDCAMP = "bandcamp"
    WEBSITE = "website"
    WIKIPEDIA = "wikipedia"
    WIKIDATA = "wikidata"
    OTHER = "other"


_PLATFORM_BY_HOST = {
    "instagram.com": LinkPlatform.INSTAGRAM,
    "twitter.com": LinkPlatform.TWITTER,
    "x.com": LinkPlatform.TWITTER,
    "tiktok.com": LinkPlatform.TIKTOK,
    "youtube.com": LinkPlatform.YOUTUBE,
    "youtu.be": LinkPlatform.YOUTUBE,
    "facebook.com": LinkPlatform.FACEBOOK,
    "fb.com": LinkPlatform.FACEBOOK,
    "soundcloud.com": LinkPlatform.SOUNDCLOUD,
    "wikidata.org": LinkPlatform.WIKIDATA,
}
OFFICIAL_HOMEPAGE = "official homepage"


# --- what MusicBrainz tells us (read-only views the client's records satisfy) ----------------


class AliasFacts(Protocol):
    @property
    def name(self) -> str: ...


class UrlLinkFacts(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def ended(self) -> bool: ...


class ArtistRefFacts(Protocol):
    @property
    def mbid(self) -> str: ...
    @property
    def name(self) -> str: ...


class ArtistFacts(ArtistRefFacts, Protocol):
    @property
    def sort_name(self) -> str | None: ...
    @property
    def disambiguation(self) -> str | None: ...
    @property
    def type(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def aliases(self) -> Sequence[AliasFacts]: ...
    @property
    def urls(self) -> Sequence[UrlLinkFacts]: ...


class WriterRelationFacts(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def artist(self) -> ArtistRefFacts: ...


class WorkFacts(Protocol):
    @property
    def mbid(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def writers(self) -> Sequence[WriterRelationFacts]: ...


class RecordingFacts(Protocol):
    @property
    def mbid(self) -> str: ...
    @property
    def works(self) -> Sequence[WorkFacts]: ...


class UrlArtistFacts(Protocol):
    @property
    def artist(self) -> ArtistRefFacts: ...
    @property
    def ended(self) -> bool: ...


class MusicBrainzSource(Protocol):
    """The MusicBrainz questions phase 4 asks (`services.musicbrainz.MusicBrainzClient`)."""

    def recordings_by_isrc(self, isrc: str) -> Sequence[RecordingFacts]: ...
    def recording(self, mbid: str) -> RecordingFacts: ...
    def artist(self, mbid: str) -> ArtistFacts: ...
    def artists_by_spotify_url(self, url: str) -> Sequence[UrlArtistFacts]: ...
    def search_artists(self, name: str) -> Sequence[ArtistFacts]: ...
    def works_by_writers(self, mbids: Iterable[str]) -> Sequence[WorkFacts]: ...


class SongwriterLookups(Protocol):
    """The answers `resolve_songwriter` decides on."""

    def evidence_writers(self, isrc: str) -> Sequence[ArtistFacts]:
        """Writers (with aliases) of the works of the recordings carrying this ISRC."""
        ...

    def artists_linking(self, spotify_url: str) -> Sequence[str]:
        """MBIDs of the artists with a current (not ended) link to this URL."""
        ...

    def artists_named(self, name: str) -> Sequence[ArtistFacts]:
        """Artists whose name or an alias equals `name` (see `normalised_name`)."""
        ...

    def work_titles(self, mbid: str) -> Sequence[str]:
        """Titles of the works this artist is a writer of."""
        ...

    def artist(self, mbid: str) -> ArtistFacts:
        """The artist with its aliases and URL links."""
        ...


# --- our records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriterCredit:
    """A credited writer of a track; `songwriter_id` is our deduplicated person, when stored."""

    name: str
    spotify_artist_uri: str | None = None
    songwriter_id: int | None = None

    @property
    def spotify_url(self) -> str | None:
        return spotify_artist_url(self.spotify_artist_uri) if self.spotify_artist_uri else None


@dataclass(frozen=True)
class TrackForLinks:
    """What phase 4 needs of a track: its title (to corroborate name matches), its ISRC (the
    evidence path) and its writers in credit order."""

    track_id: str
    title: str
    isrc: str | None
    writers: tuple[WriterCredit, ...] = ()


@dataclass(frozen=True)
class ClassifiedLink:
    platform: LinkPlatform
    url: str
    relation_type: str = ""


@dataclass(frozen=True)
class WriterResolution:
    """The MusicBrainz outcome for one writer on one track.

    Linked (evidence / spotify_url / name_corroborated): `mbid`, `confidence`, the `artist`
    looked up, its current `links` and the `ended_links` left out. Otherwise no artist and no
    links; `candidate_mbids` lists the namesakes when ambiguous.
    """

    writer: WriterCredit
    method: MatchMethod
    mbid: str | None = None
    confidence: float | None = None
    via_alias: bool = False
    candidate_mbids: tuple[str, ...] = ()
    artist: ArtistFacts | None = None
    links: tuple[ClassifiedLink, ...] = ()
    ended_links: tuple[str, ...] = ()

    @property
    def linked(self) -> bool:
        return self.method.linked

    def links_by_platform(self) -> dict[LinkPlatform, tuple[str, ...]]:
        grouped: dict[LinkPlatform, list[str]] = {}
        for link in self.links:
            grouped.setdefault(link.platform, []).append(link.url)
        return {platform: tuple(urls) for platform, urls in grouped.items()}


# --- names, titles, urls ----------------------------------------------------------------------


def normalised_name(text: str) -> str:
    """Names compared the way careful matchers do: accents, case, punctuation and spacing
    folded and "&" read as "and" ("Beyoncé" == "beyonce", "A & B" == "a and b")."""
    return normalized_person_name(text.replace("&", " and "))


def normalised_title(text: str) -> str:
    """A title without its "(feat. ...)" / "(with ...)" part, normalised: Spotify titles carry
    featured artists, MusicBrainz work titles do not."""
    return normalised_name(_FEATURING.sub("", text))


def spotify_artist_url(reference: str) -> str:
    """The form MusicBrainz stores a Spotify artist link in (open.spotify.com/artist/<id>)."""
    match = _SPOTIFY_ARTIST_ID.match(reference.strip())
    if match is None:
        parts = urlsplit(reference.strip())
        segments = parts.path.strip("/").split("/")
        if parts.hostname == "open.spotify.com" and segments[-2:-1] == ["artist"]:
            match = _SPOTIFY_ARTIST_ID.match(segments[-1])
    if match is None:
        raise ValueError(f"{reference!r} is not a Spotify artist id, URI or URL")
    return f"https://open.spotify.com/artist/{match.group(1)}"


def artist_names(artist: ArtistFacts) -> set[str]:
    """The normalised name and aliases of an artist."""
    return {normalised_name(artist.name), *(normalised_name(a.name) for a in artist.aliases)}


def classify_link(url: str, relation_type: str | None = None) -> LinkPlatform:
    """The platform of an artist link: by host first (every social network shares the type
    "social network"; www., m. and mobile. are ignored, x.com is Twitter), then an "official
    homepage" is the website; anything else is other."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    if host in _PLATFORM_BY_HOST:
        return _PLATFORM_BY_HOST[host]
    if host == "bandcamp.com" or host.endswith(".bandcamp.com"):
        return LinkPlatform.BANDCAMP
    if host == "wikipedia.org" or host.endswith(".wikipedia.org"):
        return LinkPlatform.WIKIPEDIA
    if relation_type == OFFICIAL_HOMEPAGE:
        return LinkPlatform.WEBSITE
    return LinkPlatform.OTHER


def current_links(urls: Iterable[UrlLinkFacts]) -> tuple[ClassifiedLink, ...]:
    """The links that have not ended, classified, each URL once."""
    seen: dict[str, ClassifiedLink] = {}
    for link in urls:
        if not link.ended and link.url not in seen:
            seen[link.url] = ClassifiedLink(classify_link(link.url, link.type), link.url, link.type)
    return tuple(seen.values())


# --- which writers ----------------------------------------------------------------------------


def writers_to_resolve(
    credits: Iterable[TrackCredit | WriterCredit],
    limit: int = MUSICBRAINZ_WRITERS_PER_TRACK,
) -> list[WriterCredit]:
    """The writers phase 4 looks up for a track: the first `limit` distinct people of its
    Writers credits, in credit order, a name counted once however it is spelt (normalised).

    Credits in any other role (producer, performer) are ignored; pass the writer credits in the
    order the web player lists them (`list_track_credits` returns them in stored order).
    """
    chosen: dict[str, WriterCredit] = {}
    for credit in credits:
        if isinstance(credit, TrackCredit):
            if credit.role != WRITER_ROLE:
                continue
            credit = WriterCredit(credit.name, credit.spotify_artist_uri, credit.songwriter_id)
        key = normalised_name(credit.name)
        if key and key not in chosen:
            chosen[key] = credit
        if len(chosen) == limit:
            break
    return list(chosen.values())


# --- the decision -----------------------------------------------------------------------------


def resolve_songwriter(
    writer: WriterCredit, track: TrackForLinks, lookups: SongwriterLookups
) -> WriterResolution:
    """Which MusicBrainz artist this writer of this track is, in order of evidence:

    1. the one writer (name or alias equal) of the works of the track's ISRC recordings;
    2. the one artist with a current link to the writer's Spotify artist page;
    3. the one artist among those whose name or alias equals the writer's that wrote a work
       titled like the track (no corroboration, or several: ambiguous; nobody: not_found).
    """
    key = normalised_name(writer.name)
    if not key:
        return WriterResolution(writer, MatchMethod.NOT_FOUND)
    if track.isrc:
        matches = [a for a in lookups.evidence_writers(track.isrc) if key in artist_names(a)]
        if len(matches) == 1:
            return _linked(writer, key, MatchMethod.EVIDENCE, matches[0], (matches[0].mbid,))
    if writer.spotify_url:
        linking = list(dict.fromkeys(lookups.artists_linking(writer.spotify_url)))
        if len(linking) == 1:
            artist = lookups.artist(linking[0])
            return _linked(writer, key, MatchMethod.SPOTIFY_URL, artist, (artist.mbid,))
    candidates = list({a.mbid: a for a in lookups.artists_named(writer.name)}.values())
    if not candidates:
        return WriterResolution(writer, MatchMethod.NOT_FOUND)
    mbids = tuple(a.mbid for a in candidates)
    title = normalised_title(track.title)
    confirmed = [
        a
        for a in candidates
        if any(normalised_title(t) == title for t in lookups.work_titles(a.mbid))
    ]
    if len(confirmed) == 1:
        artist = lookups.artist(confirmed[0].mbid)
        return _linked(writer, key, MatchMethod.NAME_CORROBORATED, artist, mbids)
    return WriterResolution(writer, MatchMethod.AMBIGUOUS, candidate_mbids=mbids)


def resolve_track_writers(
    track: TrackForLinks, lookups: SongwriterLookups
) -> list[WriterResolution]:
    """`resolve_songwriter` for each writer `writers_to_resolve` picks from the track."""
    return [resolve_songwriter(w, track, lookups) for w in writers_to_resolve(track.writers)]


def _linked(
    writer: WriterCredit,
    key: str,
    method: MatchMethod,
    artist: ArtistFacts,
    candidates: tuple[str, ...],
) -> WriterResolution:
    return WriterResolution(
        writer=writer,
        method=method,
        mbid=artist.mbid,
        confidence=CONFIDENCE[method],
        via_alias=key != normalised_name(artist.name) and key in artist_names(artist),
        candidate_mbids=candidates,
        artist=artist,
        links=current_links(artist.urls),
        ended_links=tuple(dict.fromkeys(u.url for u in artist.urls if u.ended)),
    )


# --- asking MusicBrainz once ------------------------------------------------------------------


@dataclass
class CachedMusicBrainzLookups:
    """`SongwriterLookups` over a `MusicBrainzSource`, each question asked once.

    Per ISRC: the recordings and their works' writers (shared by the track's writers and by
    tracks with the same ISRC). Per writer name: one artist search, and one work search for
    all its candidates. Per Spotify URL: one reverse lookup. Per MBID: one artist lookup. So a
    songwriter met again on another track costs no request of its own.
    """

    source: MusicBrainzSource
    _evidence: dict[str, tuple[ArtistFacts, ...]] = field(default_factory=dict)
    _linking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _named: dict[str, tuple[ArtistFacts, ...]] = field(default_factory=dict)
    _titles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _title_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _artists: dict[str, ArtistFacts] = field(default_factory=dict)

    def evidence_writers(self, isrc: str) -> Sequence[ArtistFacts]:
        if isrc not in self._evidence:
            mbids: dict[str, None] = {}
            for found in self.source.recordings_by_isrc(isrc):
                for work in self.source.recording(found.mbid).works:
                    for relation in work.writers:
                        if relation.type in WRITER_RELATION_TYPES:
                            mbids.setdefault(relation.artist.mbid)
            # Work relationships carry no aliases: an alias match needs each writer's lookup.
            self._evidence[isrc] = tuple(self.artist(mbid) for mbid in mbids)
        return self._evidence[isrc]

    def artists_linking(self, spotify_url: str) -> Sequence[str]:
        if spotify_url not in self._linking:
            links = self.source.artists_by_spotify_url(spotify_url)
            current = (link.artist.mbid for link in links if not link.ended)
            self._linking[spotify_url] = tuple(dict.fromkeys(current))
        return self._linking[spotify_url]

    def artists_named(self, name: str) -> Sequence[ArtistFacts]:
        key = normalised_name(name)
        if key not in self._named:
            hits = self.source.search_artists(name) if key else ()
            # Scores are relative (notes §0.5): only name or alias equality makes a candidate.
            gated = {hit.mbid: hit for hit in hits if key in artist_names(hit)}
            self._named[key] = tuple(gated.values())
            group = tuple(gated)
            for mbid in group:
                self._title_groups.setdefault(mbid, group)
        return self._named[key]

    def work_titles(self, mbid: str) -> Sequence[str]:
        if mbid not in self._titles:
            group = tuple(m for m in self._title_groups.get(mbid, (mbid,)) if m not in self._titles)
            titles: dict[str, list[str]] = {m: [] for m in group}
            for work in self.source.works_by_writers(group):
                for relation in work.writers:
                    wrote = relation.type in WRITER_RELATION_TYPES
                    if wrote and relation.artist.mbid in titles:
                        titles[relation.artist.mbid].append(work.title)
            for writer, written in titles.items():
                self._titles[writer] = tuple(dict.fromkeys(written))
        return self._titles[mbid]

    def artist(self, mbid: str) -> ArtistFacts:
        if mbid not in self._artists:
            self._artists[mbid] = self.source.artist(mbid)
        return self._artists[mbid]
