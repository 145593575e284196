"""Many playlists in one run (a partition range: backfills, the nightly refresh, a batch of
fetches): each step starts once for all of them, and what the run stores is what one run per
playlist stores; every playlist gets its materializations, its fetch and its report. A
playlist that cannot be read costs only itself."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from track_assets.db.repository import get_playlist_report, get_track, latest_playlist_fetch
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets_tests.support.database import connection
from track_assets_tests.support.integrity import ONE_DAY_FIELDS, differences, duplicated_rows
from track_assets_tests.support.pipeline import ENRICHMENT_ASSETS, PHASE_ASSETS

pytestmark = pytest.mark.chromium

# A playlist id nobody serves: every source answers that it does not exist.
MISSING_PLAYLIST = "0000000000000000000000"


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def materialize_range(instance, resources, assets, first: str, last: str):
    tags = {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}
    return dg.materialize(
        assets, instance=instance, resources=resources, tags=tags, raise_on_error=False
    )


def test_one_run_over_every_playlist_stores_what_a_run_per_playlist_stores(
    catalog, enriched, instance, sandbox, resources
):
    playlist_ids = [p.id for p in catalog.playlists]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, playlist_ids)

    first, last = playlist_ids[0], playlist_ids[-1]
    fetch = materialize_range(instance, resources, PHASE_ASSETS[:1], first, last)
    enrich = materialize_range(instance, resources, ENRICHMENT_ASSETS, first, last)

    assert fetch.success and enrich.success
    # One step per phase, each a materialization of every playlist.
    steps = [e for e in enrich.all_events if e.event_type_value == "STEP_START"]
    assert len(steps) == len(ENRICHMENT_ASSETS)
    for result, assets in ((fetch, PHASE_ASSETS[:1]), (enrich, ENRICHMENT_ASSETS)):
        for asset in assets:
            partitions = {
                m.partition for m in result.asset_materializations_for_node(asset.key.path[-1])
            }
            assert partitions == set(playlist_ids), asset.key
    track_ids = list(dict.fromkeys(t for p in catalog.playlists for t in p.track_ids))
    with connection(resources["database"].url) as conn, connection(enriched.url) as reference:
        assert differences(conn, reference, track_ids, ONE_DAY_FIELDS) == []
        assert {t: get_track(conn, t).enrichment_status for t in track_ids} == {
            t: get_track(reference, t).enrichment_status for t in track_ids
        }
        assert duplicated_rows(conn) == {}
        for playlist in catalog.playlists:
            assert latest_playlist_fetch(conn, playlist.id).status == "succeeded"
            report = get_playlist_report(conn, playlist.id)
            expected = get_playlist_report(reference, playlist.id)
            assert (report.tracks, report.enrichment_status) == (
                expected.tracks,
                expected.enrichment_status,
            ), playlist.id


def test_a_playlist_nobody_serves_costs_only_itself(catalog, instance, sandbox, resources):
    served = catalog.playlists[0].id
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [MISSING_PLAYLIST, served])

    result = materialize_range(instance, resources, PHASE_ASSETS[:1], MISSING_PLAYLIST, served)

    assert result.success
    metadata = result.asset_materializations_for_node("playlist_tracks")[0].metadata
    assert list(metadata["unavailable"].value) == [MISSING_PLAYLIST]
    assert "could not be read" in metadata["unavailable"].value[MISSING_PLAYLIST]
    [check] = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed) == ("playlist_has_tracks", False)
    with connection(resources["database"].url) as conn:
        assert latest_playlist_fetch(conn, served).status == "succeeded"
        assert latest_playlist_fetch(conn, MISSING_PLAYLIST).status == "failed"


def test_a_run_whose_every_playlist_is_unreadable_fails(instance, sandbox, resources):
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [MISSING_PLAYLIST])

    result = dg.materialize(
        PHASE_ASSETS[:1],
        partition_key=MISSING_PLAYLIST,
        instance=instance,
        resources=resources,
        raise_on_error=False,
    )

    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "could not be read" in failure.step_failure_data.error.message
