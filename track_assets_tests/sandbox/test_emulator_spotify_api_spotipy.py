"""spotipy, unchanged, against the spotify_api emulator: only its two base URLs are pointed at
the sandbox (`Spotify.prefix` for the Web API, `SpotifyClientCredentials.OAUTH_TOKEN_URL` for
the accounts service), so whatever spotipy sends and parses is what it would with Spotify.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.spotify_api_fixtures import (
    OFFSET_PLAYLIST,
    recorded,
    recorded_catalog,
    spotify_sandbox,
)

TRACK = "5NcYCtoBkAGyxL5SCF64av"
ALBUM = "4yS3vUFIaE2xilaeYz3p9q"
ARTIST = "7gXb99Sf9nNmpNYeAgIQFG"
TRACK_RECORDING = "track_5NcYCtoBkAGyxL5SCF64av_2024.json"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return recorded_catalog()


@pytest.fixture(scope="module")
def sandboxes(catalog: Catalog) -> Iterator[dict[str, SandboxServer]]:
    with (
        spotify_sandbox(catalog, "development") as development,
        spotify_sandbox(catalog, "extended") as extended,
    ):
        yield {"development": development, "extended": extended}


@pytest.fixture
def connect(
    sandboxes: dict[str, SandboxServer], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., spotipy.Spotify]:
    """A spotipy client on one tier's sandbox; retries off so a 403/429 never sleeps."""

    def make(tier: str, client_secret: str | None = None) -> spotipy.Spotify:
        sandbox = sandboxes[tier]
        base = sandbox.base_url("spotify_api")
        monkeypatch.setattr(SpotifyClientCredentials, "OAUTH_TOKEN_URL", base + "/api/token")
        creds = sandbox.credentials("spotify_api")
        auth = SpotifyClientCredentials(
            client_id=creds["SPOTIFY_CLIENT_ID"],
            client_secret=client_secret or creds["SPOTIFY_CLIENT_SECRET"],
            cache_handler=MemoryCacheHandler(),  # the default writes a .cache file
        )
        client = spotipy.Spotify(
            auth_manager=auth, retries=0, status_retries=0, backoff_factor=0, requests_timeout=5
        )
        client.prefix = base + "/v1/"  # spotipy has no prefix argument; it is an attribute
        return client

    return make


def test_client_credentials_token_is_fetched_and_cached(connect, sandboxes):
    sp = connect("development")
    sp.track(TRACK)
    sp.album(ALBUM)
    token = sp.auth_manager.get_access_token(as_dict=False)
    assert token.startswith("BQ")
    cached = sp.auth_manager.cache_handler.get_cached_token()
    assert cached["expires_in"] == 3600 and cached["token_type"] == "Bearer"
    counts = sandboxes["development"].counters.snapshot("spotify_api")
    assert counts.count("/api/token") >= 1
    before = counts.count("/api/token")
    sp.artist(ARTIST)  # the cached token is reused
    after = sandboxes["development"].counters.snapshot("spotify_api").count("/api/token")
    assert after == before


def test_wrong_secret_is_an_oauth_error(connect):
    sp = connect("development", client_secret="not-the-secret")
    with pytest.raises(SpotifyOauthError) as raised:
        sp.track(TRACK)
    assert raised.value.error == "invalid_client"
    assert raised.value.error_description == "Invalid client secret"


@pytest.mark.parametrize("tier", ["development", "extended"])
def test_track_album_and_artist(connect, tier):
    sp = connect(tier)
    recording = recorded(TRACK_RECORDING)
    track = sp.track(TRACK)
    assert (track["id"], track["name"], track["external_ids"]["isrc"]) == (
        recording["id"],
        recording["name"],
        recording["external_ids"]["isrc"],
    )
    assert ("popularity" in track) == (tier == "extended")
    album = sp.album(ALBUM)
    album_recording = recorded("album_4yS3vUFIaE2xilaeYz3p9q_2024.json")
    assert album["external_ids"]["upc"] == album_recording["external_ids"]["upc"]
    assert album.get("label") == (album_recording["label"] if tier == "extended" else None)
    artist = sp.artist(ARTIST)
    artist_recording = recorded("artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json")
    assert artist["name"] == artist_recording["name"]
    followers = artist.get("followers", {}).get("total")
    assert followers == (artist_recording["followers"]["total"] if tier == "extended" else None)


def test_tracks_batch_works_in_the_extended_tier(connect):
    sp = connect("extended")
    ids = [TRACK, "1t2qKa8K72IBC8yQlhD9bU", "11dFghVXANMlKmJXsNCbd8"]
    tracks = sp.tracks(ids)["tracks"]
    assert [t and t["id"] for t in tracks] == [TRACK, "1t2qKa8K72IBC8yQlhD9bU", None]


def test_tracks_batch_is_a_403_spotify_exception_in_the_development_tier(connect):
    sp = connect("development")
    with pytest.raises(spotipy.SpotifyException) as raised:
        sp.tracks([TRACK])
    assert raised.value.http_status == 403
    assert raised.value.msg.endswith("Forbidden")
    assert raised.value.reason is None


def test_unknown_track_is_a_404_spotify_exception(connect):
    with pytest.raises(spotipy.SpotifyException) as raised:
        connect("extended").track("11dFghVXANMlKmJXsNCbd8")
    assert raised.value.http_status == 404
    assert raised.value.msg.endswith("non existing id")


def test_playlist_items_pages_to_the_end_with_next(connect, sandboxes):
    sp = connect("extended")
    before = (
        sandboxes["extended"].counters.snapshot("spotify_api").count("/v1/playlists/{id}/items")
    )
    page = sp.playlist_items(OFFSET_PLAYLIST)  # spotipy's default limit is 50
    items = list(page["items"])
    pages = 1
    while page["next"]:
        page = sp.next(page)
        items.extend(page["items"])
        pages += 1
    assert sp.next(page) is None
    assert (pages, len(items), page["total"]) == (5, 244, 244)
    assert [n for n, item in enumerate(items) if item["is_local"]] == [61, 62]
    first = recorded("playlist_4dn0iEoAxn69ea0Tyov8V5_local-tracks_2019.trimmed.json")
    assert items[0]["track"]["id"] == first["tracks"]["items"][0]["track"]["id"]
    later = recorded("playlist-tracks_offset100_next-previous_2019.trimmed.json")["items"]
    assert [i["track"]["id"] for i in items[100:102]] == [i["track"]["id"] for i in later]
    after = sandboxes["extended"].counters.snapshot("spotify_api").count("/v1/playlists/{id}/items")
    assert after - before == 5


def test_playlist_items_is_a_403_in_the_development_tier(connect):
    with pytest.raises(spotipy.SpotifyException) as raised:
        connect("development").playlist_items(OFFSET_PLAYLIST)
    assert raised.value.http_status == 403


def test_a_429_reaches_spotipy_without_sleeping(connect, sandboxes):
    faults = sandboxes["extended"].faults("spotify_api")
    faults.fail_next(status=429, retry_after=3600, endpoint="/v1/tracks/{id}")
    sp = connect("extended")
    started = time.monotonic()
    with pytest.raises(spotipy.SpotifyException) as raised:
        sp.track(TRACK)
    assert time.monotonic() - started < 5  # Retry-After: 3600 was not slept on
    assert raised.value.http_status == 429
    assert faults.pending() == []
    assert sp.track(TRACK)["id"] == TRACK
