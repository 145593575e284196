"""Every phase for one partition in real Dagster runs against the full sandbox, on SQLite and
PostgreSQL (the shared enrichment: the fetch job's run, then the enrichment job's): each track
ends consolidated and complete, with its snapshot."""

from __future__ import annotations

import pytest

from track_assets.db.repository import get_track, metric_history
from track_assets.sandbox.catalog import ground_truth
from track_assets_tests.support.database import connection
from track_assets_tests.support.pipeline import PHASE_ASSETS

pytestmark = pytest.mark.chromium


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_the_fetch_and_the_enrichment_enrich_a_playlist_completely(catalog, enriched):
    playlist = next(p for p in catalog.playlists if not p.editorial)
    checks = enriched.check_evaluations(playlist.id, [a.key.path[-1] for a in PHASE_ASSETS])
    assert len(checks) == 7
    metadata = enriched.metadata(playlist.id, "enriched_tracks")
    tracks = {i.track_id for i in playlist.items if i.kind == "track"}
    assert metadata["statuses"].value == {"complete": len(tracks)}
    truth = ground_truth(catalog, catalog.reference_date)
    with connection(enriched.url) as conn:
        for track_id in tracks:
            row = get_track(conn, track_id)
            expected = truth[track_id]
            writers = [w.name for w in expected.credits.writers]
            assert row.songwriter == ("; ".join(writers) or None), track_id
            assert row.spotify_streams == expected.play_count
            assert row.enrichment_status == "complete"
            [snapshot] = metric_history(conn, track_id, source="pipeline")
            assert snapshot.spotify_streams == expected.play_count
