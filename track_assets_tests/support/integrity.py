"""What a pipeline run must never leave, however it ended: duplicated rows, and tracks whose
fields differ from an uninterrupted, fault-free run's."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from track_assets.db.repository import get_track
from track_assets.db.tables import artist_songwriters, songwriters, track_credits
from track_assets.phases import FIELDS, PHASES, Freshness

# Rows a rerun could add twice if it did not know what was stored, by what makes them one.
NATURAL_KEYS = {
    "track_credits": (track_credits.c.track_id, track_credits.c.role, track_credits.c.name),
    "artist_songwriters": tuple(artist_songwriters.primary_key.columns),
    "songwriters": (songwriters.c.identity_key,),
}
# Fields from lookups that never change from one day to the next (not play counts, series).
STATIC_FIELDS = tuple(
    field.name
    for phase in PHASES
    if phase.lookups and all(lookup.freshness is Freshness.STATIC for lookup in phase.lookups)
    for field in phase.fields
)
# Stream velocity needs two days of play counts: a one-day run has none.
ONE_DAY_FIELDS = tuple(field.name for field in FIELDS if field.name != "stream_velocity")


def duplicated_rows(conn: Connection) -> dict[str, list]:
    """Each table's natural keys that appear more than once."""
    found = {}
    for table, key in NATURAL_KEYS.items():
        rows = conn.execute(select(*key).group_by(*key).having(func.count() > 1)).all()
        if rows:
            found[table] = rows
    return found


def differences(
    conn: Connection, reference: Connection, track_ids: Iterable[str], fields: Iterable[str]
) -> list[tuple[str, str, object, object]]:
    """(track, field, got, expected) wherever a track's field differs from the reference's."""
    fields = tuple(fields)
    found = []
    for track_id in track_ids:
        got, expected = get_track(conn, track_id), get_track(reference, track_id)
        for name in fields:
            if getattr(got, name) != getattr(expected, name):
                found.append((track_id, name, getattr(got, name), getattr(expected, name)))
    return found
