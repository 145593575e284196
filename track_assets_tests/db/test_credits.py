"""Track credits and songwriters: one row per credit, one id per person."""

from __future__ import annotations

import threading

import pytest

from track_assets.db.records import Track, TrackCredit
from track_assets.db.repository import (
    delete_stale_track_credits,
    get_songwriter,
    list_track_credits,
    normalized_person_name,
    songwriter_identity_key,
    upsert_songwriter,
    upsert_track,
    upsert_track_credit,
)
from track_assets.db.tables import songwriters, track_credits
from track_assets_tests.db.rows import count_rows

TRACK = "4uLU6hMCjMI75M1A2tKUQC"
URI = "spotify:artist:0gxyHStUsqpMadRV0Di1Qt"


def test_upsert_track_credit_twice_keeps_one_row_with_new_values(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK))
    writer = upsert_songwriter(conn, "Mike Stock")
    first = upsert_track_credit(
        conn,
        TrackCredit(
            track_id=TRACK,
            role="writer",
            name="Mike Stock",
            source="web_player",
            subroles=["Lyricist"],
            songwriter_id=writer,
        ),
    )
    second = upsert_track_credit(
        conn,
        TrackCredit(
            track_id=TRACK,
            role="writer",
            name="Mike Stock",
            source="web_player",
            subroles=["Lyricist", "Composer"],
            spotify_artist_uri=URI,
        ),
    )

    assert first == second
    assert count_rows(conn, track_credits) == 1
    [credit] = list_track_credits(conn, TRACK)
    assert credit.subroles == ["Lyricist", "Composer"]
    assert credit.spotify_artist_uri == URI
    assert credit.songwriter_id == writer  # not erased by the second write, which lacked it


def test_same_name_in_two_roles_is_two_credits(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK))
    for role in ("writer", "producer"):
        upsert_track_credit(
            conn, TrackCredit(track_id=TRACK, role=role, name="Pete Waterman", source="web_player")
        )
    assert count_rows(conn, track_credits) == 2


def test_credits_a_new_fetch_no_longer_lists_are_deleted(conn):
    upsert_track(conn, Track(spotify_track_id=TRACK))
    for name in ("Mike Stock", "Matt Aitken", "Somebody Else"):
        upsert_track_credit(
            conn, TrackCredit(track_id=TRACK, role="writer", name=name, source="web_player")
        )
    upsert_track_credit(
        conn, TrackCredit(track_id=TRACK, role="writer", name="Other Source", source="manual")
    )

    deleted = delete_stale_track_credits(
        conn, TRACK, "web_player", [("writer", "Mike Stock"), ("writer", "Matt Aitken")]
    )

    assert deleted == 1
    assert sorted(c.name for c in list_track_credits(conn, TRACK)) == [
        "Matt Aitken",
        "Mike Stock",
        "Other Source",
    ]


def test_same_person_twice_gets_the_same_songwriter_id(conn):
    first = upsert_songwriter(conn, "Beyoncé Knowles")
    again = upsert_songwriter(conn, "  beyonce   KNOWLES ")
    with_uri = upsert_songwriter(conn, "Beyoncé", URI)
    same_uri_new_spelling = upsert_songwriter(conn, "Beyoncé Giselle Knowles", URI)

    assert first == again
    assert with_uri == same_uri_new_spelling
    assert with_uri != first  # a name alone does not prove it is the linked artist
    assert count_rows(conn, songwriters) == 2
    stored = get_songwriter(conn, with_uri)
    assert stored.name == "Beyoncé Giselle Knowles"
    assert stored.spotify_artist_uri == URI
    assert get_songwriter(conn, first).normalized_name == "beyonce knowles"


def test_songwriter_name_normalization():
    assert normalized_person_name("  Max   Martin ") == "max martin"
    assert normalized_person_name("Ólafur Arnalds") == "olafur arnalds"
    assert normalized_person_name("J. Cole") == "j cole"
    assert normalized_person_name("坂本 龍一") == "坂本 龍一"
    with pytest.raises(ValueError, match="no letters"):
        songwriter_identity_key("...")


def test_concurrent_upserts_of_one_songwriter_give_one_row(engine):
    workers = 4
    barrier = threading.Barrier(workers)
    ids: list[int] = []
    errors: list[BaseException] = []

    def upsert_once():
        try:
            barrier.wait()
            with engine.begin() as conn:
                ids.append(upsert_songwriter(conn, "Max Martin"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=upsert_once) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(set(ids)) == 1 and len(ids) == workers
    with engine.connect() as conn:
        assert count_rows(conn, songwriters) == 1
