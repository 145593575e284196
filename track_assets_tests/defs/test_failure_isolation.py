"""One bad answer costs one track, never the batch, the step or the playlist: a track whose
answers stay malformed after the HTTP layer's retries is recorded failed, with the reason and
a retry time, and every other track of the playlist is stored."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest

from track_assets.db.repository import get_phase_status, get_track
from track_assets.defs.assets.chartmetric_analytics import chartmetric_analytics
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RetryPolicy
from track_assets_tests.support.database import connection

CHARTMETRIC_TRACK_ROUTE = "/api/track/{cm_id}"  # the emulator's label of GET /api/track/{id}


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def test_a_track_whose_answers_stay_malformed_fails_alone_with_its_reason(
    catalog, sandbox, resources_on_a_copy, instance
):
    resources = resources_on_a_copy  # every playlist enriched on the first day
    playlist = catalog.playlists[0]
    ids = playlist.track_ids
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
    sandbox.clock.advance_days(1)  # Chartmetric's figures are volatile: every track is due
    url = resources["database"].url
    with connection(url) as conn:
        cm_ids = {t: get_track(conn, t).chartmetric_id for t in ids}
    unlucky = next(t for t in ids if cm_ids[t] is not None)  # the first record asked for
    attempts = RetryPolicy().max_attempts
    # Cut-off bodies for every attempt of the batch, then for every attempt of that track alone.
    sandbox.faults("chartmetric").fail_next(
        2 * attempts, kind="malformed", endpoint=CHARTMETRIC_TRACK_ROUTE
    )

    result = dg.materialize(
        [chartmetric_analytics], partition_key=playlist.id, instance=instance, resources=resources
    )

    assert result.success
    now = pipeline_now()
    with connection(url) as conn:
        statuses = {t: get_phase_status(conn, t, "chartmetric_analytics") for t in ids}
        after = {t: get_track(conn, t).chartmetric_id for t in ids}
    assert {t for t, s in statuses.items() if s.status == "failed"} == {unlucky}
    failed = statuses[unlucky]
    assert failed.reason.startswith("MalformedResponse: chartmetric GET /api/track/{id}")
    assert now < failed.next_retry_at <= now + timedelta(minutes=15)
    for track_id in set(ids) - {unlucky}:
        assert statuses[track_id].status in ("done", "not_applicable"), track_id
        assert now - statuses[track_id].fetched_at < timedelta(minutes=5), track_id
    assert after == cm_ids  # what the failed track had is kept, nothing else changed
    metadata = result.asset_materializations_for_node("chartmetric_analytics")[0].metadata
    assert metadata["statuses"].value.get("failed") == 1
