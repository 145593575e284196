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
from track_assets.enrichment.spotify_metadata import Sourced

if TYPE_CHECKING:
    from track_assets.services.spotify_api import AudioFeatures, SpotifyAlbum, SpotifyTrack
    from track_assets.services.spotify_api import SpotifyArtist as ApiArtist
    from track_assets.services.spotify_web import ArtistOverview

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


def album_row(album: SpotifyAlbum, web_label: str | None) -> tuple[Album, Sourced]:
    reasons = dict(album.missing)
    sources = {}
    label = album.label
    if label is None and web_label:
        label, sources["label"] = web_label, WEB_PLAYER
        reasons.pop("label", None)
    widest_first = sorted(album.images, key=lambda i: i.width or 0, reverse=True)
    row = Album(
        spotify_album_id=album.id,
        name=album.name,
        album_type=album.album_type,
        label=label,
        release_date=album.release_date,
        release_date_precision=album.release_date_precision,
        images=[{"url": i.url, "width": i.width, "height": i.height} for i in widest_first],
        copyrights=[{"text": c.text, "type": c.type} for c in album.copyrights],
        total_tracks=album.total_tracks,
        popularity=album.popularity,
    )
    return row, Sourced(sources=sources, reasons=reasons)


def artist_row(artist: ApiArtist, overview: ArtistOverview | None) -> tuple[SpotifyArtist, Sourced]:
    reasons = dict(artist.missing)
    sources = {"monthly_listeners": WEB_PLAYER}
    followers = artist.followers
    if followers is None and overview is not None and overview.followers is not None:
        followers, sources["followers"] = overview.followers, WEB_PLAYER
        reasons.pop("followers", None)
    monthly = overview.monthly_listeners if overview is not None else None
    if monthly is None:
        reasons["monthly_listeners"] = "not_returned"
    row = SpotifyArtist(
        spotify_artist_id=artist.id,
        name=artist.name,
        genres=list(artist.genres) if artist.genres is not None else None,
        followers=followers,
        popularity=artist.popularity,
        monthly_listeners=monthly,
    )
    return row, Sourced(sources=sources, reasons=reasons)


def _features(features: AudioFeatures | None) -> dict | None:
    if features is None:
        return None
    return {k: v for k, v in dataclasses.asdict(features).items() if k != "track_id"}


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
