"""`GET /v1/playlists/{id}` over HTTP against the emulator: the page of entries the answer
carries (extended tier) is parsed with the metadata, for a cheap check of a playlist copy."""

from __future__ import annotations

from track_assets.sandbox.catalog import Catalog
from track_assets.sandbox.catalog.model import ItemKind
from track_assets_tests.services.spotify_api.conftest import ClientFactory


def test_the_first_page_comes_with_the_metadata_in_the_extended_tier_only(
    catalog: Catalog, tier: str, make_client: ClientFactory
) -> None:
    client = make_client(tier=tier)
    for playlist in catalog.playlists:
        if playlist.editorial and tier == "development":
            continue  # 404 for development-tier apps
        info = client.playlist(playlist.id)
        if tier == "development":
            assert (info.first_items, info.total_items) == ((), None)
            continue
        expected = [i.track_id if i.kind is ItemKind.TRACK else None for i in playlist.items]
        assert [e.track.id if e.track else None for e in info.first_items] == expected[:100]
        assert [e.position for e in info.first_items] == list(range(len(info.first_items)))
        assert info.total_items == len(playlist.items)
    assert client.counters.total("spotify_api") == 1 + sum(
        1 for p in catalog.playlists if tier == "extended" or not p.editorial
    )  # a token, then one request per playlist
