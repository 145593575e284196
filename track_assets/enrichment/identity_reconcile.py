"""Songwriter identity, reconciled: phase 3's decision made again once phase 4 has run, with
everything the pipeline knows, from the database alone (no request).

Phase 3 matches credited writers to a work's writers with what it has (names, and MusicBrainz
aliases and IPIs only for songwriters linked on an earlier run); phase 4 then links writers
to MusicBrainz using The MLC's IPIs and ISWCs. Made again here, the choice of work also weighs
the ISWCs of the ISRC's MusicBrainz works, and each credit is matched through its MusicBrainz
artist's legal name, other-script names and IPIs, so neither phase decides on less evidence
than the pipeline has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import Track, TrackCredit
from track_assets.db.repository import (
    get_mlc_work,
    musicbrainz_iswcs_by_isrc,
    track_mlc_facts,
)
from track_assets.enrichment.mlc_store import (
    credited_writers,
    store_track_mlc_decision,
    stored_work_facts,
    writer_credits,
)
from track_assets.enrichment.publisher_status import (
    TrackPublisherStatus,
    WorkFacts,
    publisher_status_for_track,
)


@dataclass(frozen=True)
class Reconciled:
    track_id: str
    result: TrackPublisherStatus
    changed: bool  # the status, the chosen work or some credit's match differs from before


def _stored_decision(track: Track, credits: Sequence[TrackCredit]) -> tuple:
    return (
        track.publisher_status,
        track.mlc_song_code,
        tuple(sorted((c.name, c.mlc_ipi, c.mlc_represented) for c in credits)),
    )


def _new_decision(result: TrackPublisherStatus) -> tuple:
    return (
        result.status.value if result.status else None,
        result.song_code,
        tuple(sorted((m.credited_name, m.ipi, m.represented) for m in result.credited_writers)),
    )


def reconcile_tracks(conn: Connection, tracks: Sequence[Track], now: datetime) -> list[Reconciled]:
    """Phase 3 decided again for these tracks (those with candidate works at The MLC), each
    decision stored; a few queries for all of them, plus one per candidate work."""
    facts = track_mlc_facts(conn, [t.spotify_track_id for t in tracks])
    chosen = [t for t in tracks if t.spotify_track_id in facts and t.isrc]
    credits = writer_credits(conn, [t.spotify_track_id for t in chosen])
    identities = credited_writers(conn, credits)
    iswcs = musicbrainz_iswcs_by_isrc(conn, (t.isrc for t in chosen if t.isrc))
    works: dict[str, WorkFacts] = {}
    for code in sorted({c for f in facts.values() for c in f.song_codes}):
        stored = get_mlc_work(conn, code)
        if stored is not None:
            works[code] = stored_work_facts(stored)
    outcomes = []
    for track in chosen:
        track_id = track.spotify_track_id
        writers = credits[track_id]
        result = publisher_status_for_track(
            isrc=track.isrc,
            track_title=track.name or "",
            credited=identities[track_id],
            recording_song_codes=facts[track_id].song_codes,
            works=works,
            known_iswcs=iswcs.get(track.isrc or "", ()),
        )
        if result.status is None and result.reason is not None and not result.reason.applicable:
            continue  # no writers any more: phase 3 says so on its next run
        changed = _new_decision(result) != _stored_decision(track, writers)
        store_track_mlc_decision(conn, track_id, result, now)
        outcomes.append(Reconciled(track_id, result, changed))
    return outcomes


def decision(result: TrackPublisherStatus) -> str:
    """The decision in one word: the publisher status, else why there is none."""
    return result.status.value if result.status else str(result.reason)


def changes_by_outcome(outcomes: Sequence[Reconciled]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.changed:
            key = decision(outcome.result)
            counts[key] = counts.get(key, 0) + 1
    return counts


def changed_preview(outcomes: Sequence[Reconciled]) -> list[dict]:
    return [
        {
            "track_id": o.track_id,
            "status": decision(o.result),
            "song_code": o.result.song_code,
            "matched_writers": sum(m.work_writer is not None for m in o.result.credited_writers),
        }
        for o in outcomes
        if o.changed
    ]
