"""Where each enriched field came from and when, or why it is null."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from track_assets.db.records import FieldProvenance
from track_assets.db.statements import upsert_row
from track_assets.db.tables import field_provenance
from track_assets.db.types import utc_now


def record_field_provenance(
    conn: Connection,
    *,
    entity: str,
    entity_id: str,
    field: str,
    source: str,
    fetched_at: datetime | None = None,
    reason: str | None = None,
) -> None:
    """Replace the provenance of one field: a value found clears an earlier reason for null."""
    upsert_row(
        conn,
        field_provenance,
        {
            "entity": entity,
            "entity_id": str(entity_id),
            "field": field,
            "source": source,
            "fetched_at": fetched_at or utc_now(),
            "reason": reason,
        },
        key=("entity", "entity_id", "field"),
    )


def field_provenance_for(
    conn: Connection, entity: str, entity_id: str
) -> dict[str, FieldProvenance]:
    """Provenance of every recorded field of one entity, by field name."""
    rows = conn.execute(
        select(field_provenance).where(
            field_provenance.c.entity == entity, field_provenance.c.entity_id == str(entity_id)
        )
    )
    return {row.field: FieldProvenance.from_row(row) for row in rows}
