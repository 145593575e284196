"""The client over real HTTP against the emulator, in both tiers: values equal the catalog,
batching shows in the emulator's request counts, tier detection, relinking, playlists."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from track_assets.sandbox.catalog import Catalog, ground_truth, skipped_items
from track_assets.sandbox.catalog.truth import Case, Tier
from track_assets.sandbox.server import SandboxServer
from track_assets.services.spotify_api import (
    NOT_IN_TIER,
    NotInTier,
    PlaylistNotAccessible,
    SpotifyTrack,
)
from track_assets_tests.services.spotify_api.conftest import ClientFactory
from track_assets_tests.services.spotify_api.spotify_client_fixtures import served

UNKNOWN_ID = "0000000000000000000000"  # well-formed, in no catalog


def playlist_track_ids(catalog: Catalog) -> list[str]:
    return sorted(ground_truth(catalog))


def test_tracks_equal_the_catalog_batched_by_tier(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    truth = ground_truth(catalog)
    ids = sorted(truth)
    client = make_client(tier=tier)

    tracks = client.tracks(ids)

    assert list(tracks) == ids
    for track_id, track in tracks.items():
        assert track is not None, track_id
        _assert_track_matches(track, truth[track_id].metadata[Tier(tier)], track_id)
    counts = served(sandbox)
    if tier == "extended":
        assert counts.count("/v1/tracks", 200) == math.ceil(len(ids) / 50) == 2
        assert counts.count("/v1/tracks/{id}") == 0
    else:
        assert counts.count("/v1/tracks/{id}", 200) == len(ids)
        assert counts.count("/v1/tracks") == 0
    assert counts.count("/api/token", 200) == 1  # one token for every call


def _assert_track_matches(track: SpotifyTrack, expected, track_id: str) -> None:
    assert track.id == track.requested_id == track_id
    assert track.name == expected.name
    assert track.isrc == expected.isrc
    assert track.duration_ms == expected.duration_ms
    assert track.explicit == expected.explicit
    assert track.track_number == expected.track_number
    assert track.album.id == expected.album_id
    assert track.album.name == expected.album_name
    assert track.album.album_type == expected.album_type
    assert track.album.release_date == expected.release_date
    assert track.album.release_date_precision == expected.release_date_precision
    widest = track.album.widest_image
    assert (widest.url if widest else None) == expected.album_image_url
    assert [(a.id, a.name) for a in track.artists] == [(a.id, a.name) for a in expected.artists]
    assert track.popularity == expected.popularity  # None in the development tier
    if expected.tier is Tier.DEVELOPMENT:
        assert track.missing["popularity"] == NOT_IN_TIER
    else:
        assert "popularity" not in track.missing
    if expected.isrc is None:
        assert track.missing["isrc"] != NOT_IN_TIER  # the track has none; not a tier matter


def test_albums_equal_the_catalog_batched_by_tier(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    ids = [album.id for album in catalog.albums]
    client = make_client(tier=tier)

    albums = client.albums(ids)

    for album_id, album in albums.items():
        expected = catalog.albums_by_id[album_id]
        assert album is not None and album.id == album_id
        assert album.name == expected.name
        assert album.album_type == expected.album_type
        assert album.release_date == expected.release_date
        assert album.release_date_precision == expected.release_date_precision.value
        assert album.upc == expected.upc
        assert [(c.text, c.type) for c in album.copyrights] == [
            (c.text, c.type) for c in expected.copyrights
        ]
        assert album.track_ids == expected.track_ids
        assert album.total_tracks == len(expected.track_ids)
        assert [i.url for i in album.images] == [i.url for i in expected.images]
        if tier == "extended":
            assert (album.label, album.popularity) == (expected.label, expected.popularity)
        else:
            assert (album.label, album.popularity) == (None, None)
            assert album.missing["label"] == album.missing["popularity"] == NOT_IN_TIER
    counts = served(sandbox)
    if tier == "extended":
        assert counts.count("/v1/albums", 200) == math.ceil(len(ids) / 20) == 3
        assert counts.count("/v1/albums/{id}") == 0
    else:
        assert counts.count("/v1/albums/{id}", 200) == len(ids)
        assert counts.count("/v1/albums") == 0


def test_artists_equal_the_catalog_batched_by_tier(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    ids = [artist.id for artist in catalog.artists]
    client = make_client(tier=tier)

    artists = client.artists(ids)

    for artist_id, artist in artists.items():
        expected = catalog.artists_by_id[artist_id]
        assert artist is not None and artist.name == expected.name
        if tier == "extended":
            assert artist.genres == expected.genres
            assert (artist.followers, artist.popularity) == (
                expected.followers,
                expected.popularity,
            )
        else:
            assert (artist.followers, artist.popularity, artist.genres) == (None, None, None)
            assert artist.missing == dict.fromkeys(
                ("followers", "popularity", "genres"), NOT_IN_TIER
            )
    counts = served(sandbox)
    if tier == "extended":
        assert counts.count("/v1/artists", 200) == math.ceil(len(ids) / 50) == 1
    else:
        assert counts.count("/v1/artists/{id}", 200) == len(ids)
        assert counts.count("/v1/artists") == 0


def test_unknown_ids_map_to_none_and_nothing_is_asked_twice(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    known = playlist_track_ids(catalog)[0]
    client = make_client(tier=tier)

    tracks = client.tracks([known, UNKNOWN_ID, "not-a-spotify-id", known])

    assert set(tracks) == {known, UNKNOWN_ID, "not-a-spotify-id"}
    assert tracks[known] is not None and tracks[known].id == known
    assert tracks[UNKNOWN_ID] is None
    assert tracks["not-a-spotify-id"] is None
    counts = served(sandbox)
    if tier == "extended":
        assert counts.count("/v1/tracks", 200) == 1
    else:  # the duplicate and the malformed id are never sent
        assert counts.count("/v1/tracks/{id}", 200) == 1
        assert counts.count("/v1/tracks/{id}", 404) == 1
    assert counts.count(status=400) == 0


def test_relinked_track_is_keyed_by_the_requested_id(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    truth = ground_truth(catalog)
    (requested,) = [t for t, e in truth.items() if Case.RELINKED in e.cases]
    target = catalog.tracks_by_id[requested].relinked_to
    other = next(t for t in sorted(truth) if t != requested)
    client = make_client(tier=tier)

    tracks = client.tracks([requested, other], market="US")
    plain = client.track(requested)

    relinked = tracks[requested]
    assert relinked is not None
    assert (relinked.requested_id, relinked.id, relinked.relinked) == (requested, target, True)
    # Only the extended tier still says so in `linked_from` (docs/services.md#catalogue-endpoints).
    assert relinked.linked_from_id == (requested if tier == "extended" else None)
    assert tracks[other] is not None and not tracks[other].relinked
    assert plain is not None and (plain.id, plain.relinked) == (requested, False)


def test_auto_detects_the_tier_once(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    track_ids = playlist_track_ids(catalog)
    album_ids = [album.id for album in catalog.albums]
    client = make_client(tier="auto")
    assert client.tier == "auto"

    tracks = client.tracks(track_ids)
    albums = client.albums(album_ids)
    more = client.tracks(track_ids[:3])

    assert client.tier == tier
    assert all(tracks[t] is not None for t in track_ids)
    assert all(albums[a] is not None for a in album_ids)
    assert all(more[t] is not None for t in track_ids[:3])
    counts = served(sandbox)
    if tier == "extended":
        assert counts.count("/v1/tracks", 200) == 3
        assert counts.count("/v1/albums", 200) == 3
        assert counts.count("/v1/tracks/{id}") == counts.count("/v1/albums/{id}") == 0
    else:  # one refused batch, then single calls only, never a batch again
        assert counts.count("/v1/tracks") == counts.count("/v1/tracks", 403) == 1
        assert counts.count("/v1/albums") == 0
        assert counts.count("/v1/tracks/{id}", 200) == len(track_ids) + 3
        assert counts.count("/v1/albums/{id}", 200) == len(album_ids)


def test_audio_features_by_tier(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    ids = playlist_track_ids(catalog)[:5]
    if tier == "extended":
        features = make_client(tier="extended").audio_features([*ids, UNKNOWN_ID])
        assert [features[t].track_id for t in ids] == ids
        assert [features[t].duration_ms for t in ids] == [
            catalog.tracks_by_id[t].duration_ms for t in ids
        ]
        assert features[UNKNOWN_ID] is None
        assert served(sandbox).count("/v1/audio-features", 200) == 1
        return
    with pytest.raises(NotInTier) as known_tier:
        make_client(tier="development").audio_features(ids)
    assert served(sandbox).count("/v1/audio-features") == 0  # not even asked
    auto = make_client(tier="auto")
    with pytest.raises(NotInTier) as answered:
        auto.audio_features(ids)
    assert served(sandbox).count("/v1/audio-features", 403) == 1
    # A 403 here does not prove the development tier (extended apps since Nov 2024 get it too).
    assert auto.tier == "auto"
    for raised in (known_tier.value, answered.value):
        assert raised.what == "audio features"
        assert "not available" in str(raised)


def test_search_by_isrc_finds_every_track_with_it(
    catalog: Catalog, tier: str, make_client: ClientFactory
) -> None:
    isrc, sharing = next((i, ts) for i, ts in catalog.tracks_by_isrc.items() if len(ts) > 1)

    found = make_client(tier=tier).search_isrc(isrc)

    assert sorted(t.id for t in found) == sorted(t.id for t in sharing)
    assert {t.isrc for t in found} == {isrc}


def test_playlist_metadata_equals_the_catalog(
    catalog: Catalog, tier: str, make_client: ClientFactory
) -> None:
    client = make_client(tier=tier)
    for playlist in catalog.playlists:
        if playlist.editorial and tier == "development":
            continue
        info = client.playlist(playlist.id)
        assert (info.id, info.name, info.owner_id, info.owner_name) == (
            playlist.id,
            playlist.name,
            playlist.owner.id,
            playlist.owner.display_name,
        )
        assert (info.followers, info.snapshot_id) == (playlist.followers, playlist.snapshot_id)
        if tier == "extended":
            assert info.total_items == len(playlist.items)
        else:  # metadata only: no page of items for a playlist the app does not own
            assert info.total_items is None
            assert info.missing["total_items"] == NOT_IN_TIER


@pytest.mark.parametrize("tier_sandbox", ["extended"], indirect=True)
@pytest.mark.parametrize("page_size", [10, 50])
def test_playlist_items_page_to_the_end_and_classify_entries(
    catalog: Catalog,
    sandbox: SandboxServer,
    tier: str,
    make_client: ClientFactory,
    page_size: int,
) -> None:
    client = make_client(tier=tier)
    kinds: Counter[str] = Counter()
    pages = 0
    for playlist in catalog.playlists:  # the editorial one included
        items = client.playlist_items(playlist.id, page_size=page_size)

        assert [i.position for i in items] == list(range(len(playlist.items)))
        assert [i.kind for i in items] == [e.kind.value for e in playlist.items]
        assert [i.added_at for i in items] == [e.added_at for e in playlist.items]
        assert [i.track_id for i in items] == [e.track_id for e in playlist.items]
        assert [i.episode_id for i in items] == [e.episode_id for e in playlist.items]
        for item, entry in zip(items, playlist.items, strict=True):
            if entry.local is not None:
                assert (item.name, item.uri) == (entry.local.name, entry.local.uri)
        kinds.update(i.kind for i in items if i.kind != "track")
        pages += math.ceil(len(playlist.items) / page_size)
    expected = Counter(item.kind.value for item in skipped_items(catalog))
    assert kinds == expected
    assert set(expected) == {"local", "episode", "unavailable"}  # the catalog has each kind
    assert served(sandbox).count("/v1/playlists/{id}/items", 200) == pages
    assert pages > len(catalog.playlists) or page_size == 50  # page size 10 really pages


@pytest.mark.parametrize("tier_sandbox", ["development"], indirect=True)
def test_development_tier_refuses_playlist_items(
    catalog: Catalog, sandbox: SandboxServer, tier: str, make_client: ClientFactory
) -> None:
    client = make_client(tier="auto")
    (editorial,) = [p for p in catalog.playlists if p.editorial]
    user = next(p for p in catalog.playlists if not p.editorial)

    for call in (client.playlist, client.playlist_items):
        with pytest.raises(PlaylistNotAccessible) as refused:
            call(editorial.id)
        assert (refused.value.playlist_id, refused.value.status) == (editorial.id, 404)
        assert "editorial" in refused.value.reason
    with pytest.raises(PlaylistNotAccessible) as not_owned:
        client.playlist_items(user.id)
    assert (not_owned.value.playlist_id, not_owned.value.status) == (user.id, 403)
    assert "owner" in str(not_owned.value)
    assert served(sandbox).count("/v1/playlists/{id}/items") == 2  # one call each, no retry
