"""`SpotifyWebClient.playlist_first_page` in both access modes against the web player emulator:
the revision, the total count and the first page only, for a cheap check of a playlist copy."""

from __future__ import annotations

import pytest

from track_assets.sandbox.catalog import Catalog
from track_assets.sandbox.catalog.model import ItemKind
from track_assets.sandbox.server import SandboxServer
from track_assets.services.spotify_web import PlaylistNotFound
from track_assets_tests.services.spotify_web.conftest import ClientFactory

pytestmark = pytest.mark.chromium

FETCH_PLAYLIST = "/pathfinder/v2/query#fetchPlaylist"  # the emulator's endpoint label
PAGE = 25  # items the emulator grants per fetchPlaylist page, as in the 2026-06 capture


def test_the_first_page_of_a_longer_playlist_with_its_revision_and_total(
    make_client: ClientFactory, mode: str, sandbox: SandboxServer, catalog: Catalog
) -> None:
    longest = max(catalog.playlists, key=lambda p: len(p.items))
    assert len(longest.items) > PAGE, "the catalog needs a playlist of more than one page"
    client = make_client(mode)

    found = client.playlist_first_page(longest.id)

    assert (found.revision_id, found.total) == (longest.snapshot_id, len(longest.items))
    assert [i.track_id for i in found.items] == [
        i.track_id if i.kind is ItemKind.TRACK else None for i in longest.items[:PAGE]
    ]
    with pytest.raises(PlaylistNotFound):
        client.playlist_first_page("0000000000000000000000")


def test_once_the_session_is_open_a_first_page_costs_one_fetchplaylist(
    make_client: ClientFactory, sandbox: SandboxServer, catalog: Catalog
) -> None:
    first, second = catalog.playlists[:2]
    client = make_client("session")
    client.playlist_first_page(first.id)  # opens the session on the playlist's page
    before = sandbox.counters.snapshot("spotify_web").count(FETCH_PLAYLIST)

    client.playlist_first_page(second.id)

    assert sandbox.counters.snapshot("spotify_web").count(FETCH_PLAYLIST) - before == 1
