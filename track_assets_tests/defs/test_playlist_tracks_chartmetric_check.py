"""Phase 0 in real Dagster runs against the full sandbox, over HTTP: a Chartmetric copy that lags
Spotify's playlist gives way to Spotify, an agreeing one is kept at the cost of a Spotify request
or two, one Spotify cannot check is kept as well, and the fetch row and the materialization say
which source served and why."""

from __future__ import annotations

import dagster as dg
import pytest
from sqlalchemy import create_engine

from track_assets.db.repository import latest_playlist_fetch, playlist_track_ids
from track_assets.sandbox.catalog import Catalog, generate_catalog, load_catalog
from track_assets_tests.support.pipeline import fetch_playlist

pytestmark = pytest.mark.chromium

FETCH_PLAYLIST = "POST /pathfinder/v2/query#fetchPlaylist"  # our counters
FETCH_PLAYLIST_LABEL = "/pathfinder/v2/query#fetchPlaylist"  # the emulator's
LAG = 2  # tracks added to Spotify's playlist since Chartmetric took its copy


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """A small demo catalog in which Chartmetric's copy of the first user playlist it tracks
    lacks the last tracks added to it on Spotify; its other copies are current."""
    data = generate_catalog(seed=11, playlists=5, tracks=40)
    tracked = {p["spotify_playlist_id"] for p in data["chartmetric"]["playlists"]}
    lagging = next(
        p["id"] for p in data["playlists"] if p["id"] in tracked and not p["id"].startswith("37i9")
    )
    for cm in data["chartmetric"]["playlists"]:
        if cm["spotify_playlist_id"] == lagging:
            assert len(cm["track_ids"]) > LAG
            cm["track_ids"] = cm["track_ids"][:-LAG]
    return load_catalog(data)


def lagging_playlist(catalog: Catalog):
    return next(
        p
        for p in catalog.playlists
        if (cm := catalog.cm_playlists_by_spotify_id.get(p.id))
        and len(cm.track_ids) < sum(1 for i in p.items if i.kind == "track")
    )


def agreeing_playlist(catalog: Catalog):
    lagging = lagging_playlist(catalog)
    return next(
        p
        for p in catalog.playlists
        if p.id in catalog.cm_playlists_by_spotify_id and p.id != lagging.id and not p.editorial
    )


def materialize(instance, resources, playlist_id: str) -> dg.ExecuteInProcessResult:
    result = fetch_playlist(instance, resources, playlist_id)
    assert result.success, playlist_id
    return result


def metadata_of(result: dg.ExecuteInProcessResult) -> dict:
    return result.asset_materializations_for_node("playlist_tracks")[0].metadata


def requests_to(metadata: dict, service: str, endpoint: str | None = None) -> int:
    summary = metadata["requests"].value.get(service, {})
    if endpoint is None:
        return summary.get("total", 0)
    return summary.get("by_endpoint", {}).get(endpoint, {}).get("total", 0)


def test_a_lagging_chartmetric_copy_gives_way_to_spotify_and_every_track_is_stored(
    catalog, sandbox, tier, resources, instance
):
    playlist = lagging_playlist(catalog)
    spotify_tracks = list(dict.fromkeys(i.track_id for i in playlist.items if i.kind == "track"))
    used = "spotify_api" if tier == "extended" else "web_player"

    metadata = metadata_of(materialize(instance, resources, playlist.id))

    with create_engine(resources["database"].url).connect() as conn:
        fetch = latest_playlist_fetch(conn, playlist.id)
        stored = playlist_track_ids(conn, playlist.id)
    assert stored == spotify_tracks
    assert fetch.method == used != "chartmetric"
    copy = len(spotify_tracks) - LAG
    assert fetch.reason.startswith(
        f"chartmetric: copy lagging ({copy} tracks vs Spotify's {len(spotify_tracks)}, per "
    )
    assert fetch.reason.endswith(f": used {used}")
    assert metadata["fetch_method"].value == used
    assert metadata["fetch_reason"].value == fetch.reason
    assert metadata["attempts"].value["chartmetric"].startswith("copy lagging")


def test_an_agreeing_copy_stays_chartmetric_for_one_or_two_spotify_requests(
    catalog, sandbox, tier, resources, instance
):
    playlist = agreeing_playlist(catalog)
    cm = catalog.cm_playlists_by_spotify_id[playlist.id]

    first = metadata_of(materialize(instance, resources, playlist.id))

    with create_engine(resources["database"].url).connect() as conn:
        fetch = latest_playlist_fetch(conn, playlist.id)
        stored = playlist_track_ids(conn, playlist.id)
    assert fetch.method == first["fetch_method"].value == "chartmetric"
    assert stored == list(dict.fromkeys(cm.track_ids))
    assert fetch.snapshot_id == playlist.snapshot_id
    assert first["fetch_reason"].value == fetch.reason
    api_calls = (
        requests_to(first, "spotify_api", "GET /v1/playlists/{id}"),
        requests_to(first, "spotify_api"),
    )
    assert api_calls == (1, 2)  # the playlist's metadata, and the token it needs
    if tier == "extended":
        # That one answer carries the count and the first page: nothing else is asked.
        assert fetch.reason.startswith("chartmetric: checked against spotify_api (the same ")
        assert requests_to(first, "spotify_web") == 0
    else:
        # The development tier's metadata has no count: one fetchPlaylist page of the web
        # player has it, read after the one page visit any web-player session starts with.
        assert fetch.reason.startswith("chartmetric: checked against web_player (the same ")
        assert requests_to(first, "spotify_web", "GET /playlist/{id}") == 1
        assert requests_to(first, "spotify_web", FETCH_PLAYLIST) <= 2  # the page's and ours

    again = metadata_of(materialize(instance, resources, playlist.id))

    with create_engine(resources["database"].url).connect() as conn:
        fetch = latest_playlist_fetch(conn, playlist.id)
    assert (fetch.method, again["fetch_method"].value) == ("chartmetric", "chartmetric")
    assert (requests_to(again, "spotify_api"), requests_to(again, "spotify_web")) == (2, 0)
    if tier == "development":
        # Spotify's snapshot is still the one the copy matched: no need to count again.
        assert fetch.reason == (
            "chartmetric: checked against spotify_api (snapshot unchanged since the last "
            f"fetch, the same {len(set(cm.track_ids))} tracks)"
        )


@pytest.mark.parametrize("tier", ["development"])  # whose Web API answers 404 for editorial
def test_when_spotify_refuses_both_ways_the_copy_is_kept_and_the_reason_says_so(
    catalog, sandbox, resources, instance
):
    editorial = next(
        p for p in catalog.playlists if p.editorial and p.id in catalog.cm_playlists_by_spotify_id
    )
    sandbox.faults("spotify_web").fail_next(10, status=403, endpoint=FETCH_PLAYLIST_LABEL)

    metadata = metadata_of(materialize(instance, resources, editorial.id))

    with create_engine(resources["database"].url).connect() as conn:
        fetch = latest_playlist_fetch(conn, editorial.id)
    assert (fetch.method, fetch.snapshot_id) == ("chartmetric", None)
    assert fetch.reason.startswith(
        "chartmetric: not checked against Spotify (spotify_api: HTTP 404 (a Spotify-owned "
    )
    assert "; web_player: " in fetch.reason and "403" in fetch.reason
    assert metadata["fetch_reason"].value == fetch.reason
