"""Phase 3's writes: the MLC works a track's ISRC led to, the track's links to them, its
publisher status, IPIs, ISWC and song code with their provenance, and the phase status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import (
    MlcPublisher,
    MlcWork,
    MlcWriter,
    Track,
    TrackCredit,
    TrackMlcWork,
)
from track_assets.db.repository import (
    credits_of_tracks,
    link_track_mlc_work,
    musicbrainz_artists_of_songwriters,
    record_field_provenance,
    set_credit_mlc_match,
    set_phase_status,
    track_mlc_candidates,
    upsert_mlc_work,
    upsert_track,
)
from track_assets.db.statuses import CreditRole, PhaseState
from track_assets.enrichment.publisher_status import (
    PHASE,
    CreditedWriter,
    TrackPublisherStatus,
    WorkCandidate,
    WorkFacts,
    WorkPublisher,
    WorkWriter,
    credited_writer,
    known_share,
    publisher_status_for_work,
    writer_is_represented,
)

SOURCE = "mlc"
NO_LONGER_LINKED = "no longer linked to the track's ISRC"
TRACK_FIELDS = ("publisher_status", "mlc_song_code", "iswc", "ipi", "publisher")


def mlc_work_row(work: WorkFacts, fetched_at: datetime) -> MlcWork:
    """A work as a row of `mlc_works` with its writers and publishers (administrators nested)."""
    return MlcWork(
        mlc_song_code=work.song_code,
        fetched_at=fetched_at,
        title=work.title,
        iswc=work.iswc,
        known_share=known_share(work),
        status=publisher_status_for_work(work).value,
        alternative_titles=list(work.alternative_titles),
        writers=tuple(
            MlcWriter(
                name=w.name, ipi=w.ipi, role=w.role, represented=writer_is_represented(w, work)
            )
            for w in work.writers
        ),
        publishers=tuple(_publisher_row(p) for p in work.publishers),
    )


def stored_work_facts(row: MlcWork) -> WorkFacts:
    """A work read back from the database, in phase 3's terms (the inverse of `mlc_work_row`:
    each writer's representation as it was decided from the MLC's chains)."""

    def publisher(p: MlcPublisher) -> WorkPublisher:
        return WorkPublisher(
            name=p.name,
            ipi=p.ipi,
            role=p.role,
            collection_share=p.collection_share,
            administrators=tuple(publisher(a) for a in p.administrators),
        )

    return WorkFacts(
        song_code=row.mlc_song_code,
        title=row.title,
        iswc=row.iswc,
        alternative_titles=tuple(row.alternative_titles or ()),
        writers=tuple(
            WorkWriter(w.name, w.ipi, w.role, represented=bool(w.represented))
            for w in row.writers or ()
        ),
        publishers=tuple(publisher(p) for p in row.publishers or ()),
    )


def _publisher_row(publisher: WorkPublisher) -> MlcPublisher:
    return MlcPublisher(
        name=publisher.name,
        ipi=publisher.ipi,
        role=publisher.role,
        collection_share=publisher.collection_share,
        administrators=tuple(_publisher_row(a) for a in publisher.administrators),
    )


def _link_reason(candidate: WorkCandidate, only: bool) -> str:
    """Why the work was (not) chosen, with the evidence: the ISWC, the title, and which
    credited writers agreed with which of the work's writers and how."""
    if only:
        parts = ["the only work linked to the ISRC"]
    else:
        parts = [
            "chosen" if candidate.chosen else "not chosen",
            "title agrees" if candidate.title_agrees else "title differs",
        ]
        if candidate.iswc_agrees is not None:
            agrees = "agrees with" if candidate.iswc_agrees else "differs from"
            parts.insert(1, f"ISWC {agrees} MusicBrainz's")
    parts.append(f"{candidate.writers_agreeing} credited writer(s) found")
    parts.extend(candidate.writer_evidence)
    return "; ".join(parts)


def store_track_mlc(
    conn: Connection,
    track_id: str,
    result: TrackPublisherStatus,
    works: Mapping[str, WorkFacts | None],
    now: datetime,
) -> None:
    """Write phase 3's answer for one track (idempotent; the track row must exist).

    `works` holds the fetched works by song code (it may hold other tracks' works too); every
    candidate work of `result` is stored, then the decision (`store_track_mlc_decision`). A
    track without a status gets null columns with the reason in their provenance; not_found,
    not_linked and ambiguous are answers (phase done), no ISRC or no writers make the phase
    not applicable.
    """
    for candidate in result.candidates:
        work = works.get(candidate.song_code)
        if work is not None:
            upsert_mlc_work(conn, mlc_work_row(work, now), now=now)
    store_track_mlc_decision(conn, track_id, result, now)
    if result.reason is not None and not result.reason.applicable:
        set_phase_status(
            conn, track_id, PHASE, PhaseState.NOT_APPLICABLE, reason=result.reason.value, now=now
        )
    else:
        reason = result.reason.value if result.reason else None
        set_phase_status(conn, track_id, PHASE, PhaseState.DONE, reason=reason, now=now)


def store_track_mlc_decision(
    conn: Connection, track_id: str, result: TrackPublisherStatus, now: datetime
) -> None:
    """Which of the stored works the track is, its status, IPIs, ISWC and song code, and each
    credited writer's match; the works themselves must be stored already."""
    only = len(result.candidates) == 1
    linked = set()
    for candidate in result.candidates:
        link_track_mlc_work(
            conn,
            TrackMlcWork(
                track_id=track_id,
                mlc_song_code=candidate.song_code,
                is_chosen=candidate.chosen,
                matched_isrc=result.isrc,
                confidence=candidate.confidence,
                reason=_link_reason(candidate, only),
            ),
            now=now,
        )
        linked.add(candidate.song_code)
    for earlier in track_mlc_candidates(conn, track_id):
        if earlier.mlc_song_code not in linked:
            link_track_mlc_work(
                conn,
                TrackMlcWork(
                    track_id=track_id,
                    mlc_song_code=earlier.mlc_song_code,
                    is_chosen=False,
                    reason=NO_LONGER_LINKED,
                ),
                now=now,
            )

    reasons: dict[str, str | None]
    if result.status is None:
        missing = result.reason.value if result.reason else "unknown"
        reasons = dict.fromkeys(TRACK_FIELDS, missing)
    else:
        reasons = {
            "publisher_status": None,
            "mlc_song_code": None,
            "iswc": None if result.iswc else "no_iswc_at_mlc",
            "ipi": None if result.ipi else "no_writer_ipi_at_mlc",
            "publisher": None if result.publisher_names else "no_publishers_at_mlc",
        }
    row = Track(
        spotify_track_id=track_id,
        publisher_status=result.status.value if result.status else None,
        ipi=result.ipi,
        iswc=result.iswc,
        mlc_song_code=result.song_code,
        publisher=result.publisher_names,
    )
    upsert_track(conn, row, clear=[f for f, why in reasons.items() if why is not None], now=now)
    for match in result.credited_writers:
        set_credit_mlc_match(
            conn,
            track_id,
            match.credited_name,
            mlc_ipi=match.ipi,
            represented=match.represented,
            writer_name=match.work_writer,
            confidence=match.confidence,
            evidence=match.evidence,
        )
    for field, why in reasons.items():
        record_field_provenance(
            conn,
            entity="track",
            entity_id=track_id,
            field=field,
            source=SOURCE,
            fetched_at=now,
            reason=why,
        )


def writer_credits(conn: Connection, track_ids: Sequence[str]) -> dict[str, list[TrackCredit]]:
    """Each track's credited writers, in two queries whatever the number of tracks."""
    return credits_of_tracks(conn, track_ids, role=CreditRole.WRITER)


def credited_writers(
    conn: Connection, credits: Mapping[str, Sequence[TrackCredit]]
) -> dict[str, list[CreditedWriter]]:
    """The writers' identities as phase 3 matches them: each credit with the MusicBrainz
    artists its songwriter is linked to (legal names, aliases, IPIs), in one query."""
    known = musicbrainz_artists_of_songwriters(
        conn, (c.songwriter_id for cs in credits.values() for c in cs if c.songwriter_id)
    )
    return {
        track_id: [credited_writer(c, known.get(c.songwriter_id, ())) for c in cs]
        for track_id, cs in credits.items()
    }
