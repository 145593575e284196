"""Identity reconciled from the database: what phase 4 learns about a writer (legal name, other
scripts, IPIs; the ISWC of the recording's work) changes phase 3's answer, with no request."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from track_assets.db.records import (
    IsrcMusicBrainzWork,
    MusicBrainzArtist,
    Track,
    TrackCredit,
)
from track_assets.db.repository import (
    link_artist_songwriter,
    list_track_credits,
    replace_isrc_musicbrainz_works,
    track_mlc_candidates,
    upsert_musicbrainz_artist,
    upsert_songwriter,
    upsert_track,
    upsert_track_credit,
)
from track_assets.enrichment.identity_reconcile import reconcile_tracks
from track_assets.enrichment.mlc_store import store_track_mlc
from track_assets.enrichment.publisher_status import (
    PublisherStatus,
    WorkFacts,
    WorkPublisher,
    WorkWriter,
    credited_writer,
    publisher_status_for_track,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LATER = datetime(2026, 12, 2, tzinfo=UTC)
TRACK_ID = "t" * 22
ISRC = "USAT21200001"

# "Bangarang": The MLC lists the writers by legal name; only the second has a publisher.
BANGARANG = WorkFacts(
    song_code="BG0001",
    title="BANGARANG",
    iswc="T-910.000.001-1",
    writers=(
        WorkWriter("SONNY JOHN MOORE", "00339685117", "CA", chain_id=None),
        WorkWriter("SIRAH KAMALEI", "00555000111", "CA", chain_id="7"),
    ),
    publishers=(WorkPublisher("KOBALT SONGS", None, "E", Decimal(50), chain_id="7"),),
)
# A same-titled work by other people, linked to the same ISRC (a cover's work, say).
NAMESAKE = WorkFacts(
    song_code="BG0002",
    title="BANGARANG",
    iswc="T-910.000.002-2",
    writers=(WorkWriter("ANA LIMA", "00999000999", "CA", chain_id=None),),
)


def _phase_3(conn, credits: list[TrackCredit]) -> None:
    """What phase 3 decides on the first run, before MusicBrainz has said anything."""
    result = publisher_status_for_track(
        isrc=ISRC,
        track_title="Bangarang (feat. Sirah)",
        credited=[credited_writer(c) for c in credits],
        recording_song_codes=["BG0001", "BG0002"],
        works={w.song_code: w for w in (BANGARANG, NAMESAKE)},
    )
    store_track_mlc(conn, TRACK_ID, result, {w.song_code: w for w in (BANGARANG, NAMESAKE)}, NOW)


def _catalog(conn) -> list[TrackCredit]:
    upsert_track(
        conn, Track(spotify_track_id=TRACK_ID, name="Bangarang (feat. Sirah)", isrc=ISRC), now=NOW
    )
    for name in ("Skrillex", "Sirah"):
        songwriter = upsert_songwriter(conn, name, now=NOW)
        upsert_track_credit(
            conn,
            TrackCredit(
                track_id=TRACK_ID,
                role="writer",
                name=name,
                source="web_player",
                songwriter_id=songwriter,
            ),
            now=NOW,
        )
    return [c for c in list_track_credits(conn, TRACK_ID) if c.role == "writer"]


def test_a_legal_name_alias_and_an_iswc_decide_what_names_alone_could_not(conn):
    credits = _catalog(conn)
    _phase_3(conn, credits)
    # Names alone: neither "Skrillex" nor "Sirah" is a name The MLC lists, and the two works
    # share a title: no work is chosen.
    [track] = [Track.from_row(r) for r in conn.execute(_track_query())]
    assert track.publisher_status is None
    assert not any(c.is_chosen for c in track_mlc_candidates(conn, TRACK_ID))

    # Phase 4 links Skrillex (legal name alias, IPI) and finds the recording's work's ISWC.
    skrillex = next(c for c in credits if c.name == "Skrillex")
    artist = upsert_musicbrainz_artist(
        conn,
        MusicBrainzArtist(
            musicbrainz_id="ae002c5d-aac6-490b-a39a-30aa9e2edf2b",
            name="Skrillex",
            sort_name="Skrillex",
            aliases=[{"name": "Sonny John Moore", "type": "Legal name", "locale": None}],
            ipis=["00339685117"],
        ),
        now=LATER,
    )
    link_artist_songwriter(conn, artist, skrillex.songwriter_id, method="evidence", now=LATER)
    replace_isrc_musicbrainz_works(
        conn,
        ISRC,
        [
            IsrcMusicBrainzWork(
                isrc=ISRC, work_mbid="w1", fetched_at=LATER, iswcs=["T-910.000.001-1"]
            )
        ],
        now=LATER,
    )

    [outcome] = reconcile_tracks(conn, [track], LATER)
    assert outcome.changed
    assert outcome.result.song_code == "BG0001"
    assert outcome.result.status is PublisherStatus.SPLIT
    stored = {c.name: c for c in list_track_credits(conn, TRACK_ID) if c.role == "writer"}
    assert stored["Skrillex"].mlc_ipi == "00339685117"
    assert stored["Skrillex"].mlc_represented is False  # no publisher chain: a lead
    assert stored["Skrillex"].mlc_match_confidence == 1.0
    assert "IPI 00339685117" in stored["Skrillex"].mlc_match_evidence
    assert stored["Sirah"].mlc_ipi is None  # a mononym never meets "SIRAH KAMALEI" by name
    chosen = next(c for c in track_mlc_candidates(conn, TRACK_ID) if c.is_chosen)
    assert chosen.mlc_song_code == "BG0001"
    assert "ISWC agrees with MusicBrainz" in chosen.reason

    [again] = reconcile_tracks(conn, [_stored_track(conn)], LATER)
    assert not again.changed


def _track_query():
    from sqlalchemy import select

    from track_assets.db.tables import tracks

    return select(tracks).where(tracks.c.spotify_track_id == TRACK_ID)


def _stored_track(conn) -> Track:
    return Track.from_row(conn.execute(_track_query()).one())
