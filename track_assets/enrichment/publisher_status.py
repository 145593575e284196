"""Phase 3's decisions: a work's known share and publisher status, the choice among several
works for one ISRC, and which of the track's credited writers a publisher represents.

The rules are docs/matching.md#publisher-status, written down once here:
- known share: each original publisher's collection share; a publisher at 0 (or without a
  share) that has administrators counts their shares instead (the real SB5VH7 work:
  SM PUBLISHING UK 0, its administrator SONY/ATV TUNES 50;
  track_assets_tests/fixtures/reference/mlc/portal-api/).
- a writer is represented when a publisher (or administrator) shares its `chain_id` (a work
  read back from the database carries the answer itself, `WorkWriter.represented`).
- signed: known >= 99.5 (3 x 33.33 counts) and every writer represented; unsigned: no
  publisher or 0 known; split: anything else. No recording for the ISRC, or recordings
  without a song code, give no status (`not_found` / `not_linked`), never `unsigned`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from track_assets.db.records import MusicBrainzArtist, TrackCredit
from track_assets.db.repository.credits import normalized_person_name
from track_assets.enrichment.identity import (
    IDENTIFIER_CONFIDENCE,
    KnownName,
    PersonView,
    assign_people,
    ipi_key,
    iswc_key,
    musicbrainz_view,
)
from track_assets.phases import MLC

PHASE = MLC.key
SIGNED_MIN_KNOWN_SHARE = Decimal("99.5")
# One ISRC linked by the MLC to exactly one work: the MLC's own link, taken as certain.
SINGLE_WORK_CONFIDENCE = 1.0
IPI_SEPARATOR = ", "

# Spotify titles carry featured artists ("Song (feat. X)", "Song [with Y]"); work titles do not.
_FEATURING = re.compile(r"\s*[(\[](?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)


class PublisherStatus(StrEnum):
    SIGNED = "signed"
    UNSIGNED = "unsigned"
    SPLIT = "split"


class NoStatusReason(StrEnum):
    """Why a track has no publisher status. None of these means "unsigned"."""

    NO_ISRC = "no_isrc"  # phase 3 needs an ISRC: not applicable
    NO_WRITERS = "no_writers"  # ... and at least one credited writer: not applicable
    NOT_FOUND = "not_found"  # the MLC has no recording of the ISRC (registration lags)
    NOT_LINKED = "not_linked"  # recordings, none linked to a work by a song code
    WORK_NOT_RETURNED = "work_not_returned"  # song codes, but the MLC returned none of the works
    AMBIGUOUS = "ambiguous"  # several works, none agrees best with the track

    @property
    def applicable(self) -> bool:
        """False when the phase does not apply to the track at all."""
        return self not in (NoStatusReason.NO_ISRC, NoStatusReason.NO_WRITERS)


# --- input records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditedWriter:
    """A writer credited on the track (phase 2); the IPI only when some source gave one, and
    what MusicBrainz knows of the person (legal name, aliases, IPIs) once phase 4 linked them."""

    name: str
    ipi: str | None = None
    spotify_artist_uri: str | None = None
    musicbrainz: PersonView | None = None

    def view(self) -> PersonView:
        credited = PersonView.of(
            [KnownName(self.name, "Spotify credit")],
            ipis=[self.ipi],
            spotify_artist_uri=self.spotify_artist_uri,
        )
        return credited.merged(self.musicbrainz) if self.musicbrainz else credited


@dataclass(frozen=True)
class WorkWriter:
    name: str
    ipi: str | None = None
    role: str | None = None  # CWR code: CA, C, A, ...
    chain_id: str | None = None  # the publisher chain representing the writer, if any
    represented: bool | None = None  # decided already (a stored work): overrides `chain_id`

    def view(self) -> PersonView:
        return PersonView.of([KnownName(self.name, "MLC writer")], ipis=[self.ipi])


@dataclass(frozen=True)
class WorkPublisher:
    """An original publisher (or, nested, an administrator collecting on its behalf)."""

    name: str
    ipi: str | None = None
    role: str | None = None
    collection_share: Decimal | None = None  # percent, 0-100; None: not reported
    administrators: tuple[WorkPublisher, ...] = ()
    chain_id: str | None = None


@dataclass(frozen=True)
class WorkFacts:
    """What the MLC says about one work, in our terms."""

    song_code: str
    title: str | None = None
    iswc: str | None = None
    alternative_titles: tuple[str, ...] = ()
    writers: tuple[WorkWriter, ...] = ()
    publishers: tuple[WorkPublisher, ...] = ()


# --- output records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WriterRepresentation:
    """A writer of the chosen work, and whether some publisher represents it."""

    name: str
    ipi: str | None
    role: str | None
    represented: bool


@dataclass(frozen=True)
class PublisherShare:
    name: str
    ipi: str | None
    collection_share: Decimal | None
    administrators: tuple[str, ...]
    known_share: Decimal  # its share, or its administrators' when its own is 0


class WriterMatchMethod(StrEnum):
    IDENTIFIER = "identifier"  # an IPI (or ISNI) known on both sides agrees
    NAME = "name"  # a name of the credit (or of its MusicBrainz artist) agrees


@dataclass(frozen=True)
class CreditedWriterMatch:
    """A credited writer of the track and the work's writer it was matched to, if any, with
    the confidence and the evidence (which names or identifiers agreed, or why none matched).

    `represented` is None when the writer was not found among the work's writers.
    """

    credited_name: str
    matched_by: WriterMatchMethod | None
    work_writer: str | None
    ipi: str | None
    represented: bool | None
    confidence: float | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class WorkCandidate:
    """One work the ISRC led to, how well it agrees with the track, and whether it was chosen.

    `confidence`: 1.0 when it is the only work or its ISWC is the one MusicBrainz gives the
    recording; else half for the title (or an alternative title) agreeing, half times the share
    of credited writers found among the work's writers.
    `iswc_agrees`: None when either side has no ISWC to compare.
    """

    song_code: str
    title_agrees: bool
    writers_agreeing: int
    confidence: float
    chosen: bool
    iswc_agrees: bool | None = None
    writer_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrackPublisherStatus:
    """Phase 3's answer for one track: a status with its work, or the reason there is none."""

    isrc: str | None
    status: PublisherStatus | None
    reason: NoStatusReason | None
    song_code: str | None = None
    iswc: str | None = None
    work_title: str | None = None
    known_share: Decimal | None = None
    confidence: float | None = None
    candidates: tuple[WorkCandidate, ...] = ()
    writers: tuple[WriterRepresentation, ...] = ()
    publishers: tuple[PublisherShare, ...] = ()
    credited_writers: tuple[CreditedWriterMatch, ...] = ()

    @property
    def candidate_song_codes(self) -> tuple[str, ...]:
        return tuple(c.song_code for c in self.candidates)

    @property
    def ipi(self) -> str | None:
        """`tracks.ipi`: the known IPIs of the work's writers, in the work's order, joined."""
        ipis = dict.fromkeys(w.ipi for w in self.writers if w.ipi)
        return IPI_SEPARATOR.join(ipis) or None

    @property
    def publisher_names(self) -> str | None:
        """`tracks.publisher`: the work's original publishers, joined."""
        names = dict.fromkeys(p.name for p in self.publishers)
        return ", ".join(names) or None


def credited_writer(
    credit: TrackCredit, artists: Iterable[MusicBrainzArtist] = ()
) -> CreditedWriter:
    """A stored writer credit as phase 3 matches it, with what MusicBrainz knows of the person
    (the artists phase 4 linked to the songwriter)."""
    views = [musicbrainz_view(a) for a in artists]
    known = None
    for view in views:
        known = view if known is None else known.merged(view)
    return CreditedWriter(
        credit.name, spotify_artist_uri=credit.spotify_artist_uri, musicbrainz=known
    )


# --- the rules for one work -------------------------------------------------------------------


def publisher_known_share(publisher: WorkPublisher) -> Decimal:
    """The publisher's share, or its administrators' when its own is 0 or not reported."""
    own = publisher.collection_share or Decimal(0)
    if own == 0 and publisher.administrators:
        return sum((a.collection_share or Decimal(0) for a in publisher.administrators), Decimal(0))
    return own


def known_share(work: WorkFacts) -> Decimal:
    """Percent of the work claimed by known publishers (see the module docstring)."""
    return sum((publisher_known_share(p) for p in work.publishers), Decimal(0))


def _chains(work: WorkFacts) -> set[str]:
    chains = set()
    for publisher in work.publishers:
        for party in (publisher, *publisher.administrators):
            if party.chain_id is not None:
                chains.add(party.chain_id)
    return chains


def _represented(writer: WorkWriter, chains: set[str]) -> bool:
    if writer.represented is not None:
        return writer.represented
    return writer.chain_id is not None and writer.chain_id in chains


def writer_is_represented(writer: WorkWriter, work: WorkFacts) -> bool:
    return _represented(writer, _chains(work))


def publisher_status_for_work(work: WorkFacts) -> PublisherStatus:
    known = known_share(work)
    if not work.publishers or known == 0:
        return PublisherStatus.UNSIGNED
    chains = _chains(work)
    everyone = all(_represented(w, chains) for w in work.writers)
    if known >= SIGNED_MIN_KNOWN_SHARE and everyone:
        return PublisherStatus.SIGNED
    return PublisherStatus.SPLIT


# --- matching the track to works --------------------------------------------------------------


def title_key(title: str) -> str:
    """A title without its "(feat. ...)" / "(with ...)" part, normalised."""
    return normalized_person_name(_FEATURING.sub("", title).replace("&", " and "))


def match_credited_writers(
    credited: Sequence[CreditedWriter], work: WorkFacts
) -> tuple[CreditedWriterMatch, ...]:
    """Each credited writer matched to at most one of the work's writers by identity evidence
    (`track_assets.enrichment.identity`): an IPI on both sides decides, else the names the
    credit and its MusicBrainz artist are known by; ties and contradictions stay unmatched."""
    chains = _chains(work)
    assignments = assign_people([c.view() for c in credited], [w.view() for w in work.writers])
    matches = []
    for person, assignment in zip(credited, assignments, strict=True):
        found = work.writers[assignment.right] if assignment.right is not None else None
        if found is None:
            tied = [work.writers[j].name for j in assignment.tied_with]
            why = f"tie between {', '.join(tied)}" if tied else "no writer of the work agrees"
            matches.append(CreditedWriterMatch(person.name, None, None, None, None, None, why))
            continue
        identified = assignment.match.confidence >= IDENTIFIER_CONFIDENCE
        matches.append(
            CreditedWriterMatch(
                credited_name=person.name,
                matched_by=WriterMatchMethod.IDENTIFIER if identified else WriterMatchMethod.NAME,
                work_writer=found.name,
                ipi=ipi_key(found.ipi) or found.ipi,
                represented=_represented(found, chains),
                confidence=assignment.match.confidence,
                evidence=assignment.match.describe(),
            )
        )
    return tuple(matches)


@dataclass(frozen=True)
class _Agreement:
    iswc: bool | None
    title: bool
    writers: tuple[CreditedWriterMatch, ...]

    @property
    def writers_agreeing(self) -> int:
        return sum(m.work_writer is not None for m in self.writers)

    @property
    def key(self) -> tuple:
        """Rank: the ISWC MusicBrainz gives the recording, then the title, then how many
        credited writers are found, then how strongly."""
        iswc = {True: 1, None: 0, False: -1}[self.iswc]
        strength = round(sum(m.confidence or 0.0 for m in self.writers), 4)
        return (iswc, self.title, self.writers_agreeing, strength)

    @property
    def agrees_at_all(self) -> bool:
        return bool(self.iswc or self.title or self.writers_agreeing)


def _agreement(
    work: WorkFacts,
    track_title: str | None,
    credited: Sequence[CreditedWriter],
    known_iswcs: frozenset[str],
) -> _Agreement:
    titles = {title_key(t) for t in (work.title, *work.alternative_titles) if t}
    iswc = iswc_key(work.iswc)
    return _Agreement(
        iswc=(iswc in known_iswcs) if iswc and known_iswcs else None,
        title=bool(track_title) and title_key(track_title) in titles,
        writers=match_credited_writers(credited, work),
    )


def rank_works(
    works: Sequence[WorkFacts],
    track_title: str | None,
    credited: Sequence[CreditedWriter],
    known_iswcs: Iterable[str] = (),
) -> tuple[WorkFacts | None, tuple[WorkCandidate, ...]]:
    """The work the track is (one work: it; several: the one whose ISWC, then title, then
    writers agree best, None when none agrees at all or two agree equally) and every work as a
    candidate. `known_iswcs`: the ISWCs MusicBrainz gives the track's recording, if any."""
    if not works:
        return None, ()
    iswcs = frozenset(k for k in map(iswc_key, known_iswcs) if k)
    scored = [(_agreement(w, track_title, credited, iswcs), w) for w in works]
    chosen = None
    if len(works) == 1:
        chosen = works[0]
    else:
        ranked = sorted((a.key for a, _ in scored), reverse=True)
        best = next(a for a, _ in scored if a.key == ranked[0])
        if best.agrees_at_all and ranked[1] != ranked[0]:
            chosen = next(w for a, w in scored if a is best)
    candidates = tuple(
        WorkCandidate(
            song_code=w.song_code,
            title_agrees=a.title,
            writers_agreeing=a.writers_agreeing,
            confidence=_work_confidence(a, len(works), len(credited)),
            chosen=w is chosen,
            iswc_agrees=a.iswc,
            writer_evidence=tuple(
                f"{m.credited_name} = {m.work_writer} ({m.evidence})"
                for m in a.writers
                if m.work_writer is not None
            ),
        )
        for a, w in scored
    )
    return chosen, candidates


def _work_confidence(agreement: _Agreement, works: int, credited: int) -> float:
    if works == 1 or agreement.iswc:
        return SINGLE_WORK_CONFIDENCE
    share = agreement.writers_agreeing / credited if credited else 0.0
    return round(0.5 * agreement.title + 0.5 * share, 4)


# --- the track --------------------------------------------------------------------------------


def publisher_status_for_track(
    *,
    isrc: str | None,
    track_title: str | None,
    credited: Sequence[CreditedWriter],
    recording_song_codes: Sequence[str | None],
    works: Mapping[str, WorkFacts | None],
    known_iswcs: Iterable[str] = (),
) -> TrackPublisherStatus:
    """Phase 3 for one track, from the song codes of the MLC's recordings of its ISRC (one
    entry per recording, None for a recording without a work), the works by song code and the
    ISWCs MusicBrainz gives the recording (when phase 4 has found them)."""
    if not isrc:
        return TrackPublisherStatus(isrc, None, NoStatusReason.NO_ISRC)
    if not credited:
        return TrackPublisherStatus(isrc, None, NoStatusReason.NO_WRITERS)
    if not recording_song_codes:
        return TrackPublisherStatus(isrc, None, NoStatusReason.NOT_FOUND)
    codes = list(dict.fromkeys(code for code in recording_song_codes if code))
    if not codes:
        return TrackPublisherStatus(isrc, None, NoStatusReason.NOT_LINKED)
    facts = [work for work in (works.get(code) for code in codes) if work is not None]
    if not facts:
        return TrackPublisherStatus(isrc, None, NoStatusReason.WORK_NOT_RETURNED)
    chosen, candidates = rank_works(facts, track_title, credited, known_iswcs)
    if chosen is None:
        return TrackPublisherStatus(isrc, None, NoStatusReason.AMBIGUOUS, candidates=candidates)
    chains = _chains(chosen)
    return TrackPublisherStatus(
        isrc=isrc,
        status=publisher_status_for_work(chosen),
        reason=None,
        song_code=chosen.song_code,
        iswc=chosen.iswc,
        work_title=chosen.title,
        known_share=known_share(chosen),
        confidence=next(c.confidence for c in candidates if c.chosen),
        candidates=candidates,
        writers=tuple(
            WriterRepresentation(w.name, w.ipi, w.role, _represented(w, chains))
            for w in chosen.writers
        ),
        publishers=tuple(
            PublisherShare(
                name=p.name,
                ipi=p.ipi,
                collection_share=p.collection_share,
                administrators=tuple(a.name for a in p.administrators),
                known_share=publisher_known_share(p),
            )
            for p in chosen.publishers
        ),
        credited_writers=match_credited_writers(credited, chosen),
    )
