"""MLC works: one row per work, writers and publishers replaced, one chosen work per track."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from track_assets.db.records import MlcPublisher, MlcWork, MlcWriter, Track, TrackMlcWork
from track_assets.db.repository import (
    get_mlc_work,
    link_track_mlc_work,
    track_mlc_candidates,
    upsert_mlc_work,
    upsert_track,
)
from track_assets.db.tables import mlc_work_publishers, mlc_work_writers, mlc_works, track_mlc_works
from track_assets_tests.db.rows import NOW, count_rows

CODE = "SB5VH7"


def speedometer(**changes) -> MlcWork:
    fields = {
        "mlc_song_code": CODE,
        "fetched_at": NOW,
        "title": "SPEEDOMETER",
        "iswc": "T3246856991",
        "known_share": Decimal("50"),
        "status": "split",
        "writers": (
            MlcWriter(name="SAHEEB HAHEEB", ipi="01219346165", role="CA"),
            MlcWriter(name="CROWN UZAMAH"),
        ),
        "publishers": (
            MlcPublisher(
                name="SM PUBLISHING UK LIMITED",
                ipi="00584082436",
                collection_share=Decimal("0"),
                administrators=(
                    MlcPublisher(
                        name="SONY/ATV TUNES LLC", ipi="00338164558", collection_share=Decimal("50")
                    ),
                ),
            ),
        ),
    }
    fields.update(changes)
    return MlcWork(**fields)


def test_upsert_mlc_work_twice_keeps_one_row_with_new_values(conn):
    upsert_mlc_work(conn, speedometer())
    later = NOW + timedelta(days=30)
    upsert_mlc_work(
        conn,
        speedometer(
            fetched_at=later,
            known_share=Decimal("100"),
            status="signed",
            writers=(
                MlcWriter(name="SAHEEB HAHEEB", ipi="01219346165", role="CA"),
                MlcWriter(name="Crown Uzamah", ipi="00999999999", role="CA"),
            ),
            publishers=(
                MlcPublisher(
                    name="SM PUBLISHING UK LIMITED",
                    ipi="00584082436",
                    collection_share=Decimal("0"),
                    administrators=(
                        MlcPublisher(
                            name="SONY MUSIC PUBLISHING LLC",
                            ipi="00338164558",
                            collection_share=Decimal("62.5"),
                        ),
                    ),
                ),
                MlcPublisher(name="NEW PUBLISHER", collection_share=Decimal("37.5")),
            ),
        ),
    )

    assert count_rows(conn, mlc_works) == 1
    stored = get_mlc_work(conn, CODE)
    assert (stored.known_share, stored.status, stored.fetched_at) == (
        Decimal("100"),
        "signed",
        later,
    )
    # The writer without an IPI became a writer with one: the stale name-only row is gone.
    assert count_rows(conn, mlc_work_writers) == 2
    assert {(w.name, w.ipi) for w in stored.writers} == {
        ("SAHEEB HAHEEB", "01219346165"),
        ("Crown Uzamah", "00999999999"),
    }
    assert count_rows(conn, mlc_work_publishers) == 3
    original, new = stored.publishers
    assert original.name == "SM PUBLISHING UK LIMITED"
    [administrator] = original.administrators
    assert administrator.name == "SONY MUSIC PUBLISHING LLC"
    assert administrator.collection_share == Decimal("62.5")
    assert (new.name, new.collection_share, new.administrators) == (
        "NEW PUBLISHER",
        Decimal("37.5"),
        (),
    )


def test_work_without_lists_keeps_the_stored_writers_and_publishers(conn):
    upsert_mlc_work(conn, speedometer())
    upsert_mlc_work(conn, MlcWork(mlc_song_code=CODE, fetched_at=NOW, title="Speedometer"))

    stored = get_mlc_work(conn, CODE)
    assert stored.title == "Speedometer"
    assert stored.iswc == "T3246856991"
    assert len(stored.writers) == 2 and len(stored.publishers) == 1


def test_an_administrator_of_two_publishers_is_two_rows(conn):
    sony = MlcPublisher(name="SONY", ipi="1", collection_share=Decimal("25"))
    upsert_mlc_work(
        conn,
        speedometer(
            publishers=(
                MlcPublisher(name="A", ipi="10", administrators=(sony,)),
                MlcPublisher(name="B", ipi="20", administrators=(sony,)),
            )
        ),
    )
    upsert_mlc_work(
        conn,
        speedometer(
            publishers=(
                MlcPublisher(name="A", ipi="10", administrators=(sony,)),
                MlcPublisher(name="B", ipi="20", administrators=(sony,)),
            )
        ),
    )
    assert count_rows(conn, mlc_work_publishers) == 4


def test_one_chosen_work_per_track(conn):
    track = "4uLU6hMCjMI75M1A2tKUQC"
    upsert_track(conn, Track(spotify_track_id=track))
    upsert_mlc_work(conn, speedometer())
    upsert_mlc_work(conn, MlcWork(mlc_song_code="MA0PFZ", fetched_at=NOW, title="MUCHUZI"))

    link_track_mlc_work(
        conn,
        TrackMlcWork(
            track_id=track,
            mlc_song_code=CODE,
            is_chosen=True,
            matched_isrc="ZA56E2304741",
            confidence=0.6,
        ),
    )
    link_track_mlc_work(conn, TrackMlcWork(track_id=track, mlc_song_code="MA0PFZ"))
    link_track_mlc_work(
        conn, TrackMlcWork(track_id=track, mlc_song_code="MA0PFZ", is_chosen=True, confidence=0.9)
    )

    assert count_rows(conn, track_mlc_works) == 2
    chosen, other = track_mlc_candidates(conn, track)
    assert (chosen.mlc_song_code, chosen.is_chosen, chosen.confidence) == ("MA0PFZ", True, 0.9)
    assert (other.mlc_song_code, other.is_chosen) == (CODE, False)
    assert other.matched_isrc == "ZA56E2304741"
