"""Songwriter leads from the database, on SQLite and PostgreSQL: which writer credits the leads
query reads, the ranked leads, the exports read back with pandas, and `track-assets export`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from track_assets.cli import main
from track_assets.db.records import (
    ArtistExternalLink,
    MlcPublisher,
    MlcWork,
    MlcWriter,
    MusicBrainzArtist,
    SpotifyArtist,
    Track,
    TrackCredit,
    TrackMlcWork,
)
from track_assets.db.repository import (
    link_artist_songwriter,
    link_track_artists,
    link_track_mlc_work,
    mark_missing_memberships_removed,
    mark_playlist_removed,
    set_credit_mlc_match,
    songwriter_lead_credits,
    upsert_artist_external_link,
    upsert_mlc_work,
    upsert_musicbrainz_artist,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_songwriter,
    upsert_spotify_artist,
    upsert_track,
    upsert_track_credit,
)
from track_assets.enrichment.consolidate import consolidate_track
from track_assets.enrichment.exports import (
    LEAD_COLUMN_KINDS,
    TRACK_COLUMN_KINDS,
    compute_songwriter_leads,
    export_from_database,
)
from track_assets_tests.support.exports import load_export

DAY1 = datetime(2026, 11, 20, 3, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
ALPHA, BETA, GONE = "A" * 22, "B" * 22, "G" * 22


def tid(n: int) -> str:
    return f"track{n}".ljust(22, "x")


@dataclass(frozen=True)
class Case:
    track: int
    playlists: tuple[str, ...]
    streams: tuple[int, ...]  # play count on day 1 (and day 2)
    status: str | None  # the chosen work's status; None: no chosen work
    writers: tuple[tuple[str, bool | None], ...]  # (name, mlc_represented)


CASES = (
    Case(1, (ALPHA, BETA), (1000, 1600), "split", (("Ann Lee", False), ("Bo Diaz", None))),
    Case(2, (ALPHA,), (1000, 1100), "unsigned", (("Ann Lee", None), ("Cy Obi", None))),
    Case(3, (ALPHA,), (5000, 5000), "unsigned", (("Dee Fox", False),)),  # not growing
    Case(4, (ALPHA,), (2000, 1500), "unsigned", (("Eve Ng", False),)),  # shrinking
    Case(5, (ALPHA,), (3000,), "unsigned", (("Fay Wu", False),)),  # one snapshot: no velocity
    Case(6, (ALPHA,), (100, 900), "signed", (("Gus Ray", True),)),  # signed, represented
    Case(10, (ALPHA,), (100, 900), "split", (("Kai Moe", True),)),  # represented on a split work
    Case(7, (ALPHA,), (100, 900), None, (("Hal Kim", False),)),  # ambiguous: none chosen
    Case(8, (GONE,), (100, 900), "unsigned", (("Ivy Sol", False),)),  # playlist removed
    Case(9, (ALPHA,), (100, 900), "unsigned", (("Jo Park", False),)),  # left the playlist
)
TRACKED = (1, 2, 3, 4, 5, 6, 7, 10)  # on a tracked playlist on day 2 (not 8, not 9)


def build_catalog(conn) -> dict[str, int]:
    """The cases above through the repository; returns songwriter ids by name."""
    for playlist_id, name in ((ALPHA, "Alpha"), (BETA, "Beta"), (GONE, "Gone")):
        upsert_playlist(conn, spotify_playlist_id=playlist_id, name=name, now=DAY1)
    songwriters = {}
    upsert_spotify_artist(conn, SpotifyArtist(spotify_artist_id="r" * 22, name="Singer"), now=DAY1)
    for case in CASES:
        track_id = tid(case.track)
        upsert_track(conn, Track(spotify_track_id=track_id, name=f"Song {case.track}"), now=DAY1)
        link_track_artists(conn, track_id, ["r" * 22])
        for playlist_id in case.playlists:
            upsert_playlist_membership(conn, playlist_id, track_id, position=case.track, now=DAY1)
        for name, _ in case.writers:
            songwriters[name] = upsert_songwriter(conn, name, now=DAY1)
            credit = TrackCredit(
                track_id=track_id,
                role="writer",
                name=name,
                source="web_player",
                songwriter_id=songwriters[name],
            )
            upsert_track_credit(conn, credit, now=DAY1)
        upsert_track_credit(
            conn,
            TrackCredit(track_id=track_id, role="producer", name="Pro Ducer", source="web_player"),
            now=DAY1,
        )
        code = f"W{case.track}"
        publishers = (
            ()
            if case.status == "unsigned"
            else (
                MlcPublisher(
                    name="Pub A",
                    collection_share=Decimal("0"),
                    administrators=(MlcPublisher(name="Admin B", collection_share=Decimal("50")),),
                ),
            )
        )
        upsert_mlc_work(
            conn,
            MlcWork(
                mlc_song_code=code,
                fetched_at=DAY1,
                known_share=Decimal("50") if publishers else Decimal("0"),
                status=case.status or "split",
                writers=tuple(MlcWriter(name=n.upper()) for n, _ in case.writers),
                publishers=publishers,
            ),
            now=DAY1,
        )
        link_track_mlc_work(
            conn,
            TrackMlcWork(track_id=track_id, mlc_song_code=code, is_chosen=case.status is not None),
            now=DAY1,
        )
        for name, represented in case.writers:
            ipi = f"{case.track:011d}" if represented is not None else None
            set_credit_mlc_match(conn, track_id, name, mlc_ipi=ipi, represented=represented)
        for day, streams in zip((DAY1, DAY2), case.streams, strict=False):
            upsert_track(conn, Track(spotify_track_id=track_id, spotify_streams=streams), now=day)
            consolidate_track(conn, track_id, now=day)
    mark_playlist_removed(conn, GONE, now=DAY2)
    mark_missing_memberships_removed(conn, ALPHA, [tid(n) for n in TRACKED], now=DAY2)

    ann = upsert_musicbrainz_artist(conn, MusicBrainzArtist(musicbrainz_id="mb-ann", name="Ann"))
    link_artist_songwriter(conn, ann, songwriters["Ann Lee"], method="evidence", now=DAY1)
    for kind, url, ended in (
        ("instagram", "https://instagram.com/annlee", False),
        ("twitter", "https://twitter.com/annlee_old", True),
        ("website", "https://annlee.example", False),
        ("instagram", "https://instagram.com/annlee.music", False),
    ):
        upsert_artist_external_link(
            conn, ArtistExternalLink(artist_id=ann, kind=kind, url=url, ended=ended), now=DAY1
        )
    return songwriters


def test_the_query_reads_writer_credits_of_tracked_tracks_with_their_work(conn):
    build_catalog(conn)
    credits = songwriter_lead_credits(conn)
    assert {(c.writer_name, c.track_id) for c in credits} == {
        (name, tid(case.track))
        for case in CASES
        if case.track in TRACKED
        for name, _ in case.writers
    }
    ann = next(c for c in credits if c.writer_name == "Ann Lee" and c.track_id == tid(1))
    assert ann.stream_velocity == 600.0
    assert ann.spotify_streams == 1600
    assert ann.mlc_represented is False
    assert ann.mlc_ipi == "00000000001"
    assert (ann.mlc_song_code, ann.mlc_status, ann.known_share) == ("W1", "split", Decimal("50"))
    assert ann.publishers == ("Pub A", "Admin B")
    assert [(p.spotify_playlist_id, p.name) for p in ann.playlists] == [
        (ALPHA, "Alpha"),
        (BETA, "Beta"),
    ]
    unsure = next(c for c in credits if c.track_id == tid(7))
    assert (unsure.mlc_song_code, unsure.mlc_status, unsure.publishers) == (None, None, ())
    no_velocity = next(c for c in credits if c.track_id == tid(5))
    assert no_velocity.stream_velocity is None


def expected_lead_rows(songwriters: dict[str, int]) -> list[dict]:
    """The three leads of CASES as export rows, column by column (lists as lists, shares as
    floats, a match without confidence or evidence as None)."""
    lead = {
        "certain": True,
        "spotify_artist_uri": None,  # the credits carry no artist URI
        "musicbrainz_artist_ids": [],
        "social_links": {},
        "musicbrainz_match": None,
        "musicbrainz_confidence": None,
        "musicbrainz_evidence": None,
    }
    ann = lead | {
        "rank": 1,
        "songwriter_id": songwriters["Ann Lee"],
        "writer_name": "Ann Lee",
        "ipi": "00000000001",
        "reasons": ["no_publisher", "unrepresented"],
        "lead_tracks": 2,
        "track_ids": [tid(1), tid(2)],
        "track_names": ["Song 1", "Song 2"],
        "playlist_ids": [ALPHA, BETA],
        "playlist_names": ["Alpha", "Beta"],
        "total_streams": 1600 + 1100,
        "best_velocity": 600.0,
        "velocity_sum": 600.0 + 100.0,
        "mlc_song_codes": ["W1", "W2"],
        "mlc_statuses": ["split", "unsigned"],
        "min_known_share": 0.0,
        "publishers": ["Admin B", "Pub A"],
        "musicbrainz_artist_ids": ["mb-ann"],
        "social_links": {
            "instagram": ["https://instagram.com/annlee", "https://instagram.com/annlee.music"],
            "website": ["https://annlee.example"],
        },
        "mlc_match_confidences": [None, None],
        "mlc_match_evidence": [None, None],
        "musicbrainz_match": "evidence",
        "musicbrainz_confidence": 0.0,
    }
    cy = lead | {
        "rank": 2,
        "songwriter_id": songwriters["Cy Obi"],
        "writer_name": "Cy Obi",
        "ipi": None,
        "reasons": ["no_publisher"],
        "lead_tracks": 1,
        "track_ids": [tid(2)],
        "track_names": ["Song 2"],
        "playlist_ids": [ALPHA],
        "playlist_names": ["Alpha"],
        "total_streams": 1100,
        "best_velocity": 100.0,
        "velocity_sum": 100.0,
        "mlc_song_codes": ["W2"],
        "mlc_statuses": ["unsigned"],
        "min_known_share": 0.0,
        "publishers": [],
        "mlc_match_confidences": [None],
        "mlc_match_evidence": [None],
    }
    bo = lead | {
        "rank": 3,
        "songwriter_id": songwriters["Bo Diaz"],
        "writer_name": "Bo Diaz",
        "ipi": None,
        "reasons": ["unmatched_on_split"],
        "certain": False,
        "lead_tracks": 1,
        "track_ids": [tid(1)],
        "track_names": ["Song 1"],
        "playlist_ids": [ALPHA, BETA],
        "playlist_names": ["Alpha", "Beta"],
        "total_streams": 1600,
        "best_velocity": 600.0,
        "velocity_sum": 600.0,
        "mlc_song_codes": ["W1"],
        "mlc_statuses": ["split"],
        "min_known_share": 50.0,
        "publishers": ["Admin B", "Pub A"],
        "mlc_match_confidences": [None],
        "mlc_match_evidence": [None],
    }
    return [{column: row[column] for column in LEAD_COLUMN_KINDS} for row in (ann, cy, bo)]


def test_leads_are_ranked_and_exported_to_csv_and_parquet_alike(conn, tmp_path):
    songwriters = build_catalog(conn)
    leads = compute_songwriter_leads(conn)
    assert [(lead.rank, lead.writer_name, lead.reasons) for lead in leads] == [
        (1, "Ann Lee", ("no_publisher", "unrepresented")),  # best 600, sum 700
        (2, "Cy Obi", ("no_publisher",)),  # best 100
        (3, "Bo Diaz", ("unmatched_on_split",)),  # best 600 but uncertain: below certain ones
    ]
    assert [lead.certain for lead in leads] == [True, True, False]
    ann = leads[0]
    assert ann.songwriter_id == songwriters["Ann Lee"]
    assert ann.track_ids == (tid(1), tid(2))
    assert (ann.best_velocity, ann.velocity_sum, ann.total_streams) == (600.0, 700.0, 2700)
    assert ann.playlist_ids == (ALPHA, BETA) and ann.playlist_names == ("Alpha", "Beta")
    assert ann.mlc_song_codes == ("W1", "W2") and ann.mlc_statuses == ("split", "unsigned")
    assert ann.min_known_share == Decimal("0")
    assert ann.publishers == ("Admin B", "Pub A")
    assert ann.ipi == "00000000001"
    assert ann.musicbrainz_artist_ids == ("mb-ann",)
    assert ann.social_links == {
        "instagram": ("https://instagram.com/annlee", "https://instagram.com/annlee.music"),
        "website": ("https://annlee.example",),
    }
    assert leads[1].ipi is None and leads[1].social_links == {}

    written = export_from_database(conn, tmp_path)
    assert [f.name for f in written] == ["tracks", "leads"]
    tracks_files, leads_files = written
    expected = expected_lead_rows(songwriters)
    for path in (leads_files.csv, leads_files.parquet):
        assert load_export(path, LEAD_COLUMN_KINDS) == expected, path
    assert not list(tmp_path.glob(".*.tmp"))

    for path in (tracks_files.csv, tracks_files.parquet):
        rows = {r["spotify_track_id"]: r for r in load_export(path, TRACK_COLUMN_KINDS)}
        assert set(rows) == {tid(n) for n in TRACKED}, path
        first = rows[tid(1)]
        assert first["playlist_ids"] == [ALPHA, BETA]
        assert first["artists"] == ["Singer"]
        assert first["songwriter"] == "Ann Lee; Bo Diaz"
        assert (first["spotify_streams"], first["stream_velocity"]) == (1600, 600.0)
        assert first["enrichment_status"] == "partial"
        assert rows[tid(5)]["stream_velocity"] is None


def test_export_command_writes_and_prints_the_files(engine, database_url, tmp_path):
    with engine.begin() as conn:
        build_catalog(conn)
    env = {
        "DAGSTER_HOME": str(tmp_path / "home"),
        "TRACK_ASSETS_DATABASE_URL": database_url,
        "TRACK_ASSETS_EXPORT_DIR": str(tmp_path / "from_settings"),
    }
    result = CliRunner().invoke(main, ["export", "leads", "--dir", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        str(tmp_path / "out" / "songwriter_leads.csv"),
        str(tmp_path / "out" / "songwriter_leads.parquet"),
    ]
    rows = load_export(tmp_path / "out" / "songwriter_leads.csv", LEAD_COLUMN_KINDS)
    assert [r["writer_name"] for r in rows] == ["Ann Lee", "Cy Obi", "Bo Diaz"]

    everything = CliRunner().invoke(main, ["export"], env=env)
    assert everything.exit_code == 0, everything.output
    assert sorted(p.name for p in (tmp_path / "from_settings").iterdir()) == [
        "songwriter_leads.csv",
        "songwriter_leads.parquet",
        "tracks.csv",
        "tracks.parquet",
    ]
    assert len(everything.output.splitlines()) == 4


def test_export_command_refuses_a_database_without_schema(database_url, tmp_path):
    env = {"DAGSTER_HOME": str(tmp_path), "TRACK_ASSETS_DATABASE_URL": database_url}
    result = CliRunner().invoke(main, ["export", "--dir", str(tmp_path / "out")], env=env)
    assert result.exit_code != 0
    assert "nothing to export" in result.output
    assert "track-assets db upgrade" in result.output or "does not exist" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("which", ["tracks", "leads"])
def test_export_command_writes_only_what_is_asked(engine, database_url, tmp_path, which):
    with engine.begin() as conn:
        build_catalog(conn)
    env = {"DAGSTER_HOME": str(tmp_path), "TRACK_ASSETS_DATABASE_URL": database_url}
    result = CliRunner().invoke(main, ["export", which, "--dir", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0, result.output
    stem = {"tracks": "tracks", "leads": "songwriter_leads"}[which]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"{stem}.csv",
        f"{stem}.parquet",
    ]
