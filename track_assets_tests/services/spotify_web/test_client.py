"""SpotifyWebClient in both access modes against the web player emulator, over real HTTP and
real Chromium: figures equal the catalog's ground truth, and failures are recovered or reported."""

from __future__ import annotations

import time
from datetime import date

import httpx
import pytest

from track_assets.sandbox.catalog import Catalog, ExpectedTrack, ground_truth, play_count_on
from track_assets.sandbox.catalog.model import ItemKind as CatalogItemKind
from track_assets.sandbox.catalog.truth import Case, ExpectedCredit, ExpectedCredits
from track_assets.sandbox.emulators.spotify_web import CONTROL_ROTATE
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters
from track_assets.services.spotify_web import (
    SERVICE,
    AlbumNotFound,
    BrowserUnavailable,
    CreditsUnavailable,
    CreditsUnavailableReason,
    ItemKind,
    PlaylistNotFound,
    SpotifyWebClient,
    TrackCredits,
    WebPlayerBrowser,
    WebPlayerLoginRejected,
    page_mode,
    process_browser,
)
from track_assets_tests.services.spotify_web.conftest import ClientFactory, client_on, web_sandbox

pytestmark = pytest.mark.chromium

UNKNOWN_ID = "0000000000000000000000"  # well formed, in no catalog
PAGE_MODE_SAMPLE = 10  # page mode visits one page per track: a sample keeps the module fast
GET_TRACK = "/pathfinder/v2/query#getTrack"  # the emulator's endpoint labels
GET_ALBUM = "/pathfinder/v2/query#getAlbum"
FETCH_PLAYLIST = "/pathfinder/v2/query#fetchPlaylist"
CREDITS = "/track-credits-view/v0/experimental/{track_id}/credits"
TRACK_PAGE = "/track/{entity_id}"
TOKEN = "/api/token"
CREDIT_CASES = (Case.NO_CREDITS, Case.NAME_ONLY_WRITER, Case.WRITER_WITH_SPOTIFY_URI)


@pytest.fixture(scope="module")
def truth(catalog: Catalog, sandbox_day: date) -> dict[str, ExpectedTrack]:
    return ground_truth(catalog, sandbox_day)


def sample(truth: dict[str, ExpectedTrack], mode: str) -> list[str]:
    """Every playlist track in session mode; in page mode a few, covering the credit cases."""
    ids = list(truth)
    if mode == "session":
        return ids
    chosen = [next(t for t in ids if case in truth[t].cases) for case in CREDIT_CASES]
    for track_id in ids:
        if len(chosen) >= PAGE_MODE_SAMPLE:
            break
        if track_id not in chosen:
            chosen.append(track_id)
    return chosen


def as_expected(credits: TrackCredits) -> ExpectedCredits:
    def person(credit):
        return ExpectedCredit(credit.name, credit.artist_id, credit.subroles)

    return ExpectedCredits(
        performers=tuple(map(person, credits.performers)),
        writers=tuple(map(person, credits.writers)),
        producers=tuple(map(person, credits.producers)),
        composers=tuple(p.name for p in credits.composers),
        lyricists=tuple(p.name for p in credits.lyricists),
        source_names=credits.source_names,
    )


def emulator_count(server: SandboxServer, endpoint: str, status: int | None = None) -> int:
    return server.counters.snapshot(SERVICE).count(endpoint, status)


def our_count(counters: RequestCounters, label_part: str) -> int:
    endpoints = counters.snapshot().get(SERVICE, {}).get("by_endpoint", {})
    return sum(entry["total"] for label, entry in endpoints.items() if label_part in label)


# -- figures equal the catalog -----------------------------------------------------------------


def test_play_counts_are_the_catalogs_on_the_sandbox_date(
    shared_client: SpotifyWebClient, catalog: Catalog, truth, sandbox_day: date
) -> None:
    ids = sample(truth, shared_client.mode)
    counts = shared_client.track_play_counts([*ids, UNKNOWN_ID])
    expected = {t: play_count_on(catalog.tracks_by_id[t], sandbox_day) for t in ids}
    assert {t: counts[t] for t in ids} == expected
    assert counts[UNKNOWN_ID] is None
    # The date matters: the reference date's figures would not do.
    assert any(
        play_count_on(catalog.tracks_by_id[t], catalog.reference_date) != counts[t] for t in ids
    )


def test_credits_equal_ground_truth(shared_client: SpotifyWebClient, truth) -> None:
    ids = sample(truth, shared_client.mode)
    covered = {case for t in ids for case in truth[t].cases}
    assert covered >= set(CREDIT_CASES), "the catalog lacks a credit case this test relies on"

    credits = shared_client.track_credits(ids)

    for track_id in ids:
        found = credits[track_id]
        assert isinstance(found, TrackCredits), found
        assert as_expected(found) == truth[track_id].credits, track_id
    no_credits = next(t for t in ids if Case.NO_CREDITS in truth[t].cases)
    assert credits[no_credits].writers == ()
    name_only = [
        w for t in ids for w in credits[t].writers if Case.NAME_ONLY_WRITER in truth[t].cases
    ]
    assert any(w.artist_uri is None for w in name_only)
    assert any(
        w.artist_uri and w.artist_uri.startswith("spotify:artist:")
        for t in ids
        for w in credits[t].writers
    )


def test_credit_source_names_are_kept_apart_from_publishers(
    shared_client: SpotifyWebClient, truth
) -> None:
    ids = sample(truth, shared_client.mode)
    credits = shared_client.track_credits(ids)
    for track_id in ids:
        assert credits[track_id].source_names == truth[track_id].credits.source_names
        publishers = {p.name for p in truth[track_id].mlc.publishers}
        assert not publishers & set(credits[track_id].source_names)
    assert "publisher" not in " ".join(TrackCredits.__dataclass_fields__)


def test_unknown_track_has_no_credits(shared_client: SpotifyWebClient) -> None:
    result = shared_client.track_credits([UNKNOWN_ID])[UNKNOWN_ID]
    assert isinstance(result, CreditsUnavailable)
    assert result.reason == CreditsUnavailableReason.NOT_FOUND


def test_artist_overview_gives_followers_and_monthly_listeners(
    shared_client: SpotifyWebClient, catalog: Catalog
) -> None:
    artists = catalog.artists[:3]
    overviews = shared_client.artist_overview([a.id for a in artists] + [UNKNOWN_ID])
    for artist in artists:
        found = overviews[artist.id]
        assert (found.name, found.followers, found.monthly_listeners) == (
            artist.name,
            artist.followers,
            artist.monthly_listeners,
        )
    assert overviews[UNKNOWN_ID] is None


def playlist_expectations(catalog: Catalog) -> list[str]:
    editorial = next(p for p in catalog.playlists if p.editorial)
    longest = max(catalog.playlists, key=lambda p: len(p.items))
    kinds = {item.kind for item in longest.items}
    assert editorial.id.startswith("37i9")
    assert len(longest.items) > 25, "the catalog needs a playlist of more than one page"
    assert kinds >= {CatalogItemKind.LOCAL, CatalogItemKind.EPISODE, CatalogItemKind.UNAVAILABLE}
    return [editorial.id, longest.id]


def test_playlists_are_read_completely_with_odd_items_classified(
    shared_client: SpotifyWebClient, catalog: Catalog
) -> None:
    for playlist_id in playlist_expectations(catalog):
        expected = catalog.playlists_by_id[playlist_id]
        found = shared_client.playlist(playlist_id)

        assert (found.name, found.owner_name, found.followers) == (
            expected.name,
            expected.owner.display_name,
            expected.followers,
        )
        assert found.editorial is expected.editorial
        assert found.total == len(found.items) == len(expected.items)
        assert [i.position for i in found.items] == list(range(len(expected.items)))
        assert [i.kind.value for i in found.items] == [i.kind.value for i in expected.items]
        assert [i.track_id for i in found.items] == [
            i.track_id if i.kind is CatalogItemKind.TRACK else None for i in expected.items
        ]
        assert [i.added_at for i in found.items] == [i.added_at for i in expected.items]
        assert found.kind_counts()[ItemKind.TRACK] == len(found.track_ids)


def test_unknown_playlist_raises_playlist_not_found(shared_client: SpotifyWebClient) -> None:
    with pytest.raises(PlaylistNotFound, match=UNKNOWN_ID):
        shared_client.playlist(UNKNOWN_ID)


def test_album_gives_label_and_every_tracks_play_count(
    shared_client: SpotifyWebClient, catalog: Catalog, sandbox_day: date
) -> None:
    album = max(catalog.albums, key=lambda a: len(a.track_ids))
    assert len(album.track_ids) > 1
    found = shared_client.album_play_counts(album.id)
    assert found.label == album.label
    assert found.play_counts == {
        t: play_count_on(catalog.tracks_by_id[t], sandbox_day) for t in album.track_ids
    }
    with pytest.raises(AlbumNotFound):
        shared_client.album_play_counts(UNKNOWN_ID)


# -- requests: how many, and recovery ----------------------------------------------------------


def test_album_play_counts_take_one_getalbum_request(
    make_client: ClientFactory, mode: str, sandbox: SandboxServer, catalog: Catalog
) -> None:
    first, second = sorted(catalog.albums, key=lambda a: -len(a.track_ids))[:2]
    client = make_client(mode)
    client.album_play_counts(first.id)  # session mode: reads the getAlbum hash from a page
    before = emulator_count(sandbox, GET_ALBUM)
    found = client.album_play_counts(second.id)
    assert emulator_count(sandbox, GET_ALBUM) - before == 1
    assert set(found.play_counts) == set(second.track_ids)


def test_multi_page_playlist_reads_every_page(
    make_client: ClientFactory, mode: str, sandbox: SandboxServer, catalog: Catalog
) -> None:
    playlist_id = playlist_expectations(catalog)[1]
    client = make_client(mode)
    found = client.playlist(playlist_id)
    assert len(found.items) == len(catalog.playlists_by_id[playlist_id].items)
    assert our_count(client.counters, "fetchPlaylist") >= 2


def test_pages_shorter_than_asked_for_are_followed_to_the_end(
    browser: WebPlayerBrowser, mode: str, catalog: Catalog, sandbox_day: date
) -> None:
    """A server that grants fewer items per page than the web player asks for (25 playlist
    items, 50 album tracks): every page is still read, the editorial playlist included."""
    editorial = next(p for p in catalog.playlists if p.editorial)
    album = max(catalog.albums, key=lambda a: len(a.track_ids))
    assert len(editorial.items) > 12 and len(album.track_ids) > 2
    with (
        web_sandbox(catalog, sandbox_day, playlist_page_size=6, album_page_size=2) as server,
        client_on(server, browser, mode) as client,
    ):
        playlist = client.playlist(editorial.id)
        counts = client.album_play_counts(album.id)
        pages = server.counters.snapshot(SERVICE).count(FETCH_PLAYLIST)

    assert [i.track_id for i in playlist.items] == [i.track_id for i in editorial.items]
    assert pages >= -(-len(editorial.items) // 6)
    assert counts.play_counts == {
        t: play_count_on(catalog.tracks_by_id[t], sandbox_day) for t in album.track_ids
    }


def test_without_sp_dc_credits_are_unavailable_and_never_requested(
    make_client: ClientFactory, mode: str, sandbox: SandboxServer, truth
) -> None:
    client = make_client(mode, logged_in=False)
    ids = list(truth)[:5]
    results = client.track_credits(ids)
    assert all(
        isinstance(r, CreditsUnavailable) and r.reason == "no_sp_dc" for r in results.values()
    )
    assert set(results) == set(ids)
    assert client.counters.total(SERVICE) == 0
    assert emulator_count(sandbox, CREDITS) == 0


def test_refused_sp_dc_raises_login_rejected(make_client: ClientFactory, mode: str, truth) -> None:
    client = make_client(mode, sp_dc="not-the-sandbox-cookie")
    with pytest.raises(WebPlayerLoginRejected, match="SPOTIFY_SP_DC"):
        client.track_credits(list(truth)[:2])
    # Play counts need no login: the anonymous session still serves them.
    assert client.track_play_counts(list(truth)[:1])


def test_rotated_hashes_are_read_again_from_the_page(
    make_client: ClientFactory, sandbox: SandboxServer, catalog: Catalog, truth, sandbox_day
) -> None:
    ids = list(truth)[:16]
    client = make_client("session")
    first = client.track_play_counts(ids[:8])
    rotated = httpx.post(sandbox.base_url(SERVICE) + CONTROL_ROTATE, timeout=5)
    assert rotated.status_code == 200
    second = client.track_play_counts(ids[8:])

    expected = {t: play_count_on(catalog.tracks_by_id[t], sandbox_day) for t in ids}
    assert {**first, **second} == expected
    assert [b.reason for b in client.bootstraps] == ["start", "rotated_hash"]
    assert emulator_count(sandbox, TRACK_PAGE) == 2


def test_page_mode_follows_rotated_hashes_by_itself(
    make_client: ClientFactory, sandbox: SandboxServer, catalog: Catalog, truth, sandbox_day
) -> None:
    track_id = next(iter(truth))
    client = make_client("page")
    client.track_play_counts([track_id])
    httpx.post(sandbox.base_url(SERVICE) + CONTROL_ROTATE, timeout=5).raise_for_status()
    assert client.track_play_counts([track_id]) == {
        track_id: play_count_on(catalog.tracks_by_id[track_id], sandbox_day)
    }


def test_expired_token_is_replaced_by_one_new_bootstrap(
    browser: WebPlayerBrowser, catalog: Catalog, truth, sandbox_day: date
) -> None:
    lifetime = 2.5
    ids = list(truth)[:16]
    with (
        web_sandbox(catalog, sandbox_day, token_lifetime_seconds=lifetime) as server,
        client_on(server, browser, "session", concurrency=4) as client,
    ):
        first = client.track_play_counts(ids[:8])
        started = time.monotonic()
        time.sleep(lifetime + 0.2)
        second = client.track_play_counts(ids[8:])
        assert time.monotonic() - started < lifetime * 2, "the second token expired too"
        expired = server.counters.snapshot(SERVICE).count(GET_TRACK, 401)

    expected = {t: play_count_on(catalog.tracks_by_id[t], sandbox_day) for t in ids}
    assert {**first, **second} == expected
    assert [b.reason for b in client.bootstraps] == ["start", "expired_token"]
    assert expired >= 1


def test_server_errors_are_retried(
    make_client: ClientFactory,
    mode: str,
    sandbox: SandboxServer,
    catalog: Catalog,
    truth,
    sandbox_day: date,
) -> None:
    track_id, other = list(truth)[:2]
    client = make_client(mode)
    client.track_play_counts([other])  # session mode: bootstrapped before the faults
    sandbox.faults(SERVICE).fail_next(2, status=500, endpoint=GET_TRACK)

    found = client.track_play_counts([track_id])

    assert found == {track_id: play_count_on(catalog.tracks_by_id[track_id], sandbox_day)}
    assert emulator_count(sandbox, GET_TRACK, 500) == 2
    assert client.counters.snapshot()[SERVICE]["retries"] == 2


def test_failing_token_endpoint_is_retried_by_opening_the_page_again(
    make_client: ClientFactory,
    mode: str,
    sandbox: SandboxServer,
    catalog: Catalog,
    truth,
    sandbox_day: date,
) -> None:
    track_id = next(iter(truth))
    sandbox.faults(SERVICE).fail_next(1, status=503, endpoint=TOKEN)
    client = make_client(mode)

    found = client.track_play_counts([track_id])

    assert found == {track_id: play_count_on(catalog.tracks_by_id[track_id], sandbox_day)}
    assert emulator_count(sandbox, TOKEN, 503) == 1
    assert client.counters.snapshot()[SERVICE]["retries"] == 1
    assert len(client.bootstraps) == (1 if mode == "session" else 0)


def test_a_malformed_body_is_asked_again(
    make_client: ClientFactory, mode: str, sandbox: SandboxServer, truth, catalog, sandbox_day
) -> None:
    track_id, other = list(truth)[:2]
    client = make_client(mode)
    client.track_play_counts([other])
    sandbox.faults(SERVICE).fail_next(1, kind="malformed", endpoint=GET_TRACK)
    expected = play_count_on(catalog.tracks_by_id[track_id], sandbox_day)
    assert client.track_play_counts([track_id]) == {track_id: expected}
    assert client.counters.snapshot()[SERVICE]["malformed_bodies"] == 1


def test_session_mode_bootstraps_once_for_many_tracks(
    make_client: ClientFactory, sandbox: SandboxServer, truth
) -> None:
    ids = list(truth)
    client = make_client("session", concurrency=4)
    client.track_play_counts(ids)
    assert len(client.bootstraps) == 1
    # The page's own getTrack, then one per track over HTTP.
    assert emulator_count(sandbox, GET_TRACK) == len(ids) + 1
    assert our_count(client.counters, "#getTrack") == len(ids) + 1


def test_page_mode_reads_the_shown_play_count_when_the_json_is_unreadable(
    make_client: ClientFactory, monkeypatch, catalog: Catalog, truth, sandbox_day: date
) -> None:
    async def body_unavailable(self, seen, what):
        raise page_mode._BodyUnavailable("Response body is unavailable for redirect responses")

    monkeypatch.setattr(page_mode.PageReader, "_answer", body_unavailable)
    track_id = next(iter(truth))
    client = make_client("page")
    assert client.track_play_counts([track_id]) == {
        track_id: play_count_on(catalog.tracks_by_id[track_id], sandbox_day)
    }


# -- arguments and the browser's life --------------------------------------------------------


def test_bad_arguments_are_refused_before_any_request(module_sandbox: SandboxServer) -> None:
    urls = module_sandbox.urls[SERVICE]
    with pytest.raises(ValueError, match="mode"):
        SpotifyWebClient(urls, mode="browser")
    with pytest.raises(ValueError, match="spclient"):
        SpotifyWebClient({"base": urls["base"], "pathfinder": urls["pathfinder"]})
    with SpotifyWebClient(urls) as client, pytest.raises(ValueError, match="not-an-id"):
        client.track_play_counts(["not-an-id"])


def test_browser_is_closed_even_when_its_user_fails() -> None:
    browser = WebPlayerBrowser()
    with pytest.raises(RuntimeError, match="boom"), browser:
        assert browser.run(_answer(), timeout=10) == 42
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="not running"):
        browser.run(_answer())


def test_clients_given_no_browser_share_the_process_one_each_with_its_own_login(
    sandbox: SandboxServer, truth: dict[str, ExpectedTrack]
) -> None:
    track_id = next(t for t in truth if truth[t].credits.writers)
    urls = sandbox.urls[SERVICE]
    logged_in = SpotifyWebClient(urls, sp_dc=sandbox.credentials(SERVICE)["SPOTIFY_SP_DC"])
    anonymous = SpotifyWebClient(urls)
    with logged_in, anonymous:
        credits = logged_in.track_credits([track_id])[track_id]
        assert isinstance(credits, TrackCredits)
        assert anonymous.track_credits([track_id])[track_id].reason is (
            CreditsUnavailableReason.NO_SP_DC
        )
        assert anonymous.track_play_counts([track_id]) == {track_id: truth[track_id].play_count}
        browser = process_browser()
    assert browser.running  # closing a client leaves the process's browser for the next one
    with SpotifyWebClient(urls) as again:
        assert again.track_play_counts([track_id]) == {track_id: truth[track_id].play_count}
        assert process_browser() is browser


def test_the_process_browser_is_replaced_when_it_has_died() -> None:
    browser = process_browser()
    browser.close()  # as when Chromium crashes
    replacement = process_browser()
    assert replacement is not browser and replacement.running
    assert replacement.run(_answer(), timeout=10) == 42


def test_missing_chromium_is_reported_with_the_fix() -> None:
    with pytest.raises(BrowserUnavailable, match="apt-get install"):
        WebPlayerBrowser("/nonexistent/chromium").start()


async def _answer() -> int:
    return 42
