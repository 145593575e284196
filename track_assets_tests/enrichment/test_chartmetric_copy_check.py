"""Phase 0 keeps a playlist copy taken from Chartmetric only when Spotify does not contradict it:
agreeing, lagging and differing copies, listings that cannot tell, and what is recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from track_assets.db.repository import latest_playlist_fetch
from track_assets.enrichment.playlist_fetch import (
    FetchedItem,
    FetchedPlaylist,
    KnownVersion,
    SourceDeclined,
    SpotifyListing,
    Verdict,
    check_against_spotify,
    checked_copy,
    compare_with_listing,
    fetch_first_available,
    known_version,
    store_playlist_fetch,
)

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
PLAYLIST = "3cEYpjA9oz9GiPac4AsH4n"
A, B, C, D, E = (f"{letter * 21}1" for letter in "abcde")
SNAPSHOT = "AAAAGltfrxsoRxBM/BA89GkrJPbyZs3o"


def entries(*kinds_or_ids: str) -> tuple[FetchedItem, ...]:
    """Playlist entries in order: a track id, or a kind ("local", "episode", "unavailable")."""
    return tuple(
        FetchedItem(i, "track", value) if len(value) == 22 else FetchedItem(i, value)
        for i, value in enumerate(kinds_or_ids)
    )


def copy_of(*track_ids: str) -> FetchedPlaylist:
    return FetchedPlaylist(PLAYLIST, "chartmetric", entries(*track_ids), name="Fresh Finds")


def listing(
    *first_page: str, total: int | None = None, method: str = "spotify_api", snapshot=SNAPSHOT
) -> SpotifyListing:
    page = entries(*first_page)
    return SpotifyListing(method, snapshot, len(page) if total is None else total, page)


def metadata_only(snapshot: str | None = SNAPSHOT) -> SpotifyListing:
    return SpotifyListing("spotify_api", snapshot, None)


def declines(answer: str):
    """A listing or a source that answers it cannot serve this playlist."""

    def refuse():
        raise SourceDeclined(answer)

    return refuse


def never_asked() -> SpotifyListing:
    raise AssertionError("the first answer decided: no further request")


# --- one listing's verdict ------------------------------------------------------------------------


def test_the_same_tracks_agree_and_the_copy_takes_spotifys_snapshot():
    check = compare_with_listing(copy_of(A, B, C), listing(A, B, C))
    assert check.verdict is Verdict.AGREE and not check.disagrees
    assert check.detail == "checked against spotify_api (the same 3 tracks)"
    assert (check.against, check.snapshot_id) == ("spotify_api", SNAPSHOT)


def test_local_files_episodes_and_unavailable_entries_on_spotify_are_not_tracks_the_copy_lacks():
    check = compare_with_listing(
        copy_of(A, B, C), listing(A, "local", B, "episode", C, "unavailable")
    )
    assert check.verdict is Verdict.AGREE
    assert check.detail == "checked against spotify_api (the same 3 tracks)"


def test_a_copy_short_of_spotifys_count_is_lagging():
    check = compare_with_listing(copy_of(A, B), listing(A, B, C, D))
    assert check.verdict is Verdict.LAGGING and check.disagrees
    assert check.detail == "copy lagging (2 tracks vs Spotify's 4, per spotify_api)"


def test_a_copy_lagging_beyond_the_first_page_is_caught_by_the_count():
    """Spotify lists 50 entries and shows 2: the copy's 48 tracks cannot be all of them."""
    check = compare_with_listing(
        copy_of(A, B, *[C] * 46), listing(A, B, total=50, method="web_player")
    )
    assert check.verdict is Verdict.LAGGING
    assert check.detail == "copy lagging (48 tracks vs Spotify's 50, per web_player)"


def test_a_copy_with_the_right_count_but_without_a_first_page_track_is_lagging():
    check = compare_with_listing(copy_of(A, B, D, E), listing(A, B, C, total=4))
    assert check.verdict is Verdict.LAGGING
    assert check.detail == (
        "copy lagging (lacks 1 of the 3 tracks on Spotify's first page, per spotify_api)"
    )


def test_a_copy_listing_tracks_spotify_no_longer_has_differs():
    more = compare_with_listing(copy_of(A, B, C), listing(A, B))
    assert more.verdict is Verdict.DIFFERS and more.disagrees
    assert more.detail == "copy differs (3 tracks vs Spotify's 2, per spotify_api)"
    swapped_twice = compare_with_listing(copy_of(A, B, B), listing(A, B, "local", total=3))
    assert swapped_twice.verdict is Verdict.DIFFERS


def test_a_long_playlist_agrees_on_its_count_and_first_page():
    check = compare_with_listing(copy_of(A, B, C, D, E), listing(A, B, total=5))
    assert check.verdict is Verdict.AGREE
    assert check.detail == "checked against spotify_api (5 tracks, the first 2 entries agree)"


def test_metadata_without_a_count_says_nothing_unless_the_snapshot_is_the_stored_one():
    copy = copy_of(A, B)
    assert compare_with_listing(copy, metadata_only()) is None
    changed = KnownVersion("AAAAAQAAAAEAAAAB", frozenset({A, B}))
    assert compare_with_listing(copy, metadata_only(), changed) is None
    same_tracks = KnownVersion(SNAPSHOT, frozenset({A, B}))
    assert compare_with_listing(copy, metadata_only(None), same_tracks) is None
    other_tracks = KnownVersion(SNAPSHOT, frozenset({A}))
    assert compare_with_listing(copy, metadata_only(), other_tracks) is None
    same = compare_with_listing(copy, metadata_only(), KnownVersion(SNAPSHOT, frozenset({A, B})))
    assert same.verdict is Verdict.AGREE
    assert same.detail == (
        "checked against spotify_api (snapshot unchanged since the last fetch, the same 2 tracks)"
    )


# --- asking each way in turn ----------------------------------------------------------------------


def test_the_web_api_decides_when_it_gives_a_count_and_the_web_player_is_not_asked():
    check = check_against_spotify(
        copy_of(A, B), [("spotify_api", lambda: listing(A, B)), ("web_player", never_asked)]
    )
    assert (check.verdict, check.against) == (Verdict.AGREE, "spotify_api")


def test_metadata_only_passes_the_question_to_the_web_player():
    check = check_against_spotify(
        copy_of(A),
        [
            ("spotify_api", metadata_only),
            ("web_player", lambda: listing(A, B, method="web_player")),
        ],
    )
    assert (check.verdict, check.against) == (Verdict.LAGGING, "web_player")


def test_when_spotify_refuses_both_ways_the_copy_is_unchecked_and_says_why():
    check = check_against_spotify(
        copy_of(A, B),
        [("spotify_api", metadata_only), ("web_player", declines("no such public playlist"))],
    )
    assert check.verdict is Verdict.UNCHECKED and not check.disagrees
    assert check.detail == (
        "not checked against Spotify (spotify_api: no track count; "
        "web_player: no such public playlist)"
    )


def test_a_lagging_copy_declines_so_the_next_source_serves_and_the_reason_says_so():
    spotify = (A, B, C)
    result = fetch_first_available(
        PLAYLIST,
        [
            (
                "chartmetric",
                lambda: checked_copy(
                    copy_of(A, B), [("web_player", lambda: listing(*spotify, method="web_player"))]
                ),
            ),
            ("spotify_api", declines("HTTP 403 (not owner)")),
            (
                "web_player",
                lambda: FetchedPlaylist(PLAYLIST, "web_player", entries(*spotify)),
            ),
        ],
    )
    assert result.playlist.method == "web_player"
    assert result.reason == (
        "chartmetric: copy lagging (2 tracks vs Spotify's 3, per web_player); "
        "spotify_api: HTTP 403 (not owner): used web_player"
    )


def test_an_agreeing_or_unchecked_copy_serves_with_its_verdict_as_the_reason():
    agreed = fetch_first_available(
        PLAYLIST,
        [("chartmetric", lambda: checked_copy(copy_of(A), [("spotify_api", lambda: listing(A))]))],
    )
    assert agreed.playlist.method == "chartmetric"
    assert agreed.playlist.snapshot_id == SNAPSHOT
    assert agreed.reason == "chartmetric: checked against spotify_api (the same 1 track)"
    unchecked = fetch_first_available(
        PLAYLIST,
        [
            (
                "chartmetric",
                lambda: checked_copy(copy_of(A), [("spotify_api", declines("HTTP 404"))]),
            )
        ],
    )
    assert unchecked.playlist.snapshot_id is None
    assert unchecked.reason == "chartmetric: not checked against Spotify (spotify_api: HTTP 404)"


def test_sources_that_decline_are_named_in_the_reason_of_the_one_that_served():
    result = fetch_first_available(
        PLAYLIST,
        [
            ("chartmetric", declines("does not track this playlist")),
            ("web_player", lambda: FetchedPlaylist(PLAYLIST, "web_player", entries(A))),
        ],
    )
    assert result.reason == "chartmetric: does not track this playlist: used web_player"


# --- what is stored, and remembered for the next check --------------------------------------------


def test_the_reason_and_the_matched_snapshot_are_stored_and_remembered(conn):
    assert known_version(conn, PLAYLIST) is None
    result = fetch_first_available(
        PLAYLIST,
        [("chartmetric", lambda: checked_copy(copy_of(A, B), [("x", lambda: listing(A, B))]))],
    )
    store_playlist_fetch(conn, result.playlist, now=NOW, reason=result.reason)
    fetch = latest_playlist_fetch(conn, PLAYLIST)
    assert (fetch.method, fetch.snapshot_id, fetch.reason) == (
        "chartmetric",
        SNAPSHOT,
        "chartmetric: checked against spotify_api (the same 2 tracks)",
    )
    assert known_version(conn, PLAYLIST) == KnownVersion(SNAPSHOT, frozenset({A, B}))


def test_an_unchecked_copy_leaves_nothing_to_compare_the_next_snapshot_with(conn):
    unchecked = checked_copy(copy_of(A), [("spotify_api", declines("HTTP 404"))])
    store_playlist_fetch(conn, unchecked, now=NOW, reason="unchecked")
    assert known_version(conn, PLAYLIST) is None


@pytest.mark.parametrize("refusal", ["HTTP 429 quota", "no such public playlist"])
def test_a_refusal_while_checking_never_fails_the_copy(refusal):
    served = checked_copy(copy_of(A), [("a", declines(refusal)), ("b", declines(refusal))])
    assert served.check.verdict is Verdict.UNCHECKED
    assert refusal in served.check.detail
