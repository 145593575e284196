"""The web player's wire format, read from the real recordings in track_assets_tests/fixtures/reference/spotify/webplayer/."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from track_assets.services.spotify_web import (
    Credit,
    ItemKind,
    MalformedResponse,
    WebPlayerRequestFailed,
    parsing,
)
from track_assets.services.spotify_web.page_mode import playlist_from_pages
from track_assets_tests.support.reference import reference_json

WEBPLAYER = "spotify/webplayer/"
GET_TRACK = WEBPLAYER + "pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.trimmed.json"
GET_ALBUM = WEBPLAYER + "pathfinder_getAlbum_6N9PS4QXF1D0OWPk0Sxtb4_2026-06.json"
FETCH_PLAYLIST = "spotify/full/pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.json"
ARTIST = WEBPLAYER + "pathfinder_queryArtistOverview_0gxyHStUsqpMadRV0Di1Qt_2026-06.trimmed.json"
CREDITS = WEBPLAYER + "spclient_track-credits_4LfCY65LvojKjWEnU7fNN4_2026-06.json"
EMBED = WEBPLAYER + "embed_track_next-data_4uLU6hMCjMI75M1A2tKUQC_2026-06.json"
NEVER_GONNA = "4uLU6hMCjMI75M1A2tKUQC"
STUPID_SONG = "4LfCY65LvojKjWEnU7fNN4"
TODAYS_TOP_HITS = "37i9dQZF1DXcBWIGoYBM5M"


def body(relative: str) -> bytes:
    return json.dumps(reference_json(relative)).encode()


def data_of(relative: str) -> dict:
    return parsing.pathfinder_data(200, body(relative), relative)


# -- pathfinder --------------------------------------------------------------------------------


def test_get_track_play_count_is_the_string_playcount_as_a_number() -> None:
    assert parsing.parse_track_play_count(data_of(GET_TRACK), NEVER_GONNA) == 1_137_719_792


def test_unknown_track_is_a_null_union_and_has_no_play_count() -> None:
    assert parsing.parse_track_play_count({"trackUnion": None}, NEVER_GONNA) is None
    assert not parsing.track_exists({"trackUnion": None})
    assert parsing.track_exists(data_of(GET_TRACK))


def test_get_album_gives_label_and_per_track_play_counts() -> None:
    album = parsing.parse_album_page(data_of(GET_ALBUM), "6N9PS4QXF1D0OWPk0Sxtb4", 0)
    assert album is not None
    assert (album.name, album.label, album.total_tracks) == (
        "Whenever You Need Somebody",
        "Sony Music CG",
        10,
    )
    assert album.release_date == "1987-11-12T00:00:00Z"
    assert album.copyrights == (
        (
            "(P) 1987 Sony Music Entertainment UK Limited under exclusive license to BMG Rights "
            "Management (UK) Limited",
            "P",
        ),
    )
    first = album.tracks[0]
    assert (first.track_id, first.track_number, first.play_count) == (
        NEVER_GONNA,
        1,
        1_139_813_068,
    )
    assert first.linked_track_id == "4PTG3Z6ehGkBFwjybzWkR8"
    assert [t.track_number for t in album.tracks] == list(range(1, 11))
    assert all(isinstance(t.play_count, int) for t in album.tracks)


def test_fetch_playlist_page_of_an_editorial_playlist() -> None:
    page = parsing.parse_playlist_page(data_of(FETCH_PLAYLIST), TODAYS_TOP_HITS)
    assert page is not None
    assert (page.name, page.owner_id, page.owner_name) == (
        "Today\u2019s Top Hits",
        "spotify",
        "Spotify",
    )
    assert (page.total, page.offset, len(page.items)) == (50, 0, 25)
    assert page.followers == 34_284_032
    first = page.items[0]
    assert (first.position, first.kind, first.track_id) == (
        0,
        ItemKind.TRACK,
        "20jbSiX29FDX4oQxBXyUEi",
    )
    assert first.added_at == datetime(2026, 5, 29, 4, 2, 20, 322000, tzinfo=UTC)
    assert first.added_by is None
    assert first.play_count == 85_221_565
    assert page.items[24].position == 24
    playlist = playlist_from_pages([page])
    assert playlist.editorial
    assert len(playlist.track_ids) == 25


def test_a_playlist_total_no_playlist_could_have_is_malformed() -> None:
    # 10**12 items would have the client ask for 40 billion pages (found by fuzzing).
    data = data_of(FETCH_PLAYLIST)
    data["playlistV2"]["content"]["totalCount"] = 10**12
    with pytest.raises(MalformedResponse, match="totalCount"):
        parsing.parse_playlist_page(data, TODAYS_TOP_HITS)


def test_playlist_items_that_are_not_tracks_are_classified() -> None:
    recorded = reference_json(FETCH_PLAYLIST)["data"]["playlistV2"]["content"]["items"][0]

    def variant(data):
        item = copy.deepcopy(recorded)
        item["itemV2"]["data"] = data
        return parsing.parse_playlist_item(item, 7, "test")

    episode = variant({"__typename": "Episode", "uri": "spotify:episode:x", "name": "Pod"})
    local = variant({"__typename": "LocalTrack", "uri": "spotify:local:a:b:c:180", "name": "c"})
    unavailable = variant({"__typename": "NotFound"})
    missing = variant(None)
    assert [i.kind for i in (episode, local, unavailable, missing)] == [
        ItemKind.EPISODE,
        ItemKind.LOCAL,
        ItemKind.UNAVAILABLE,
        ItemKind.UNAVAILABLE,
    ]
    assert all(i.track_id is None and i.position == 7 for i in (episode, local, unavailable))


def test_artist_overview_gives_followers_and_monthly_listeners() -> None:
    artist = parsing.parse_artist_overview(data_of(ARTIST), "0gxyHStUsqpMadRV0Di1Qt")
    assert artist is not None
    assert (artist.name, artist.followers, artist.monthly_listeners) == (
        "Rick Astley",
        1_567_830,
        7_672_890,
    )
    assert parsing.parse_artist_overview({"artistUnion": None}, "x") is None


def test_rotated_hash_is_recognised_whatever_the_status() -> None:
    rotated = json.dumps({"errors": [{"message": "PersistedQueryNotFound"}]})
    for status in (200, 400, 404):
        with pytest.raises(parsing.PersistedQueryNotFound):
            parsing.pathfinder_data(status, rotated, "getTrack")


def test_unreadable_pathfinder_answers_raise_specific_errors() -> None:
    with pytest.raises(MalformedResponse, match="not JSON"):
        parsing.pathfinder_data(200, b'{"data": {"trackUn', "getTrack of track X")
    with pytest.raises(MalformedResponse, match="no data"):
        parsing.pathfinder_data(200, b'{"errors": []}', "getTrack of track X")
    with pytest.raises(WebPlayerRequestFailed, match="HTTP 400"):
        parsing.pathfinder_data(400, b'{"errors": [{"message": "bad"}]}', "getTrack")
    with pytest.raises(MalformedResponse, match="playcount"):
        parsing.parse_track_play_count({"trackUnion": {"playcount": "many"}}, NEVER_GONNA)
    with pytest.raises(MalformedResponse, match="trackUnion"):
        parsing.parse_track_play_count({"somethingElse": {}}, NEVER_GONNA)


# -- credits -----------------------------------------------------------------------------------


def test_spclient_credits_split_into_writers_producers_performers() -> None:
    credits = parsing.parse_spclient_credits(body(CREDITS), STUPID_SONG)
    assert [(w.name, w.artist_id, w.subroles) for w in credits.writers] == [
        ("Daniel Nigro", "4GbIg07E4V64yYsrMQdFqA", ("composer", "lyricist")),
        ("Olivia Rodrigo", "1McMsnEElThX1knmY4oliG", ("composer", "lyricist")),
    ]
    assert [c.name for c in credits.composers] == ["Daniel Nigro", "Olivia Rodrigo"]
    assert [c.name for c in credits.lyricists] == ["Daniel Nigro", "Olivia Rodrigo"]
    assert [(p.name, p.role_group) for p in credits.producers] == [("Daniel Nigro", "Producers")]
    assert [(p.name, p.subroles) for p in credits.performers] == [
        ("Olivia Rodrigo", ("main artist",))
    ]
    # The "Source" line: a label/rights source, not a publisher.
    assert credits.source_names == ("Olivia Rodrigo PS",)
    assert credits.label is None


def test_name_only_credit_has_no_uri_and_missing_groups_are_empty() -> None:
    recorded = reference_json(CREDITS)
    recorded["roleCredits"][1]["artists"][0]["uri"] = ""  # spclient sends "" for name-only
    recorded["roleCredits"] = recorded["roleCredits"][1:2]
    credits = parsing.parse_spclient_credits(json.dumps(recorded), STUPID_SONG)
    assert credits.writers[0].artist_uri is None
    assert credits.writers[0].artist_id is None
    assert credits.writers[1].artist_uri == "spotify:artist:1McMsnEElThX1knmY4oliG"
    assert credits.performers == credits.producers == ()

    recorded["roleCredits"] = []
    assert parsing.parse_spclient_credits(json.dumps(recorded), STUPID_SONG).writers == ()


def test_credits_without_role_credits_are_malformed() -> None:
    with pytest.raises(MalformedResponse, match=STUPID_SONG):
        parsing.parse_spclient_credits(b'{"sourceNames": []}', STUPID_SONG)


def test_credits_modal_groups_one_item_per_person_and_role() -> None:
    """queryTrackCreditsModal has no capture: the shape is the one public clients read."""

    def person(name, role, group, uri=None):
        return {"name": name, "role": role, "roleGroup": {"name": group}, "uri": uri}

    data = {
        "trackUnion": {
            "creditsTrait": {
                "contributors": {
                    "items": [
                        person("Olivia Rodrigo", "Main Artist", "Performers", "spotify:artist:1"),
                        person("Daniel Nigro", "Composer", "Writers", "spotify:artist:2"),
                        person("Daniel Nigro", "Lyricist", "Writers", "spotify:artist:2"),
                        person("Jo Smith", "Lyricist", "Writers"),
                        person("Daniel Nigro", "Producer", "Producers", "spotify:artist:2"),
                    ]
                },
                "sources": {"items": [{"name": "Olivia Rodrigo PS"}]},
            }
        }
    }
    credits = parsing.parse_credits_modal(data, STUPID_SONG)
    assert [(w.name, w.artist_uri, w.subroles) for w in credits.writers] == [
        ("Daniel Nigro", "spotify:artist:2", ("composer", "lyricist")),
        ("Jo Smith", None, ("lyricist",)),
    ]
    assert [c.name for c in credits.composers] == ["Daniel Nigro"]
    assert [c.name for c in credits.producers] == ["Daniel Nigro"]
    assert credits.source_names == ("Olivia Rodrigo PS",)


# -- tokens and requests -----------------------------------------------------------------------


def test_token_answer_shape_of_the_embed_page() -> None:
    session = reference_json(EMBED)["props"]["pageProps"]["state"]["settings"]["session"]
    token = parsing.parse_token(json.dumps(session))
    assert token.is_anonymous
    assert token.expires_at_ms == 1_781_122_107_115
    assert not parsing.parse_token(json.dumps({**session, "isAnonymous": False})).is_anonymous
    with pytest.raises(MalformedResponse):
        parsing.parse_token(b"{}")


def test_persisted_query_is_read_from_post_and_get_requests() -> None:
    sha = "612585ae06ba435ad26369870deaae23b5c8800a256cd8a57e08eddc25a37294"  # docs/services.md#pathfinder-persisted-queries
    post_body = json.dumps(
        parsing.query_body("getTrack", parsing.track_variables(NEVER_GONNA), sha)
    )
    post = parsing.persisted_query_of(
        "POST", "https://api-partner.spotify.com/pathfinder/v2/query", post_body
    )
    query = urlencode(
        {
            "operationName": "getTrack",
            "variables": json.dumps({"uri": f"spotify:track:{NEVER_GONNA}"}),
            "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha}}),
        }
    )
    get = parsing.persisted_query_of(
        "GET", f"https://api-partner.spotify.com/pathfinder/v1/query?{query}", None
    )
    for call in (post, get):
        assert call is not None
        assert (call.operation, call.sha256) == ("getTrack", sha)
        assert call.variables == {"uri": f"spotify:track:{NEVER_GONNA}"}
    assert parsing.persisted_query_of("GET", "https://open.spotify.com/api/token", None) is None
    assert parsing.endpoint_label("POST", "http://x/pathfinder/v2/query", post_body) == (
        "POST /pathfinder/v2/query#getTrack"
    )
    credits_url = (
        f"https://spclient.wg.spotify.com/track-credits-view/v0/experimental/{STUPID_SONG}/credits"
    )
    assert parsing.credits_track_id(credits_url) == STUPID_SONG
    assert parsing.endpoint_label("GET", f"https://open.spotify.com/track/{NEVER_GONNA}") == (
        "GET /track/{id}"
    )


# -- bodies found by fuzzing (track_assets_tests/services/test_parser_fuzz.py), shrunk ----------


def test_a_body_nested_too_deeply_is_malformed_not_a_recursion_error() -> None:
    deep = b"[" * 2000  # json's decoder recursed once per "[" and raised RecursionError
    with pytest.raises(MalformedResponse):
        parsing.pathfinder_data(200, deep, "test")
    with pytest.raises(MalformedResponse, match="nested too deeply"):
        parsing.parse_spclient_credits(deep, STUPID_SONG)
    assert parsing.error_message(deep) == ""


def test_a_number_of_more_digits_than_python_converts_is_malformed() -> None:
    session = reference_json(EMBED)["props"]["pageProps"]["state"]["settings"]["session"]
    session["accessTokenExpirationTimestampMs"] = "9" * 5000  # int() raised ValueError
    with pytest.raises(MalformedResponse, match="5000 digits"):
        parsing.parse_token(json.dumps(session))


@pytest.mark.parametrize("uri", ["s", "0", "spotify:track:4LfCY65LvojKjWEnU7fNN4"])
def test_a_credit_whose_uri_is_no_artist_uri_is_a_name_only_credit(uri: str) -> None:
    recorded = reference_json(CREDITS)
    recorded["roleCredits"][0]["artists"][0]["uri"] = uri  # artist_id raised IndexError on "s"
    credits = parsing.parse_spclient_credits(json.dumps(recorded), STUPID_SONG)
    assert (credits.performers[0].artist_uri, credits.performers[0].artist_id) == (None, None)

    item = {"name": "Olivia Rodrigo", "uri": uri, "role": "main artist"}
    modal = {"trackUnion": {"creditsTrait": {"contributors": {"items": [item]}}}}
    other = parsing.parse_credits_modal(modal, STUPID_SONG).other[0]
    assert (other.artist_uri, other.artist_id) == (None, None)
    assert Credit("Olivia Rodrigo", uri, "Performers", ()).artist_id is None


@pytest.mark.parametrize("sources", [5, "Olivia Rodrigo PS", {"name": "x"}, [{"name": 5}]])
def test_credits_modal_sources_that_are_not_a_list_of_names_are_left_out(sources) -> None:
    trait = {"contributors": {"items": []}, "sources": {"items": sources}}  # 5: TypeError
    credits = parsing.parse_credits_modal({"trackUnion": {"creditsTrait": trait}}, STUPID_SONG)
    assert credits.source_names == ()


def test_a_playlist_item_whose_typename_is_not_text_is_unavailable() -> None:
    item = reference_json(FETCH_PLAYLIST)["data"]["playlistV2"]["content"]["items"][0]
    item["itemV2"]["data"]["__typename"] = []  # unhashable: TypeError
    parsed = parsing.parse_playlist_item(item, 0, "test")
    assert (parsed.kind, parsed.track_id) == (ItemKind.UNAVAILABLE, None)


@pytest.mark.parametrize(
    ("iso", "added_at"),
    [
        ("2026-05-29T04:02:20", datetime(2026, 5, 29, 4, 2, 20, tzinfo=UTC)),  # was naive
        ("2026-05-29T06:02:20+02:00", datetime(2026, 5, 29, 4, 2, 20, tzinfo=UTC)),
        ("0001-01-01T00:00:00+01:00", None),  # out of the calendar once in UTC
    ],
)
def test_a_playlist_item_is_added_at_an_aware_utc_time(iso: str, added_at) -> None:
    item = reference_json(FETCH_PLAYLIST)["data"]["playlistV2"]["content"]["items"][0]
    item["addedAt"]["isoString"] = iso
    parsed = parsing.parse_playlist_item(item, 0, "test")
    assert parsed.added_at == added_at
    assert added_at is None or parsed.added_at.tzinfo is UTC
