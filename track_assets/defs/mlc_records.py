"""The MLC client's work records in phase 3's terms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from track_assets.enrichment.publisher_status import WorkFacts, WorkPublisher, WorkWriter

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
