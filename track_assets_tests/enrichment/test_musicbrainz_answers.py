"""MusicBrainz answers kept between phases: what `musicbrainz_recordings` asked, phase 4 decides
on exactly as if it had asked itself, without asking again; an answer past the TTL, or one whose
writers are not all kept, is asked again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from track_assets.db.tables import isrc_musicbrainz_works
from track_assets.enrichment.musicbrainz_answers import (
    recording_works_since,
    store_recording_works,
)
from track_assets.enrichment.songwriter_links import (
    CachedMusicBrainzLookups,
    RecordingWork,
    resolve_track_writers,
)
from track_assets.sandbox.catalog.generate import generate
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.emulators.musicbrainz import musicbrainz_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters
from track_assets.services.musicbrainz import MusicBrainzClient
from track_assets.services.musicbrainz.models import MbAlias, MbArtistRecord, MbUrlLink
from track_assets_tests.enrichment.test_songwriter_links import track_for

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(days=30)
ISRC_LOOKUPS = ("GET /ws/2/isrc/{isrc}", "GET /ws/2/recording/{mbid}")

# A writer as a careful analyst would need it kept: a stage name with its legal name and a
# name in another script as aliases, two IPIs, an ISNI, a current and an ended link.
KAI = MbArtistRecord(
    mbid="6a1f0e8e-1111-4c3b-9e4e-0c6f3b1d2a01",
    name="Kai Verde",
    sort_name="Verde, Kai",
    disambiguation="songwriter, Lisbon",
    type="Person",
    country="PT",
    ipis=("00523879412", "00523879413"),
    isnis=("0000000123456789",),
    aliases=(
        MbAlias("Kaique Verde Santos", "Santos, Kaique Verde", "Legal name", None, False),
        MbAlias("カイ・ヴェルデ", None, "Artist name", "ja", True),
    ),
    urls=(
        MbUrlLink("https://www.instagram.com/kaiverde/", "social network"),
        MbUrlLink("https://twitter.com/kaiverde_old", "social network", ended=True),
    ),
)
MAY = MbArtistRecord(mbid="6a1f0e8e-2222-4c3b-9e4e-0c6f3b1d2a02", name="May Osei")
BLUE_HOUR = RecordingWork(
    mbid="0b6d0c77-3333-4f0e-8f55-1d2a5b8c9e03",
    title="Blue Hour",
    iswcs=("T-345.246.800-1",),
    cover=False,
    writers=(KAI, MAY),
)
BLUE_HOUR_COVER = RecordingWork(
    mbid="0b6d0c77-4444-4f0e-8f55-1d2a5b8c9e04",
    title="Blue Hour",
    iswcs=(),
    cover=True,
    writers=(KAI,),
)


def test_kept_works_come_back_as_they_were_asked_writers_and_all(conn):
    store_recording_works(
        conn, {"PTABC2600001": (BLUE_HOUR, BLUE_HOUR_COVER), "PTABC2600002": ()}, now=NOW
    )
    kept = recording_works_since(conn, ["PTABC2600001", "PTABC2600002"], since=NOW - TTL)
    # MusicBrainz has no recording of the second ISRC: that too is an answer.
    assert kept == {"PTABC2600001": (BLUE_HOUR, BLUE_HOUR_COVER), "PTABC2600002": ()}
    # The same works are the facts identity reads.
    facts = isrc_musicbrainz_works.c
    rows = conn.execute(
        select(facts.work_mbid, facts.iswcs, facts.cover)
        .where(facts.isrc == "PTABC2600001")
        .order_by(facts.work_mbid)
    )
    assert [tuple(row) for row in rows] == [
        (BLUE_HOUR.mbid, ["T-345.246.800-1"], False),
        (BLUE_HOUR_COVER.mbid, [], True),
    ]


def test_an_answer_past_the_ttl_or_missing_a_writer_is_asked_again(conn):
    store_recording_works(conn, {"PTABC2600001": (BLUE_HOUR,)}, now=NOW - TTL - timedelta(hours=1))
    store_recording_works(conn, {"PTABC2600003": (BLUE_HOUR_COVER,)}, now=NOW)
    # Kai was asked again with the newer answer; May only with the stale one.
    assert recording_works_since(conn, ["PTABC2600001", "PTABC2600003"], since=NOW - TTL) == {
        "PTABC2600003": (BLUE_HOUR_COVER,)
    }
    assert recording_works_since(conn, ["PTABC2600009"], since=NOW - TTL) == {}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate(seed=5, playlists=3, tracks=40)


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    options = SandboxOptions(seed=5, rate_limits="off")
    with SandboxServer([musicbrainz_emulator()], catalog=catalog, options=options) as server:
        yield server


def _client(sandbox: SandboxServer) -> MusicBrainzClient:
    return MusicBrainzClient(
        sandbox.base_url("musicbrainz"), "tests@track-assets.invalid", counters=RequestCounters()
    )


def _asked(client: MusicBrainzClient) -> dict[str, int]:
    summary = client.counters.snapshot().get("musicbrainz", {})
    return {endpoint: e["total"] for endpoint, e in summary.get("by_endpoint", {}).items()}


def test_phase_4_on_kept_answers_decides_as_on_its_own_without_asking_again(conn, sandbox, catalog):
    tracks = [track_for(catalog, track.id) for track in catalog.tracks if track.isrc]
    alone = CachedMusicBrainzLookups(_client(sandbox))
    on_its_own = [resolve_track_writers(track, alone) for track in tracks]

    first = CachedMusicBrainzLookups(_client(sandbox))  # musicbrainz_recordings
    for track in tracks:
        first.recording_works(track.isrc)
    store_recording_works(conn, first.recording_works_asked(), now=NOW)

    client = _client(sandbox)
    second = CachedMusicBrainzLookups(client)  # phase 4, in another process
    second.remember(recording_works_since(conn, [t.isrc for t in tracks], since=NOW - TTL))
    assert [resolve_track_writers(track, second) for track in tracks] == on_its_own
    asked = _asked(client)
    assert not any(endpoint in asked for endpoint in ISRC_LOOKUPS), asked
    assert second.recording_works_asked() == {}
    assert any(r.linked for results in on_its_own for r in results)
