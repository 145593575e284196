"""Phase 3 at The MLC: the recordings of each ISRC, their works in phase 3's terms, and what
the phase reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from track_assets.db.records import Track
from track_assets.enrichment.mlc_store import writer_credits
from track_assets.enrichment.phase_report import Coverage
from track_assets.enrichment.publisher_status import (
    PublisherStatus,
    WorkFacts,
    WorkPublisher,
    WorkWriter,
)

if TYPE_CHECKING:
    from track_assets.services.mlc import MlcPublisherRecord, MlcWorkRecord


def work_facts(record: MlcWorkRecord) -> WorkFacts:
    def publisher(p: MlcPublisherRecord) -> WorkPublisher:
        return WorkPublisher(
            name=p.name,
            ipi=p.ipi,
            role=p.role_code,
            collection_share=p.collection_share,
            administrators=tuple(publisher(a) for a in p.administrators),
            chain_id=p.chain_id,
        )

    return WorkFacts(
        song_code=record.song_code,
        title=record.title,
        iswc=record.iswc,
        alternative_titles=record.alternative_titles,
        writers=tuple(
            WorkWriter(w.full_name, w.ipi, w.role_code, w.chain_id) for w in record.writers
        ),
        publishers=tuple(publisher(p) for p in record.publishers),
    )


def look_up_works(
    client, isrcs: Iterable[str]
) -> tuple[dict[str, list[str]], dict[str, WorkFacts]]:
    """The song codes of each ISRC's recordings, and the works behind those codes."""
    codes = {isrc: [h.song_code for h in client.recordings_by_isrc(isrc)] for isrc in isrcs}
    records = client.works(code for found in codes.values() for code in found if code)
    return codes, {code: work_facts(r) for code, r in records.items() if r is not None}


def mlc_coverage(conn: Connection, rows: Sequence[Track]) -> dict[str, Coverage]:
    """Over the tracks The MLC could know: an ISRC and credited writers."""
    writers = writer_credits(conn, [r.spotify_track_id for r in rows])
    could = [r for r in rows if r.isrc and writers[r.spotify_track_id]]
    return {
        "publisher_status": Coverage(sum(1 for r in could if r.publisher_status), len(could)),
        "iswc": Coverage(sum(1 for r in could if r.iswc), len(could)),
        "ipi": Coverage(sum(1 for r in could if r.ipi), len(could)),
    }


def mlc_status_distribution(conn: Connection, rows: Sequence[Track]) -> dict:
    return {
        "status_distribution": {
            status.value: sum(1 for r in rows if r.publisher_status == status)
            for status in PublisherStatus
        }
    }


def mlc_preview(conn: Connection, rows: Sequence[Track]) -> list[dict]:
    return [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "status": r.publisher_status,
            "song_code": r.mlc_song_code,
            "ipi": r.ipi,
            "publisher": r.publisher,
        }
        for r in rows
    ]
