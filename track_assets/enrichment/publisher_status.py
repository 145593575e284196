"""Phase 3's decisions: a work's known share and publisher status, the choice among several
works for one ISRC, and which of the track's credited writers a publisher represents.

The rules are reference/notes/chartmetric_mlc.md §2.7, written down once here:
- known share: each original publisher's collection share; a publisher at 0 (or without a
  share) that has administrators counts their shares instead (the real SB5VH7 work:
  SM PUBLISHING UK 0, its administrator SONY/ATV TUNES 50; reference/mlc/portal-api/).
- a writer is represented when a publisher (or administrator) shares its `chain_id`.
- signed: known >= 99.5 (3 x 33.33 counts) and every writer represented; unsigned: no
  publisher or 0 known; split: anything else. No recording for the ISRC, or recordings
  without a song code, give no status (`not_found` / `not_linked`), never `unsigned`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from track_assets.db.repository.credits import normalized_person_name

PHASE = "mlc_publisher_status"
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
    """A writer credited on the track (phase 2); the IPI only when some source gave one."""

    name: str
    ipi: str | None = None


@dataclass(frozen=True)
class WorkWriter:
    name: str
    ipi: str | None = None
    role: str | None = None  # CWR code: CA, C, A, ...
    chain_id: str | None = None  # the publisher chain representing the writer, if any


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


@dataclass(frozen=True)
class CreditedWriterMatch:
    """A credited writer of the track and the work's writer it was matched to, if any.

    `represented` is None when the writer was not found among the work's writers.
    """

    credited_name: str
    matched_by: str | None  # "ipi" | "name" | None
    work_writer: str | None
    ipi: str | None
    represented: bool | None


@dataclass(frozen=True)
class WorkCandidate:
    """One work the ISRC led to, how well it agrees with the track, and whether it was chosen.

    `confidence`: half for the title (or an alternative title) agreeing, half times the share
    of credited writers found among the work's writers; 1.0 when it is the only work.
    """

    song_code: str
    title_agrees: bool
    writers_agreeing: int
    confidence: float
    chosen: bool


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


def writer_is_represented(writer: WorkWriter, work: WorkFacts) -> bool:
    return writer.chain_id is not None and writer.chain_id in _chains(work)


def publisher_status_for_work(work: WorkFacts) -> PublisherStatus:
    known = known_share(work)
    if not work.publishers or known == 0:
        return PublisherStatus.UNSIGNED
    chains = _chains(work)
    everyone = all(w.chain_id is not None and w.chain_id in chains for w in work.writers)
    if known >= SIGNED_MIN_KNOWN_SHARE and everyone:
        return PublisherStatus.SIGNED
    return PublisherStatus.SPLIT


# --- matching the track to works --------------------------------------------------------------


def name_key(name: str) -> tuple[str, ...]:
    """A person's name as sorted normalised words: "HAHEEB SAHEEB" matches "Saheeb Haheeb"."""
    return tuple(sorted(normalized_person_name(name.replace("&", " and ")).split()))


def title_key(title: str) -> str:
    """A title without its "(feat. ...)" / "(with ...)" part, normalised."""
    return normalized_person_name(_FEATURING.sub("", title).replace("&", " and "))


def _ipi_key(ipi: str | None) -> str | None:
    """IPI name numbers compared as 11 digits (they are often written without leading zeros)."""
    digits = "".join(c for c in ipi or "" if c.isdigit())
    return digits.zfill(11) if digits else None


def match_credited_writers(
    credited: Sequence[CreditedWriter], work: WorkFacts
) -> tuple[CreditedWriterMatch, ...]:
    """Each credited writer matched to one of the work's writers: by IPI when both are known,
    else by name words (in any order and case) unless their IPIs are known and differ."""
    chains = _chains(work)
    matches = []
    for person in credited:
        wanted_ipi = _ipi_key(person.ipi)
        found, how = None, None
        if wanted_ipi is not None:
            found = next((w for w in work.writers if _ipi_key(w.ipi) == wanted_ipi), None)
            how = "ipi" if found else None
        if found is None:
            key = name_key(person.name)
            found = next(
                (
                    w
                    for w in work.writers
                    if name_key(w.name) == key
                    and (wanted_ipi is None or _ipi_key(w.ipi) in (None, wanted_ipi))
                ),
                None,
            )
            how = "name" if found else None
        matches.append(
            CreditedWriterMatch(
                credited_name=person.name,
                matched_by=how,
                work_writer=found.name if found else None,
                ipi=found.ipi if found else None,
                represented=(found.chain_id is not None and found.chain_id in chains)
                if found
                else None,
            )
        )
    return tuple(matches)


def _agreement(
    work: WorkFacts, track_title: str | None, credited: Sequence[CreditedWriter]
) -> tuple[bool, int]:
    titles = {title_key(t) for t in (work.title, *work.alternative_titles) if t}
    title_agrees = bool(track_title) and title_key(track_title) in titles
    writers = sum(m.work_writer is not None for m in match_credited_writers(credited, work))
    return title_agrees, writers


def rank_works(
    works: Sequence[WorkFacts], track_title: str | None, credited: Sequence[CreditedWriter]
) -> tuple[WorkFacts | None, tuple[WorkCandidate, ...]]:
    """The work the track is (one work: it; several: the one whose title, then writers, agree
    best, None when none agrees at all or two agree equally) and every work as a candidate."""
    if not works:
        return None, ()
    if len(works) == 1:
        title_agrees, writers = _agreement(works[0], track_title, credited)
        only = WorkCandidate(
            works[0].song_code, title_agrees, writers, SINGLE_WORK_CONFIDENCE, True
        )
        return works[0], (only,)
    scored = [(_agreement(w, track_title, credited), w) for w in works]
    ranked = sorted((score for score, _ in scored), reverse=True)
    best = ranked[0]
    chosen = None
    if best != (False, 0) and ranked[1] != best:
        chosen = next(w for score, w in scored if score == best)
    candidates = tuple(
        WorkCandidate(
            song_code=w.song_code,
            title_agrees=title_agrees,
            writers_agreeing=writers,
            confidence=round(
                0.5 * title_agrees + 0.5 * (writers / len(credited) if credited else 0.0), 4
            ),
            chosen=w is chosen,
        )
        for (title_agrees, writers), w in scored
    )
    return chosen, candidates


# --- the track --------------------------------------------------------------------------------


def publisher_status_for_track(
    *,
    isrc: str | None,
    track_title: str | None,
    credited: Sequence[CreditedWriter],
    recording_song_codes: Sequence[str | None],
    works: Mapping[str, WorkFacts | None],
) -> TrackPublisherStatus:
    """Phase 3 for one track, from the song codes of the MLC's recordings of its ISRC (one
    entry per recording, None for a recording without a work) and the works by song code."""
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
    chosen, candidates = rank_works(facts, track_title, credited)
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
            WriterRepresentation(
                w.name, w.ipi, w.role, w.chain_id is not None and w.chain_id in chains
            )
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
