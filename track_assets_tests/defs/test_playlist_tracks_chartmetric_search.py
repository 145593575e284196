"""Phase 0 asks Chartmetric which of its playlists a Spotify playlist is once per static TTL, in
real Dagster runs against the sandbox over HTTP: a second fetch sends no search, for a tracked
playlist and an untracked one alike; a kept id Chartmetric no longer knows, or an answer older
than the TTL, is searched again and the new answer kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, update

from track_assets.db.repository import (
    chartmetric_playlist_search_since,
    latest_playlist_fetch,
    playlist_track_ids,
)
from track_assets.db.tables import chartmetric_playlists
from track_assets_tests.support.pipeline import fetch_playlist

pytestmark = pytest.mark.chromium

SEARCH = "GET /api/search"
PLAYLIST_TRACKS = "GET /api/playlist/{platform}/{id}/{span}/tracks"
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
NO_SUCH_CHARTMETRIC_PLAYLIST = 987_654_321


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def fetch(instance, resources, playlist_id: str) -> dict:
    """One real run of phase 0 on the playlist: its materialization's metadata."""
    result = fetch_playlist(instance, resources, playlist_id)
    assert result.success, playlist_id
    return result.asset_materializations_for_node("playlist_tracks")[0].metadata


def chartmetric_requests(metadata: dict, endpoint: str) -> dict[int, int]:
    """The run's requests to one Chartmetric endpoint, by HTTP status."""
    counted = metadata["requests"].value.get("chartmetric", {}).get("by_endpoint", {})
    return {int(s): n for s, n in counted.get(endpoint, {}).get("by_status", {}).items()}


def kept(resources, playlist_id: str):
    with create_engine(resources["database"].url).connect() as conn:
        return chartmetric_playlist_search_since(conn, playlist_id, since=LONG_AGO)


def change_kept(resources, playlist_id: str, **values) -> None:
    with create_engine(resources["database"].url).begin() as conn:
        conn.execute(
            update(chartmetric_playlists)
            .where(chartmetric_playlists.c.spotify_playlist_id == playlist_id)
            .values(**values)
        )


def tracked(catalog):
    return next(p for p in catalog.playlists if p.id in catalog.cm_playlists_by_spotify_id)


def untracked(catalog):
    return next(p for p in catalog.playlists if p.id not in catalog.cm_playlists_by_spotify_id)


def test_a_tracked_playlist_is_searched_once_and_read_from_chartmetric_each_time(
    catalog, sandbox, resources, instance
):
    playlist = tracked(catalog)
    copy = catalog.cm_playlists_by_spotify_id[playlist.id]

    first = fetch(instance, resources, playlist.id)
    again = fetch(instance, resources, playlist.id)

    assert chartmetric_requests(first, SEARCH) == {200: 1}
    assert chartmetric_requests(again, SEARCH) == {}
    assert chartmetric_requests(again, PLAYLIST_TRACKS) == {200: 1}
    assert (first["chartmetric_searches_kept"].value, again["chartmetric_searches_kept"].value) == (
        0,
        1,
    )
    assert again["fetch_method"].value == "chartmetric"
    answer = kept(resources, playlist.id)
    assert (answer.chartmetric_id, answer.name) == (copy.id, playlist.name)
    with create_engine(resources["database"].url).connect() as conn:
        assert playlist_track_ids(conn, playlist.id) == list(dict.fromkeys(copy.track_ids))


def test_an_untracked_playlist_is_not_searched_again_and_the_reason_dates_the_answer(
    catalog, sandbox, resources, instance
):
    playlist = untracked(catalog)

    first = fetch(instance, resources, playlist.id)
    again = fetch(instance, resources, playlist.id)

    assert chartmetric_requests(first, SEARCH) == {200: 1}
    assert chartmetric_requests(again, SEARCH) == {}
    answer = kept(resources, playlist.id)
    assert answer.chartmetric_id is None
    with create_engine(resources["database"].url).connect() as conn:
        reason = latest_playlist_fetch(conn, playlist.id).reason
    assert reason.startswith(
        "chartmetric: does not track this playlist "
        f"(Chartmetric's answer of {answer.searched_at:%Y-%m-%d})"
    ), reason
    used = again["fetch_method"].value
    assert used == first["fetch_method"].value != "chartmetric"
    assert reason.endswith(f": used {used}")


def test_a_kept_id_chartmetric_no_longer_knows_is_searched_again_and_replaced(
    catalog, sandbox, resources, instance
):
    playlist = tracked(catalog)
    copy = catalog.cm_playlists_by_spotify_id[playlist.id]
    fetch(instance, resources, playlist.id)
    change_kept(resources, playlist.id, chartmetric_id=NO_SUCH_CHARTMETRIC_PLAYLIST)

    again = fetch(instance, resources, playlist.id)

    assert chartmetric_requests(again, PLAYLIST_TRACKS) == {404: 1, 200: 1}
    assert chartmetric_requests(again, SEARCH) == {200: 1}
    assert again["chartmetric_searches_kept"].value == 0  # the kept answer did not serve
    assert again["fetch_method"].value == "chartmetric"
    assert kept(resources, playlist.id).chartmetric_id == copy.id


def test_an_answer_older_than_the_static_ttl_is_asked_again(catalog, sandbox, resources, instance):
    playlist = untracked(catalog)
    fetch(instance, resources, playlist.id)
    change_kept(resources, playlist.id, searched_at=LONG_AGO)

    again = fetch(instance, resources, playlist.id)

    assert chartmetric_requests(again, SEARCH) == {200: 1}
    assert again["chartmetric_searches_kept"].value == 0
    assert kept(resources, playlist.id).searched_at > LONG_AGO
