"""Phase 4 in real Dagster runs against the full sandbox (the shared enrichment, in which phase 4
runs after phase 3: The MLC's IPIs and ISWC are evidence for it): writers linked only to the
artist the catalog says (never a namesake), links classified as the catalog says, each
songwriter's lookups made once across playlists (a rerun on a copy makes no request)."""

from __future__ import annotations

import dagster as dg
import pytest
from sqlalchemy import select

from track_assets.db.repository import (
    get_phase_status,
    list_artist_external_links,
    list_track_credits,
    songwriter_artist_ids,
)
from track_assets.db.tables import artists
from track_assets.defs.assets.musicbrainz_social_links import musicbrainz_social_links
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.sandbox.catalog import ground_truth
from track_assets_tests.support.database import connection

pytestmark = pytest.mark.chromium
ISRC = "GET /ws/2/isrc/{isrc}"
RECORDING = "GET /ws/2/recording/{mbid}"
ARTIST = "GET /ws/2/artist/{mbid}"


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


def materialize(instance, resources, playlist_id, assets):
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist_id])
    result = dg.materialize(
        assets, partition_key=playlist_id, instance=instance, resources=resources
    )
    assert result.success
    assert "writers_looked_up" in {c.check_name for c in result.get_asset_check_evaluations()}
    return result.asset_materializations_for_node("musicbrainz_social_links")[0].metadata


def test_writers_link_to_the_right_artists_and_links_are_classified(catalog, enriched):
    for playlist in catalog.playlists:
        checks = enriched.check_evaluations(playlist.id, ["musicbrainz_social_links"])
        assert "writers_looked_up" in {c.check_name for c in checks}
    truth = ground_truth(catalog, catalog.reference_date)
    # Which artist each writer may be linked to: the one the catalog says on a track where
    # the writer is found; a writer never found anywhere must stay unlinked.
    allowed: dict[str, set[str]] = {}
    links_by_mbid = {}
    for expected in truth.values():
        for link in expected.musicbrainz:
            allowed.setdefault(link.writer_name, set())
            if link.mbid:
                allowed[link.writer_name].add(link.mbid)
                links_by_mbid[link.mbid] = link.links
    linked = 0
    with connection(enriched.url) as conn:
        mbids = dict(conn.execute(select(artists.c.id, artists.c.musicbrainz_id)).all())
        for track_id, expected in truth.items():
            assert get_phase_status(conn, track_id, "musicbrainz_social_links") is not None
            writers = {c.name: c for c in list_track_credits(conn, track_id) if c.role == "writer"}
            for link in expected.musicbrainz:
                credit = writers[link.writer_name]
                stored = [mbids[a] for a in songwriter_artist_ids(conn, credit.songwriter_id)]
                assert set(stored) <= allowed[link.writer_name], (track_id, link.writer_name)
                for artist_id in songwriter_artist_ids(conn, credit.songwriter_id):
                    linked += 1
                    current = {
                        (str(row.kind), row.url)
                        for row in list_artist_external_links(conn, artist_id)
                        if not row.ended
                    }
                    expected_links = {
                        (str(platform), url)
                        for platform, urls in links_by_mbid[mbids[artist_id]].items()
                        for url in urls
                    }
                    assert current == expected_links, mbids[artist_id]
    assert linked > 0


def test_the_isrc_evidence_is_asked_by_musicbrainz_recordings_and_not_again(catalog, enriched):
    recordings_asked = answered = 0
    for playlist in catalog.playlists:
        first = enriched.metadata(playlist.id, "musicbrainz_recordings")
        asked = first["requests"].value.get("musicbrainz", {}).get("by_endpoint", {})
        assert set(asked) <= {ISRC, RECORDING, ARTIST}, playlist.id
        recordings_asked += asked.get(RECORDING, {}).get("total", 0)
        links = enriched.metadata(playlist.id, "musicbrainz_social_links")
        asked = links["requests"].value.get("musicbrainz", {}).get("by_endpoint", {})
        assert ISRC not in asked and RECORDING not in asked, playlist.id
        answered += links["isrcs_answered_by_musicbrainz_recordings"].value
    assert recordings_asked > 0 and answered > 0


def test_once_every_playlist_is_enriched_a_rerun_looks_nobody_up_again(
    catalog, sandbox, resources_on_a_copy, instance
):
    playlist_id = catalog.playlists[0].id
    again = materialize(instance, resources_on_a_copy, playlist_id, [musicbrainz_social_links])
    assert again["requests_total"].value == 0
