"""Pathfinder, spclient and embed JSON built from the catalog, in the shapes of the real captures
(track_assets_tests/fixtures/reference/spotify/webplayer/ and full/: same keys, same JSON types;
`playcount` is a string).

Values the catalog does not model (share ids, colours, previews, uids) are derived from the
entity id, so they are stable across requests; lists the catalog cannot fill (concerts, top
cities, external links) are empty, as the real service sends them for small artists.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from track_assets.sandbox.catalog.model import (
    Album,
    Artist,
    Catalog,
    Image,
    ItemKind,
    Playlist,
    PlaylistItem,
    Track,
)
from track_assets.sandbox.catalog.timeseries import play_count_on

Json = dict[str, Any]

PLAYABLE = {"playable": True, "reason": "PLAYABLE"}
TOP_TRACKS = 10
RELATED_ARTISTS = 20
RELEASES_SHOWN = 10


def digest(*parts: str) -> bytes:
    return hashlib.sha256(":".join(parts).encode()).digest()


def share_id(*parts: str) -> str:
    return base64.urlsafe_b64encode(digest("share", *parts)[:16]).decode().rstrip("=")


def uid(*parts: str, size: int = 10) -> str:
    return digest("uid", *parts)[:size].hex()


def has_video(track: Track) -> bool:
    """Whether a music video is associated (not in the catalog model: derived, but stable)."""
    return digest("video", track.id)[0] % 3 != 0


def hex_color(*parts: str) -> str:
    red, green, blue = digest("color", *parts)[:3]
    return f"#{red:02X}{green:02X}{blue:02X}"


def _rgba(red: int, green: int, blue: int) -> Json:
    return {"alpha": 255, "blue": blue, "green": green, "red": red}


def color_set(*parts: str) -> Json:
    """`extractedColorSet` of a visual identity: three contrast levels of five colours."""
    raw = digest("colorset", *parts)
    white = _rgba(255, 255, 255)

    def level(offset: int) -> Json:
        red, green, blue = raw[offset : offset + 3]
        dark = _rgba(red // 2, green // 2, blue // 2)
        return {
            "backgroundBase": _rgba(red, green, blue),
            "backgroundTintedBase": dark,
            "textBase": white,
            "textBrightAccent": white,
            "textSubdued": _rgba(200 + red % 56, 200 + green % 56, 200 + blue % 56),
        }

    return {
        "encoreBaseSetTextColor": _rgba(raw[9], raw[10], raw[11]),
        "highContrast": level(0),
        "higherContrast": level(3),
        "minContrast": level(6),
    }


def sources(images: Iterable[Image]) -> list[Json]:
    return [{"height": i.height, "url": i.url, "width": i.width} for i in images]


def image_v2_sources(images: Iterable[Image]) -> list[Json]:
    return [
        {"imageFormat": "JPEG", "maxHeight": i.height, "maxWidth": i.width, "url": i.url}
        for i in images
    ]


def _date_parts(album: Album) -> tuple[int, int | None, int | None]:
    parts = [int(p) for p in album.release_date.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else None
    day = parts[2] if len(parts) > 2 else None
    return year, month, day


def iso_date(album: Album) -> str:
    year, month, day = _date_parts(album)
    return f"{year:04d}-{month or 1:02d}-{day or 1:02d}T00:00:00Z"


def precision(album: Album) -> str:
    return album.release_date_precision.value.upper()


def album_type(album: Album) -> str:
    return album.album_type.upper()


class CatalogIndex:
    """The lookups the web player's pages need and the catalog does not keep."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.albums_by_artist: dict[str, list[Album]] = {}
        for album in sorted(catalog.albums, key=lambda a: a.release_date, reverse=True):
            for artist_id in album.artist_ids:
                self.albums_by_artist.setdefault(artist_id, []).append(album)
        self.tracks_by_artist: dict[str, list[Track]] = {}
        for track in catalog.tracks:
            for artist_id in track.artist_ids:
                self.tracks_by_artist.setdefault(artist_id, []).append(track)
        self.appears_on: dict[str, list[Album]] = {}
        for artist_id, tracks in self.tracks_by_artist.items():
            seen: list[Album] = []
            for track in tracks:
                album = catalog.albums_by_id.get(track.album_id)
                if album and artist_id not in album.artist_ids and album not in seen:
                    seen.append(album)
            self.appears_on[artist_id] = seen
        self.playlists_by_artist: dict[str, list[Playlist]] = {}
        neighbours: dict[str, Counter[str]] = {}
        for playlist in catalog.playlists:
            artists = [a for t in playlist.track_ids for a in catalog.tracks_by_id[t].artist_ids]
            for artist_id in dict.fromkeys(artists):
                self.playlists_by_artist.setdefault(artist_id, []).append(playlist)
                counts = neighbours.setdefault(artist_id, Counter())
                counts.update(a for a in artists if a != artist_id)
        self.related: dict[str, list[Artist]] = {
            artist_id: [
                catalog.artists_by_id[a]
                for a, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                if a in catalog.artists_by_id
            ]
            for artist_id, counts in neighbours.items()
        }


class Shapes:
    """Builds response bodies for one request day (play counts are those of `day`)."""

    def __init__(self, index: CatalogIndex, site: str, day: date) -> None:
        self.index = index
        self.catalog = index.catalog
        self.site = site.rstrip("/")
        self.day = day

    # -- small pieces ------------------------------------------------------------------------

    def playcount(self, track: Track) -> str:
        return str(play_count_on(track, self.day))

    def sharing(self, kind: str, entity_id: str, *salt: str) -> Json:
        sid = share_id(kind, entity_id, *salt)
        return {"shareId": sid, "shareUrl": f"{self.site}/{kind}/{entity_id}?si={sid}"}

    def track(self, track_id: str) -> Track | None:
        return self.catalog.tracks_by_id.get(track_id)

    def album_tracks(self, album: Album) -> list[Track]:
        return [t for t in (self.track(i) for i in album.track_ids) if t is not None]

    def artists_of(self, ids: Sequence[str]) -> list[Artist]:
        return [self.catalog.artists_by_id[a] for a in ids if a in self.catalog.artists_by_id]

    def avatar(self, artist: Artist) -> Json | None:
        return {"sources": sources(artist.images)} if artist.images else None

    def name_uri(self, artist: Artist) -> Json:
        return {"profile": {"name": artist.name}, "uri": artist.uri}

    def cover_art(self, album: Album, colors: bool = True) -> Json:
        art: Json = {"sources": sources(album.images)}
        if colors:
            art = {"extractedColors": {"colorRaw": {"hex": hex_color(album.id)}}, **art}
        return art

    def copyright(self, album: Album, total: bool = True) -> Json:
        items = [{"text": c.text, "type": c.type} for c in album.copyrights]
        return {"items": items, "totalCount": len(items)} if total else {"items": items}

    def content_rating(self, track: Track) -> Json:
        return {"label": "EXPLICIT" if track.explicit else "NONE"}

    def video_associations(self, track: Track) -> Json:
        return {"totalCount": 1 if has_video(track) else 0}

    def audio_associations(self) -> Json:
        return {"__typename": "TrackAudioAssociationPage", "items": []}

    def preview_url(self, track: Track) -> str:
        return f"https://p.scdn.co/mp3-preview/{digest('preview', track.id)[:20].hex()}"

    def top_tracks(self, artist: Artist) -> list[Track]:
        tracks = self.index.tracks_by_artist.get(artist.id, [])
        ranked = sorted(tracks, key=lambda t: (-play_count_on(t, self.day), t.id))
        return ranked[:TOP_TRACKS]

    def popular_albums(self, artist: Artist) -> list[Album]:
        albums = self.index.albums_by_artist.get(artist.id, [])

        def plays(album: Album) -> int:
            return sum(play_count_on(t, self.day) for t in self.album_tracks(album))

        return sorted(albums, key=lambda a: (-plays(a), a.id))[:RELEASES_SHOWN]

    def albums_of_type(self, artist: Artist, kind: str) -> list[Album]:
        return [a for a in self.index.albums_by_artist.get(artist.id, []) if a.album_type == kind]

    # -- getTrack ------------------------------------------------------------------------------

    def track_union(self, track: Track) -> Json:
        album = self.catalog.albums_by_id[track.album_id]
        artists = self.artists_of(track.artist_ids)
        return {
            "__typename": "Track",
            "albumOfTrack": {
                "copyright": self.copyright(album),
                "courtesyLine": "",
                "coverArt": self.cover_art(album),
                "date": self._track_date(album),
                "id": album.id,
                "name": album.name,
                "playability": {"playable": True},
                "sharingInfo": self.sharing("album", album.id, "track", track.id),
                "tracks": self._track_numbers(album),
                "type": album_type(album),
                "uri": album.uri,
            },
            "associationsV3": {
                "audioAssociations": self.audio_associations(),
                "videoAssociations": self.video_associations(track),
            },
            "contentRating": self.content_rating(track),
            "duration": {"totalMilliseconds": track.duration_ms},
            "firstArtist": {
                "items": [self._first_artist(a) for a in artists[:1]],
                "totalCount": len(artists),
            },
            "id": track.id,
            "mediaType": "AUDIO",
            "name": track.name,
            "otherArtists": {"items": [self._other_artist(a) for a in artists[1:]]},
            "playability": dict(PLAYABLE),
            "playcount": self.playcount(track),
            "saved": False,
            "sharingInfo": self.sharing("track", track.id),
            "trackNumber": track.track_number,
            "uri": track.uri,
            "visualIdentity": {
                "squareCoverImage": {
                    "__typename": "VisualIdentityImage",
                    "extractedColorSet": color_set(album.id),
                }
            },
        }

    def _track_date(self, album: Album) -> Json:
        return {
            "isoString": iso_date(album),
            "precision": precision(album),
            "year": _date_parts(album)[0],
        }

    def _track_numbers(self, album: Album) -> Json:
        items = [
            {"track": {"trackNumber": t.track_number, "uri": t.uri}}
            for t in self.album_tracks(album)
        ]
        return {"items": items, "totalCount": len(items)}

    def _release(self, album: Album, *salt: str) -> Json:
        """A release as getTrack lists it under an artist's discography."""
        return {
            "coverArt": self.cover_art(album),
            "date": self._track_date(album),
            "name": album.name,
            "playability": {"playable": True},
            "sharingInfo": self.sharing("album", album.id, *salt),
            "tracks": self._track_numbers(album),
            "type": album_type(album),
            "uri": album.uri,
        }

    def _first_artist(self, artist: Artist) -> Json:
        albums = self.albums_of_type(artist, "album")
        singles = self.albums_of_type(artist, "single")
        related = self.index.related.get(artist.id, [])
        return {
            "discography": {
                "albums": {
                    "items": [
                        {"releases": {"items": [self._release(a, "albums")]}}
                        for a in albums[:RELEASES_SHOWN]
                    ],
                    "totalCount": len(albums),
                },
                "popularReleasesAlbums": {
                    "items": [self._release(a, "popular") for a in self.popular_albums(artist)]
                },
                "singles": {
                    "items": [
                        {"releases": {"items": [self._release(a, "singles")]}}
                        for a in singles[:RELEASES_SHOWN]
                    ],
                    "totalCount": len(singles),
                },
                "topTracks": {
                    "items": [{"track": self._top_track(t)} for t in self.top_tracks(artist)]
                },
            },
            "id": artist.id,
            "profile": {"name": artist.name},
            "relatedContent": {
                "relatedArtists": {
                    "items": [self._related_artist(a) for a in related[:RELATED_ARTISTS]],
                    "totalCount": len(related),
                }
            },
            "uri": artist.uri,
            "visuals": {"avatarImage": self.avatar(artist)},
        }

    def _other_artist(self, artist: Artist) -> Json:
        popular = self.popular_albums(artist)
        return {
            "discography": {
                "popularReleasesAlbums": {
                    "items": [self._release(a, "other") for a in popular],
                    "totalCount": len(self.index.albums_by_artist.get(artist.id, [])),
                }
            },
            "id": artist.id,
            "profile": {"name": artist.name},
            "uri": artist.uri,
            "visuals": {"avatarImage": self.avatar(artist)},
        }

    def _related_artist(self, artist: Artist) -> Json:
        return {
            "id": artist.id,
            "profile": {"name": artist.name},
            "uri": artist.uri,
            "visuals": {"avatarImage": self.avatar(artist)},
        }

    def _top_track(self, track: Track) -> Json:
        album = self.catalog.albums_by_id[track.album_id]
        return {
            "albumOfTrack": {
                "coverArt": self.cover_art(album),
                "name": album.name,
                "uri": album.uri,
            },
            "artists": {"items": [self.name_uri(a) for a in self.artists_of(track.artist_ids)]},
            "associationsV3": {
                "audioAssociations": self.audio_associations(),
                "videoAssociations": self.video_associations(track),
            },
            "contentRating": self.content_rating(track),
            "duration": {"totalMilliseconds": track.duration_ms},
            "id": track.id,
            "name": track.name,
            "playability": {"playable": True},
            "playcount": self.playcount(track),
            "previews": {"audioPreviews": {"items": [{"url": self.preview_url(track)}]}},
            "uri": track.uri,
        }

    # -- getAlbum ------------------------------------------------------------------------------

    def album_union(self, album: Album, offset: int, limit: int) -> Json:
        tracks = self.album_tracks(album)
        page = tracks[offset : offset + limit]
        artists = self.artists_of(album.artist_ids)
        discs = Counter(t.disc_number for t in tracks)
        return {
            "__typename": "Album",
            "artists": {
                "items": [
                    {
                        "id": a.id,
                        "profile": {"name": a.name},
                        "sharingInfo": {
                            "shareUrl": self.sharing("artist", a.id, "album", album.id)["shareUrl"]
                        },
                        "uri": a.uri,
                        "visuals": {"avatarImage": self.avatar(a)},
                    }
                    for a in artists
                ],
                "totalCount": len(artists),
            },
            "copyright": self.copyright(album),
            "courtesyLine": "",
            "coverArt": {
                "extractedColors": {
                    "colorDark": {"hex": hex_color(album.id, "dark")},
                    "colorLight": {"hex": hex_color(album.id, "light")},
                    "colorRaw": {"hex": hex_color(album.id)},
                },
                "sources": sources(album.images),
            },
            "date": {"isoString": iso_date(album), "precision": precision(album)},
            "discs": {
                "items": [
                    {"number": number, "tracks": {"totalCount": count}}
                    for number, count in sorted(discs.items())
                ],
                "totalCount": len(discs),
            },
            "isPreRelease": False,
            "label": album.label,
            "moreAlbumsByArtist": {
                "items": [
                    {
                        "discography": {
                            "popularReleasesAlbums": {
                                "items": [
                                    self._more_album(other) for other in self.popular_albums(artist)
                                ]
                            }
                        }
                    }
                    for artist in artists[:1]
                ]
            },
            "name": album.name,
            "playability": dict(PLAYABLE),
            "preReleaseEndDateTime": None,
            "releases": {"items": [], "totalCount": 0},
            "saved": False,
            "sharingInfo": self.sharing("album", album.id),
            "tracksV2": {
                "items": [
                    {"track": self._album_track(t), "uid": uid(album.id, t.id)} for t in page
                ],
                "totalCount": len(tracks),
            },
            "type": album_type(album),
            "uri": album.uri,
            "visualIdentity": {
                "squareCoverImage": {
                    "__typename": "VisualIdentityImage",
                    "extractedColorSet": color_set(album.id),
                }
            },
            "watchFeedEntrypoint": None,
        }

    def _more_album(self, album: Album) -> Json:
        return {
            "coverArt": {"sources": sources(album.images)},
            "date": {"year": _date_parts(album)[0]},
            "id": album.id,
            "name": album.name,
            "playability": dict(PLAYABLE),
            "sharingInfo": self.sharing("album", album.id, "more"),
            "type": album_type(album),
            "uri": album.uri,
        }

    def _album_track(self, track: Track) -> Json:
        linked = track.relinked_to
        return {
            "artists": {"items": [self.name_uri(a) for a in self.artists_of(track.artist_ids)]},
            "associationsV3": {"videoAssociations": self.video_associations(track)},
            "contentRating": self.content_rating(track),
            "discNumber": track.disc_number,
            "duration": {"totalMilliseconds": track.duration_ms},
            "name": track.name,
            "playability": {"playable": True},
            "playcount": self.playcount(track),
            "relinkingInformation": (
                {"linkedTrack": {"__typename": "Track", "uri": f"spotify:track:{linked}"}}
                if linked
                else None
            ),
            "saved": False,
            "trackNumber": track.track_number,
            "uri": track.uri,
        }

    # -- fetchPlaylist -------------------------------------------------------------------------

    def playlist_v2(self, playlist: Playlist, offset: int, limit: int) -> Json:
        items = playlist.items[offset : offset + limit]
        owner = self._user(playlist.owner.id, playlist.owner.display_name)
        attributes = [
            {"key": "uri", "value": f"spotify:user:{playlist.owner.id}:playlist:{playlist.id}"}
        ]
        if playlist.editorial:
            attributes.append({"key": "status", "value": "PUBLISHED"})
            attributes.append({"key": "isAlgotorial", "value": "false"})
        return {
            "__typename": "Playlist",
            "abuseReportingEnabled": not playlist.editorial,
            "attributes": attributes,
            "basePermission": "VIEWER",
            "content": {
                "__typename": "PlaylistItemsPage",
                "items": [
                    self._playlist_item(playlist, offset + i, item) for i, item in enumerate(items)
                ],
                "pagingInfo": {"limit": limit, "offset": offset},
                "totalCount": len(playlist.items),
            },
            "currentUserCapabilities": {
                "canAbuseReport": True,
                "canAdministratePermissions": False,
                "canCancelMembership": False,
                "canEditItems": False,
                "canMixPlaylist": False,
                "canView": True,
            },
            "description": playlist.description,
            "followers": playlist.followers,
            "following": False,
            "format": "format-shows-shuffle" if playlist.editorial else "",
            "images": {"items": [{"sources": sources(playlist.images)}]},
            "members": {
                "items": [
                    {
                        "isOwner": True,
                        "permissionLevel": "CONTRIBUTOR",
                        "user": {"data": owner},
                    }
                ],
                "totalCount": 1,
            },
            "name": playlist.name,
            "ownerV2": {"data": owner},
            "revisionId": playlist.snapshot_id,
            "sharingInfo": self.sharing("playlist", playlist.id),
            "uri": playlist.uri,
            "visualIdentity": {
                "squareCoverImage": {
                    "__typename": "VisualIdentityImage",
                    "extractedColorSet": color_set(playlist.id),
                }
            },
        }

    def _user(self, user_id: str, name: str) -> Json:
        return {
            "__typename": "User",
            "avatar": {
                "sources": [
                    {
                        "height": size,
                        "url": f"https://i.scdn.co/image/ab6775700000{code}"
                        + digest("avatar", user_id)[:20].hex(),
                        "width": size,
                    }
                    for size, code in ((64, "3b82"), (300, "ee85"))
                ]
            },
            "name": name,
            "uri": f"spotify:user:{user_id}",
            "username": user_id,
        }

    def _playlist_item(self, playlist: Playlist, position: int, item: PlaylistItem) -> Json:
        added_by = None
        if item.added_by is not None:
            added_by = {"data": self._user(item.added_by, item.added_by)}
        attributes = []
        if playlist.editorial:
            decision = "ssp~" + digest("decision", playlist.id)[:18].hex()
            attributes.append({"key": "decision_id", "value": decision})
        return {
            "addedAt": (
                {"isoString": _iso_moment(item.added_at)} if item.added_at is not None else None
            ),
            "addedBy": added_by,
            "attributes": attributes,
            **self._item_content(item),
            "uid": uid(playlist.id, str(position), size=11),
        }

    def _item_content(self, item: PlaylistItem) -> Json:
        if item.kind is ItemKind.TRACK and item.track_id in self.catalog.tracks_by_id:
            track = self.catalog.tracks_by_id[item.track_id]
            return {
                "itemV2": {"__typename": "TrackResponseWrapper", "data": self._item_track(track)},
                "itemV3": {"__typename": "EntityResponseWrapper", "data": self._entity(track)},
            }
        if item.kind is ItemKind.EPISODE and item.episode_id in self.catalog.episodes_by_id:
            episode = self.catalog.episodes_by_id[item.episode_id]
            data = {
                "__typename": "Episode",
                "name": episode.name,
                "uri": episode.uri,
                "duration": {"totalMilliseconds": episode.duration_ms},
            }
            return {
                "itemV2": {"__typename": "EpisodeOrChapterResponseWrapper", "data": data},
                "itemV3": {"__typename": "EntityResponseWrapper", "data": None},
            }
        if item.kind is ItemKind.LOCAL and item.local is not None:
            data = {
                "__typename": "LocalTrack",
                "name": item.local.name,
                "uri": item.local.uri,
                "artist": {"name": item.local.artist},
                "album": {"name": item.local.album},
                "localTrackDuration": {"totalMilliseconds": item.local.duration_ms},
            }
            return {
                "itemV2": {"__typename": "LocalTrackResponseWrapper", "data": data},
                "itemV3": {"__typename": "EntityResponseWrapper", "data": None},
            }
        return {
            "itemV2": {"__typename": "TrackResponseWrapper", "data": {"__typename": "NotFound"}},
            "itemV3": {"__typename": "EntityResponseWrapper", "data": None},
        }

    def _item_track(self, track: Track) -> Json:
        album = self.catalog.albums_by_id[track.album_id]
        return {
            "__typename": "Track",
            "albumOfTrack": {
                "artists": {"items": [self.name_uri(a) for a in self.artists_of(album.artist_ids)]},
                "coverArt": {"sources": sources(album.images)},
                "name": album.name,
                "uri": album.uri,
            },
            "artists": {"items": [self.name_uri(a) for a in self.artists_of(track.artist_ids)]},
            "associationsV3": {
                "audioAssociations": self.audio_associations(),
                "videoAssociations": self.video_associations(track),
            },
            "contentRating": self.content_rating(track),
            "discNumber": track.disc_number,
            "mediaType": "AUDIO",
            "name": track.name,
            "playability": dict(PLAYABLE),
            "playcount": self.playcount(track),
            "trackDuration": {"totalMilliseconds": track.duration_ms},
            "trackNumber": track.track_number,
            "uri": track.uri,
        }

    def _entity(self, track: Track) -> Json:
        album = self.catalog.albums_by_id[track.album_id]
        video = has_video(track)
        formats = ["FORMAT_AUDIO", *(["FORMAT_VIDEO"] if video else []), "FORMAT_LOSSLESS"]
        year, month, day = _date_parts(album)
        published = f"{year:04d}-{month or 1:02d}-{day or 1:02d}"
        artists = self.artists_of(track.artist_ids)
        wide = None
        if video:
            wide = {
                "image": {
                    "data": {"__typename": "ImageV2", "sources": image_v2_sources(album.images)}
                }
            }
        return {
            "__typename": "Entity",
            "consumptionExperienceTrait": {
                "__typename": "ConsumptionExperienceTrait",
                "contentRatings": ["CONTENT_RATING_EXPLICIT"] if track.explicit else [],
                "duration": {"nanoSeconds": 0, "seconds": track.duration_ms // 1000},
                "formats": formats,
            },
            "identityTrait": {
                "__typename": "IdentityTrait",
                "contentHierarchyParent": {
                    "__typename": "Entity",
                    "identityTrait": {"__typename": "IdentityTrait", "name": album.name},
                    "publishingMetadataTrait": {
                        "__typename": "PublishingMetadataTrait",
                        "firstPublishedAt": {"isoString": published, "precision": precision(album)},
                    },
                    "uri": album.uri,
                },
                "contributors": {
                    "items": [{"name": a.name, "uri": a.uri} for a in artists],
                    "totalCount": len(artists),
                },
                "description": "",
                "name": track.name,
                "type": "Song",
            },
            "playability": dict(PLAYABLE),
            "uri": track.uri,
            "visualIdentityTrait": {
                "__typename": "VisualIdentityTrait",
                "sixteenByNineCoverImage": wide,
                "squareCoverImage": {
                    "extractedColorSet": color_set(album.id),
                    "image": {
                        "data": {
                            "__typename": "ImageV2",
                            "sources": image_v2_sources(album.images),
                        }
                    },
                },
            },
        }

    # -- queryArtistOverview -------------------------------------------------------------------

    def artist_union(self, artist: Artist) -> Json:
        albums = self.albums_of_type(artist, "album")
        singles = self.albums_of_type(artist, "single")
        compilations = self.albums_of_type(artist, "compilation")
        every = self.index.albums_by_artist.get(artist.id, [])
        latest = every[0] if every else None
        related = self.index.related.get(artist.id, [])
        playlists = self.index.playlists_by_artist.get(artist.id, [])
        featuring = [p for p in playlists if p.editorial]
        appears_on = self.index.appears_on.get(artist.id, [])
        header = None
        if artist.images:
            header = {
                "data": {
                    "__typename": "ImageV2",
                    "sources": [
                        {"maxHeight": i.height, "maxWidth": i.width, "url": i.url}
                        for i in artist.images
                    ],
                }
            }

        def grouped(releases: list[Album], salt: str) -> Json:
            return {
                "items": [
                    {"releases": {"items": [self._overview_release(a, salt)]}}
                    for a in releases[:RELEASES_SHOWN]
                ],
                "totalCount": len(releases),
            }

        return {
            "__typename": "Artist",
            "discography": {
                "albums": grouped(albums, "albums"),
                "compilations": grouped(compilations, "compilations"),
                "latest": self._overview_release(latest, "latest") if latest else None,
                "popularReleasesAlbums": {
                    "items": [
                        self._overview_release(a, "popular") for a in self.popular_albums(artist)
                    ],
                    "totalCount": len(every),
                },
                "singles": grouped(singles, "singles"),
                "topTracks": {
                    "items": [
                        {"track": self._overview_top_track(t), "uid": uid(artist.id, t.id)}
                        for t in self.top_tracks(artist)
                    ]
                },
            },
            "goods": {"concerts": {"items": [], "totalCount": 0}, "merch": {"items": []}},
            "headerImage": header,
            "id": artist.id,
            "onPlatformReputationTrait": {
                "verification": {"isRegistered": True, "isVerified": artist.followers >= 10_000}
            },
            "preRelease": None,
            "profile": {
                "biography": {"text": "", "type": "AUTOBIOGRAPHY"},
                "externalLinks": {"items": []},
                "name": artist.name,
                "pinnedItem": self._pinned(latest) if latest else None,
                "playlistsV2": {"items": [], "totalCount": 0},
            },
            "relatedContent": {
                "appearsOn": {
                    "items": [
                        {
                            "releases": {
                                "items": [self._appears_on_release(a)],
                                "totalCount": 1,
                            }
                        }
                        for a in appears_on[:RELATED_ARTISTS]
                    ],
                    "totalCount": len(appears_on),
                },
                "discoveredOnV2": {
                    "items": [{"data": self._playlist_card(p)} for p in playlists[:20]],
                    "totalCount": len(playlists),
                },
                "featuringV2": {
                    "items": [{"data": self._playlist_card(p)} for p in featuring[:20]],
                    "totalCount": len(featuring),
                },
                "relatedArtists": {
                    "items": [self._related_artist(a) for a in related[:RELATED_ARTISTS]],
                    "totalCount": len(related),
                },
            },
            "relatedMusicVideos": {
                "__typename": "MusicVideosPage",
                "items": [],
                "pagingInfo": {"nextOffset": None},
                "totalCount": 0,
            },
            "saved": False,
            "sharingInfo": self.sharing("artist", artist.id),
            "stats": {
                "followers": artist.followers,
                "monthlyListeners": artist.monthly_listeners,
                "topCities": {"items": []},
                "worldRank": 0,
            },
            "unmappedMusicVideosV2": {
                "items": [],
                "pagingInfo": {"nextOffset": None},
                "totalCount": 0,
            },
            "uri": artist.uri,
            "visualIdentity": {
                "wideFullBleedImage": {
                    "__typename": "VisualIdentityImage",
                    "extractedColorSet": color_set(artist.id),
                }
            },
            "visuals": {
                "avatarImage": (
                    {
                        "extractedColors": {"colorRaw": {"hex": hex_color(artist.id)}},
                        "sources": sources(artist.images),
                    }
                    if artist.images
                    else None
                ),
                "gallery": {
                    "items": [{"sources": sources([image])} for image in artist.images[:1]]
                },
            },
            "watchFeedEntrypoint": None,
        }

    def _overview_release(self, album: Album, salt: str) -> Json:
        year, month, day = _date_parts(album)
        return {
            "copyright": self.copyright(album, total=False),
            "coverArt": {"sources": sources(album.images)},
            "date": {
                "day": day,
                "month": month,
                "precision": precision(album),
                "year": year,
            },
            "id": album.id,
            "label": album.label,
            "name": album.name,
            "playability": dict(PLAYABLE),
            "sharingInfo": self.sharing("album", album.id, salt),
            "tracks": {"totalCount": len(album.track_ids)},
            "type": album_type(album),
            "uri": album.uri,
        }

    def _overview_top_track(self, track: Track) -> Json:
        album = self.catalog.albums_by_id[track.album_id]
        return {
            "albumOfTrack": {
                "coverArt": {"sources": [{"url": i.url} for i in album.images]},
                "uri": album.uri,
            },
            "artists": {"items": [self.name_uri(a) for a in self.artists_of(track.artist_ids)]},
            "associationsV3": {"videoAssociations": self.video_associations(track)},
            "contentRating": self.content_rating(track),
            "discNumber": track.disc_number,
            "duration": {"totalMilliseconds": track.duration_ms},
            "id": track.id,
            "name": track.name,
            "playability": dict(PLAYABLE),
            "playcount": self.playcount(track),
            "uri": track.uri,
        }

    def _appears_on_release(self, album: Album) -> Json:
        return {
            "artists": {"items": [self.name_uri(a) for a in self.artists_of(album.artist_ids)]},
            "coverArt": {"sources": sources(album.images)},
            "date": {"year": _date_parts(album)[0]},
            "id": album.id,
            "name": album.name,
            "sharingInfo": self.sharing("album", album.id, "appears"),
            "type": album_type(album),
            "uri": album.uri,
        }

    def _playlist_card(self, playlist: Playlist) -> Json:
        return {
            "__typename": "Playlist",
            "description": playlist.description,
            "id": playlist.id,
            "images": {
                "items": [{"sources": sources(playlist.images)}],
                "totalCount": 1,
            },
            "name": playlist.name,
            "ownerV2": {"data": {"__typename": "User", "name": playlist.owner.display_name}},
            "uri": playlist.uri,
        }

    def _pinned(self, album: Album) -> Json:
        kind = album.album_type.capitalize()
        return {
            "backgroundImageV2": {
                "data": {"__typename": "ImageV2", "sources": [{"url": i.url} for i in album.images]}
            },
            "comment": "",
            "itemV2": {
                "__typename": "AlbumResponseWrapper",
                "data": {
                    "__typename": "Album",
                    "coverArt": {"sources": sources(album.images)},
                    "name": album.name,
                    "preReleaseEndDateTime": None,
                    "type": album_type(album),
                    "uri": album.uri,
                },
            },
            "subtitle": kind,
            "thumbnailImage": {"data": {"sources": [{"url": i.url} for i in album.images]}},
            "title": album.name,
            "type": "ALBUM",
            "uri": album.uri,
        }

    # -- credits -------------------------------------------------------------------------------

    def spclient_credits(self, track: Track) -> Json:
        """spclient track-credits-view: groups as the catalog has them, weights descending."""
        total = sum(len(g.contributors) for g in track.credits.role_groups)
        weight = float(total + 2)
        groups = []
        for group in track.credits.role_groups:
            artists = []
            for person in group.contributors:
                artist = self.catalog.artists_by_id.get(person.artist_id or "")
                image = ""
                if artist is not None and artist.images:
                    image = artist.images[0].url.replace("ab6761610000", "ab677762000078", 1)
                artists.append(
                    {
                        "imageUri": image,
                        "name": person.name,
                        "subroles": list(person.subroles),
                        "uri": person.uri,
                        "weight": weight,
                    }
                )
                weight -= 1.0
            groups.append({"artists": artists, "roleTitle": group.title})
        return {
            "extendedCredits": [],
            "roleCredits": groups,
            "sourceNames": list(track.credits.source_names),
            "trackTitle": track.name,
            "trackUri": track.uri,
        }

    def credits_modal(self, track: Track, offset: int, limit: int) -> Json:
        """pathfinder queryTrackCreditsModal (no capture exists: the paths client code reads)."""
        people = [
            {
                "name": person.name,
                "role": role,
                "roleGroup": {"name": group.title},
                "uri": person.uri or None,
            }
            for group in track.credits.role_groups
            for person in group.contributors
            for role in person.subroles
        ]
        return {
            "__typename": "Track",
            "creditsTrait": {
                "contributors": {
                    "items": people[offset : offset + limit],
                    "totalCount": len(people),
                },
                "sources": {"items": [{"name": n} for n in track.credits.source_names]},
            },
            "name": track.name,
            "uri": track.uri,
        }

    # -- the embed page ------------------------------------------------------------------------

    def embed_entity(self, track: Track) -> Json:
        album = self.catalog.albums_by_id[track.album_id]
        artists = self.artists_of(track.artist_ids)
        colors = color_set(album.id)["highContrast"]
        return {
            "artists": [{"name": a.name, "uri": a.uri} for a in artists],
            "audioPreview": {"url": self.preview_url(track)},
            "contentRatings": {"labels": ["EXPLICIT"] if track.explicit else []},
            "duration": track.duration_ms,
            "hasVideo": has_video(track),
            "id": track.id,
            "isExplicit": track.explicit,
            "isNineteenPlus": False,
            "isPlayable": True,
            "name": track.name,
            "playabilityReason": "PLAYABLE",
            "relatedEntityUri": artists[0].uri if artists else album.uri,
            "releaseDate": {"isoString": iso_date(album)},
            "title": track.name,
            "type": "track",
            "uri": track.uri,
            "visualIdentity": {
                **{key: value for key, value in colors.items()},
                "image": [
                    {"maxHeight": i.height, "maxWidth": i.width, "url": i.url} for i in album.images
                ],
            },
        }


def _iso_moment(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
