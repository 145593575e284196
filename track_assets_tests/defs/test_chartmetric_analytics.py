"""Phase 5 in real Dagster runs against the full sandbox (the shared enrichment): Chartmetric
ids, metadata and series equal the ground truth; streams closed to the plan are `not_in_plan`,
not a failure."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest

from track_assets.db.repository import (
    field_provenance_for,
    get_phase_status,
    get_track,
    metric_history,
)
from track_assets.defs.assets.chartmetric_analytics import chartmetric_analytics
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.defs.resources import FreshnessResource
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


GET_IDS_ROUTE = "/api/track/{id_type}/{value}/get-ids"  # the emulator's label


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_next_day_refreshes_the_figures_without_asking_for_ids_again(
    catalog, sandbox, resources_on_a_copy, instance
):
    """Chartmetric ids are stable: the daily refresh asks only for each track's record and
    series; an id is asked for again once the static TTL has passed."""
    resources, playlist = resources_on_a_copy, catalog.playlists[0]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
    with connection(resources["database"].url) as conn:
        before = {t: get_track(conn, t).chartmetric_id for t in playlist.track_ids}
    found = [t for t, cm_id in before.items() if cm_id is not None]

    def next_day(static_ttl_days: float) -> tuple[dict, dict]:
        sandbox.clock.advance_days(1)  # volatile figures are due again
        sandbox.counters.reset("chartmetric")
        run_resources = resources | {
            "freshness": FreshnessResource(static_ttl_days=static_ttl_days)
        }
        result = dg.materialize(
            [chartmetric_analytics],
            partition_key=playlist.id,
            instance=instance,
            resources=run_resources,
        )
        assert result.success
        metadata = result.asset_materializations_for_node("chartmetric_analytics")[0].metadata
        return sandbox.counters.snapshot("chartmetric").requests, metadata

    requests, metadata = next_day(static_ttl_days=30)

    assert GET_IDS_ROUTE not in requests
    assert metadata["ids_chosen_before"].value == len(found)
    with connection(resources["database"].url) as conn:
        assert {t: get_track(conn, t).chartmetric_id for t in playlist.track_ids} == before
        for track_id in found:
            days = [s.captured_on for s in metric_history(conn, track_id, source="chartmetric")]
            assert days[-1] == catalog.reference_date + timedelta(days=1), track_id

    requests, metadata = next_day(static_ttl_days=1)  # the ids chosen two days ago are stale

    assert sum(requests[GET_IDS_ROUTE].values()) >= len(found)
    assert metadata["ids_chosen_before"].value == 0
