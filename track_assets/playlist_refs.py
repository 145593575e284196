"""Parse what a user types to name a Spotify playlist: a URL, a URI or a bare id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

ACCEPTED_FORMS = (
    "https://open.spotify.com/playlist/<id> (query strings such as ?si=... are fine), "
    "spotify:playlist:<id>, or the bare 22-character id"
)
_BASE62 = re.compile(r"^[0-9A-Za-z]+$")
_ID_LENGTH = 22
_SPOTIFY_HOSTS = {"open.spotify.com", "play.spotify.com"}
_OTHER_KINDS = {"album", "track", "artist", "episode", "show", "user", "audiobook", "genre"}


class InvalidPlaylistRef(ValueError):
    """The text does not name a Spotify playlist; the message says why and what is accepted."""

    def __init__(self, text: str, problem: str):
        self.text = text
        self.problem = problem
        super().__init__(
            f"{text!r} is not a Spotify playlist: {problem}. Accepted: {ACCEPTED_FORMS}."
        )


@dataclass(frozen=True)
class PlaylistRef:
    playlist_id: str

    @property
    def url(self) -> str:
        return f"https://open.spotify.com/playlist/{self.playlist_id}"

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.playlist_id}"

    @property
    def is_editorial(self) -> bool:
        """Spotify's own editorial playlists, which development-tier Web API apps cannot read."""
        return self.playlist_id.startswith("37i9dQZF1")


def parse_playlist_ref(text: str) -> PlaylistRef:
    if text is None or not text.strip():
        raise InvalidPlaylistRef(text or "", "it is empty")
    candidate = text.strip()
    if candidate.lower().startswith("spotify:"):
        return PlaylistRef(_id_from_uri(text, candidate))
    if "://" in candidate or candidate.lower().startswith(("open.spotify.com", "www.")):
        return PlaylistRef(_id_from_url(text, candidate))
    return PlaylistRef(_checked_id(text, candidate))


def _id_from_uri(text: str, uri: str) -> str:
    parts = uri.split(":")
    # spotify:user:<owner>:playlist:<id> is the legacy form Spotify still resolves.
    if len(parts) == 5 and parts[1] == "user" and parts[3] == "playlist":
        return _checked_id(text, parts[4])
    if len(parts) != 3:
        raise InvalidPlaylistRef(text, "a Spotify URI has the form spotify:playlist:<id>")
    kind = parts[1].lower()
    if kind != "playlist":
        raise InvalidPlaylistRef(text, f"it is a Spotify {kind} URI, not a playlist")
    return _checked_id(text, parts[2])


def _id_from_url(text: str, url: str) -> str:
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unclosed "[" in the host: "Invalid IPv6 URL"
        raise InvalidPlaylistRef(text, f"it is not a readable URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidPlaylistRef(text, f"the URL scheme {parts.scheme!r} is not http(s)")
    host = (parts.hostname or "").lower()
    if host not in _SPOTIFY_HOSTS:
        raise InvalidPlaylistRef(text, f"the host {host or '(none)'!r} is not open.spotify.com")
    segments = [segment for segment in parts.path.split("/") if segment]
    # Localised links carry a prefix such as /intl-de/; legacy links /user/<owner>/playlist/<id>.
    if segments and segments[0].startswith("intl-"):
        segments = segments[1:]
    if len(segments) == 4 and segments[0] == "user" and segments[2] == "playlist":
        segments = segments[2:]
    if not segments:
        raise InvalidPlaylistRef(text, "the URL has no /playlist/<id> path")
    kind = segments[0].lower()
    if kind in _OTHER_KINDS:
        raise InvalidPlaylistRef(text, f"it is a link to a Spotify {kind}, not a playlist")
    if kind != "playlist" or len(segments) != 2:
        raise InvalidPlaylistRef(text, "the URL path is not /playlist/<id>")
    return _checked_id(text, segments[1])


def _checked_id(text: str, playlist_id: str) -> str:
    if not playlist_id:
        raise InvalidPlaylistRef(text, "the playlist id is missing")
    if not _BASE62.match(playlist_id):
        bad = sorted({char for char in playlist_id if not char.isascii() or not char.isalnum()})
        raise InvalidPlaylistRef(
            text, f"the id contains characters outside 0-9, A-Z, a-z: {''.join(bad)!r}"
        )
    if len(playlist_id) != _ID_LENGTH:
        raise InvalidPlaylistRef(
            text, f"the id has {len(playlist_id)} characters; Spotify ids have {_ID_LENGTH}"
        )
    return playlist_id
