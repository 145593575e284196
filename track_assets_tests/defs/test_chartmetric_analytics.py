"""Phase 5 in real Dagster runs against the full sandbox (the shared enrichment): Chartmetric
ids, metadata and series equal the ground truth; streams closed to the plan are `not_in_plan`,
not a failure."""

from __future__ import annotations

import pytest

from track_assets.db.repository import field_provenance_for, get_phase_status, get_track
from track_assets.sandbox.catalog import ground_truth
from track_assets_tests.support.database import connection

pytestmark = pytest.mark.chromium


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_chartmetric_findings_equal_the_ground_truth(catalog, enriched):
    for playlist in catalog.playlists:
        metadata = enriched.metadata(playlist.id, "chartmetric_analytics")
        assert metadata["streams_not_in_plan"].value == metadata["statuses"].value.get("done", 0)
    truth = ground_truth(catalog, catalog.reference_date)
    cases = set()
    with connection(enriched.url) as conn:
        for track_id, expected in truth.items():
            row = get_track(conn, track_id)
            cm = expected.chartmetric
            if row.isrc is None:
                cases.add("no_isrc")  # looked up by its Spotify id, like the truth
            assert row.chartmetric_id == cm.chartmetric_id, track_id
            status = get_phase_status(conn, track_id, "chartmetric_analytics")
            if cm.chartmetric_id is None:
                assert (status.status, status.reason) == ("not_applicable", str(cm.reason))
                cases.add(str(cm.reason))
                continue
            cases.add(str(cm.method))
            assert (tuple(row.moods), tuple(row.activities)) == (cm.moods, cm.activities)
            assert row.youtube_views == cm.youtube_views
            assert row.playlist_reach == cm.playlist_reach
            provenance = field_provenance_for(conn, "track", track_id)
            assert provenance["chartmetric_velocity"].reason == "not_in_plan"
            assert provenance["track_stage"].reason == "not_provided_for_tracks"
    assert {"isrc", "spotify_id", "no_isrc", "not_found"} <= cases
