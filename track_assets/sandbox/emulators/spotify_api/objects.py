"""Catalog records drawn as Web API JSON objects, per tier and market.

Shapes follow the newest recording of each object in
track_assets_tests/fixtures/reference/spotify/webapi/ (2024 for tracks, albums, artists and
playlists; 2022 for episodes and shows; 2019 for local files). The development tier leaves out
the fields Spotify removed in Feb/Mar 2026 (docs/services.md#access-tiers; the February 2026
changelog as quoted in spotify-dart#253 and spotify-web-api-kotlin#344, and `deprecated: true`
in Spotify's OpenAPI document of 2026-05-30): track `popularity`, `available_markets`,
`linked_from`; album `label`, `popularity`, `available_markets`; artist `followers`,
`popularity`; show `available_markets`, `publisher`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import quote, quote_plus

from track_assets.sandbox.catalog.model import (
    Album,
    Artist,
    Catalog,
    Episode,
    Image,
    ItemKind,
    LocalFile,
    Playlist,
    PlaylistItem,
    SpotifyUser,
    Track,
)
from track_assets.sandbox.catalog.timeseries import popularity_on

OPEN_SPOTIFY = "https://open.spotify.com"
JsonObject = dict[str, Any]


class ObjectRenderer:
    """Draws objects for one request: hrefs use the request's own base URL (so clients that
    follow `href`/`next` come back here), `market` switches on relinking and playability."""

    def __init__(
        self,
        catalog: Catalog,
        base_url: str,
        *,
        extended: bool,
        today: date,
        market: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.api = base_url.rstrip("/") + "/v1"
        self.extended = extended
        self.today = today
        self.market = market

    # -- shared pieces ---------------------------------------------------------------------------

    def href(self, kind: str, entity_id: str) -> str:
        return f"{self.api}/{kind}/{entity_id}"

    @staticmethod
    def external_urls(kind: str, entity_id: str) -> JsonObject:
        return {"spotify": f"{OPEN_SPOTIFY}/{kind}/{entity_id}"}

    @staticmethod
    def images(images: Sequence[Image]) -> list[JsonObject]:
        return [{"url": i.url, "height": i.height, "width": i.width} for i in images]

    def page(
        self,
        path: str,
        items: list[Any],
        *,
        offset: int,
        limit: int,
        total: int,
        extra: Sequence[tuple[str, str]] = (),
        lead: Sequence[tuple[str, str]] = (),
    ) -> JsonObject:
        """A paging object; `href`/`next`/`previous` carry `lead`, `offset=..&limit=..`, then
        `extra` (recorded orders: `?offset=0&limit=100&additional_types=track`,
        `search?query=euphoria&offset=0&limit=20&type=track&market=SE`)."""
        prefix = "".join(f"{name}={quote_plus(value)}&" for name, value in lead)

        def url(at: int) -> str:
            query = f"{prefix}offset={at}&limit={limit}" + "".join(
                f"&{name}={quote(value, safe='')}" for name, value in extra
            )
            return f"{self.api}{path}?{query}"

        has_next = limit > 0 and offset + limit < total
        return {
            "href": url(offset),
            "items": items,
            "limit": limit,
            "next": url(offset + limit) if has_next else None,
            "offset": offset,
            "previous": url(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }

    def user(self, user: SpotifyUser, *, with_name: bool) -> JsonObject:
        quoted = quote(user.id, safe="")
        data: JsonObject = {}
        if with_name:
            data["display_name"] = user.display_name
        data.update(
            {
                "external_urls": {"spotify": f"{OPEN_SPOTIFY}/user/{quoted}"},
                "href": f"{self.api}/users/{quoted}",
                "id": user.id,
                "type": "user",
                "uri": user.uri,
            }
        )
        return data

    # -- artists -----------------------------------------------------------------------------------

    def artist_simple(self, artist: Artist) -> JsonObject:
        return {
            "external_urls": self.external_urls("artist", artist.id),
            "href": self.href("artists", artist.id),
            "id": artist.id,
            "name": artist.name,
            "type": "artist",
            "uri": artist.uri,
        }

    def artist(self, artist: Artist) -> JsonObject:
        data: JsonObject = {"external_urls": self.external_urls("artist", artist.id)}
        if self.extended:
            data["followers"] = {"href": None, "total": artist.followers}
        data.update(
            {
                # Deprecated; Development Mode apps get it empty
                # (docs/services.md#access-tiers).
                "genres": list(artist.genres) if self.extended else [],
                "href": self.href("artists", artist.id),
                "id": artist.id,
                "images": self.images(artist.images),
                "name": artist.name,
            }
        )
        if self.extended:
            data["popularity"] = artist.popularity
        data.update({"type": "artist", "uri": artist.uri})
        return data

    def _artists(self, artist_ids: Sequence[str]) -> list[JsonObject]:
        return [self.artist_simple(self.catalog.artists_by_id[a]) for a in artist_ids]

    # -- albums ------------------------------------------------------------------------------------

    def album_simple(self, album: Album) -> JsonObject:
        data: JsonObject = {
            "album_type": album.album_type,
            "artists": self._artists(album.artist_ids),
        }
        if self.extended and self.market is None:
            data["available_markets"] = list(album.available_markets)
        data.update(
            {
                "external_urls": self.external_urls("album", album.id),
                "href": self.href("albums", album.id),
                "id": album.id,
                "images": self.images(album.images),
                "name": album.name,
                "release_date": album.release_date,
                "release_date_precision": album.release_date_precision.value,
                "total_tracks": len(album.track_ids),
                "type": "album",
                "uri": album.uri,
            }
        )
        return data

    def album(self, album: Album) -> JsonObject:
        data = self.album_simple(album)
        tracks = [self.catalog.tracks_by_id[t] for t in album.track_ids]
        data["tracks"] = self.album_tracks_page(album, tracks[:50], offset=0, limit=50)
        data["copyrights"] = [{"text": c.text, "type": c.type} for c in album.copyrights]
        data["external_ids"] = {"upc": album.upc} if album.upc else {}
        data["genres"] = []  # deprecated; empty in every recording
        if self.extended:
            data["label"] = album.label
            data["popularity"] = album.popularity
        return data

    def album_tracks_page(
        self, album: Album, tracks: list[Track], *, offset: int, limit: int
    ) -> JsonObject:
        extra = [("market", self.market)] if self.market else []
        return self.page(
            f"/albums/{album.id}/tracks",
            [self.track_simple(t) for t in tracks],
            offset=offset,
            limit=limit,
            total=len(album.track_ids),
            extra=extra,
        )

    # -- tracks ------------------------------------------------------------------------------------

    def _served_track(self, track: Track) -> tuple[Track, Track | None]:
        """(the track to draw, the requested one if relinked). With a market, a track the
        catalog relinks is answered with its relinked instance (model.Track.relinked_to)."""
        if self.market is not None and track.relinked_to:
            return self.catalog.tracks_by_id[track.relinked_to], track
        return track, None

    def _playability(self, served: Track, requested: Track | None, data: JsonObject) -> None:
        playable = self.market in served.available_markets
        data["is_playable"] = playable
        if requested is not None and self.extended:
            data["linked_from"] = {
                "external_urls": self.external_urls("track", requested.id),
                "href": self.href("tracks", requested.id),
                "id": requested.id,
                "type": "track",
                "uri": requested.uri,
            }
        if not playable:
            data["restrictions"] = {"reason": "market"}

    def track_simple(self, track: Track) -> JsonObject:
        """SimplifiedTrackObject, as in an album's `tracks` page."""
        served, requested = self._served_track(track)
        data: JsonObject = {"artists": self._artists(served.artist_ids)}
        if self.extended and self.market is None:
            data["available_markets"] = list(served.available_markets)
        data.update(
            {
                "disc_number": served.disc_number,
                "duration_ms": served.duration_ms,
                "explicit": served.explicit,
                "external_urls": self.external_urls("track", served.id),
                "href": self.href("tracks", served.id),
                "id": served.id,
                "name": served.name,
                "preview_url": None,  # deprecated; null for apps created since Nov 2024
                "track_number": served.track_number,
                "type": "track",
                "uri": served.uri,
                "is_local": False,
            }
        )
        if self.market is not None:
            self._playability(served, requested, data)
        return data

    def track(self, track: Track, *, in_playlist: bool = False) -> JsonObject:
        """TrackObject; in a playlist it also carries `episode: false, track: true`."""
        served, requested = self._served_track(track)
        album = self.catalog.albums_by_id[served.album_id]
        data: JsonObject = {
            "album": self.album_simple(album),
            "artists": self._artists(served.artist_ids),
        }
        if self.extended and self.market is None:
            data["available_markets"] = list(served.available_markets)
        data.update(
            {
                "disc_number": served.disc_number,
                "duration_ms": served.duration_ms,
                "explicit": served.explicit,
                "external_ids": {"isrc": served.isrc} if served.isrc else {},
                "external_urls": self.external_urls("track", served.id),
                "href": self.href("tracks", served.id),
                "id": served.id,
                "is_local": False,
                "name": served.name,
            }
        )
        if self.extended:
            data["popularity"] = popularity_on(served, self.today)
        data.update(
            {
                "preview_url": None,
                "track_number": served.track_number,
                "type": "track",
                "uri": served.uri,
            }
        )
        if in_playlist:
            data["episode"] = False
            data["track"] = True
        if self.market is not None:
            self._playability(served, requested, data)
        return data

    def local_track(self, local: LocalFile) -> JsonObject:
        """A local file in a playlist (webapi/playlist_4dn0iEoAxn69ea0Tyov8V5_local-tracks_2019)."""
        album: JsonObject = {"album_type": None, "artists": []}
        if self.extended:
            album["available_markets"] = []
        album.update(
            {
                "external_urls": {},
                "href": None,
                "id": None,
                "images": [],
                "name": local.album,
                "release_date": None,
                "release_date_precision": None,
                "type": "album",
                "uri": None,
            }
        )
        data: JsonObject = {
            "album": album,
            "artists": [
                {
                    "external_urls": {},
                    "href": None,
                    "id": None,
                    "name": local.artist,
                    "type": "artist",
                    "uri": None,
                }
            ],
        }
        if self.extended:
            data["available_markets"] = []
        data.update(
            {
                "disc_number": 0,
                "duration_ms": local.duration_ms,
                "explicit": False,
                "external_ids": {},
                "external_urls": {},
                "href": None,
                "id": None,
                "is_local": True,
                "name": local.name,
            }
        )
        if self.extended:
            data["popularity"] = 0
        data.update({"preview_url": None, "track_number": 0, "type": "track", "uri": local.uri})
        return data

    # -- episodes ----------------------------------------------------------------------------------

    def episode(self, episode: Episode) -> JsonObject:
        """EpisodeObject as a playlist item (webapi/playlist-tracks_tracks-and-episodes_2022)."""
        show = episode.show
        show_data: JsonObject = {}
        if self.extended:
            show_data["available_markets"] = list(_SHOW_MARKETS)
        show_data.update(
            {
                "copyrights": [],
                "description": "",
                "explicit": False,
                "external_urls": self.external_urls("show", show.id),
                "href": self.href("shows", show.id),
                # null for both shows in webapi/playlist-tracks_tracks-and-episodes_2022
                "html_description": None,
                "id": show.id,
                "images": [],
                "is_externally_hosted": False,
                "languages": ["en"],
                "media_type": "audio",
                "name": show.name,
            }
        )
        if self.extended:
            show_data["publisher"] = show.publisher
        show_data.update(
            {
                "total_episodes": sum(1 for e in self.catalog.episodes if e.show.id == show.id),
                "type": "show",
                "uri": f"spotify:show:{show.id}",
            }
        )
        return {
            "audio_preview_url": None,
            "description": episode.description,
            "duration_ms": episode.duration_ms,
            "episode": True,
            "explicit": episode.explicit,
            "external_urls": self.external_urls("episode", episode.id),
            "href": self.href("episodes", episode.id),
            "html_description": f"<p>{_html_escape(episode.description)}</p>",
            "id": episode.id,
            "images": [],
            "is_externally_hosted": False,
            "is_playable": True,
            "language": "en",
            "languages": ["en"],
            "name": episode.name,
            "release_date": episode.release_date.isoformat(),
            "release_date_precision": "day",
            "resume_point": {"fully_played": False, "resume_position_ms": 0},
            "show": show_data,
            "track": False,
            "type": "episode",
            "uri": episode.uri,
        }

    # -- playlists ---------------------------------------------------------------------------------

    def playlist_item(self, item: PlaylistItem, *, item_key: str, episodes: bool) -> JsonObject:
        """PlaylistTrackObject; `item_key` is "track" (pre-2026 spelling) or "item"."""
        content: JsonObject | None = None
        if item.kind is ItemKind.TRACK and item.track_id:
            content = self.track(self.catalog.tracks_by_id[item.track_id], in_playlist=True)
        elif item.kind is ItemKind.LOCAL and item.local is not None:
            content = self.local_track(item.local)
        elif item.kind is ItemKind.EPISODE and item.episode_id and episodes:
            content = self.episode(self.catalog.episodes_by_id[item.episode_id])
        added_by = None
        if item.added_by is not None:
            added_by = self.user(SpotifyUser(item.added_by, item.added_by), with_name=False)
        return {
            "added_at": _iso(item.added_at),
            "added_by": added_by,
            "is_local": item.kind is ItemKind.LOCAL,
            "primary_color": None,
            item_key: content,
            "video_thumbnail": {"url": None},
        }

    def playlist(self, playlist: Playlist, *, query: Sequence[tuple[str, str]] = ()) -> JsonObject:
        """PlaylistObject metadata (no page of items); `query` is echoed in `href`."""
        href = f"{self.api}/playlists/{playlist.id}"
        if query:
            href += "?" + "&".join(f"{name}={quote(value, safe='')}" for name, value in query)
        return {
            "collaborative": playlist.collaborative,
            "description": playlist.description,
            "external_urls": self.external_urls("playlist", playlist.id),
            "followers": {"href": None, "total": playlist.followers},
            "href": href,
            "id": playlist.id,
            "images": self.images(playlist.images),
            "name": playlist.name,
            "owner": self.user(playlist.owner, with_name=True),
            "primary_color": None,
            "public": playlist.public,
            "snapshot_id": playlist.snapshot_id,
            "type": "playlist",
            "uri": playlist.uri,
        }

    # -- audio features ------------------------------------------------------------------------------

    def audio_features(self, track: Track) -> JsonObject:
        """Derived from the track id, so the same track always has the same features
        (the catalog has none). Ranges as in webapi/audio-features_*."""
        rng = random.Random(hashlib.sha256(f"audio-features:{track.id}".encode()).digest())

        def unit() -> float:
            return round(rng.random(), 3)

        return {
            "danceability": unit(),
            "energy": unit(),
            "key": rng.randrange(12),
            "loudness": round(rng.uniform(-14.0, -2.0), 3),
            "mode": rng.randrange(2),
            "speechiness": round(rng.uniform(0.02, 0.3), 4),
            "acousticness": unit(),
            "instrumentalness": round(rng.random() ** 4, 6),
            "liveness": round(rng.uniform(0.05, 0.4), 3),
            "valence": unit(),
            "tempo": round(rng.uniform(70.0, 180.0), 3),
            "type": "audio_features",
            "id": track.id,
            "uri": track.uri,
            "track_href": self.href("tracks", track.id),
            "analysis_url": f"{self.api}/audio-analysis/{track.id}",
            "duration_ms": track.duration_ms,
            "time_signature": rng.choice((4, 4, 4, 4, 4, 3, 5)),
        }


# A show's markets (extended tier only); the catalog keeps none for shows.
_SHOW_MARKETS = ("AD", "AE", "AG", "AR", "AT", "AU", "BE", "BR", "CA", "DE", "GB", "US")


def _iso(moment) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
