"""Ground truth on a hand-written catalog: MLC statuses (SB5VH7, MA0PFZ, 3 x 33.33), work choice,
MusicBrainz matching and links, Chartmetric id choice, metadata per tier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

import pytest

from track_assets.sandbox.catalog import Case, ground_truth, load_catalog, play_count_on
from track_assets.sandbox.catalog.truth import (
    CmMethod,
    CmReason,
    LinkPlatform,
    MbMatch,
    MlcReason,
    MlcStatus,
    Source,
    Tier,
    classify_link,
)

DAY = "2026-11-01"
ARTIST = "ShallipopiArtist000001"

# Facts of the real MLC works in track_assets_tests/fixtures/reference/mlc/portal-api/.
SPEEDOMETER = "Speedometer00000000001"  # SB5VH7: publisher at 0, administrator 50
MUCHUZI = "Muchuzi000000000000001"  # MA0PFZ: one publisher at 30 for both writers
THREE_WAY = "ThreeWay00000000000001"
SEVERAL = "SeveralWorks0000000001"
NOT_LINKED = "NotLinked0000000000001"
NOT_FOUND = "NotFound00000000000001"
NO_WRITERS = "NoWriters0000000000001"
NO_ISRC = "NoIsrc0000000000000001"
AMBIGUOUS_CM = "AmbiguousCm00000000001"


def _mbid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _writer(name: str, artist_id: str | None = None) -> dict:
    return {"name": name, "artist_id": artist_id, "subroles": ["composer", "lyricist"]}


def _track(track_id: str, name: str, isrc: str | None, writers: list[dict]) -> dict:
    groups = [
        {
            "title": "Performers",
            "contributors": [
                {"name": "Shallipopi", "artist_id": ARTIST, "subroles": ["main artist"]}
            ],
        }
    ]
    if writers:
        groups.append({"title": "Writers", "contributors": writers})
    groups.append(
        {"title": "Producers", "contributors": [_writer("Tempoe") | {"subroles": ["producer"]}]}
    )
    return {
        "id": track_id,
        "name": name,
        "isrc": isrc,
        "album_id": "PlanetPlutoAlbum000001",
        "artist_ids": [ARTIST],
        "duration_ms": 214000,
        "popularity": {"start_date": DAY, "start_value": 61, "daily_change": 0.5},
        "plays": {
            "start_date": DAY,
            "start_count": 1_000_000,
            "daily_growth_rate": 0.001,
            "daily_increment": 5_000,
            "compounding_days": 365,
        },
        "credits": {"role_groups": groups, "source_names": ["Dvpper Digital"]},
    }


def _mlc_writer(writer_id: str, first: str, last: str, ipi: str | None) -> dict:
    return {"writer_id": writer_id, "first_name": first, "last_name": last, "ipi": ipi}


def _publisher(name: str, share: float, writer_ids: list[str], admins=()) -> dict:
    return {
        "publisher_id": name[:6],
        "name": name,
        "collection_share": share,
        "administrators": [
            {"publisher_id": a[:6], "name": a, "collection_share": s} for a, s in admins
        ],
        "writer_ids": writer_ids,
    }


def _recording(n: int, isrc: str, song_code: str | None) -> dict:
    return {"id": str(n), "isrc": isrc, "title": "TITLE", "song_code": song_code}


def _url(n: int, resource: str, kind: str, ended: bool = False) -> dict:
    return {
        "url_id": _mbid(900 + n),
        "resource": resource,
        "type": kind,
        "end": "2021-05-01" if ended else None,
        "ended": ended,
    }


@cache
def hand_written() -> dict:
    tracks = [
        _track(
            SPEEDOMETER,
            "SPEEDOMETER",
            "ZA56E2304741",
            [_writer("Saheeb Haheeb"), _writer("Crown Uzamah", ARTIST)],
        ),
        _track(
            MUCHUZI,
            "Muchuzi",
            "ZA56E1701677",
            [_writer("Sempijja Emmanuel Kusasira"), _writer("Musuuza Edirisah")],
        ),
        _track(
            THREE_WAY,
            "Golden Hour (feat. Kofi Mensah)",
            "GBABC2600001",
            [
                _writer("Amara Okafor"),
                _writer("Lars Berg", "LarsBergSpotify0000001"),
                _writer("Nia Brooks"),
            ],
        ),
        _track(SEVERAL, "Midnight Drive", "GBABC2600002", [_writer("Amara Okafor")]),
        _track(NOT_LINKED, "Paper Lights", "GBABC2600003", [_writer("Amara Okafor")]),
        _track(NOT_FOUND, "Quiet River", "GBABC2600004", [_writer("Nia Brooks")]),
        _track(NO_WRITERS, "Static Bloom", "GBABC2600005", []),
        _track(NO_ISRC, "Slow Motion", None, [_writer("Amara Okafor")]),
        _track(AMBIGUOUS_CM, "Endless Summer", "GBABC2600006", [_writer("Amara Okafor")]),
    ]
    tracks[0]["relinked_to"] = MUCHUZI  # (any other track will do for the rule)
    track_ids = [t["id"] for t in tracks]
    return {
        "format_version": 1,
        "reference_date": DAY,
        "playlists": [
            {
                "id": "37i9dQZF1DXhandwritten",
                "name": "Afro Hits",
                "owner": {"id": "spotify", "display_name": "Spotify"},
                "items": [{"kind": "track", "track_id": t} for t in track_ids]
                + [{"kind": "unavailable"}],
            }
        ],
        "tracks": tracks,
        "albums": [
            {
                "id": "PlanetPlutoAlbum000001",
                "name": "PLANET PLUTO",
                "album_type": "album",
                "release_date": "2023-07-10",
                "release_date_precision": "day",
                "label": "Dvpper Music",
                "images": [
                    {"url": "https://i.scdn.co/image/small", "width": 64, "height": 64},
                    {"url": "https://i.scdn.co/image/large", "width": 640, "height": 640},
                ],
                "artist_ids": [ARTIST],
                "track_ids": track_ids,
            }
        ],
        "artists": [
            {
                "id": ARTIST,
                "name": "Shallipopi",
                "genres": ["afrobeats"],
                "popularity": 70,
                "followers": 900_000,
                "monthly_listeners": 5_000_000,
            },
            {"id": "LarsBergSpotify0000001", "name": "Lars Berg"},
        ],
        "mlc": {
            "works": [
                {
                    "song_code": "SB5VH7",
                    "title": "SPEEDOMETER",
                    "iswc": "T3246856991",
                    "writers": [
                        _mlc_writer("15674975", "SAHEEB", "HAHEEB", "01219346165"),
                        _mlc_writer("15996483", "CROWN", "UZAMAH", None),
                    ],
                    "publishers": [
                        _publisher(
                            "SM PUBLISHING UK LIMITED",
                            0,
                            ["15996483"],
                            admins=[("SONY/ATV TUNES LLC", 50)],
                        )
                    ],
                },
                {
                    "song_code": "MA0PFZ",
                    "title": "MUCHUZI",
                    "writers": [
                        _mlc_writer("12864363", "SEMPIJJA EMMANUEL", "KUSASIRA", "00860617237"),
                        _mlc_writer("12866188", "MUSUUZA", "EDIRISAH", None),
                    ],
                    "publishers": [_publisher("SONGTRUST AVE", 30, ["12864363", "12866188"])],
                },
                {
                    "song_code": "GH3WAY",
                    "title": "GOLDEN HOUR",
                    "writers": [
                        _mlc_writer("1", "AMARA", "OKAFOR", "00000000001"),
                        _mlc_writer("2", "LARS", "BERG", "00000000002"),
                        _mlc_writer("3", "NIA", "BROOKS", "00000000003"),
                    ],
                    "publishers": [
                        _publisher("PULSE MUSIC PUBLISHING", 33.33, ["1"]),
                        _publisher("KOBALT SONGS MUSIC PUBLISHING", 33.33, ["2"]),
                        _publisher("CONCORD SOUNDS", 33.33, ["3"]),
                    ],
                },
                {
                    "song_code": "MDRIVE",
                    "title": "MIDNIGHT DRIVE",
                    "writers": [_mlc_writer("1", "AMARA", "OKAFOR", "00000000001")],
                    "publishers": [],
                },
                {
                    "song_code": "DECOY1",
                    "title": "SUNDAY FEVER",
                    "writers": [_mlc_writer("9", "TOMAS", "SILVA", None)],
                    "publishers": [_publisher("CONCORD SOUNDS", 100, ["9"])],
                },
            ],
            "recordings": [
                _recording(1, "ZA56E2304741", "SB5VH7"),
                _recording(2, "ZA56E2304741", "SB5VH7"),
                _recording(3, "ZA56E1701677", "MA0PFZ"),
                _recording(4, "GBABC2600001", "GH3WAY"),
                _recording(5, "GBABC2600002", "DECOY1"),
                _recording(6, "GBABC2600002", "MDRIVE"),
                _recording(7, "GBABC2600003", None),
            ],
        },
        "musicbrainz": {
            "artists": [
                {
                    # Known as "Amara" with her legal name as an alias; links incl. x.com, ended.
                    "mbid": _mbid(1),
                    "name": "Amara",
                    "type": "Person",
                    "aliases": [{"name": "Amara Okafor", "type": "Legal name"}],
                    "urls": [
                        _url(1, "https://www.instagram.com/amaramusic/", "social network"),
                        _url(2, "https://x.com/amaramusic", "social network"),
                        _url(3, "https://www.tiktok.com/@amaramusic", "social network"),
                        _url(4, "https://www.youtube.com/@amaramusic", "youtube"),
                        _url(5, "https://music.youtube.com/channel/UCamara", "youtube music"),
                        _url(6, "https://www.amaramusic.com/", "official homepage"),
                        _url(7, "https://twitter.com/amara_old", "social network", ended=True),
                    ],
                },
                {
                    "mbid": _mbid(2),
                    "name": "Lars Berg",
                    "type": "Person",
                    "disambiguation": "Swedish songwriter",
                    "urls": [
                        _url(
                            8,
                            "https://open.spotify.com/artist/LarsBergSpotify0000001",
                            "free streaming",
                        )
                    ],
                },
                {"mbid": _mbid(3), "name": "Lars Berg", "disambiguation": "Norwegian jazz drummer"},
                {"mbid": _mbid(4), "name": "Nia Brooks", "disambiguation": "US gospel singer"},
                {"mbid": _mbid(5), "name": "Nia Brooks", "disambiguation": "songwriter"},
                {
                    "mbid": _mbid(6),
                    "name": "Crown Uzamah",
                    "urls": [_url(9, "https://soundcloud.com/crownuzamah", "soundcloud")],
                },
            ],
            "recordings": [
                {
                    "mbid": _mbid(10),
                    "title": "Golden Hour",
                    "isrcs": ["GBABC2600001"],
                    "work_mbids": [_mbid(20)],
                }
            ],
            "works": [
                {
                    "mbid": _mbid(20),
                    "title": "Golden Hour",
                    "writers": [{"artist_mbid": _mbid(1), "type": "composer"}],
                },
                {
                    # Not linked to any recording: corroborates a name match by title.
                    "mbid": _mbid(21),
                    "title": "Speedometer",
                    "writers": [{"artist_mbid": _mbid(6), "type": "writer"}],
                },
            ],
        },
        "chartmetric": {
            "tracks": [
                {"id": 101, "name": "SPEEDOMETER", "isrc": "ZA56E2304741", "spotify_track_ids": []},
                {
                    "id": 102,
                    "name": "SPEEDOMETER",
                    "isrc": "ZA56E2304741",
                    "spotify_track_ids": [SPEEDOMETER],
                    "moods": [{"id": 2, "name": "Energetic"}],
                    "activities": [{"id": 2, "name": "Party"}],
                    "composer_name": "Saheeb Haheeb, Crown Uzamah",
                    "songwriters": [{"id": 5501, "name": "Crown Uzamah"}],
                    "tags": ["afrobeats"],
                    "stats_since": "2023-07-10",
                    "youtube_views": {
                        "start_date": DAY,
                        "start_count": 300_000,
                        "daily_growth_rate": 0,
                        "daily_increment": 100,
                        "compounding_days": 0,
                    },
                },
                {"id": 201, "name": "Slow Motion", "isrc": None, "spotify_track_ids": [NO_ISRC]},
                {
                    "id": 301,
                    "name": "Endless Summer",
                    "isrc": "GBABC2600006",
                    "spotify_track_ids": [],
                },
                {
                    "id": 302,
                    "name": "Endless Summer",
                    "isrc": "GBABC2600006",
                    "spotify_track_ids": [],
                },
            ],
            "playlists": [],
        },
    }


@cache
def truth():
    return ground_truth(load_catalog(hand_written()))


def test_sb5vh7_share_on_the_administrator_and_an_unrepresented_writer_is_split_at_50():
    mlc = truth()[SPEEDOMETER].mlc
    assert (mlc.status, mlc.song_code, mlc.iswc) == (MlcStatus.SPLIT, "SB5VH7", "T3246856991")
    assert mlc.known_share == Decimal(50)
    assert [(w.name, w.ipi, w.represented) for w in mlc.writers] == [
        ("SAHEEB HAHEEB", "01219346165", False),
        ("CROWN UZAMAH", None, True),
    ]
    (publisher,) = mlc.publishers
    assert publisher.collection_share == 0
    assert publisher.administrators == ("SONY/ATV TUNES LLC",)
    assert publisher.known_share == 50
    cases = truth()[SPEEDOMETER].cases
    assert {Case.MLC_SHARE_ON_ADMINISTRATOR, Case.MLC_WRITER_WITHOUT_PUBLISHER} <= cases


def test_ma0pfz_thirty_percent_known_is_split():
    mlc = truth()[MUCHUZI].mlc
    assert (mlc.status, mlc.known_share) == (MlcStatus.SPLIT, Decimal(30))
    assert all(w.represented for w in mlc.writers)
    assert [w.ipi for w in mlc.writers] == ["00860617237", None]
    assert {Case.MLC_PARTIAL_SHARE, Case.MLC_WRITER_WITHOUT_IPI} <= truth()[MUCHUZI].cases


def test_three_writers_at_33_33_are_signed():
    mlc = truth()[THREE_WAY].mlc
    assert (mlc.status, mlc.known_share) == (MlcStatus.SIGNED, Decimal("99.99"))
    assert Case.MLC_SIGNED_ROUNDED_SHARES in truth()[THREE_WAY].cases


def test_several_works_pick_the_one_whose_title_and_writers_agree():
    mlc = truth()[SEVERAL].mlc
    assert mlc.candidate_song_codes == ("DECOY1", "MDRIVE")
    assert (mlc.song_code, mlc.status) == ("MDRIVE", MlcStatus.UNSIGNED)  # no publishers
    assert {Case.MLC_SEVERAL_WORKS, Case.MLC_NO_PUBLISHERS} <= truth()[SEVERAL].cases


@pytest.mark.parametrize(
    ("track_id", "reason"),
    [
        (NOT_LINKED, MlcReason.NOT_LINKED),
        (NOT_FOUND, MlcReason.NOT_FOUND),
        (NO_WRITERS, MlcReason.NO_WRITERS),
        (NO_ISRC, MlcReason.NO_ISRC),
    ],
)
def test_no_mlc_status_without_a_linked_work_and_never_unsigned(track_id, reason):
    mlc = truth()[track_id].mlc
    assert (mlc.status, mlc.reason) == (None, reason)


def test_musicbrainz_evidence_through_an_alias_with_links_by_host():
    amara, lars, nia = truth()[THREE_WAY].musicbrainz
    assert (amara.match, amara.mbid, amara.via_alias) == (MbMatch.EVIDENCE, _mbid(1), True)
    assert amara.links == {
        LinkPlatform.INSTAGRAM: ("https://www.instagram.com/amaramusic/",),
        LinkPlatform.TWITTER: ("https://x.com/amaramusic",),
        LinkPlatform.TIKTOK: ("https://www.tiktok.com/@amaramusic",),
        LinkPlatform.YOUTUBE: ("https://www.youtube.com/@amaramusic",),
        LinkPlatform.OTHER: ("https://music.youtube.com/channel/UCamara",),
        LinkPlatform.WEBSITE: ("https://www.amaramusic.com/",),
    }
    assert amara.ended_links == ("https://twitter.com/amara_old",)
    # Lars Berg has a namesake, but only one artist links his Spotify page.
    assert (lars.match, lars.mbid) == (MbMatch.SPOTIFY_URL, _mbid(2))
    # Two Nia Brooks, neither confirmed: no links.
    assert (nia.match, nia.mbid, nia.links) == (MbMatch.AMBIGUOUS, None, {})
    assert nia.candidate_mbids == (_mbid(4), _mbid(5))
    assert {Case.MB_ALIAS, Case.MB_NAMESAKES, Case.MB_ENDED_LINK} <= truth()[THREE_WAY].cases


def test_musicbrainz_name_match_corroborated_by_a_work_title_and_not_found():
    saheeb, crown = truth()[SPEEDOMETER].musicbrainz
    assert (saheeb.match, saheeb.mbid) == (MbMatch.NOT_FOUND, None)
    assert (crown.match, crown.mbid) == (MbMatch.NAME_CORROBORATED, _mbid(6))
    assert crown.links == {LinkPlatform.SOUNDCLOUD: ("https://soundcloud.com/crownuzamah",)}


def test_an_unconfirmed_single_name_match_is_ambiguous():
    # Amara Okafor has no recording or work for "Midnight Drive": the alias alone is not enough.
    (amara,) = truth()[SEVERAL].musicbrainz
    assert (amara.match, amara.candidate_mbids) == (MbMatch.AMBIGUOUS, (_mbid(1),))


@pytest.mark.parametrize(
    ("resource", "kind", "platform"),
    [
        ("https://twitter.com/someone", "social network", LinkPlatform.TWITTER),
        ("https://mobile.twitter.com/someone", "social network", LinkPlatform.TWITTER),
        ("https://x.com/someone", "social network", LinkPlatform.TWITTER),
        ("https://www.facebook.com/someone", "social network", LinkPlatform.FACEBOOK),
        ("https://youtu.be/abc", "youtube", LinkPlatform.YOUTUBE),
        ("https://music.youtube.com/channel/UC1", "youtube music", LinkPlatform.OTHER),
        ("https://someone.bandcamp.com/", "bandcamp", LinkPlatform.BANDCAMP),
        ("https://en.wikipedia.org/wiki/Someone", "wikipedia", LinkPlatform.WIKIPEDIA),
        ("https://www.wikidata.org/wiki/Q1", "wikidata", LinkPlatform.WIKIDATA),
        ("https://someone.net/", "official homepage", LinkPlatform.WEBSITE),
        ("https://open.spotify.com/artist/x", "free streaming", LinkPlatform.OTHER),
        ("https://www.discogs.com/artist/1", "discogs", LinkPlatform.OTHER),
    ],
)
def test_links_are_classified_by_host_first(resource, kind, platform):
    assert classify_link(resource, kind) is platform


def test_chartmetric_picks_the_id_listing_the_track_among_several_for_the_isrc():
    cm = truth()[SPEEDOMETER].chartmetric
    assert (cm.chartmetric_id, cm.method, cm.candidate_ids) == (102, CmMethod.ISRC, (101, 102))
    assert (cm.moods, cm.activities, cm.tags) == (("Energetic",), ("Party",), ("afrobeats",))
    assert [(s.id, s.name) for s in cm.songwriters] == [(5501, "Crown Uzamah")]
    assert cm.youtube_views == 300_000
    assert cm.spotify_streams == truth()[SPEEDOMETER].play_count
    assert Case.CM_SEVERAL_IDS in truth()[SPEEDOMETER].cases


def test_chartmetric_by_spotify_id_ambiguous_and_not_found():
    assert truth()[NO_ISRC].chartmetric.chartmetric_id == 201
    assert truth()[NO_ISRC].chartmetric.method is CmMethod.SPOTIFY_ID
    ambiguous = truth()[AMBIGUOUS_CM].chartmetric
    assert (ambiguous.chartmetric_id, ambiguous.reason) == (None, CmReason.AMBIGUOUS)
    assert truth()[MUCHUZI].chartmetric.reason is CmReason.NOT_FOUND


def test_metadata_differs_by_tier_where_spotify_removed_fields():
    expected = truth()[SPEEDOMETER]
    extended = expected.metadata[Tier.EXTENDED]
    development = expected.metadata[Tier.DEVELOPMENT]
    assert extended.isrc == development.isrc == "ZA56E2304741"
    assert extended.label == development.label == "Dvpper Music"
    assert (extended.label_source, development.label_source) == (
        Source.SPOTIFY_API,
        Source.WEB_PLAYER,
    )
    assert extended.popularity == 61 and development.popularity is None
    assert extended.artists[0].followers == development.artists[0].followers == 900_000
    assert development.followers_source is Source.WEB_PLAYER
    assert extended.artists[0].genres == ("afrobeats",) and development.artists[0].genres is None
    assert (extended.relinked_to, development.relinked_to) == (MUCHUZI, None)
    assert extended.album_image_url == "https://i.scdn.co/image/large"


def test_credits_and_play_count_on_a_date():
    catalog = load_catalog(hand_written())
    later = ground_truth(catalog, on=date(2026, 12, 1))[THREE_WAY]
    assert later.play_count == play_count_on(catalog.tracks_by_id[THREE_WAY], date(2026, 12, 1))
    assert later.play_count > truth()[THREE_WAY].play_count
    assert later.metadata[Tier.EXTENDED].popularity == 76  # 61 + 0.5 x 30 days
    credits = later.credits
    assert [w.name for w in credits.writers] == ["Amara Okafor", "Lars Berg", "Nia Brooks"]
    assert credits.writers[1].spotify_artist_id == "LarsBergSpotify0000001"
    assert credits.composers == credits.lyricists == ("Amara Okafor", "Lars Berg", "Nia Brooks")
    assert [p.name for p in credits.producers] == ["Tempoe"]
    assert credits.source_names == ("Dvpper Digital",)


def test_truth_covers_playlist_tracks_only():
    assert set(truth()) == {t["id"] for t in hand_written()["tracks"]}
