"""Phase 4's writes: a songwriter's MusicBrainz artist, how it was matched, its classified links,
and what we know about songwriters MusicBrainz could not name (so none is looked up twice)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from track_assets.db.records import ArtistExternalLink, Track, TrackMlcFacts
from track_assets.db.repository import (
    field_provenance_for,
    link_artist_songwriter,
    list_artist_external_links,
    record_field_provenance,
    set_phase_status,
    songwriter_artist_ids,
    track_mlc_facts,
    upsert_artist_external_link,
    upsert_musicbrainz_artist,
)
from track_assets.db.statuses import PhaseState
from track_assets.enrichment.mlc_store import writer_credits
from track_assets.enrichment.musicbrainz_answers import store_recording_works
from track_assets.enrichment.phase_report import Coverage, PhaseReport
from track_assets.enrichment.songwriter_links import (
    CachedMusicBrainzLookups,
    MatchMethod,
    MlcEvidence,
    RecordingWork,
    TrackForLinks,
    WriterCredit,
    WriterResolution,
    artist_record,
    resolve_songwriter,
    writers_to_resolve,
)
from track_assets.phases import MUSICBRAINZ

PHASE = MUSICBRAINZ.key
SOURCE = "musicbrainz"
# Songwriter-level outcome, kept in field_provenance: reason null when linked, else
# "ambiguous: <candidate mbids> (<why none was taken>)" or "not_found" (null with a reason:
# docs/architecture.md#null-means-unknown).
SONGWRITER_ENTITY = "songwriter"
RESOLUTION_FIELD = "musicbrainz_artist"
ARTIST_ENTITY = "artist"
LINKS_FIELD = "external_links"
LINKED = "linked"
NO_WRITERS = "no_writers"


def mlc_evidence(facts: TrackMlcFacts | None) -> MlcEvidence:
    """What phase 3 stored about the track, as evidence for phase 4."""
    if facts is None:
        return MlcEvidence()
    return MlcEvidence.of(facts.writer_ipis, facts.credit_ipis, facts.iswcs)


@dataclass(frozen=True)
class StoredResolution:
    """What the database holds about a songwriter's MusicBrainz identity."""

    songwriter_id: int
    status: str  # linked | ambiguous | not_found
    artist_ids: tuple[int, ...]
    fetched_at: datetime
    reason: str | None = None

    @property
    def linked(self) -> bool:
        return self.status == LINKED


def store_songwriter_resolution(
    conn: Connection, songwriter_id: int, resolution: WriterResolution, *, now: datetime
) -> StoredResolution:
    """Store one writer's outcome; idempotent.

    Linked: the artist row, the artist-songwriter link with its method and confidence, and the
    artist's current links by platform (a link stored earlier that MusicBrainz no longer lists
    as current is kept, marked ended). Not linked: the reason, unless the songwriter is already
    linked, since evidence found on one track is not undone by another track that has none.
    """
    if resolution.linked:
        artist = resolution.artist
        if artist is None or resolution.mbid is None:
            raise ValueError(f"linked resolution of {resolution.writer.name!r} has no artist")
        artist_id = upsert_musicbrainz_artist(conn, artist_record(artist), now=now)
        link_artist_songwriter(
            conn,
            artist_id,
            songwriter_id,
            method=resolution.method.value,
            confidence=resolution.confidence,
            evidence=resolution.evidence or None,
            now=now,
        )
        store_artist_links(conn, artist_id, resolution, now=now)
        record_field_provenance(
            conn,
            entity=SONGWRITER_ENTITY,
            entity_id=str(songwriter_id),
            field=RESOLUTION_FIELD,
            source=SOURCE,
            fetched_at=now,
        )
    else:
        already_linked = bool(songwriter_artist_ids(conn, songwriter_id))
        if not already_linked or stored_songwriter_resolution(conn, songwriter_id) is None:
            record_field_provenance(
                conn,
                entity=SONGWRITER_ENTITY,
                entity_id=str(songwriter_id),
                field=RESOLUTION_FIELD,
                source=SOURCE,
                fetched_at=now,
                reason=None if already_linked else _unlinked_reason(resolution),
            )
    stored = stored_songwriter_resolution(conn, songwriter_id)
    if stored is None:  # cannot happen: provenance was written above
        raise RuntimeError(f"songwriter {songwriter_id}: MusicBrainz outcome was not stored")
    return stored


def store_artist_links(
    conn: Connection, artist_id: int, resolution: WriterResolution, *, now: datetime
) -> int:
    """Upsert the artist's current links; mark ended the stored ones no longer current.
    Returns how many current links it has."""
    current = {link.url: link for link in resolution.links}
    for link in resolution.links:
        upsert_artist_external_link(
            conn,
            ArtistExternalLink(
                artist_id=artist_id, kind=link.platform.value, url=link.url, ended=False
            ),
            now=now,
        )
    for stored in list_artist_external_links(conn, artist_id):
        if stored.url not in current and not stored.ended:
            upsert_artist_external_link(
                conn,
                ArtistExternalLink(
                    artist_id=artist_id, kind=stored.kind, url=stored.url, ended=True
                ),
                now=now,
            )
    record_field_provenance(
        conn,
        entity=ARTIST_ENTITY,
        entity_id=str(artist_id),
        field=LINKS_FIELD,
        source=SOURCE,
        fetched_at=now,
        reason=None if current else "no_current_links",
    )
    return len(current)


def stored_songwriter_resolution(conn: Connection, songwriter_id: int) -> StoredResolution | None:
    """The stored outcome for this songwriter, or None when phase 4 never resolved it."""
    provenance = field_provenance_for(conn, SONGWRITER_ENTITY, str(songwriter_id)).get(
        RESOLUTION_FIELD
    )
    artist_ids = tuple(songwriter_artist_ids(conn, songwriter_id))
    if provenance is None:
        return None
    if artist_ids:
        status = LINKED
    else:
        status = (provenance.reason or MatchMethod.NOT_FOUND.value).split(":", 1)[0]
    return StoredResolution(
        songwriter_id=songwriter_id,
        status=status,
        artist_ids=artist_ids,
        fetched_at=provenance.fetched_at,
        reason=provenance.reason if not artist_ids else None,
    )


def songwriter_is_resolved(
    conn: Connection,
    songwriter_id: int,
    *,
    now: datetime,
    ttl: timedelta | None,
    unlinked_ttl: timedelta | None = None,
) -> bool:
    """Whether phase 4 can skip this songwriter: linked within `ttl`, or found ambiguous / not
    found within `unlinked_ttl` (default `ttl`; shorter lets a new track's evidence retry it
    sooner). A None TTL never goes stale."""
    stored = stored_songwriter_resolution(conn, songwriter_id)
    if stored is None:
        return False
    limit = ttl if stored.linked or unlinked_ttl is None else unlinked_ttl
    return limit is None or stored.fetched_at > now - limit


def songwriters_to_resolve(
    conn: Connection,
    songwriter_ids: Iterable[int],
    *,
    now: datetime,
    ttl: timedelta | None,
    unlinked_ttl: timedelta | None = None,
) -> list[int]:
    """The songwriters (in the given order, once each) that still need MusicBrainz lookups."""
    return [
        songwriter_id
        for songwriter_id in dict.fromkeys(songwriter_ids)
        if not songwriter_is_resolved(
            conn, songwriter_id, now=now, ttl=ttl, unlinked_ttl=unlinked_ttl
        )
    ]


def _unlinked_reason(resolution: WriterResolution) -> str:
    if resolution.method is MatchMethod.AMBIGUOUS:
        candidates = ", ".join(resolution.candidate_mbids)
        why = f" ({resolution.evidence})" if resolution.evidence else ""
        return f"{MatchMethod.AMBIGUOUS.value}: {candidates}{why}"
    return resolution.method.value


def tracks_for_links(
    conn: Connection, rows: Sequence[Track], due: Sequence[str]
) -> dict[str, TrackForLinks]:
    """The due tracks as phase 4 sees them: title, ISRC, credited writers and The MLC's
    evidence (phase 3's writers' IPIs and ISWCs), in a few queries."""
    facts = track_mlc_facts(conn, due)
    credits = writer_credits(conn, due)
    return {
        row.spotify_track_id: TrackForLinks(
            row.spotify_track_id,
            row.name or "",
            row.isrc,
            tuple(
                WriterCredit(c.name, c.spotify_artist_uri, c.songwriter_id)
                for c in credits[row.spotify_track_id]
            ),
            mlc_evidence(facts.get(row.spotify_track_id)),
        )
        for row in rows
        if row.spotify_track_id in credits
    }


@dataclass(frozen=True)
class LinksPlan:
    """Phase 4's work on the due tracks: each track's writers to look up (`chosen`), and the
    songwriters among them not resolved within the TTL."""

    tracks: dict[str, TrackForLinks]
    chosen: dict[str, list[WriterCredit]]
    songwriter_ids: set[int]
    unresolved: set[int]

    def resolved_on(self, unresolved: set[int] | None = None) -> dict[str, list[WriterCredit]]:
        """Each songwriter still to resolve on the first due track that credits it: track ->
        the writers resolved on it (their evidence is its ISRC's recordings)."""
        pending = set(self.unresolved if unresolved is None else unresolved)
        on: dict[str, list[WriterCredit]] = {}
        for track_id, writers in self.chosen.items():
            for writer in writers:
                if writer.songwriter_id in pending:
                    pending.discard(writer.songwriter_id)
                    on.setdefault(track_id, []).append(writer)
        return on


def plan_links(
    conn: Connection, rows: Sequence[Track], due: Sequence[str], *, now: datetime, ttl: timedelta
) -> LinksPlan:
    tracks = tracks_for_links(conn, rows, due)
    chosen = {t: writers_to_resolve(track.writers) for t, track in tracks.items()}
    ids = {w.songwriter_id for ws in chosen.values() for w in ws if w.songwriter_id}
    unresolved = set(songwriters_to_resolve(conn, ids, now=now, ttl=ttl))
    return LinksPlan(tracks, chosen, ids, unresolved)


def resolve_songwriters(
    plan: LinksPlan,
    track_ids: Sequence[str],
    unresolved: set[int],
    lookups: CachedMusicBrainzLookups,
) -> list[WriterResolution]:
    """Each songwriter in `unresolved`, once, on the first of these tracks that credits it."""
    batch = LinksPlan(plan.tracks, {t: plan.chosen[t] for t in track_ids}, set(), unresolved)
    return [
        resolve_songwriter(writer, plan.tracks[track_id], lookups)
        for track_id, writers in batch.resolved_on().items()
        for writer in writers
    ]


def store_links_phase(
    conn: Connection,
    chosen: Mapping[str, Sequence[WriterCredit]],
    resolutions: Sequence[WriterResolution],
    recording_works: Mapping[str, Sequence[RecordingWork]],
    report: PhaseReport,
    *,
    now: datetime,
) -> None:
    """Store the recordings' works asked here, each resolution and every due track's phase
    status."""
    store_recording_works(conn, recording_works, now=now)
    for resolution in resolutions:
        store_songwriter_resolution(conn, resolution.writer.songwriter_id, resolution, now=now)
        report.count(resolution.method.value)
        report.rows_written += 1
    for track_id, writers in chosen.items():
        if writers:
            set_phase_status(conn, track_id, PHASE, PhaseState.DONE, now=now)
        else:
            set_phase_status(
                conn, track_id, PHASE, PhaseState.NOT_APPLICABLE, reason=NO_WRITERS, now=now
            )
            report.count(PhaseState.NOT_APPLICABLE, NO_WRITERS)


@dataclass(frozen=True)
class LinksOutcome:
    looked_up: int  # chosen writers with a stored resolution
    linked: int
    preview: list[dict]

    @property
    def coverage(self) -> dict[str, Coverage]:
        return {"writers_linked": Coverage(self.linked, self.looked_up)}


def links_outcome(conn: Connection, chosen: Mapping[str, Sequence[WriterCredit]]) -> LinksOutcome:
    linked = looked_up = 0
    preview = []
    for track_id, writers in chosen.items():
        for writer in writers:
            stored = stored_songwriter_resolution(conn, writer.songwriter_id)
            looked_up += stored is not None
            linked += bool(stored and stored.linked)
            preview.append(
                {"track_id": track_id, "writer": writer.name, "status": stored and stored.status}
            )
    return LinksOutcome(looked_up, linked, preview)
