"""The code location loads, and its graph, partitions and resource keys are what we expect."""

import itertools

import dagster as dg

from track_assets.definitions import defs
from track_assets.defs.partitions import PLAYLISTS_PARTITION, playlists_partitions


def test_code_location_loads_and_validates():
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    definitions.get_repository_def()


def test_resource_keys_are_bound_once():
    assert set(defs().resources) == {
        "database",
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
        "musicbrainz_social_links",
        "chartmetric_analytics",
        "enriched_tracks",
    } <= enriched
    assert "playlist_tracks" not in enriched
