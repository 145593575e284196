"""One bad answer costs one track, never the batch, the step or the playlist: a track whose
answers stay malformed after the HTTP layer's retries is recorded failed, with the reason and
a retry time, and every other track of the playlist is stored."""

from __future__ import annotations

import time
from datetime import timedelta

import dagster as dg
import pytest

from track_assets.db.repository import (
    get_phase_status,
    get_track,
    phase_statuses,
    playlist_track_ids,
)
from track_assets.defs.assets.chartmetric_analytics import chartmetric_analytics
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.pipeline_clock import pipeline_now
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RetryPolicy
from track_assets_tests.defs.conftest import pipeline_resources
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


def test_a_quota_lockout_fails_the_step_at_once_with_spotifys_reason_and_loses_nothing(
    catalog, enriched, instance, sandbox_home, tmp_path
):
    """Spotify's daily quota used up mid-phase: a 429 QUOTA_EXCEEDED with a Retry-After of
    hours, which no retry inside the run could outlast."""
    resources = pipeline_resources(
        enriched.databases.copy(enriched.fetched_url, f"quota_{tmp_path.name}"), tmp_path
    )
    playlist = catalog.playlists[0]
    ids = playlist.track_ids
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
    options = SandboxOptions(
        seed=1,
        tier="development",
        rate_limits="off",
        date=catalog.reference_date,
        # An account whose quota other work has nearly spent today: a few of the development
        # tier's one-id calls, then the lockout.
        limits={"spotify_api": {"daily_quota": {"limit": 8, "mode": "enforce"}}},
    )
    url = resources["database"].url
    with connection(url) as conn:
        before = playlist_track_ids(conn, playlist.id)
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=sandbox_home) as sandbox:
        started = time.monotonic()
        locked_out = dg.materialize(
            [spotify_track_metadata],
            partition_key=playlist.id,
            instance=instance,
            resources=resources,
            raise_on_error=False,
        )
        took = time.monotonic() - started

        assert not locked_out.success
        [failure] = [
            e for e in locked_out.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE
        ]
        message = failure.step_failure_data.error.message
        assert "SpotifyQuotaExceeded" in message and "QUOTA_EXCEEDED" in message, message
        assert "rerun after" in message.lower(), message  # when the lockout ends
        assert took < 60  # not a retry waiting hours, nor Dagster's retries of the step
        assert sandbox.counters.snapshot("spotify_api").count(status=429) == 1
        with connection(url) as conn:
            assert playlist_track_ids(conn, playlist.id) == before
            statuses = phase_statuses(conn, ids, "spotify_metadata")
        assert all(s.status != "failed" for s in statuses.values())  # the tracks did nothing wrong

        # The next day the account's quota starts again, whole (today's was mostly spent).
        sandbox.clock.advance_days(1)
        sandbox.limits("spotify_api").configure("daily_quota", {"limit": 10_000})
        next_day = dg.materialize(
            [spotify_track_metadata],
            partition_key=playlist.id,
            instance=instance,
            resources=resources,
        )
    assert next_day.success
    with connection(url) as conn:
        statuses = phase_statuses(conn, ids, "spotify_metadata")
    assert {t: s.status for t, s in statuses.items()} == dict.fromkeys(ids, "done")
