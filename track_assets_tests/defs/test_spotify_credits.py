"""Phase 2 in real Dagster runs against the full sandbox (real Chromium): credits and play
counts equal the ground truth and shared tracks cost nothing (the shared enrichment), and
without SPOTIFY_SP_DC the credits are not applicable while play counts still come."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from track_assets.db.repository import get_phase_status, get_track, list_track_credits
from track_assets.defs.assets.playlist_tracks import playlist_tracks
from track_assets.defs.assets.spotify_credits import spotify_credits
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.sandbox.catalog import ground_truth
from track_assets_tests.support.database import connection

pytestmark = pytest.mark.chromium
PHASES = [playlist_tracks, spotify_track_metadata, spotify_credits]
PHASE_CHECKS = {"playlist_has_tracks", "isrc_coverage", "play_count_coverage"}


@pytest.fixture(params=["development"])
def tier(request) -> str:  # credits and play counts do not depend on the Web API tier
    return request.param


def run(instance, resources, playlist_id, assets=PHASES) -> dict:
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist_id])
    result = dg.materialize(
        assets, partition_key=playlist_id, instance=instance, resources=resources
    )
    assert result.success
    checks = {check.check_name for check in result.get_asset_check_evaluations()}
    assert checks == PHASE_CHECKS
    return result.asset_materializations_for_node("spotify_credits")[0].metadata


def credits_by_role(conn, track_id):
    roles: dict[str, list] = {}
    for credit in list_track_credits(conn, track_id):
        roles.setdefault(credit.role, []).append(credit)
    return roles


def uri(artist_id):
    return f"spotify:artist:{artist_id}" if artist_id else None


def test_credits_and_play_counts_equal_the_ground_truth_and_shared_tracks_cost_nothing(
    catalog, enriched
):
    done: set[str] = set()
    for playlist in catalog.playlists:  # enriched in this order
        tracks = {i.track_id for i in playlist.items if i.kind == "track"}
        checks = enriched.check_evaluations(playlist.id, [a.key.path[-1] for a in PHASES])
        assert {check.check_name for check in checks} == PHASE_CHECKS
        metadata = enriched.metadata(playlist.id, "spotify_credits")
        assert metadata["tracks_worked"].value == len(tracks - done), playlist.id
        # Phase 1 read every album with getAlbum (for its label), play counts included: they
        # are not asked again.
        asked = metadata["requests"].value.get("spotify_web", {}).get("by_endpoint", {})
        assert "POST /pathfinder/v2/query#getAlbum" not in asked, playlist.id
        if not tracks - done:
            assert metadata["requests_total"].value == 0
        done |= tracks
    truth = ground_truth(catalog, catalog.reference_date)
    with connection(enriched.url) as conn:
        for track_id, expected in truth.items():
            row = get_track(conn, track_id)
            assert row.spotify_streams == expected.play_count, track_id
            roles = credits_by_role(conn, track_id)
            writers = roles.get("writer", [])
            assert [(c.name, c.spotify_artist_uri, tuple(c.subroles)) for c in writers] == [
                (w.name, uri(w.spotify_artist_id), w.subroles) for w in expected.credits.writers
            ], track_id
            assert [c.name for c in roles.get("producer", [])] == [
                p.name for p in expected.credits.producers
            ]
            assert [c.name for c in roles.get("performer", [])] == [
                p.name for p in expected.credits.performers
            ]
            assert all(c.songwriter_id is not None for c in writers)
            assert tuple(row.credits_source_names) == expected.credits.source_names
            assert get_phase_status(conn, track_id, "spotify_credits").status == "done"


def test_without_a_login_cookie_credits_are_not_applicable_and_play_counts_still_come(
    catalog, sandbox, sandbox_home, resources, instance
):
    runtime_file = sandbox_home / "sandbox.json"
    runtime = json.loads(runtime_file.read_text())
    del runtime["services"]["spotify_web"]["credentials"]["SPOTIFY_SP_DC"]
    runtime_file.write_text(json.dumps(runtime))
    playlist = catalog.playlists[0]
    metadata = run(instance, resources, playlist.id)
    assert metadata["not_applicable_by_reason"].value == {"no_sp_dc": metadata["tracks"].value}
    assert metadata["coverage_play_count"].value == 1.0
    credit_requests = [
        endpoint
        for endpoint in metadata["requests"].value.get("spotify_web", {}).get("by_endpoint", {})
        if "credits" in endpoint.lower()
    ]
    assert credit_requests == []
    track_id = next(i.track_id for i in playlist.items if i.kind == "track")
    with connection(resources["database"].url) as conn:
        status = get_phase_status(conn, track_id, "spotify_credits")
        assert (status.status, status.reason) == ("not_applicable", "no_sp_dc")
