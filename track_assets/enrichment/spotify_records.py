"""Spotify records (Web API and web player) as rows of the system of record, with sourcing."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from track_assets.db.records import Album, SpotifyArtist, Track
from track_assets.enrichment.spotify_credits import (
    PERFORMER,
    PRODUCER,
    WRITER,
    CreditedPerson,
    FoundCredits,
)
from track_assets.enrichment.spotify_metadata import Sourced, TrackMetadata

if TYPE_CHECKING:
    from track_assets.services.spotify_api import (
        AudioFeatures,
        SpotifyAlbum,
        SpotifyAlbumRef,
        SpotifyArtistRef,
        SpotifyTrack,
    )
    from track_assets.services.spotify_api import SpotifyArtist as ApiArtist
    from track_assets.services.spotify_web import AlbumPlayCounts, ArtistOverview

WEB_API = "spotify_api"
WEB_PLAYER = "web_player"


def track_row(
    requested_id: str, track: SpotifyTrack, features: AudioFeatures | None
) -> tuple[Track, Sourced]:
    """The row is keyed by the id the playlist lists, even when Spotify served a relinked one."""
    album = track.album
    row = Track(
        spotify_track_id=requested_id,
        isrc=track.isrc,
        name=track.name,
        duration_ms=track.duration_ms,
        explicit=track.explicit,
        album_id=album.id,
        release_date=album.release_date,
        release_date_precision=album.release_date_precision,
        popularity=track.popularity,
        audio_features=_features(features),
    )
    return row, Sourced(reasons=dict(track.missing))


def _album_rows(
    api, web, found: dict[str, SpotifyTrack]
) -> tuple[dict[str, tuple[Album, Sourced]], dict[str, AlbumPlayCounts]]:
    """Each album of the tracks as a row: in the development tier from the track's album and
    the web player's getAlbum (one Web API request an album saved); else the Web API's album,
    the web player filling a label it lacks. Also the getAlbum answers, by album."""
    refs = {t.album.id: t.album for t in found.values() if t.album.id}
    if api.tier == "development":
        web_albums = web.albums_play_counts(sorted(refs))
        rows = {a: album_row_from_web(ref, web_albums[a]) for a, ref in refs.items()}
        return rows, web_albums
    albums = api.albums(sorted(refs))
    labels_needed = [a for a, album in albums.items() if album is not None and album.label is None]
    web_albums = web.albums_play_counts(labels_needed)
    rows = {
        album_id: album_row(album, web_albums[album_id].label if album_id in web_albums else None)
        for album_id, album in albums.items()
        if album is not None
    }
    return rows, web_albums


def _album_play_count(track: SpotifyTrack, web_albums: dict[str, AlbumPlayCounts]) -> int | None:
    """The track's play count, when the getAlbum asked for its album lists it: today's count,
    so phase 2 need not ask again."""
    album = web_albums.get(track.album.id or "")
    return album.play_counts.get(track.id) if album is not None else None


def album_row(album: SpotifyAlbum, web_label: str | None) -> tuple[Album, Sourced]:
    reasons = dict(album.missing)
    sources = {}
    label = album.label
    if label is None and web_label:
        label, sources["label"] = web_label, WEB_PLAYER
        reasons.pop("label", None)
    row = Album(
        spotify_album_id=album.id,
        name=album.name,
        album_type=album.album_type,
        label=label,
        release_date=album.release_date,
        release_date_precision=album.release_date_precision,
        images=_widest_first(album.images),
        copyrights=[{"text": c.text, "type": c.type} for c in album.copyrights],
        total_tracks=album.total_tracks,
        popularity=album.popularity,
    )
    return row, Sourced(sources=sources, reasons=reasons)


def album_row_from_web(album: SpotifyAlbumRef, web: AlbumPlayCounts) -> tuple[Album, Sourced]:
    """The development tier's album without its full Web API object, which adds nothing here:
    the tier withholds its label and popularity, and the track's album and the web player's
    getAlbum give the rest (docs/services.md#spotify-web-api)."""
    from track_assets.services.spotify_api import NOT_IN_TIER

    reasons = dict(album.missing) | {"popularity": NOT_IN_TIER}
    sources = {"label": WEB_PLAYER} if web.label else {}
    if not web.label:
        reasons["label"] = NOT_IN_TIER
    row = Album(
        spotify_album_id=album.id,
        name=album.name,
        album_type=album.album_type,
        label=web.label or None,
        release_date=album.release_date,
        release_date_precision=album.release_date_precision,
        images=_widest_first(album.images),
        copyrights=[{"text": text, "type": kind} for text, kind in web.copyrights],
        total_tracks=album.total_tracks,
        popularity=None,
    )
    return row, Sourced(sources=sources, reasons=reasons)


def _widest_first(images) -> list[dict]:
    ordered = sorted(images, key=lambda i: i.width or 0, reverse=True)
    return [{"url": i.url, "width": i.width, "height": i.height} for i in ordered]


def _artist_rows(
    api, web, refs: dict[str, SpotifyArtistRef]
) -> dict[str, tuple[SpotifyArtist, Sourced]]:
    """Each artist of the tracks as a row: in the development tier from the track's artist and
    the web player's queryArtistOverview (one Web API request an artist saved); else the Web
    API's artist, the web player adding monthly listeners."""
    overviews = web.artist_overview(sorted(refs))
    if api.tier == "development":
        return {a: artist_row_from_web(ref, overviews.get(a)) for a, ref in refs.items()}
    artists = api.artists(sorted(refs))
    return {
        artist_id: artist_row(artist, overviews.get(artist_id))
        for artist_id, artist in artists.items()
        if artist is not None
    }


def artist_row(artist: ApiArtist, overview: ArtistOverview | None) -> tuple[SpotifyArtist, Sourced]:
    row = SpotifyArtist(
        spotify_artist_id=artist.id,
        name=artist.name,
        genres=list(artist.genres) if artist.genres is not None else None,
        followers=artist.followers,
        popularity=artist.popularity,
    )
    return _with_overview(row, dict(artist.missing), overview)


def artist_row_from_web(
    artist: SpotifyArtistRef, overview: ArtistOverview | None
) -> tuple[SpotifyArtist, Sourced]:
    """The development tier's artist without its full Web API object, which adds nothing here:
    the tier withholds its followers, popularity and genres (docs/services.md#spotify-web-api)."""
    from track_assets.services.spotify_api import NOT_IN_TIER, WITHHELD_IN_DEVELOPMENT

    row = SpotifyArtist(spotify_artist_id=artist.id or "", name=artist.name)
    withheld = dict.fromkeys(sorted(WITHHELD_IN_DEVELOPMENT["artist"]), NOT_IN_TIER)
    return _with_overview(row, withheld, overview)


def _with_overview(
    row: SpotifyArtist, reasons: dict[str, str], overview: ArtistOverview | None
) -> tuple[SpotifyArtist, Sourced]:
    """The web player's followers where the Web API gave none, and its monthly listeners."""
    sources = {"monthly_listeners": WEB_PLAYER}
    followers = row.followers
    if followers is None and overview is not None and overview.followers is not None:
        followers, sources["followers"] = overview.followers, WEB_PLAYER
        reasons.pop("followers", None)
    monthly = overview.monthly_listeners if overview is not None else None
    if monthly is None:
        reasons["monthly_listeners"] = "not_returned"
    row = dataclasses.replace(row, followers=followers, monthly_listeners=monthly)
    return row, Sourced(sources=sources, reasons=reasons)


def _features(features: AudioFeatures | None) -> dict | None:
    if features is None:
        return None
    return {k: v for k, v in dataclasses.asdict(features).items() if k != "track_id"}


def play_counts(
    web, track_ids: list[str], album_of: dict[str, str | None]
) -> dict[str, int | None]:
    """One getAlbum call covers every due track of an album; single tracks use getTrack; all
    read at once, and in page mode the counts the credits visits just loaded cost nothing."""
    return web.play_counts(track_ids, album_of) if track_ids else {}


def found_credits(outcome) -> FoundCredits | None:
    """Web-player credits as people in roles; None when the web player gave none."""
    from track_assets.services.spotify_web import TrackCredits

    if not isinstance(outcome, TrackCredits):
        return None
    people = [
        *(CreditedPerson(c.name, WRITER, c.subroles, c.artist_uri) for c in outcome.writers),
        *(CreditedPerson(c.name, PRODUCER, c.subroles, c.artist_uri) for c in outcome.producers),
        *(CreditedPerson(c.name, PERFORMER, c.subroles, c.artist_uri) for c in outcome.performers),
    ]
    return FoundCredits(outcome.track_id, people, outcome.source_names, outcome.label)


def fetch_track_metadata(
    api, web, track_ids: list[str], *, market: str | None, log
) -> dict[str, TrackMetadata]:
    """The tracks' metadata (tracks Spotify does not know are left out): the Web API first; the
    web player fills what the tier withholds (label, followers) and what only it has (monthly
    listeners)."""
    from track_assets.services.spotify_api import NotInTier

    tracks = api.tracks(track_ids, market=market)
    found = {requested: t for requested, t in tracks.items() if t is not None}
    try:
        features = api.audio_features(found)
        features_reason = None
    except NotInTier as closed:
        log.info(str(closed))
        features, features_reason = {}, "not_in_tier"
    log.info(f"Spotify Web API tier: {api.tier}")
    album_rows, web_albums = _album_rows(api, web, found)
    artist_rows = _artist_rows(
        api, web, {a.id: a for t in found.values() for a in t.artists if a.id}
    )
    result = {}
    for requested, track in found.items():
        row, sourcing = track_row(requested, track, features.get(requested))
        album, album_sourcing = album_rows.get(track.album.id, (None, None))
        result[requested] = TrackMetadata(
            track=row,
            track_sourcing=sourcing,
            album=album,
            album_sourcing=album_sourcing or Sourced(),
            artists=[artist_rows[a.id] for a in track.artists if a.id in artist_rows],
            audio_features_reason=features_reason
            or (None if features.get(requested) else "not_returned"),
            play_count=_album_play_count(track, web_albums),
        )
    return result
