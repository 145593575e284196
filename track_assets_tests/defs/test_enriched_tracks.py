"""Every phase for one partition in one real Dagster run against the full sandbox, on SQLite
and PostgreSQL: each track ends consolidated and complete, with its snapshot."""

from __future__ import annotations

import dagster as dg
import pytest
from sqlalchemy import create_engine

from track_assets.db.repository import get_track, metric_history
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.sandbox.catalog import ground_truth
from track_assets_tests.support.pipeline import PHASE_ASSETS

pytestmark = pytest.mark.chromium


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_one_run_enriches_a_playlist_completely(catalog, sandbox, resources, instance):
    playlist = next(p for p in catalog.playlists if not p.editorial)
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
    result = dg.materialize(
        PHASE_ASSETS, partition_key=playlist.id, instance=instance, resources=resources
    )
    assert result.success
    assert len(result.get_asset_check_evaluations()) == 7
    metadata = result.asset_materializations_for_node("enriched_tracks")[0].metadata
    tracks = {i.track_id for i in playlist.items if i.kind == "track"}
    assert metadata["statuses"].value == {"complete": len(tracks)}
    truth = ground_truth(catalog, catalog.reference_date)
    engine = create_engine(resources["database"].url)
    with engine.connect() as conn:
        for track_id in tracks:
            row = get_track(conn, track_id)
            expected = truth[track_id]
            writers = [w.name for w in expected.credits.writers]
            assert row.songwriter == ("; ".join(writers) or None), track_id
            assert row.spotify_streams == expected.play_count
            assert row.enrichment_status == "complete"
            [snapshot] = metric_history(conn, track_id, source="pipeline")
            assert snapshot.spotify_streams == expected.play_count
