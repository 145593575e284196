"""Phase 3 in real Dagster runs against the full sandbox (the shared enrichment): every track
gets the publisher status the catalog implies (or the reason it has none), with the work's IPIs
and song code."""

from __future__ import annotations

import pytest

from track_assets.db.repository import get_phase_status, get_track
from track_assets.sandbox.catalog import ground_truth
from track_assets_tests.support.database import connection

pytestmark = pytest.mark.chromium


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_publisher_status_equals_the_ground_truth(catalog, enriched):
    for playlist in catalog.playlists:
        checks = enriched.check_evaluations(playlist.id, ["mlc_publisher_status"])
        assert "mlc_work_coverage" in {c.check_name for c in checks}
    truth = ground_truth(catalog, catalog.reference_date)
    seen = set()
    with connection(enriched.url) as conn:
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
