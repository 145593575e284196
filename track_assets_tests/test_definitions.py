"""The code location loads, and its graph, partitions and resource keys are what we expect."""

import itertools

import dagster as dg

from track_assets.definitions import defs
from track_assets.defs.partitions import PLAYLISTS_PARTITION, playlists_partitions
from track_assets.pools import POOLS


def test_code_location_loads_and_validates():
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    definitions.get_repository_def()


def test_resource_keys_are_bound_once():
    assert set(defs().resources) == {
        "database",
        "freshness",
        "exports",
        "webhook",
        "spotify_api",
        "spotify_web",
        "chartmetric",
        "mlc",
        "musicbrainz",
    }


def test_the_phase_assets_are_partitioned_by_playlist_and_in_phase_order():
    graph = defs().resolve_asset_graph()
    phases = ["playlist_tracks", "spotify_track_metadata", "spotify_credits"]
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert set(phases) <= keys
    for earlier, later in itertools.pairwise(phases):
        parents = {p.to_user_string() for p in graph.get(dg.AssetKey(later)).parent_keys}
        assert earlier in parents, later
    for name in phases:
        node = graph.get(dg.AssetKey(name))
        assert node.partitions_def == playlists_partitions, name
        assert node.pools, f"{name} has no pool"


def test_every_phase_asset_guards_its_data_with_checks():
    checks = {key.name for key in defs().resolve_asset_graph().asset_check_keys}
    assert {
        "playlist_has_tracks",
        "isrc_coverage",
        "play_count_coverage",
        "chartmetric_id_coverage",
        "mlc_work_coverage",
        "writers_looked_up",
        "every_track_consolidated",
    } <= checks


def test_playlists_are_a_dynamic_partition_named_playlists():
    assert PLAYLISTS_PARTITION == "playlists"
    assert isinstance(playlists_partitions, dg.DynamicPartitionsDefinition)
    assert playlists_partitions.name == PLAYLISTS_PARTITION


def test_the_fetch_and_enrich_jobs_split_phase_0_from_the_rest():
    definitions = defs()
    fetch = definitions.resolve_job_def("fetch_playlist_job")
    enrich = definitions.resolve_job_def("enrich_playlist_job")
    assert {k.to_user_string() for k in fetch.asset_layer.selected_asset_keys} == {
        "playlist_tracks"
    }
    enriched = {k.to_user_string() for k in enrich.asset_layer.selected_asset_keys}
    assert {
        "spotify_track_metadata",
        "spotify_credits",
        "mlc_publisher_status",
        "musicbrainz_recordings",
        "musicbrainz_social_links",
        "songwriter_identity",
        "chartmetric_analytics",
        "enriched_tracks",
    } <= enriched
    assert "playlist_tracks" not in enriched


def test_identity_is_decided_after_the_mlc_and_musicbrainz_have_both_answered():
    graph = defs().resolve_asset_graph()

    def parents(name: str) -> set[str]:
        return {p.to_user_string() for p in graph.get(dg.AssetKey(name)).parent_keys}

    assert parents("mlc_publisher_status") == {"spotify_credits"}
    assert parents("musicbrainz_recordings") == {"spotify_credits"}
    assert parents("musicbrainz_social_links") == {"mlc_publisher_status", "musicbrainz_recordings"}
    assert parents("songwriter_identity") == {"mlc_publisher_status", "musicbrainz_social_links"}
    assert "songwriter_identity" in parents("enriched_tracks")
    assert parents("chartmetric_analytics") == {"spotify_track_metadata"}


def test_songwriter_leads_is_unpartitioned_over_every_playlist_in_its_own_job():
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    node = graph.get(dg.AssetKey("songwriter_leads"))
    assert node.partitions_def is None
    assert {p.to_user_string() for p in node.parent_keys} == {"enriched_tracks"}
    assert dg.AssetCheckKey(dg.AssetKey("songwriter_leads"), "leads_exported") in (
        graph.asset_check_keys
    )
    leads_job = definitions.resolve_job_def("songwriter_leads_job")
    assert {k.to_user_string() for k in leads_job.asset_layer.selected_asset_keys} == {
        "songwriter_leads"
    }
    enrich = definitions.resolve_job_def("enrich_playlist_job")
    enriched = {k.to_user_string() for k in enrich.asset_layer.selected_asset_keys}
    assert "songwriter_leads" not in enriched
    assert "enriched_tracks" in enriched


def test_the_tracks_export_holds_every_consolidated_field():
    from track_assets.enrichment.exports import TRACK_COLUMN_KINDS
    from track_assets_tests.test_phases import SEED_FIELDS

    assert set(SEED_FIELDS) <= set(TRACK_COLUMN_KINDS)
    assert {"spotify_track_id", "name", "artists", "enrichment_status", "playlist_ids"} <= set(
        TRACK_COLUMN_KINDS
    )


def test_phase_7_follows_consolidation_in_the_enrichment_job():
    definitions = defs()
    node = definitions.resolve_asset_graph().get(dg.AssetKey("enrichment_events"))
    assert node.partitions_def == playlists_partitions
    assert {p.to_user_string() for p in node.parent_keys} == {"enriched_tracks"}
    enrich = definitions.resolve_job_def("enrich_playlist_job")
    assert dg.AssetKey("enrichment_events") in enrich.asset_layer.selected_asset_keys


def test_sensors_and_the_nightly_schedule_launch_the_right_jobs_and_run_by_default():
    definitions = defs()
    expected_sensors = {
        "playlist_watch_sensor": "fetch_playlist_job",
        "playlist_fetch_sensor": "enrich_playlist_job",
        "songwriter_leads_sensor": "songwriter_leads_job",
    }
    for name, job in expected_sensors.items():
        sensor = definitions.resolve_sensor_def(name)
        assert sensor.job_name == job, name
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, name
    schedule = definitions.resolve_schedule_def("nightly_fetch_schedule")
    assert schedule.job_name == "fetch_playlist_job"
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_steps_waiting_on_different_services_run_at_once_whatever_the_cpus():
    # After phase 2 on a new playlist, Chartmetric, The MLC and MusicBrainz's recordings are
    # all ready; Dagster's default (one step per CPU) held one back on a 2-core machine.
    executor = defs().resolve_job_def("enrich_playlist_job").executor_def
    config = executor.config_schema.resolve_config({}).value["config"]
    assert config["max_concurrent"] == len(POOLS) >= 3
