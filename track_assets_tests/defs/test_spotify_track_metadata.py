"""Phase 1 in real Dagster runs against the full sandbox: every field equals the catalog's
ground truth for the tier, each with its source (in the shared enrichment), and fresh tracks
cost no request (a rerun on a copy of it)."""

from __future__ import annotations

import dagster as dg
import pytest

from track_assets.db.repository import (
    field_provenance_for,
    get_album,
    get_spotify_artist,
    get_track,
    track_artist_ids,
)
from track_assets.defs.assets.playlist_tracks import playlist_tracks
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.sandbox.catalog import ground_truth
from track_assets.sandbox.catalog.truth import Tier
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.database import connection

pytestmark = pytest.mark.chromium


def run(instance, resources, playlist_id, assets):
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist_id])
    result = dg.materialize(
        assets, partition_key=playlist_id, instance=instance, resources=resources
    )
    assert result.success
    return result


def test_metadata_equals_the_ground_truth_of_the_tier(catalog, enriched, tier):
    truth = ground_truth(catalog, catalog.reference_date)
    expected_source = "spotify_api" if tier == "extended" else "web_player"
    with connection(enriched.url) as conn:
        for track_id, expected in truth.items():
            meta = expected.metadata[Tier(tier)]
            row = get_track(conn, track_id)
            assert (row.isrc, row.name, row.duration_ms, row.explicit) == (
                meta.isrc,
                meta.name,
                meta.duration_ms,
                meta.explicit,
            ), track_id
            assert (row.album_id, row.release_date, row.release_date_precision) == (
                meta.album_id,
                meta.release_date,
                meta.release_date_precision,
            )
            assert row.popularity == meta.popularity
            album = get_album(conn, meta.album_id)
            assert album.label == meta.label
            assert album.copyrights == [
                {"text": c.text, "type": c.type}
                for c in catalog.albums_by_id[meta.album_id].copyrights
            ]
            label = field_provenance_for(conn, "album", meta.album_id)["label"]
            assert (label.source, label.reason) == (expected_source, None)
            assert track_artist_ids(conn, track_id) == [a.id for a in meta.artists]
            for artist in meta.artists:
                stored = get_spotify_artist(conn, artist.id)
                assert stored.name == artist.name
                assert (stored.followers, stored.monthly_listeners) == (
                    artist.followers,
                    artist.monthly_listeners,
                )
                assert stored.popularity == artist.popularity
                assert stored.genres == (list(artist.genres) if artist.genres is not None else None)
            popularity = field_provenance_for(conn, "track", track_id)["popularity"]
            if tier == "development":
                assert (row.popularity, popularity.reason) == (None, "not_in_tier")
                assert row.audio_features is None
            else:
                assert popularity.reason is None
    if tier == "development":  # its full album and artist add nothing the web player lacks
        for playlist in catalog.playlists:
            metadata = enriched.metadata(playlist.id, "spotify_track_metadata")
            asked = metadata["requests"].value["spotify_api"]["by_endpoint"]
            assert "GET /v1/albums/{id}" not in asked, playlist.id
            assert "GET /v1/artists/{id}" not in asked, playlist.id
            if metadata["tracks_worked"].value:  # phase 2's play counts come with the albums
                assert metadata["play_counts_from_albums"].value > 0, playlist.id


@pytest.mark.parametrize("backend", ["sqlite"])  # the rerun is the same on PostgreSQL
def test_once_every_playlist_is_enriched_a_rerun_makes_no_request(
    catalog, sandbox, resources_on_a_copy, instance
):
    # Everything is fresh now: a rerun of any playlist's phase 1 makes no request at all.
    again = run(instance, resources_on_a_copy, catalog.playlists[0].id, [spotify_track_metadata])
    metadata = again.asset_materializations_for_node("spotify_track_metadata")[0].metadata
    assert metadata["tracks_worked"].value == 0
    assert metadata["requests_total"].value == 0
    assert metadata["cache_hits"].value == metadata["tracks"].value > 0


@pytest.mark.parametrize("backend", ["sqlite"])  # the lockout does not depend on the database
def test_a_quota_lockout_fails_the_step_at_once_with_a_clear_message(
    catalog, sandbox_home, resources, instance
):
    quota = {"spotify_api": {"daily_quota": {"limit": 3, "mode": "enforce"}}}
    options = SandboxOptions(
        seed=1, tier="development", rate_limits="off", limits=quota, date=catalog.reference_date
    )
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=sandbox_home):
        playlist = catalog.playlists[0]
        instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
        result = dg.materialize(
            [playlist_tracks, spotify_track_metadata],
            partition_key=playlist.id,
            instance=instance,
            resources=resources,
            raise_on_error=False,
        )
    assert not result.success
    failure = result.failure_data_for_node("spotify_track_metadata")
    assert "SpotifyQuotaExceeded" in failure.user_failure_data.description
    retried = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert retried == []
