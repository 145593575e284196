"""What the Chartmetric client finds over real HTTP equals the catalog's ground truth: track ids,
metadata, stats series, playlists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from track_assets.sandbox.catalog.model import Catalog, ItemKind
from track_assets.sandbox.catalog.names import normalise_name
from track_assets.sandbox.catalog.timeseries import ChartmetricMetric, chartmetric_value_on
from track_assets.sandbox.catalog.truth import CmMethod, CmReason, ExpectedTrack
from track_assets.sandbox.server import SandboxServer
from track_assets.services.chartmetric import (
    ChartmetricNotFound,
    NotInPlan,
    ResolutionMethod,
    UnresolvedReason,
)
from track_assets_tests.sandbox.cm_mlc_fixtures import CATALOG_DATE
from track_assets_tests.services.chartmetric.cm_client_fixtures import start_sandbox

SINCE = CATALOG_DATE - timedelta(days=6)


def _found(truth: dict[str, ExpectedTrack]) -> list[ExpectedTrack]:
    return [e for e in truth.values() if e.chartmetric.chartmetric_id is not None]


# --- resolution -------------------------------------------------------------------------------


def test_resolve_track_equals_ground_truth_for_every_catalog_track(client, truth, catalog):
    outcomes = {}
    for expected in truth.values():
        resolved = client.resolve_track(expected.isrc, expected.spotify_track_id)
        want = expected.chartmetric
        assert resolved.chartmetric_id == want.chartmetric_id, expected.spotify_track_id
        assert (resolved.method and resolved.method.value) == (want.method and want.method.value)
        assert (resolved.reason and resolved.reason.value) == (want.reason and want.reason.value)
        assert sorted(resolved.candidate_ids) == sorted(want.candidate_ids)
        assert resolved.found is (want.chartmetric_id is not None)
        outcomes[expected.spotify_track_id] = resolved
    # Every rule of the resolution was exercised, so this test can fail on each of them.
    kinds = {
        (r.method, r.reason, len(r.candidate_ids) > 1 and r.method is ResolutionMethod.ISRC)
        for r in outcomes.values()
    }
    assert kinds >= {
        (ResolutionMethod.ISRC, None, False),  # one id for the ISRC
        (ResolutionMethod.ISRC, None, True),  # several ids: the one listing our track
        (None, UnresolvedReason.AMBIGUOUS, False),
        (ResolutionMethod.SPOTIFY_ID, None, False),
        (None, UnresolvedReason.NOT_FOUND, False),
    }
    # ...and ambiguity both among the ids of an ISRC and among the ids of a Spotify track.
    ambiguous = [e for e in truth.values() if e.chartmetric.reason is CmReason.AMBIGUOUS]
    assert {bool(catalog.chartmetric_ids_by_isrc.get(e.isrc or "")) for e in ambiguous} == {
        True,
        False,
    }


def test_resolution_asks_by_spotify_id_only_when_the_isrc_does_not_decide(sandbox, client, truth):
    single = next(
        e
        for e in truth.values()
        if e.chartmetric.method is CmMethod.ISRC and len(e.chartmetric.candidate_ids) == 1
    )
    several = next(
        e
        for e in truth.values()
        if e.chartmetric.method is CmMethod.ISRC and len(e.chartmetric.candidate_ids) > 1
    )
    before = sandbox.counters.snapshot("chartmetric")
    client.resolve_track(single.isrc, single.spotify_track_id)
    client.resolve_track(several.isrc.lower(), several.spotify_track_id)  # ISRCs are normalised
    after = sandbox.counters.snapshot("chartmetric")
    label = "/api/track/{id_type}/{value}/get-ids"
    assert after.count(label, 200) - before.count(label, 200) == 3  # 1 + (ISRC, Spotify id)


# --- track metadata ---------------------------------------------------------------------------


def test_track_metadata_equals_the_catalog(client, truth, catalog: Catalog):
    found = _found(truth)
    assert len(found) >= 15
    for expected in found:
        want = expected.chartmetric
        info = client.track(want.chartmetric_id)
        cm_track = catalog.cm_tracks_by_id[want.chartmetric_id]
        assert info.chartmetric_id == want.chartmetric_id
        assert (info.name, info.isrc) == (cm_track.name, cm_track.isrc)
        assert info.moods == want.moods
        assert info.activities == want.activities
        assert info.composer_name == want.composer_name
        assert tuple(s.name for s in info.songwriters) == tuple(s.name for s in want.songwriters)
        assert info.tags == want.tags
        assert info.album_label == want.album_label
        assert info.release_date == cm_track.release_date
        assert info.artist_names == tuple(a.name for a in cm_track.artists)
        assert info.playlist_reach == want.playlist_reach
        assert info.spotify_playlist_count == want.spotify_playlist_count
        assert info.spotify_editorial_playlist_count == want.spotify_editorial_playlist_count
        assert info.spotify_popularity_rank == want.spotify_popularity_rank
        assert info.spotify_popularity == want.spotify_popularity
        assert info.score == pytest.approx(want.score)
        assert info.spotify_streams is None  # the default plan has no stream counts
        assert info.statistics_at is not None and info.statistics_at.date() == CATALOG_DATE
        assert info.statistics_at.utcoffset() == timedelta(0)


def test_songwriter_ids_are_found_by_name_search(client, truth):
    expected = next(e for e in _found(truth) if len(e.chartmetric.songwriters) >= 1)
    for writer in expected.chartmetric.songwriters:
        same_name = [
            s
            for s in client.search_songwriters(writer.name)
            if normalise_name(s.name) == normalise_name(writer.name)
        ]
        assert writer.id in {s.chartmetric_id for s in same_name}


def test_an_unknown_track_id_is_not_found(client):
    with pytest.raises(ChartmetricNotFound, match=r"track 999999999 not found"):
        client.track(999_999_999)


# --- stats ------------------------------------------------------------------------------------


def test_stats_series_for_a_date_range_equal_the_catalog(client, truth, catalog: Catalog):
    expected = next(e for e in _found(truth) if e.chartmetric.youtube_views is not None)
    cm_track = catalog.cm_tracks_by_id[expected.chartmetric.chartmetric_id]
    days = [SINCE + timedelta(days=n) for n in range(7)]
    for platform, metric in (
        ("spotify", ChartmetricMetric.SPOTIFY_POPULARITY),
        ("youtube", ChartmetricMetric.YOUTUBE_VIEWS),
    ):
        points = client.stats(
            cm_track.id, platform, "most-history", since=SINCE, until=CATALOG_DATE
        )
        assert [p.day for p in points] == days
        assert [p.value for p in points] == [
            chartmetric_value_on(catalog, cm_track, metric, d) for d in days
        ]
    latest = client.stats(cm_track.id, "youtube", "highest-playcounts", latest=True)
    assert [(p.day, p.value) for p in latest] == [
        (CATALOG_DATE, expected.chartmetric.youtube_views)
    ]


def test_stats_refuse_latest_as_a_mode(client):
    with pytest.raises(ValueError, match="latest=True"):
        client.stats(1, "spotify", "latest")


def test_stream_stats_outside_the_plan_raise_not_in_plan(client, truth):
    cm_id = _found(truth)[0].chartmetric.chartmetric_id
    with pytest.raises(NotInPlan) as raised:
        client.stats(cm_id, "spotify", "most-history", stat_type="streams")
    assert raised.value.endpoint == "GET /api/track/{id}/{platform}/stats/{mode}"
    assert "spotify streams" in str(raised.value)
    # The plan refuses streams only: popularity of the same track still comes.
    assert client.stats(cm_id, "spotify", "most-history", latest=True)


def test_a_series_the_plan_refused_is_not_asked_for_again(client, truth, sandbox):
    first, second = (t.chartmetric.chartmetric_id for t in _found(truth)[:2])
    before = sandbox.counters.snapshot("chartmetric").count(status=403)
    for cm_id in (first, second, first):
        with pytest.raises(NotInPlan):
            client.stats(cm_id, "spotify", "most-history", stat_type="streams")
    assert sandbox.counters.snapshot("chartmetric").count(status=403) - before == 1
    assert client.stats(second, "youtube", "most-history")  # other series are still asked for


def test_the_streams_plan_flag_opens_stream_stats(catalog: Catalog, truth, client_for):
    expected = _found(truth)[0]
    cm_track = catalog.cm_tracks_by_id[expected.chartmetric.chartmetric_id]
    server = start_sandbox(
        catalog, rate_limits="off", settings={"chartmetric": {"streams_in_plan": True}}
    )
    try:
        client = client_for(server)
        points = client.stats(
            cm_track.id, "spotify", "most-history", SINCE, CATALOG_DATE, stat_type="streams"
        )
        info = client.track(cm_track.id)
    finally:
        server.stop()
    days = [SINCE + timedelta(days=n) for n in range(7)]
    assert [(p.day, p.value) for p in points] == [
        (d, chartmetric_value_on(catalog, cm_track, ChartmetricMetric.SPOTIFY_STREAMS, d))
        for d in days
    ]
    assert info.spotify_streams == expected.chartmetric.spotify_streams is not None


# --- playlists --------------------------------------------------------------------------------


def test_playlist_url_gives_the_id_name_owner_and_tracks_of_the_chartmetric_playlist(
    client, catalog: Catalog
):
    assert len(catalog.cm_playlists) >= 2
    for cm_playlist in catalog.cm_playlists:
        url = f"https://open.spotify.com/playlist/{cm_playlist.spotify_playlist_id}?si=a1b2"
        found = client.find_spotify_playlist(url)
        playlist = catalog.playlists_by_id[cm_playlist.spotify_playlist_id]
        assert (found.id, found.name, found.owner_name) == (
            cm_playlist.id,
            playlist.name,
            playlist.owner.display_name,
        )
        cm_id = found.id
        current = client.playlist_tracks(cm_id)
        assert [t.spotify_track_id for t in current] == list(cm_playlist.track_ids)
        assert [t.position for t in current] == list(range(1, len(current) + 1))
        added = {
            i.track_id: i.added_at for i in reversed(playlist.items) if i.kind is ItemKind.TRACK
        }
        for row in current:
            cm_track = catalog.cm_tracks_by_id[row.chartmetric_id]
            assert row.spotify_track_id in cm_track.spotify_track_ids
            assert (row.isrc, row.name) == (cm_track.isrc, cm_track.name)
            assert row.added_at == added[row.spotify_track_id]
        past = client.playlist_tracks(cm_id, "past")
        assert [t.spotify_track_id for t in past] == list(cm_playlist.past_track_ids)


def test_playlist_tracks_page_through_long_lists(sandbox: SandboxServer, client, catalog):
    cm_playlist = max(catalog.cm_playlists, key=lambda p: len(p.track_ids))
    whole = client.playlist_tracks(cm_playlist.id)
    before = client.counters.snapshot()["chartmetric"]["by_endpoint"]
    paged = client.playlist_tracks(cm_playlist.id, page_size=3)
    after = client.counters.snapshot()["chartmetric"]["by_endpoint"]
    label = "GET /api/playlist/{platform}/{id}/{span}/tracks"
    assert paged == whole and len(whole) == len(cm_playlist.track_ids) > 3
    assert after[label]["total"] - before[label]["total"] == len(whole) // 3 + 1


def test_a_playlist_chartmetric_does_not_track_gives_none(client, catalog: Catalog):
    unknown = [p for p in catalog.playlists if p.id not in catalog.cm_playlists_by_spotify_id]
    assert unknown
    for playlist in unknown:
        assert client.find_spotify_playlist(f"spotify:playlist:{playlist.id}") is None
    with pytest.raises(ChartmetricNotFound, match="playlist 999999999"):
        client.playlist_tracks(999_999_999)
