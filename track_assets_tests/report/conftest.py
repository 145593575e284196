"""A small database built through the repository for the report's tests: leads with weeks of
daily play counts (snapshots and velocity written by phase 6's own `consolidate_track`), a lead
with no snapshot at all, names that are HTML and mathtext, and a non-http link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from track_assets.db.records import (
    ArtistExternalLink,
    MlcPublisher,
    MlcWork,
    MlcWriter,
    MusicBrainzArtist,
    Track,
    TrackCredit,
    TrackMlcWork,
)
from track_assets.db.repository import (
    link_artist_songwriter,
    link_track_mlc_work,
    set_credit_mlc_match,
    upsert_artist_external_link,
    upsert_mlc_work,
    upsert_musicbrainz_artist,
    upsert_playlist,
    upsert_playlist_membership,
    upsert_songwriter,
    upsert_track,
    upsert_track_credit,
)
from track_assets.enrichment.consolidate import consolidate_track

DAY0 = datetime(2026, 10, 1, 3, tzinfo=UTC)
ALPHA, BETA = "A" * 22, "B" * 22
PLAYLIST_NAMES = {ALPHA: "Alpha Hits", BETA: "Beta <b>Fresh</b>"}
SCRIPT_NAME = "<script>alert('x')</script> Bo"
DOLLAR_NAME = "Cy $Money$ Obi"
# A track name that is HTML, and mathtext matplotlib cannot parse (drawn as it is, it fails).
TRACK_2_NAME = "Song 2 <i>live</i> $^$"


def tid(n: int) -> str:
    return f"track{n}".ljust(22, "x")


@dataclass(frozen=True)
class Case:
    track: int
    playlists: tuple[str, ...]
    days: int  # days of play counts (0: none; the velocity is then set by hand)
    start: int  # plays on the first day
    growth: int  # plays a day more each day (the daily gain grows by `growth`)
    status: str  # the chosen work's status
    writers: tuple[tuple[str, bool | None], ...]  # (name, mlc_represented)


CASES = (
    # Ann Lee: two lead tracks, 30 and 10 days of history; accelerating growth on the first.
    Case(1, (ALPHA, BETA), 30, 10_000, 40, "split", (("Ann Lee", False), (DOLLAR_NAME, None))),
    Case(2, (ALPHA,), 10, 5_000, 10, "unsigned", (("Ann Lee", None), (SCRIPT_NAME, None))),
    Case(3, (BETA,), 0, 0, 0, "unsigned", (("Dee Fox", False),)),  # no snapshot at all
    Case(4, (ALPHA,), 12, 2_000, 5, "signed", (("Eve Ng", True),)),  # represented: no lead
)
# Ranked by hand from CASES (README "Songwriter leads"): certain leads first, by best 7-day
# growth: Ann Lee (track 1: 40 * (435 - 253) / 7 = 1,040 plays/day), the <script> writer
# (track 2: 10 * (45 - 3) / 7 = 60), Dee Fox (12.5, set by hand); then the uncertain one (not
# matched on a split work, track 1).
EXPECTED_ORDER = ["Ann Lee", SCRIPT_NAME, "Dee Fox", DOLLAR_NAME]
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)  # when the tests' reports are written
# Dee Fox's track: a velocity without any snapshot (e.g. history pruned), so a lead with none.
DEE_FOX_VELOCITY = 12.5
LAST_DAY = DAY0 + timedelta(days=29)


def plays_on(case: Case, day: int) -> int:
    return case.start + sum(case.growth * (d + 1) for d in range(day))


def build_leads_database(conn) -> dict[str, int]:
    """The cases above through the repository; returns songwriter ids by name."""
    for playlist_id, name in PLAYLIST_NAMES.items():
        upsert_playlist(conn, spotify_playlist_id=playlist_id, name=name, now=DAY0)
    songwriters: dict[str, int] = {}
    for case in CASES:
        track_id = tid(case.track)
        upsert_track(
            conn,
            Track(
                spotify_track_id=track_id,
                name=TRACK_2_NAME if case.track == 2 else f"Song {case.track}",
                # A stored URL that is not a web one is never a link (the track's page is).
                spotify_url="javascript:alert(2)" if case.track == 1 else None,
                isrc=f"QZ00000000{case.track:02d}",
            ),
            now=DAY0,
        )
        for playlist_id in case.playlists:
            upsert_playlist_membership(conn, playlist_id, track_id, position=case.track, now=DAY0)
        for name, _ in case.writers:
            songwriters[name] = upsert_songwriter(conn, name, now=DAY0)
            upsert_track_credit(
                conn,
                TrackCredit(
                    track_id=track_id,
                    role="writer",
                    name=name,
                    source="web_player",
                    songwriter_id=songwriters[name],
                ),
                now=DAY0,
            )
        code = f"W{case.track}"
        publishers = (
            ()
            if case.status == "unsigned"
            else (MlcPublisher(name="Pub A", collection_share=Decimal("50")),)
        )
        upsert_mlc_work(
            conn,
            MlcWork(
                mlc_song_code=code,
                fetched_at=DAY0,
                known_share=Decimal("50") if publishers else Decimal("0"),
                status=case.status,
                writers=tuple(MlcWriter(name=n.upper()) for n, _ in case.writers),
                publishers=publishers,
            ),
            now=DAY0,
        )
        link_track_mlc_work(
            conn, TrackMlcWork(track_id=track_id, mlc_song_code=code, is_chosen=True), now=DAY0
        )
        upsert_track(
            conn,
            Track(spotify_track_id=track_id, mlc_song_code=code, publisher_status=case.status),
            now=DAY0,
        )
        for name, represented in case.writers:
            set_credit_mlc_match(
                conn,
                track_id,
                name,
                mlc_ipi=f"{case.track:011d}" if represented is not None else None,
                represented=represented,
                confidence=0.9 if represented is not None else None,
                evidence="same name words" if represented is not None else None,
            )
        first = LAST_DAY - timedelta(days=case.days - 1)
        for day in range(case.days):
            now = first + timedelta(days=day)
            upsert_track(
                conn, Track(spotify_track_id=track_id, spotify_streams=plays_on(case, day)), now=now
            )
            consolidate_track(conn, track_id, now=now)
    upsert_track(
        conn, Track(spotify_track_id=tid(3), stream_velocity=DEE_FOX_VELOCITY), now=LAST_DAY
    )

    ann = upsert_musicbrainz_artist(conn, MusicBrainzArtist(musicbrainz_id="mb-ann", name="Ann"))
    link_artist_songwriter(
        conn, ann, songwriters["Ann Lee"], method="evidence", confidence=0.95, now=DAY0
    )
    for kind, url in (
        ("instagram", "https://instagram.com/annlee"),
        ("website", "https://annlee.example"),
        ("other", "javascript:alert(1)"),
    ):
        upsert_artist_external_link(
            conn, ArtistExternalLink(artist_id=ann, kind=kind, url=url, ended=False), now=DAY0
        )
    return songwriters


@pytest.fixture
def leads_database(sqlite_url, engine_at_head) -> str:
    """The URL of a SQLite database holding the cases above."""
    engine = engine_at_head(sqlite_url)
    try:
        with engine.begin() as conn:
            build_leads_database(conn)
    finally:
        engine.dispose()
    return sqlite_url
