"""Works at The MLC: writers, publishers and their administrators, and each track's candidates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from track_assets.db.records import MlcPublisher, MlcWork, MlcWriter, TrackMlcFacts, TrackMlcWork
from track_assets.db.repository.credits import normalized_person_name
from track_assets.db.statements import in_chunks, known_values, upsert_row
from track_assets.db.statuses import CreditRole
from track_assets.db.tables import (
    mlc_work_publishers,
    mlc_work_writers,
    mlc_works,
    track_credits,
    track_mlc_works,
)


def mlc_party_key(name: str, ipi: str | None) -> str:
    """How a writer or publisher is told apart within one work: its IPI, else its name."""
    if ipi and ipi.strip():
        return ipi.strip()
    return f"name:{normalized_person_name(name)}"


def upsert_mlc_work(conn: Connection, work: MlcWork, *, now: datetime | None = None) -> None:
    """Insert or update a work. Writers and publishers, when given, replace the stored lists
    (rows are updated in place, ones no longer listed deleted); None keeps them."""
    values = known_values(work.as_values(), mlc_works)
    upsert_row(conn, mlc_works, values, key=("mlc_song_code",), now=now)
    if work.writers is not None:
        _replace_writers(conn, work.mlc_song_code, work.writers)
    if work.publishers is not None:
        _replace_publishers(conn, work.mlc_song_code, work.publishers)


def _replace_writers(conn: Connection, song_code: str, writers: tuple[MlcWriter, ...]) -> None:
    keys = []
    for writer in writers:
        key = mlc_party_key(writer.name, writer.ipi)
        keys.append(key)
        upsert_row(
            conn,
            mlc_work_writers,
            {
                "mlc_song_code": song_code,
                "writer_key": key,
                "name": writer.name,
                "ipi": writer.ipi,
                "role": writer.role,
                "represented": writer.represented,
            },
            key=("mlc_song_code", "writer_key"),
        )
    stale = delete(mlc_work_writers).where(mlc_work_writers.c.mlc_song_code == song_code)
    if keys:
        stale = stale.where(mlc_work_writers.c.writer_key.not_in(keys))
    conn.execute(stale)


def _replace_publishers(
    conn: Connection, song_code: str, publishers: tuple[MlcPublisher, ...]
) -> None:
    keys: list[str] = []

    def write(publisher: MlcPublisher, parent_id: int | None, parent_key: str | None) -> None:
        own = mlc_party_key(publisher.name, publisher.ipi)
        key = f"{parent_key}>{own}" if parent_key else own
        keys.append(key)
        row = upsert_row(
            conn,
            mlc_work_publishers,
            {
                "mlc_song_code": song_code,
                "publisher_key": key,
                "name": publisher.name,
                "ipi": publisher.ipi,
                "role": publisher.role,
                "collection_share": publisher.collection_share,
                "administrator_of_id": parent_id,
            },
            key=("mlc_song_code", "publisher_key"),
            returning=(mlc_work_publishers.c.id,),
        )
        for administrator in publisher.administrators:
            write(administrator, row.id, key)

    for publisher in publishers:
        write(publisher, None, None)
    stale = delete(mlc_work_publishers).where(mlc_work_publishers.c.mlc_song_code == song_code)
    if keys:
        stale = stale.where(mlc_work_publishers.c.publisher_key.not_in(keys))
    conn.execute(stale)


def get_mlc_work(conn: Connection, mlc_song_code: str) -> MlcWork | None:
    """The stored work with its writers and publishers (administrators nested)."""
    row = conn.execute(select(mlc_works).where(mlc_works.c.mlc_song_code == mlc_song_code)).first()
    if row is None:
        return None
    writers = tuple(
        MlcWriter.from_row(writer)
        for writer in conn.execute(
            select(mlc_work_writers)
            .where(mlc_work_writers.c.mlc_song_code == mlc_song_code)
            .order_by(mlc_work_writers.c.id)
        )
    )
    rows = conn.execute(
        select(mlc_work_publishers)
        .where(mlc_work_publishers.c.mlc_song_code == mlc_song_code)
        .order_by(mlc_work_publishers.c.id)
    ).all()
    children: dict[int | None, list] = {}
    for publisher in rows:
        children.setdefault(publisher.administrator_of_id, []).append(publisher)

    def build(publisher) -> MlcPublisher:
        return MlcPublisher.from_row(
            publisher,
            administrators=tuple(build(child) for child in children.get(publisher.id, [])),
        )

    publishers = tuple(build(publisher) for publisher in children.get(None, []))
    return MlcWork.from_row(row, writers=writers, publishers=publishers)


def link_track_mlc_work(
    conn: Connection, candidate: TrackMlcWork, *, now: datetime | None = None
) -> None:
    """Record a candidate work for a track; choosing one un-chooses the track's others."""
    if candidate.is_chosen:
        conn.execute(
            update(track_mlc_works)
            .where(
                track_mlc_works.c.track_id == candidate.track_id,
                track_mlc_works.c.mlc_song_code != candidate.mlc_song_code,
                track_mlc_works.c.is_chosen.is_(True),
            )
            .values(is_chosen=False)
        )
    values = known_values(candidate.as_values(), track_mlc_works)
    upsert_row(conn, track_mlc_works, values, key=("track_id", "mlc_song_code"), now=now)


def track_mlc_candidates(conn: Connection, track_id: str) -> list[TrackMlcWork]:
    """The track's candidate works, the chosen one first."""
    rows = conn.execute(
        select(track_mlc_works)
        .where(track_mlc_works.c.track_id == track_id)
        .order_by(track_mlc_works.c.is_chosen.desc(), track_mlc_works.c.mlc_song_code)
    )
    return [TrackMlcWork.from_row(row) for row in rows]


def track_mlc_facts(conn: Connection, track_ids: Iterable[str]) -> dict[str, TrackMlcFacts]:
    """What The MLC says about each of these tracks, read in a few queries: its candidate works
    (still linked to its ISRC), their writers' IPIs, the chosen work's ISWC and the IPI of the
    work's writer each credit was matched to. Tracks without a candidate are left out."""
    wanted = sorted(set(track_ids))
    links: dict[str, list] = {}
    for chunk in in_chunks(wanted):
        rows = conn.execute(
            select(track_mlc_works.c.track_id, track_mlc_works.c.is_chosen, mlc_works)
            .join(mlc_works, mlc_works.c.mlc_song_code == track_mlc_works.c.mlc_song_code)
            .where(
                track_mlc_works.c.track_id.in_(chunk),
                track_mlc_works.c.matched_isrc.is_not(None),
            )
            .order_by(track_mlc_works.c.track_id, track_mlc_works.c.mlc_song_code)
        )
        for row in rows:
            links.setdefault(row.track_id, []).append(row)
    codes = sorted({row.mlc_song_code for rows in links.values() for row in rows})
    ipis: dict[str, list[str]] = {}
    for chunk in in_chunks(codes):
        rows = conn.execute(
            select(mlc_work_writers.c.mlc_song_code, mlc_work_writers.c.ipi).where(
                mlc_work_writers.c.mlc_song_code.in_(chunk), mlc_work_writers.c.ipi.is_not(None)
            )
        )
        for row in rows:
            ipis.setdefault(row.mlc_song_code, []).append(row.ipi)
    credit_ipis: dict[str, dict[str, str]] = {}
    for chunk in in_chunks(sorted(links)):
        rows = conn.execute(
            select(track_credits.c.track_id, track_credits.c.name, track_credits.c.mlc_ipi).where(
                track_credits.c.track_id.in_(chunk),
                track_credits.c.role == CreditRole.WRITER,
                track_credits.c.mlc_ipi.is_not(None),
            )
        )
        for row in rows:
            credit_ipis.setdefault(row.track_id, {})[row.name] = row.mlc_ipi
    return {
        track_id: TrackMlcFacts(
            track_id=track_id,
            song_codes=tuple(r.mlc_song_code for r in rows),
            chosen_song_code=next((r.mlc_song_code for r in rows if r.is_chosen), None),
            writer_ipis=tuple(i for r in rows for i in ipis.get(r.mlc_song_code, ())),
            iswcs=tuple(r.iswc for r in rows if r.is_chosen and r.iswc),
            credit_ipis=credit_ipis.get(track_id, {}),
        )
        for track_id, rows in links.items()
    }
