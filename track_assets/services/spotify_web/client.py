"""`SpotifyWebClient`: play counts, credits, labels, followers and playlists from Spotify's web
player, in `session` mode (HTTP after one page visit) or `page` mode (every read a page visit).

The same client runs against open.spotify.com and the sandbox: only the base URLs and the
sp_dc cookie differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Literal

import httpx

from track_assets.services.http import (
    DEFAULT_TIMEOUT,
    RateLimiter,
    RequestCounters,
    RetryPolicy,
)
from track_assets.services.spotify_web.browser import (
    DEFAULT_CHROMIUM,
    WebPlayerBrowser,
    WebPlayerSite,
    process_browser,
)
from track_assets.services.spotify_web.models import (
    AlbumPlayCounts,
    ArtistOverview,
    CreditsUnavailable,
    CreditsUnavailableReason,
    TrackCredits,
    WebPlaylist,
)
from track_assets.services.spotify_web.page_mode import PageReader
from track_assets.services.spotify_web.session import Bootstrap, SessionReader

Mode = Literal["session", "page"]
MODES = ("session", "page")
URL_KEYS = ("base", "pathfinder", "spclient")
_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")


def _ids(values: Iterable[str] | str, kind: str) -> list[str]:
    """Distinct ids in first-seen order; a malformed one raises ValueError naming it."""
    if isinstance(values, str):
        values = [values]
    ids = list(dict.fromkeys(values))
    bad = [v for v in ids if not isinstance(v, str) or not _SPOTIFY_ID.match(v)]
    if bad:
        raise ValueError(
            f"not Spotify {kind} ids (22 letters and digits): {', '.join(map(repr, bad[:5]))}"
        )
    return ids


class SpotifyWebClient:
    """Reads the web player. Use as a context manager (or call `close()`): it starts Chromium
    on first need and stops it at the end, unless a shared `browser` is passed in.

    `base_urls` needs "base" (open.spotify.com), "pathfinder" (api-partner.spotify.com) and
    "spclient" (spclient.wg.spotify.com), as `settings.service("spotify_web").base_urls` gives.
    Without `sp_dc` the credits are `CreditsUnavailable(reason="no_sp_dc")`, with no request.
    """

    def __init__(
        self,
        base_urls: Mapping[str, str],
        sp_dc: str | None = None,
        mode: Mode = "session",
        concurrency: int = 4,
        counters: RequestCounters | None = None,
        rate_limiter: RateLimiter | None = None,
        *,
        browser: WebPlayerBrowser | None = None,
        chromium_path: str = DEFAULT_CHROMIUM,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        page_timeout: float = 30.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        missing = [key for key in URL_KEYS if not base_urls.get(key)]
        if missing:
            raise ValueError(
                f"spotify_web base_urls lacks {', '.join(missing)}; it needs {', '.join(URL_KEYS)}"
            )
        self.mode = mode
        self.sp_dc = sp_dc or None
        self.counters = counters if counters is not None else RequestCounters()
        self._shared_browser = browser
        self._chromium_path = chromium_path
        self._site = WebPlayerSite(self._browser, base_urls["base"], self.sp_dc, self.counters)
        policy = retry_policy or RetryPolicy()
        self._reader: SessionReader | PageReader
        if mode == "session":
            self._reader = SessionReader(
                self._site,
                pathfinder_url=base_urls["pathfinder"],
                spclient_url=base_urls["spclient"],
                concurrency=concurrency,
                retry_policy=policy,
                rate_limiter=rate_limiter,
                timeout=timeout,
                page_timeout=page_timeout,
            )
        else:
            self._reader = PageReader(
                self._site,
                concurrency=concurrency,
                retry_policy=policy,
                rate_limiter=rate_limiter,
                page_timeout=page_timeout,
            )

    def _browser(self) -> WebPlayerBrowser:
        if self._shared_browser is not None:
            return self._shared_browser
        return process_browser(self._chromium_path)

    # -- reads -------------------------------------------------------------------------------

    def track_play_counts(self, track_ids: Iterable[str]) -> dict[str, int | None]:
        """Play count per track (None: the web player knows no such track or shows no count)."""
        return self._reader.track_play_counts(_ids(track_ids, "track"))

    def album_play_counts(self, album_id: str) -> AlbumPlayCounts:
        """The album's label and every track's play count, from one getAlbum call per 50 tracks."""
        return self._reader.album_play_counts(_ids(album_id, "album")[0])

    def albums_play_counts(self, album_ids: Iterable[str]) -> dict[str, AlbumPlayCounts]:
        """`album_play_counts` of several albums, read at once (`concurrency`); raises
        AlbumNotFound for an album the web player does not know."""
        return self._reader.read_play_counts(_ids(album_ids, "album"), [])[0]

    def play_counts(
        self, track_ids: Iterable[str], album_of: Mapping[str, str | None]
    ) -> dict[str, int | None]:
        """Play count per track (None: not known or not shown), the cheapest way the mode
        allows: one getAlbum per album (`album_of`) holding two or more of the tracks, getTrack
        for the others, all at once. A track its album's answer does not list with a count
        (relinked) is then read with getTrack. In page mode the play counts the track pages of
        the last `track_credits` call loaded are used as they are, with no second visit."""
        ids = _ids(track_ids, "track")
        counts = self._reader.seen_play_counts(ids)
        by_album: dict[str, list[str]] = {}
        singles: list[str] = []
        for track_id in ids:
            if track_id in counts:
                continue
            album_id = album_of.get(track_id)
            if album_id:
                by_album.setdefault(album_id, []).append(track_id)
            else:
                singles.append(track_id)
        albums = [album_id for album_id, members in by_album.items() if len(members) > 1]
        singles += [members[0] for members in by_album.values() if len(members) == 1]
        found_albums, found_tracks = self._reader.read_play_counts(_ids(albums, "album"), singles)
        counts.update(found_tracks)
        unlisted = []
        for album_id in albums:
            album_counts = found_albums[album_id].play_counts
            for track_id in by_album[album_id]:
                counts[track_id] = album_counts.get(track_id)
                if counts[track_id] is None:
                    unlisted.append(track_id)
        if unlisted:
            counts.update(self._reader.track_play_counts(unlisted))
        return {track_id: counts[track_id] for track_id in ids}

    def track_credits(
        self, track_ids: Iterable[str]
    ) -> dict[str, TrackCredits | CreditsUnavailable]:
        ids = _ids(track_ids, "track")
        if not self.sp_dc:
            detail = "SPOTIFY_SP_DC is not set: the credits need a logged-in web player"
            return {
                t: CreditsUnavailable(t, CreditsUnavailableReason.NO_SP_DC, detail) for t in ids
            }
        return self._reader.track_credits(ids)

    def artist_overview(self, artist_ids: Iterable[str]) -> dict[str, ArtistOverview | None]:
        """Followers and monthly listeners per artist (None: no such artist)."""
        return self._reader.artist_overview(_ids(artist_ids, "artist"))

    def playlist(self, playlist_id: str) -> WebPlaylist:
        """Every item of a public playlist, editorial ones included; raises PlaylistNotFound."""
        return self._reader.playlist(_ids(playlist_id, "playlist")[0])

    def playlist_first_page(self, playlist_id: str) -> WebPlaylist:
        """The playlist's metadata, revision, total and only its first page of items (one
        `fetchPlaylist` call): enough to tell whether another copy of it is current. Raises
        PlaylistNotFound."""
        return self._reader.playlist_first_page(_ids(playlist_id, "playlist")[0])

    @property
    def bootstraps(self) -> tuple[Bootstrap, ...]:
        """Session mode: each page visit that (re)took the session, and why."""
        return self._reader.bootstraps if isinstance(self._reader, SessionReader) else ()

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Closes this client's pages and browser context; the browser stays for the next client."""
        try:
            self._reader.close()
        finally:
            self._site.close()

    def __enter__(self) -> SpotifyWebClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
