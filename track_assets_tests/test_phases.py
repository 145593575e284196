"""The phase registry is the one place a phase is declared: the Dagster graph, the exports,
`status` coverage and the playlist report all follow it. Expectations are the seed's field list
and the pipeline's graph as the design states them, written out here by hand."""

from __future__ import annotations

import dagster as dg

from track_assets.definitions import defs
from track_assets.enrichment.events import REPORT_FIELDS
from track_assets.enrichment.exports import TRACK_COLUMN_KINDS
from track_assets.enrichment.status import COVERED_FIELDS
from track_assets.phases import FIELDS, LOOKUPS, PHASES, ColumnKind, Freshness

# The consolidated fields of the seed design ("enrichment-flow-v2"), in no particular order.
SEED_FIELDS = {
    "isrc", "songwriter", "publisher", "composer", "producer", "label", "spotify_streams",
    "popularity_score", "audio_features", "artist_genres", "artist_followers", "release_date",
    "chartmetric_id", "moods", "activities", "stream_velocity", "chartmetric_velocity",
    "track_stage", "youtube_views", "publisher_status", "ipi", "iswc", "mlc_song_code",
}  # fmt: skip

# Phase -> the phases that must have run before it, as the design orders them: ISRC before
# The MLC and Chartmetric; credits before MusicBrainz's recordings; The MLC before MusicBrainz's
# writers (its IPIs and ISWCs are evidence there).
GRAPH = {
    "playlist_tracks": set(),
    "spotify_track_metadata": {"playlist_tracks"},
    "spotify_credits": {"spotify_track_metadata"},
    "musicbrainz_recordings": {"spotify_credits"},
    "mlc_publisher_status": {"spotify_credits"},
    "musicbrainz_social_links": {"mlc_publisher_status", "musicbrainz_recordings"},
    "songwriter_identity": {"mlc_publisher_status", "musicbrainz_social_links"},
    "chartmetric_analytics": {"spotify_track_metadata"},
    "enriched_tracks": {
        "spotify_track_metadata",
        "spotify_credits",
        "mlc_publisher_status",
        "musicbrainz_social_links",
        "songwriter_identity",
        "chartmetric_analytics",
    },
    "enrichment_events": {"enriched_tracks"},
    "songwriter_leads": {"enriched_tracks"},
}


def _specs() -> dict[str, dg.AssetSpec]:
    return {s.key.to_user_string(): s for s in defs().resolve_all_asset_specs()}


# Added since the seed: Chartmetric's playlist reach (README, "Adding a field").
ADDED_FIELDS = {"playlist_reach"}


def test_the_registry_owns_every_seed_field_once():
    names = [field.name for field in FIELDS]
    assert sorted(names) == sorted(SEED_FIELDS | ADDED_FIELDS)
    assert len(names) == len(set(names))


def test_the_dagster_graph_is_the_registrys():
    specs = _specs()
    assert {name: {d.asset_key.to_user_string() for d in s.deps} for name, s in specs.items()} == (
        GRAPH
    )
    assert [p.asset for p in PHASES] == list(GRAPH)


def test_each_asset_takes_group_owner_pool_and_checks_from_its_declaration():
    specs = _specs()
    checks = {key.name for key in defs().resolve_asset_graph().asset_check_keys}
    for phase in PHASES:
        spec = specs[phase.asset]
        assert spec.group_name == phase.group.value
        assert spec.owners == ["team:music-data"]
        assert set(phase.check_names) <= checks
    graph = defs().resolve_asset_graph()
    assert graph.get(dg.AssetKey("mlc_publisher_status")).pools == {"mlc_api"}
    assert not graph.get(dg.AssetKey("enriched_tracks")).pools
    assert {s.group_name for s in specs.values()} == {
        "fetch",
        "spotify",
        "publishing",
        "analytics",
        "reporting",
    }


def test_a_field_declared_once_reaches_the_export_status_and_the_column_schema():
    for field in FIELDS:
        assert TRACK_COLUMN_KINDS[field.name] == field.kind
        assert field.name in COVERED_FIELDS
    schema = _specs()["enriched_tracks"].metadata["dagster/column_schema"]
    assert {c.name for c in schema.columns} >= SEED_FIELDS
    moods = next(c for c in schema.columns if c.name == "moods")
    assert moods.type == ColumnKind.JSON.value


def test_the_playlist_report_counts_the_headline_fields():
    assert set(REPORT_FIELDS) == {
        "isrc",
        "songwriter",
        "publisher_status",
        "spotify_streams",
        "chartmetric_id",
        "stream_velocity",
    }


def test_volatile_lookups_are_the_daily_figures():
    volatile = {lookup.key for lookup in LOOKUPS if lookup.freshness == Freshness.VOLATILE}
    assert volatile == {"spotify_play_count", "chartmetric_analytics"}
