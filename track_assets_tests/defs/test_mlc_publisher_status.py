"""Phase 3 in real Dagster runs against the full sandbox: every track gets the publisher status
the catalog implies (or the reason it has none), with the work's IPIs and song code."""

from __future__ import annotations

import dagster as dg
import pytest
from sqlalchemy import create_engine

from track_assets.db.repository import get_phase_status, get_track
from track_assets.defs.assets.mlc_publisher_status import mlc_publisher_status
from track_assets.defs.assets.playlist_tracks import playlist_tracks
from track_assets.defs.assets.spotify_credits import spotify_credits
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.sandbox.catalog import ground_truth

pytestmark = pytest.mark.chromium
PHASES = [playlist_tracks, spotify_track_metadata, spotify_credits, mlc_publisher_status]


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_publisher_status_equals_the_ground_truth(catalog, sandbox, resources, instance):
    for playlist in catalog.playlists:
        instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
        result = dg.materialize(
            PHASES, partition_key=playlist.id, instance=instance, resources=resources
        )
        assert result.success
        checks = {c.check_name for c in result.get_asset_check_evaluations()}
        assert "mlc_work_coverage" in checks
    truth = ground_truth(catalog, catalog.reference_date)
    engine = create_engine(resources["database"].url)
    seen = set()
    with engine.connect() as conn:
        for track_id, expected in truth.items():
            mlc = expected.mlc
            row = get_track(conn, track_id)
            status = get_phase_status(conn, track_id, "mlc_publisher_status")
            assert row.publisher_status == (mlc.status.value if mlc.status else None), track_id
            if mlc.status is None:
                assert status.reason == mlc.reason.value, track_id
                seen.add(mlc.reason.value)
                continue
            seen.add(mlc.status.value)
            assert row.mlc_song_code == mlc.song_code
            ipis = [w.ipi for w in mlc.writers if w.ipi]
            assert row.ipi == (", ".join(dict.fromkeys(ipis)) or None)
    assert {"signed", "split"} <= seen
