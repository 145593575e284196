"""Which Chartmetric playlist a Spotify playlist is, searched once per static TTL.

Phase 0 reads a playlist from Chartmetric's copy first, and finding that copy takes a search
(Spotify URL to Chartmetric id). The answer does not change while the playlist exists, yet a
nightly refresh asked it of every playlist every night: half of Chartmetric's requests when
nothing was new. The answer, "not tracked" included, is kept in `chartmetric_playlists` and used
until the static TTL has passed; a kept id Chartmetric no longer serves (404) is searched again
at once, so a renumbered playlist costs one search, not a failed fetch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from track_assets.db.records import ChartmetricPlaylistSearch

if TYPE_CHECKING:
    from track_assets.services.chartmetric import ChartmetricClient, ChartmetricPlaylist

Keep = Callable[[ChartmetricPlaylistSearch], None]


class PlaylistSearch:
    """One playlist's search: the kept answer while it lasts, else Chartmetric's, handed to
    `keep` as soon as Chartmetric gives it."""

    def __init__(
        self,
        spotify_playlist_id: str,
        kept: ChartmetricPlaylistSearch | None,
        *,
        now: datetime,
        keep: Keep,
    ) -> None:
        self.spotify_playlist_id = spotify_playlist_id
        self.kept = kept
        self._now = now
        self._keep = keep

    @property
    def from_before(self) -> bool:
        """The answer in use was kept from an earlier fetch (no search was sent)."""
        return self.kept is not None

    def found(self, client: ChartmetricClient) -> ChartmetricPlaylist | None:
        """Chartmetric's playlist, or None when it tracks none with this Spotify id."""
        if self.kept is not None:
            return _playlist(self.kept)
        return self.search(client)

    def search(self, client: ChartmetricClient) -> ChartmetricPlaylist | None:
        """Ask Chartmetric (again), and keep its answer."""
        from track_assets.playlist_refs import PlaylistRef

        found = client.find_spotify_playlist(PlaylistRef(self.spotify_playlist_id).url)
        self.kept = None
        self._keep(
            ChartmetricPlaylistSearch(
                spotify_playlist_id=self.spotify_playlist_id,
                chartmetric_id=found.id if found else None,
                name=found.name if found else None,
                owner=found.owner_name if found else None,
                searched_at=self._now,
            )
        )
        return found

    def said(self) -> str:
        """When the answer in use was given, for the fetch's reason ("" when just asked)."""
        if self.kept is None:
            return ""
        return f" (Chartmetric's answer of {self.kept.searched_at:%Y-%m-%d})"


def _playlist(kept: ChartmetricPlaylistSearch) -> ChartmetricPlaylist | None:
    from track_assets.services.chartmetric import ChartmetricPlaylist

    if kept.chartmetric_id is None:
        return None
    return ChartmetricPlaylist(id=kept.chartmetric_id, name=kept.name, owner_name=kept.owner)
