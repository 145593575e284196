"""Songwriter leads as pure logic: which credits are leads and why, and how writers rank."""

from __future__ import annotations

from decimal import Decimal

import pytest

from track_assets.db.records import LeadCredit, Playlist, SongwriterProfile
from track_assets.enrichment.songwriter_leads import (
    LeadReason,
    lead_counts_by_reason,
    lead_reason,
    rank_songwriter_leads,
)

PLAYLIST_A = Playlist(spotify_playlist_id="a" * 22, name="Alpha")
PLAYLIST_B = Playlist(spotify_playlist_id="b" * 22, name="Beta")


def credit(songwriter_id=1, track_id="t1", **changes) -> LeadCredit:
    fields = {
        "songwriter_id": songwriter_id,
        "writer_name": f"Writer {songwriter_id}",
        "track_id": track_id,
        "track_name": f"Song {track_id}",
        "stream_velocity": 100.0,
        "spotify_streams": 1000,
        "mlc_represented": None,
        "mlc_song_code": f"W{track_id}",
        "mlc_status": "split",
        "known_share": Decimal("50"),
        "publishers": ("Pub One",),
        "playlists": (PLAYLIST_A,),
    }
    fields.update(changes)
    return LeadCredit(**fields)


@pytest.mark.parametrize(
    ("represented", "status", "expected"),
    [
        # matched, and nobody represents the writer: signable whatever the work's status
        (False, "split", LeadReason.UNREPRESENTED),
        (False, "unsigned", LeadReason.UNREPRESENTED),
        (False, "signed", LeadReason.UNREPRESENTED),
        # not matched: a work nobody publishes is still certain, unclaimed share is not
        (None, "unsigned", LeadReason.NO_PUBLISHER),
        (None, "split", LeadReason.UNMATCHED_ON_SPLIT),
        (None, "signed", None),
        # represented by a publisher or administrator of the work: never a lead
        (True, "unsigned", None),
        (True, "split", None),
        (True, "signed", None),
    ],
)
def test_the_reason_is_the_writers_own_position(represented, status, expected):
    assert lead_reason(credit(mlc_represented=represented, mlc_status=status)) == expected


def test_no_chosen_work_is_no_lead_whatever_the_credit_says():
    orphan = credit(mlc_represented=False, mlc_song_code=None, mlc_status=None, known_share=None)
    assert lead_reason(orphan) is None
    assert rank_songwriter_leads([orphan]) == []


@pytest.mark.parametrize("velocity", [None, 0.0, -25.5])
def test_a_track_that_is_not_growing_gives_no_lead(velocity):
    assert rank_songwriter_leads([credit(stream_velocity=velocity)]) == []


def test_a_writer_with_several_tracks_is_one_row_over_their_lead_tracks_only():
    credits = [
        credit(
            track_id="t1",
            stream_velocity=10.0,
            spotify_streams=500,
            mlc_status="unsigned",
            known_share=Decimal("0"),
            publishers=(),
            playlists=(PLAYLIST_B,),
        ),
        credit(
            track_id="t2",
            stream_velocity=40.5,
            spotify_streams=2000,
            mlc_represented=False,
            mlc_ipi="00012345678",
            known_share=Decimal("33.33"),
            publishers=("Zed Songs", "Admin Co"),
            playlists=(PLAYLIST_A, PLAYLIST_B),
        ),
        credit(track_id="t3", stream_velocity=99.0, mlc_status="signed", mlc_represented=True),
        credit(track_id="t4", stream_velocity=-3.0),
        credit(
            track_id="t5",
            stream_velocity=10.0,
            spotify_streams=None,
            mlc_ipi="00099999999",
            playlists=(PLAYLIST_A,),
        ),
    ]
    [lead] = rank_songwriter_leads(credits)
    assert lead.rank == 1
    assert lead.lead_tracks == 3
    assert lead.track_ids == ("t2", "t1", "t5")  # velocity descending, then track id
    assert lead.track_names == ("Song t2", "Song t1", "Song t5")
    assert lead.reasons == ("no_publisher", "unmatched_on_split", "unrepresented")
    assert lead.certain
    assert lead.ipi == "00012345678"
    assert lead.total_streams == 2500
    assert lead.best_velocity == 40.5
    assert lead.velocity_sum == 60.5
    assert lead.playlist_ids == (PLAYLIST_A.spotify_playlist_id, PLAYLIST_B.spotify_playlist_id)
    assert lead.playlist_names == ("Alpha", "Beta")
    assert lead.mlc_song_codes == ("Wt1", "Wt2", "Wt5")
    assert lead.mlc_statuses == ("unsigned", "split", "split")
    assert lead.min_known_share == Decimal("0")
    assert lead.publishers == ("Admin Co", "Pub One", "Zed Songs")
    assert lead_counts_by_reason([lead]) == {
        "unrepresented": 1,
        "no_publisher": 1,
        "unmatched_on_split": 1,
    }


def test_one_person_credited_twice_on_a_track_counts_once_with_the_stronger_reason():
    credits = [
        credit(track_id="t1", mlc_represented=None, mlc_status="split"),
        credit(track_id="t1", mlc_represented=False, mlc_status="split", mlc_ipi="00000000042"),
    ]
    [lead] = rank_songwriter_leads(credits)
    assert lead.lead_tracks == 1
    assert lead.reasons == ("unrepresented",)
    assert lead.ipi == "00000000042"
    assert lead.total_streams == 1000


def test_ranking_by_best_velocity_then_sum_then_streams_then_name_then_id():
    credits = [
        # best 50 beats everything else
        credit(7, "a1", writer_name="Zoe", stream_velocity=50.0),
        # best 30 for both; sum 45 beats sum 30
        credit(3, "b1", writer_name="Yan", stream_velocity=30.0),
        credit(3, "b2", writer_name="Yan", stream_velocity=15.0),
        credit(2, "c1", writer_name="Xia", stream_velocity=30.0, spotify_streams=900_000),
        # best 20, sum 20: streams decide, unknown streams last
        credit(4, "d1", writer_name="Abe", stream_velocity=20.0, spotify_streams=10),
        credit(5, "e1", writer_name="Bea", stream_velocity=20.0, spotify_streams=5000),
        credit(6, "f1", writer_name="Cal", stream_velocity=20.0, spotify_streams=None),
        # best 5, sum 5, same streams: name, case-insensitively, then id
        credit(9, "g1", writer_name="bob", stream_velocity=5.0),
        credit(8, "h1", writer_name="Bob", stream_velocity=5.0),
        credit(1, "i1", writer_name="Bob", stream_velocity=5.0),
        credit(10, "j1", writer_name="Amy", stream_velocity=5.0),
    ]
    leads = rank_songwriter_leads(credits)
    assert [(lead.rank, lead.songwriter_id) for lead in leads] == [
        (1, 7),
        (2, 3),
        (3, 2),
        (4, 5),
        (5, 4),
        (6, 6),
        (7, 10),
        (8, 1),
        (9, 8),
        (10, 9),
    ]
    assert rank_songwriter_leads(reversed(credits)) == leads


def test_certain_leads_rank_above_uncertain_ones_whatever_their_growth():
    credits = [
        credit(1, "t1", stream_velocity=900.0),  # not matched on a split work
        credit(2, "t2", stream_velocity=10.0, mlc_represented=False, mlc_match_confidence=0.75),
        credit(3, "t3", stream_velocity=5.0, mlc_status="unsigned"),
    ]
    leads = rank_songwriter_leads(credits)
    assert [(lead.songwriter_id, lead.certain) for lead in leads] == [
        (2, True),
        (3, True),
        (1, False),
    ]
    assert leads[0].mlc_match_confidences == (0.75,)


def test_a_represented_writer_on_a_work_with_unclaimed_share_is_not_a_lead():
    represented = credit(mlc_represented=True, mlc_status="split", known_share=Decimal("50"))
    assert rank_songwriter_leads([represented]) == []


def test_profiles_add_musicbrainz_ids_and_links():
    profile = SongwriterProfile(
        songwriter_id=1,
        musicbrainz_artist_ids=("mbid-1",),
        social_links={"instagram": ("https://instagram.com/w1",)},
        musicbrainz_match="evidence",
        musicbrainz_confidence=1.0,
        musicbrainz_evidence="writer of the recording's work",
    )
    [lead] = rank_songwriter_leads([credit(spotify_artist_uri="spotify:artist:x")], {1: profile})
    assert lead.musicbrainz_artist_ids == ("mbid-1",)
    assert lead.social_links == {"instagram": ("https://instagram.com/w1",)}
    assert lead.spotify_artist_uri == "spotify:artist:x"
    assert (lead.musicbrainz_match, lead.musicbrainz_confidence) == ("evidence", 1.0)
    [bare] = rank_songwriter_leads([credit()])
    assert bare.musicbrainz_artist_ids == () and bare.social_links == {}
