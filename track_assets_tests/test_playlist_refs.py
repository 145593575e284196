import pytest

from track_assets.playlist_refs import InvalidPlaylistRef, parse_playlist_ref

PLAYLIST_ID = "37i9dQZF1DXcBWIGoYBM5M"
USER_PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs"


@pytest.mark.parametrize(
    "text",
    [
        f"https://open.spotify.com/playlist/{PLAYLIST_ID}",
        f"https://open.spotify.com/playlist/{PLAYLIST_ID}?si=a1b2c3d4e5f64a7b",
        f"https://open.spotify.com/playlist/{PLAYLIST_ID}/?si=x&pi=y#top",
        f"open.spotify.com/playlist/{PLAYLIST_ID}",
        f"https://open.spotify.com/intl-de/playlist/{PLAYLIST_ID}",
        f"spotify:playlist:{PLAYLIST_ID}",
        f"spotify:user:spotify:playlist:{PLAYLIST_ID}",
        PLAYLIST_ID,
        f"  {PLAYLIST_ID}\n",
    ],
)
def test_accepts_urls_uris_and_bare_ids(text):
    assert parse_playlist_ref(text).playlist_id == PLAYLIST_ID


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("https://open.spotify.com/album/4yS3vUFIaE2xilaeYz3p9q", "Spotify album"),
        ("https://open.spotify.com/track/5NcYCtoBkAGyxL5SCF64av?si=1", "Spotify track"),
        ("https://open.spotify.com/artist/7gXb99Sf9nNmpNYeAgIQFG", "Spotify artist"),
        ("spotify:track:5NcYCtoBkAGyxL5SCF64av", "track URI"),
        ("spotify:playlist", "spotify:playlist:<id>"),
        ("spotify:playlist:", "missing"),
        ("37i9dQZF1DXcBWIGoYBM5", "21 characters"),
        ("37i9dQZF1DXcBWIGoYBM5MX", "23 characters"),
        ("37i9dQZF1DXcBWIGoYBM5-", "'-'"),
        ("37i9dQZF1DXcBWIGoYBM5é", "'é'"),
        ("https://example.com/playlist/37i9dQZF1DXcBWIGoYBM5M", "'example.com'"),
        ("ftp://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M", "scheme"),
        ("https://open.spotify.com/", "no /playlist/<id> path"),
        ("https://open.spotify.com/playlist/", "not /playlist/<id>"),
        ("https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M/tracks", "not /playlist/<id>"),
        ("https://open.spotify.com/playlist/37i9dQZF1DX", "11 characters"),
        ("my favourite playlist", "' '"),
    ],
)
def test_rejects_malformed_refs_saying_what_was_wrong_and_what_is_accepted(text, says):
    with pytest.raises(InvalidPlaylistRef) as raised:
        parse_playlist_ref(text)
    message = str(raised.value)
    assert says in message
    assert "spotify:playlist:<id>" in message and "22-character" in message


def test_knows_editorial_playlists_and_builds_canonical_links():
    editorial, user = parse_playlist_ref(PLAYLIST_ID), parse_playlist_ref(USER_PLAYLIST)
    assert editorial.is_editorial and not user.is_editorial
    assert user.url == f"https://open.spotify.com/playlist/{USER_PLAYLIST}"
    assert user.uri == f"spotify:playlist:{USER_PLAYLIST}"
