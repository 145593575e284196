"""Phase 0 in real Dagster runs against the full sandbox: the right source serves each kind of
playlist in each tier (the fetches of the shared enrichment, and the database as they left it),
and what is stored is what the catalog holds."""

from __future__ import annotations

import pytest

from track_assets.db.repository import (
    get_playlist,
    get_track,
    latest_playlist_fetch,
    playlist_memberships,
)
from track_assets_tests.support.database import connection
from track_assets_tests.support.pipeline import fetch_playlist

pytestmark = pytest.mark.chromium


def expected_method(catalog, playlist, tier: str) -> str:
    if any(cm.spotify_playlist_id == playlist.id for cm in catalog.cm_playlists):
        return "chartmetric"
    return "spotify_api" if tier == "extended" else "web_player"


def test_each_playlist_is_read_by_the_source_the_catalog_and_tier_imply(catalog, enriched, tier):
    kinds = set()
    for playlist in catalog.playlists:
        result = enriched.fetches[playlist.id]
        assert result.success, playlist.id
        method = expected_method(catalog, playlist, tier)
        kinds.add((playlist.editorial, method))
        metadata = result.asset_materializations_for_node("playlist_tracks")[0].metadata
        assert metadata["fetch_method"].value == method, playlist.id
        with connection(enriched.fetched_url) as conn:
            fetch = latest_playlist_fetch(conn, playlist.id)
            members = [m.track_id for m in playlist_memberships(conn, playlist.id)]
            stored = get_track(conn, members[0])
            stored_playlist = get_playlist(conn, playlist.id)
        assert (fetch.method, fetch.status) == (method, "succeeded")
        if method == "chartmetric":  # the catalog's copies are current
            assert fetch.reason.startswith("chartmetric: checked against "), fetch.reason
            assert metadata["fetch_reason"].value == fetch.reason
        else:
            assert fetch.reason.startswith("chartmetric: does not track this playlist")
            assert fetch.reason.endswith(f": used {method}")
        assert (stored_playlist.name, stored_playlist.owner) == (
            playlist.name,
            playlist.owner.display_name,
        ), (playlist.id, method)
        if method == "chartmetric":
            cm = next(c for c in catalog.cm_playlists if c.spotify_playlist_id == playlist.id)
            assert members == list(dict.fromkeys(cm.track_ids))
        else:
            tracks = [i.track_id for i in playlist.items if i.kind == "track"]
            assert members == list(dict.fromkeys(tracks))
            skipped = sum(1 for i in playlist.items if i.kind != "track")
            assert fetch.skipped_count == skipped + len(tracks) - len(set(tracks))
        assert (stored.fetch_method, stored.enrichment_status) in {
            (method, "pending"),
            *((m, "pending") for m in ("chartmetric", "spotify_api", "web_player")),
        }
        checks = result.get_asset_check_evaluations()
        assert [c.check_name for c in checks if c.passed] == ["playlist_has_tracks"]
    web = "spotify_api" if tier == "extended" else "web_player"
    assert kinds == {(True, "chartmetric"), (False, "chartmetric"), (True, web), (False, web)}


def test_an_unknown_playlist_fails_naming_the_playlist_and_each_answer(
    sandbox, resources, instance
):
    unknown = "0000000000000000000000"
    result = fetch_playlist(instance, resources, unknown)
    assert not result.success
    failure = result.failure_data_for_node("playlist_tracks")
    message = failure.user_failure_data.description if failure.user_failure_data else str(failure)
    assert unknown in message
    assert "chartmetric: does not track this playlist" in message
    assert "web_player: no such public playlist" in message
    with connection(resources["database"].url) as conn:
        assert latest_playlist_fetch(conn, unknown).status == "failed"
