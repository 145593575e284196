"""Many reads at once against the web player emulator, over real HTTP and real Chromium:
concurrent failures share one re-bootstrap, page mode keeps its pages, and play counts are read
once each (one getAlbum per album, no second page for a count the credits visit loaded)."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date
from typing import Any

import httpx
import pytest

from track_assets.sandbox.catalog import Catalog, play_count_on
from track_assets.sandbox.emulators.spotify_web import CONTROL_ROTATE
from track_assets.sandbox.server import SandboxServer
from track_assets.services.spotify_web import (
    SERVICE,
    AlbumNotFound,
    TrackCredits,
    WebPlayerBrowser,
)
from track_assets.services.spotify_web.browser import WebPlayerSite
from track_assets.services.spotify_web.session import SessionReader
from track_assets_tests.services.spotify_web.conftest import ClientFactory, client_on, web_sandbox

pytestmark = pytest.mark.chromium

UNKNOWN_ID = "0000000000000000000000"
GET_TRACK = "/pathfinder/v2/query#getTrack"  # the emulator's endpoint labels
GET_ALBUM = "/pathfinder/v2/query#getAlbum"
TRACK_PAGE = "/track/{entity_id}"
ALBUM_PAGE = "/album/{entity_id}"
PARTIES = 4  # concurrent failures made to meet before any of them re-bootstraps


def served(server: SandboxServer, endpoint: str, status: int | None = None) -> int:
    return server.counters.snapshot(SERVICE).count(endpoint, status)


def hold_first(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """The first PARTIES calls of SessionReader.<name> wait for each other before going on, so
    that many failures are in flight at once; returns the calls' arguments as they come."""
    original = getattr(SessionReader, name)
    barrier = threading.Barrier(PARTIES, timeout=20)
    arrivals = itertools.count()
    calls: list[Any] = []

    def held(self: SessionReader, *args: Any) -> Any:
        calls.append(args)
        if next(arrivals) < PARTIES:
            barrier.wait()
        return original(self, *args)

    monkeypatch.setattr(SessionReader, name, held)
    return calls


@pytest.fixture(scope="module")
def playlist_tracks(catalog: Catalog) -> list[str]:
    return list(catalog.playlist_ids_by_track_id)


@pytest.fixture(scope="module")
def album_of(catalog: Catalog) -> dict[str, str | None]:
    return {track.id: track.album_id for track in catalog.tracks}


@pytest.fixture(scope="module")
def albums_and_singles(
    playlist_tracks: list[str], album_of: dict[str, str | None]
) -> tuple[dict[str, list[str]], list[str]]:
    """Playlist tracks by album, for albums holding two or more of them; and the others."""
    by_album: dict[str, list[str]] = {}
    for track_id in playlist_tracks:
        by_album.setdefault(album_of[track_id] or "", []).append(track_id)
    albums = {a: members for a, members in by_album.items() if a and len(members) > 1}
    singles = [t for a, members in by_album.items() if a not in albums for t in members]
    assert len(albums) >= 3 and len(singles) >= 6, "the catalog lacks albums this module needs"
    return albums, singles


def counts_on(catalog: Catalog, day: date, track_ids: list[str]) -> dict[str, int]:
    return {t: play_count_on(catalog.tracks_by_id[t], day) for t in track_ids}


# -- one re-bootstrap for many concurrent failures -------------------------------------------


def test_concurrent_expired_tokens_share_one_new_bootstrap(
    browser: WebPlayerBrowser,
    catalog: Catalog,
    sandbox_day: date,
    playlist_tracks: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lifetime = 2.5
    ids = playlist_tracks[:25]
    with (
        web_sandbox(catalog, sandbox_day, token_lifetime_seconds=lifetime) as server,
        client_on(server, browser, "session", concurrency=8) as client,
    ):
        client.track_play_counts(ids[:1])
        refreshes = hold_first(monkeypatch, "refresh_token")
        time.sleep(lifetime + 0.2)
        found = client.track_play_counts(ids[1:])
        expired = served(server, GET_TRACK, 401)
        pages = served(server, TRACK_PAGE)

    assert found == counts_on(catalog, sandbox_day, ids[1:])
    assert len(refreshes) >= PARTIES and expired >= PARTIES
    assert [b.reason for b in client.bootstraps] == ["start", "expired_token"]
    assert pages == 2


def test_concurrent_rotated_hash_failures_share_one_new_bootstrap(
    make_client: ClientFactory,
    sandbox: SandboxServer,
    catalog: Catalog,
    sandbox_day: date,
    playlist_tracks: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = playlist_tracks[:25]
    client = make_client("session", concurrency=8)
    client.track_play_counts(ids[:1])
    httpx.post(sandbox.base_url(SERVICE) + CONTROL_ROTATE, timeout=5).raise_for_status()
    rotations = hold_first(monkeypatch, "_rotated")

    found = client.track_play_counts(ids[1:])

    assert found == counts_on(catalog, sandbox_day, ids[1:])
    assert len(rotations) >= PARTIES
    assert [b.reason for b in client.bootstraps] == ["start", "rotated_hash"]
    assert served(sandbox, TRACK_PAGE) == 2


# -- play counts: each read once ----------------------------------------------------------


def test_play_counts_read_each_album_once_and_the_other_tracks_alone(
    make_client: ClientFactory,
    mode: str,
    sandbox: SandboxServer,
    catalog: Catalog,
    sandbox_day: date,
    album_of: dict[str, str | None],
    albums_and_singles: tuple[dict[str, list[str]], list[str]],
) -> None:
    albums, singles = albums_and_singles
    warm_members = next(iter(albums.values()))
    two_albums = dict(list(albums.items())[1:3])
    client = make_client(mode, concurrency=4)
    # Session mode: both operations' hashes read from their pages before counting.
    client.play_counts([*warm_members, singles[0]], album_of)
    sandbox.counters.reset(SERVICE)
    # A track its album's answer does not list is read alone.
    stranger = singles[1]
    ids = [*(t for members in two_albums.values() for t in members), *singles[2:6], stranger]
    claimed = {**album_of, stranger: next(iter(two_albums))}

    found = client.play_counts(ids, claimed)

    assert found == counts_on(catalog, sandbox_day, ids)
    assert served(sandbox, GET_ALBUM) == len(two_albums)
    assert served(sandbox, GET_TRACK) == len(singles[2:6]) + 1


def test_play_counts_after_credits_open_no_second_page_in_page_mode(
    make_client: ClientFactory,
    sandbox: SandboxServer,
    catalog: Catalog,
    sandbox_day: date,
    album_of: dict[str, str | None],
    albums_and_singles: tuple[dict[str, list[str]], list[str]],
) -> None:
    albums, singles = albums_and_singles
    ids = [*next(iter(albums.values())), *singles[:4]]
    client = make_client("page", concurrency=3)

    credits = client.track_credits(ids)
    found = client.play_counts(ids, album_of)

    assert all(isinstance(credits[t], TrackCredits) for t in ids)
    assert found == counts_on(catalog, sandbox_day, ids)
    assert served(sandbox, TRACK_PAGE) == len(ids)
    assert served(sandbox, ALBUM_PAGE) == 0
    # Tracks the credits visits did not see are still read (from their own pages).
    assert client.play_counts([singles[4]], album_of) == counts_on(
        catalog, sandbox_day, [singles[4]]
    )
    assert served(sandbox, TRACK_PAGE) == len(ids) + 1


def test_albums_are_read_together_with_their_labels(
    make_client: ClientFactory,
    mode: str,
    catalog: Catalog,
    sandbox_day: date,
    albums_and_singles: tuple[dict[str, list[str]], list[str]],
) -> None:
    album_ids = list(albums_and_singles[0])[:3]
    client = make_client(mode, concurrency=3)

    found = client.albums_play_counts(album_ids)

    assert list(found) == album_ids
    for album_id in album_ids:
        album = catalog.albums_by_id[album_id]
        assert found[album_id].label == album.label
        assert found[album_id].play_counts == counts_on(catalog, sandbox_day, list(album.track_ids))
    with pytest.raises(AlbumNotFound, match=UNKNOWN_ID):
        client.albums_play_counts([album_ids[0], UNKNOWN_ID])


# -- page mode keeps its pages ---------------------------------------------------------------


def test_page_mode_reuses_its_pages_from_read_to_read(
    make_client: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    catalog: Catalog,
    sandbox_day: date,
    album_of: dict[str, str | None],
    playlist_tracks: list[str],
) -> None:
    opened: list[object] = []
    new_page = WebPlayerSite.new_page

    async def counted(self: WebPlayerSite, context: Any) -> Any:
        page = await new_page(self, context)
        opened.append(page)
        return page

    monkeypatch.setattr(WebPlayerSite, "new_page", counted)
    client = make_client("page", concurrency=2)

    client.track_credits(playlist_tracks[:4])
    found = client.play_counts(playlist_tracks[4:8], album_of)
    client.artist_overview([catalog.artists[0].id])

    assert found == counts_on(catalog, sandbox_day, playlist_tracks[4:8])
    assert len(opened) == 2
