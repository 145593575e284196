"""The feed's cursor over activity_log: new rows in id order, none skipped, none twice.

On PostgreSQL ids are taken at INSERT but become visible at COMMIT, so id 11 can be readable
while id 10 is still in flight. The reader stops at such a gap and passes it only once every
transaction that was running when it first saw the gap has ended (the id was rolled back).
SQLite writers hold the write lock from BEGIN to COMMIT, so ids appear in order there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from track_assets.db.records import ActivityEntry
from track_assets.db.repository.activity import activity_since
from track_assets.db.tables import activity_log

PAGE_SIZE = 500
# Between nextval() and the row's first write a transaction has no xid yet, so it is missing
# from the snapshot: a gap is also kept this long, which covers that window many times over.
GAP_GRACE_SECONDS = 1.0

_SNAPSHOT = text("SELECT CAST(pg_current_snapshot() AS text)")
_SNAPSHOT_ENDED = text(
    "SELECT coalesce(bool_and(pg_visible_in_snapshot(txid, pg_current_snapshot())), true) "
    "FROM pg_snapshot_xip(CAST(:snapshot AS pg_snapshot)) AS running(txid)"
)


@dataclass
class _Gap:
    """Missing ids `first`..`last`, first seen at `seen_at` while `snapshot` was current."""

    first: int
    last: int
    seen_at: float
    snapshot: str
    ended: bool = False

    def covers(self, first: int, last: int) -> bool:
        return self.first <= first and last <= self.last


class ActivityReader:
    """Reads activity_log after its cursor; one per feed, called from one thread at a time."""

    def __init__(
        self,
        dialect_name: str,
        *,
        cursor: int = 0,
        page_size: int = PAGE_SIZE,
        gap_grace_seconds: float = GAP_GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cursor = cursor
        self._holds_gaps = dialect_name == "postgresql"
        self._page_size = page_size
        self._grace = gap_grace_seconds
        self._clock = clock
        self._gaps: list[_Gap] = []

    @property
    def waiting_on_gap(self) -> bool:
        """Whether rows are held back behind an id that may still commit (read again soon)."""
        return bool(self._gaps)

    def start_at_latest(self, conn: Connection) -> int:
        """Move the cursor to the newest row: later reads return only rows recorded after this."""
        self.cursor = conn.execute(select(func.max(activity_log.c.id))).scalar() or 0
        self._gaps.clear()
        return self.cursor

    def read_new(self, conn: Connection) -> list[ActivityEntry]:
        """The rows after the cursor that may be delivered now, oldest first; moves the cursor."""
        # Decided before reading: a transaction that ends between the read and the check
        # would otherwise have its row skipped.
        self._check_gaps(conn)
        new: list[ActivityEntry] = []
        while True:
            rows = activity_since(conn, self.cursor, limit=self._page_size)
            held = self._take_contiguous(rows, new)
            if held is not None:
                self._note_gaps(conn, held)
                break
            if len(rows) < self._page_size:
                break
        self._gaps = [gap for gap in self._gaps if gap.last > self.cursor]
        return new

    def _take_contiguous(
        self, rows: list[ActivityEntry], into: list[ActivityEntry]
    ) -> list[ActivityEntry] | None:
        """Move rows into `into` up to the first open gap; returns the held rows, if any."""
        for index, row in enumerate(rows):
            missing = (self.cursor + 1, row.id - 1)
            if row.id > self.cursor + 1 and self._holds_gaps and not self._gap_ended(*missing):
                return rows[index:]
            into.append(row)
            self.cursor = row.id
        return None

    def _gap_ended(self, first: int, last: int) -> bool:
        return any(gap.ended and gap.covers(first, last) for gap in self._gaps)

    def _note_gaps(self, conn: Connection, held: list[ActivityEntry]) -> None:
        snapshot: str | None = None
        previous = self.cursor
        for row in held:
            first, last = previous + 1, row.id - 1
            previous = row.id
            if first > last or any(gap.covers(first, last) for gap in self._gaps):
                continue
            if snapshot is None:  # taken after the read: covers every writer of these ids
                snapshot = conn.execute(_SNAPSHOT).scalar_one()
            self._gaps.append(_Gap(first, last, self._clock(), snapshot))

    def _check_gaps(self, conn: Connection) -> None:
        now = self._clock()
        for gap in self._gaps:
            if gap.ended or now - gap.seen_at < self._grace:
                continue
            gap.ended = conn.execute(_SNAPSHOT_ENDED, {"snapshot": gap.snapshot}).scalar_one()
