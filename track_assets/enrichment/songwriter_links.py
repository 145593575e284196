"""Phase 4's matching: which writers of a track to look up, which MusicBrainz artist each one is
(identifiers first, then evidence from the track, never a namesake on a name and a generic
title), and that artist's current links by platform.

Pure logic: MusicBrainz answers come through the `MusicBrainzSource` protocol, which the
MusicBrainz client satisfies; `CachedMusicBrainzLookups` asks it each question once. What The
MLC says about the track (phase 3) comes in `MlcEvidence`. People are compared by
`track_assets.enrichment.identity` (names through aliases, IPIs, ISNIs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from track_assets.db.records import MusicBrainzArtist, TrackCredit
from track_assets.db.repository.credits import normalized_person_name
from track_assets.db.statuses import CreditRole
from track_assets.enrichment.identity import (
    KnownName,
    PersonView,
    best_name_agreement,
    ipi_key,
    iswc_key,
    match_people,
    musicbrainz_view,
)

# Phase 4 looks up at most this many writers per track
# (docs/architecture.md#phase-4-musicbrainz-social-links): the first distinct names of the
# track's Writers credits, in credit order (see `writers_to_resolve`).
MUSICBRAINZ_WRITERS_PER_TRACK = 3
WRITER_ROLE = CreditRole.WRITER
# Work -> artist relationship types that make an artist a writer of the work.
WRITER_RELATION_TYPES = frozenset({"composer", "lyricist", "writer", "librettist"})

_FEATURING = re.compile(r"\s*[(\[](?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)
_SPOTIFY_ARTIST_ID = re.compile(r"^(?:spotify:artist:)?([0-9A-Za-z]{22})$")


class MatchMethod(StrEnum):
    """How a writer was matched to a MusicBrainz artist, or why it was not."""

    EVIDENCE = "evidence"  # ISRC -> recording -> work -> composer/lyricist/writer relationship
    IDENTIFIER = "identifier"  # a name candidate whose IPI The MLC lists on the track's work
    SPOTIFY_URL = "spotify_url"  # the one artist with a current link to the writer's Spotify page
    WORK_ISWC = "work_iswc"  # a name candidate who wrote a work with the MLC work's ISWC
    NAME_CORROBORATED = "name_corroborated"  # name agrees, wrote a work with this (rare) title
    AMBIGUOUS = "ambiguous"  # name candidates, none or several corroborated: no links
    NOT_FOUND = "not_found"  # no artist has this name or alias

    @property
    def linked(self) -> bool:
        return self in CONFIDENCE


# Stored with each link (artist_songwriters.confidence): evidence from the track itself is
# certain; the Spotify link is an editor's claim about the person; name plus a work title can
# still be a namesake who wrote a song of the same name.
CONFIDENCE: dict[MatchMethod, float] = {
    MatchMethod.EVIDENCE: 1.0,
    MatchMethod.IDENTIFIER: 1.0,
    MatchMethod.SPOTIFY_URL: 0.95,
    MatchMethod.WORK_ISWC: 0.95,
    MatchMethod.NAME_CORROBORATED: 0.8,
}
# A name candidate's corroboration, strongest first (a tie at the strongest level is ambiguous).
CORROBORATIONS = (MatchMethod.IDENTIFIER, MatchMethod.WORK_ISWC, MatchMethod.NAME_CORROBORATED)
# A title carried by this many MusicBrainz works or more ("Stay", "Intro", "Forever") does not
# identify a work: a namesake may well have written one.
GENERIC_TITLE_MIN_WORKS = 5


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
    @property
    def sort_name(self) -> str | None: ...
    @property
    def type(self) -> str | None: ...
    @property
    def locale(self) -> str | None: ...
    @property
    def primary(self) -> bool: ...


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
    def ipis(self) -> Sequence[str]: ...
    @property
    def isnis(self) -> Sequence[str]: ...
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
    def iswcs(self) -> Sequence[str]: ...
    @property
    def cover(self) -> bool: ...
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
    def count_works_titled(self, title: str) -> int: ...


@dataclass(frozen=True)
class RecordingWork:
    """A work a recording of the track's ISRC is a performance of, with its writers looked up."""

    mbid: str
    title: str
    iswcs: tuple[str, ...]
    cover: bool
    writers: tuple[ArtistFacts, ...]


@dataclass(frozen=True)
class WrittenWork:
    """A work an artist is a writer of: its title and ISWCs."""

    title: str
    iswcs: tuple[str, ...] = ()


class SongwriterLookups(Protocol):
    """The answers `resolve_songwriter` decides on."""

    def recording_works(self, isrc: str) -> Sequence[RecordingWork]:
        """The works of the recordings carrying this ISRC, their writers with aliases."""
        ...

    def artists_linking(self, spotify_url: str) -> Sequence[str]:
        """MBIDs of the artists with a current (not ended) link to this URL."""
        ...

    def artists_named(self, name: str) -> Sequence[ArtistFacts]:
        """Artists one of whose names agrees with `name` (`identity.compare_names`)."""
        ...

    def works_written(self, mbid: str) -> Sequence[WrittenWork]:
        """The works this artist is a writer of."""
        ...

    def title_is_generic(self, title: str) -> bool:
        """Whether so many works carry this title that it identifies none."""
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
class MlcEvidence:
    """What The MLC says about the track (phase 3): the IPIs of its work's writers, the IPI of
    the work's writer each credit was matched to (by credited name), and the work's ISWCs."""

    writer_ipis: frozenset[str] = frozenset()
    credit_ipis: Mapping[str, str] = field(default_factory=dict)
    iswcs: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        writer_ipis: Iterable[str | None] = (),
        credit_ipis: Mapping[str, str | None] | None = None,
        iswcs: Iterable[str | None] = (),
    ) -> MlcEvidence:
        return cls(
            writer_ipis=frozenset(k for k in map(ipi_key, writer_ipis) if k),
            credit_ipis={n: k for n, i in (credit_ipis or {}).items() if (k := ipi_key(i))},
            iswcs=frozenset(k for k in map(iswc_key, iswcs) if k),
        )


@dataclass(frozen=True)
class TrackForLinks:
    """What phase 4 needs of a track: its title (to corroborate name matches), its ISRC (the
    evidence path), its writers in credit order and what The MLC says about it."""

    track_id: str
    title: str
    isrc: str | None
    writers: tuple[WriterCredit, ...] = ()
    mlc: MlcEvidence = MlcEvidence()


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
    evidence: str = ""  # what agreed (linked), or why each candidate was not taken
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


def artist_record(artist: ArtistFacts) -> MusicBrainzArtist:
    """A MusicBrainz artist as we store it, identifiers and aliases included."""
    return MusicBrainzArtist(
        musicbrainz_id=artist.mbid,
        name=artist.name,
        sort_name=artist.sort_name,
        disambiguation=artist.disambiguation or None,
        country=artist.country,
        type=artist.type,
        aliases=[
            {
                "name": a.name,
                "sort_name": a.sort_name,
                "type": a.type,
                "locale": a.locale,
                "primary": a.primary,
            }
            for a in artist.aliases
        ],
        ipis=list(artist.ipis),
        isnis=list(artist.isnis),
    )


def artist_view(artist: ArtistFacts) -> PersonView:
    return musicbrainz_view(artist_record(artist))


def _credit_view(writer: WriterCredit, mlc: MlcEvidence) -> PersonView:
    """The credit as Spotify gives it, with the IPI The MLC lists for the writer it matched."""
    ipi = mlc.credit_ipis.get(writer.name)
    return PersonView.of([KnownName(writer.name, "Spotify credit")], ipis=[ipi])


def _work_contradicts(iswcs: Iterable[str], mlc: MlcEvidence) -> bool:
    """A MusicBrainz work whose ISWCs are known and none is the MLC work's is another work."""
    keys = {k for k in map(iswc_key, iswcs) if k}
    return bool(keys and mlc.iswcs and not keys & mlc.iswcs)


def resolve_songwriter(
    writer: WriterCredit, track: TrackForLinks, lookups: SongwriterLookups
) -> WriterResolution:
    """Which MusicBrainz artist this writer of this track is, in order of evidence:

    1. the one writer (a name agreeing, no identifier disagreeing) of the works of the track's
       ISRC recordings, leaving out works whose ISWC disagrees with The MLC's;
    2. the one artist with a current link to the writer's Spotify artist page (unless its IPI
       disagrees with The MLC's);
    3. among artists whose names agree with the writer's (an IPI disagreeing with The MLC's
       rules one out), the one corroborated most strongly: its IPI is on the MLC work, else it
       wrote a work with the MLC work's ISWC, else it wrote a work titled like the track and
       that title is not generic. A tie, or no corroboration, is ambiguous; nobody: not_found.
    """
    if not normalised_name(writer.name):
        return WriterResolution(writer, MatchMethod.NOT_FOUND, evidence="no name")
    credit = _credit_view(writer, track.mlc)
    if track.isrc:
        found = _from_recording_works(writer, credit, track, lookups)
        if found is not None:
            return found
    if writer.spotify_url:
        linking = list(dict.fromkeys(lookups.artists_linking(writer.spotify_url)))
        if len(linking) == 1:
            artist = lookups.artist(linking[0])
            match = match_people(credit, artist_view(artist))
            if not match.contradicted:
                why = f"the only artist linking to {writer.spotify_url}"
                return _linked(writer, MatchMethod.SPOTIFY_URL, artist, (artist.mbid,), why)
    return _from_name_candidates(writer, credit, track, lookups)


def _from_recording_works(
    writer: WriterCredit, credit: PersonView, track: TrackForLinks, lookups: SongwriterLookups
) -> WriterResolution | None:
    scored: dict[str, tuple[float, ArtistFacts, str]] = {}
    for work in lookups.recording_works(track.isrc or ""):
        if _work_contradicts(work.iswcs, track.mlc):
            continue
        for artist in work.writers:
            match = match_people(credit, artist_view(artist))
            if match.same and not match.contradicted:
                why = (
                    f"writer of {work.title!r}, a work of the ISRC's recording; {match.describe()}"
                )
                if artist.mbid not in scored or match.confidence > scored[artist.mbid][0]:
                    scored[artist.mbid] = (match.confidence, artist, why)
    if not scored:
        return None
    best = max(c for c, _, _ in scored.values())
    top = [(artist, why) for c, artist, why in scored.values() if c == best]
    if len(top) != 1:
        return None
    artist, why = top[0]
    return _linked(writer, MatchMethod.EVIDENCE, lookups.artist(artist.mbid), (artist.mbid,), why)


def _from_name_candidates(
    writer: WriterCredit, credit: PersonView, track: TrackForLinks, lookups: SongwriterLookups
) -> WriterResolution:
    found = list({a.mbid: a for a in lookups.artists_named(writer.name)}.values())
    if not found:
        return WriterResolution(writer, MatchMethod.NOT_FOUND, evidence="no artist of that name")
    mbids = tuple(a.mbid for a in found)
    rejected = []
    levels: dict[MatchMethod, list[tuple[ArtistFacts, str]]] = {}
    title = normalised_title(track.title)
    for artist in found:
        view = artist_view(artist)
        match = match_people(credit, view)
        if match.contradicted:
            rejected.append(f"{artist.mbid}: {match.describe()}")
            continue
        shared = sorted(view.ipis & track.mlc.writer_ipis)
        if shared:
            levels.setdefault(MatchMethod.IDENTIFIER, []).append(
                (artist, f"IPI {shared[0]} is a writer's of the track's MLC work")
            )
            continue
        works = lookups.works_written(artist.mbid)
        by_iswc = [w for w in works if w.iswcs and not _work_contradicts(w.iswcs, track.mlc)]
        if track.mlc.iswcs and by_iswc:
            levels.setdefault(MatchMethod.WORK_ISWC, []).append(
                (artist, f"wrote {by_iswc[0].title!r}, the MLC work's ISWC")
            )
            continue
        titled = [
            w
            for w in works
            if normalised_title(w.title) == title and not _work_contradicts(w.iswcs, track.mlc)
        ]
        if titled and not lookups.title_is_generic(track.title):
            levels.setdefault(MatchMethod.NAME_CORROBORATED, []).append(
                (artist, f"wrote a work titled {titled[0].title!r}; {match.describe()}")
            )
        elif titled:
            rejected.append(f"{artist.mbid}: wrote a {track.title!r}, a title too common to tell")
    for method in CORROBORATIONS:
        corroborated = levels.get(method, [])
        if len(corroborated) == 1:
            artist, why = corroborated[0]
            return _linked(writer, method, lookups.artist(artist.mbid), mbids, why)
        if corroborated:
            tied = ", ".join(a.mbid for a, _ in corroborated)
            rejected.append(f"tie at {method.value}: {tied}")
            break
    why = "; ".join(rejected) or "no candidate corroborated by the track"
    return WriterResolution(writer, MatchMethod.AMBIGUOUS, candidate_mbids=mbids, evidence=why)


def resolve_track_writers(
    track: TrackForLinks, lookups: SongwriterLookups
) -> list[WriterResolution]:
    """`resolve_songwriter` for each writer `writers_to_resolve` picks from the track."""
    return [resolve_songwriter(w, track, lookups) for w in writers_to_resolve(track.writers)]


def _linked(
    writer: WriterCredit,
    method: MatchMethod,
    artist: ArtistFacts,
    candidates: tuple[str, ...],
    evidence: str,
) -> WriterResolution:
    key = normalised_name(writer.name)
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
        evidence=evidence,
    )


# --- asking MusicBrainz once ------------------------------------------------------------------


def names_agree(name: str, artist: ArtistFacts) -> bool:
    """Whether one of the artist's names (name, sort name, aliases) agrees with `name`."""
    credited = PersonView.of([KnownName(name, "Spotify credit")])
    return best_name_agreement(credited, artist_view(artist)) is not None


@dataclass
class CachedMusicBrainzLookups:
    """`SongwriterLookups` over a `MusicBrainzSource`, each question asked once.

    Per ISRC: the recordings and their works' writers (shared by the track's writers and by
    tracks with the same ISRC). Per writer name: one artist search, and one work search for
    all its candidates. Per Spotify URL: one reverse lookup. Per MBID: one artist lookup. Per
    title: one count of the works carrying it. So a songwriter met again on another track
    costs no request of its own, and neither does an ISRC whose answer it was given
    (`remember`).
    """

    source: MusicBrainzSource
    _works: dict[str, tuple[RecordingWork, ...]] = field(default_factory=dict)
    _linking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _named: dict[str, tuple[ArtistFacts, ...]] = field(default_factory=dict)
    _written: dict[str, tuple[WrittenWork, ...]] = field(default_factory=dict)
    _title_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _artists: dict[str, ArtistFacts] = field(default_factory=dict)
    _generic: dict[str, bool] = field(default_factory=dict)
    _asked_isrcs: list[str] = field(default_factory=list)

    def recording_works(self, isrc: str) -> Sequence[RecordingWork]:
        if isrc not in self._works:
            works: dict[str, RecordingWork] = {}
            for found in self.source.recordings_by_isrc(isrc):
                for work in self.source.recording(found.mbid).works:
                    if work.mbid in works:
                        continue
                    mbids = dict.fromkeys(
                        r.artist.mbid for r in work.writers if r.type in WRITER_RELATION_TYPES
                    )
                    # Work relationships carry no aliases: an alias match needs each lookup.
                    works[work.mbid] = RecordingWork(
                        mbid=work.mbid,
                        title=work.title,
                        iswcs=tuple(work.iswcs),
                        cover=work.cover,
                        writers=tuple(self.artist(mbid) for mbid in mbids),
                    )
            self._works[isrc] = tuple(works.values())
            self._asked_isrcs.append(isrc)
        return self._works[isrc]

    def remember(self, works_by_isrc: Mapping[str, Sequence[RecordingWork]]) -> None:
        """Answers asked before (`enrichment/musicbrainz_answers.py`): these ISRCs' works and
        their writers are not asked again."""
        for isrc, works in works_by_isrc.items():
            self._works.setdefault(isrc, tuple(works))
            for artist in (a for work in works for a in work.writers):
                self._artists.setdefault(artist.mbid, artist)

    def recording_works_asked(self) -> dict[str, tuple[RecordingWork, ...]]:
        """Every ISRC asked of MusicBrainz so far (not remembered) and its recordings' works."""
        return {isrc: self._works[isrc] for isrc in self._asked_isrcs}

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
            # Scores are relative (docs/services.md#musicbrainz-search): only agreeing names make a
            # candidate.
            gated = {hit.mbid: hit for hit in hits if names_agree(name, hit)}
            self._named[key] = tuple(gated.values())
            group = tuple(gated)
            for mbid in group:
                self._title_groups.setdefault(mbid, group)
        return self._named[key]

    def works_written(self, mbid: str) -> Sequence[WrittenWork]:
        if mbid not in self._written:
            group = tuple(
                m for m in self._title_groups.get(mbid, (mbid,)) if m not in self._written
            )
            written: dict[str, dict[str, WrittenWork]] = {m: {} for m in group}
            for work in self.source.works_by_writers(group):
                for relation in work.writers:
                    wrote = relation.type in WRITER_RELATION_TYPES
                    if wrote and relation.artist.mbid in written:
                        found = WrittenWork(work.title, tuple(work.iswcs))
                        written[relation.artist.mbid][work.mbid] = found
            for writer, works in written.items():
                self._written[writer] = tuple(works.values())
        return self._written[mbid]

    def title_is_generic(self, title: str) -> bool:
        key = normalised_title(title)
        if key not in self._generic:
            bare = _FEATURING.sub("", title).strip() or title
            self._generic[key] = self.source.count_works_titled(bare) >= GENERIC_TITLE_MIN_WORKS
        return self._generic[key]

    def artist(self, mbid: str) -> ArtistFacts:
        if mbid not in self._artists:
            self._artists[mbid] = self.source.artist(mbid)
        return self._artists[mbid]
