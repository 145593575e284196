"""Phase 1: store a track's Spotify metadata, each field with its source or the reason it is null."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import Album, SpotifyArtist, Track
from track_assets.db.repository import (
    get_album,
    link_track_artists,
    record_field_provenance,
    set_phase_status,
    upsert_album,
    upsert_spotify_artist,
    upsert_track,
)
from track_assets.db.statuses import PhaseState
from track_assets.enrichment.phase_report import Coverage
from track_assets.phases import SPOTIFY_METADATA

PHASE = SPOTIFY_METADATA.key
TRACK_FIELDS = ("isrc", "name", "duration_ms", "explicit", "album_id", "release_date", "popularity")
ALBUM_FIELDS = ("label", "release_date", "images", "popularity")
ARTIST_FIELDS = ("genres", "followers", "popularity", "monthly_listeners")


@dataclass(frozen=True)
class Sourced:
    """Where each field of one record came from, and why the null ones are null."""

    sources: Mapping[str, str] = field(default_factory=dict)  # field -> spotify_api | web_player
    reasons: Mapping[str, str] = field(default_factory=dict)  # field -> not_in_tier | ...


@dataclass(frozen=True)
class TrackMetadata:
    track: Track
    track_sourcing: Sourced
    album: Album | None
    album_sourcing: Sourced
    artists: Sequence[tuple[SpotifyArtist, Sourced]]
    audio_features_reason: str | None = None  # why track.audio_features is null
    play_count: int | None = None  # given by the album's getAlbum (phase 2's lookup, answered)


def store_track_metadata(conn: Connection, metadata: TrackMetadata, *, now: datetime) -> None:
    """Write the album, the artists, the track and every field's provenance; mark the phase done."""
    track = metadata.track
    if metadata.album is not None:
        upsert_album(conn, metadata.album, now=now)
        _provenance(
            conn,
            "album",
            metadata.album.spotify_album_id,
            metadata.album,
            ALBUM_FIELDS,
            metadata.album_sourcing,
            now,
        )
    for artist, sourcing in metadata.artists:
        upsert_spotify_artist(conn, artist, now=now)
        _provenance(conn, "artist", artist.spotify_artist_id, artist, ARTIST_FIELDS, sourcing, now)
    clear = ("popularity",) if "popularity" in metadata.track_sourcing.reasons else ()
    upsert_track(conn, track, clear=clear, now=now)
    link_track_artists(
        conn, track.spotify_track_id, [a.spotify_artist_id for a, _ in metadata.artists]
    )
    _provenance(
        conn, "track", track.spotify_track_id, track, TRACK_FIELDS, metadata.track_sourcing, now
    )
    record_field_provenance(
        conn,
        entity="track",
        entity_id=track.spotify_track_id,
        field="audio_features",
        source="spotify_api",
        fetched_at=now,
        reason=None if track.audio_features else metadata.audio_features_reason,
    )
    set_phase_status(conn, track.spotify_track_id, PHASE, PhaseState.DONE, now=now)


def _provenance(
    conn: Connection,
    entity: str,
    entity_id: str,
    record: object,
    fields: Sequence[str],
    sourcing: Sourced,
    now: datetime,
) -> None:
    for name in fields:
        value = getattr(record, name, None)
        reason = None if value is not None else sourcing.reasons.get(name, "not_returned")
        record_field_provenance(
            conn,
            entity=entity,
            entity_id=entity_id,
            field=name,
            source=sourcing.sources.get(name, "spotify_api"),
            fetched_at=now,
            reason=reason,
        )


def metadata_coverage(conn: Connection, rows: Sequence[Track]) -> dict[str, Coverage]:
    albums = {r.album_id: get_album(conn, r.album_id) for r in rows if r.album_id}
    labelled = {album_id for album_id, album in albums.items() if album and album.label}
    return {
        name: Coverage(sum(1 for r in rows if have(r)), len(rows))
        for name, have in {
            "isrc": lambda r: r.isrc,
            "album": lambda r: r.album_id,
            "release_date": lambda r: r.release_date,
            "popularity": lambda r: r.popularity is not None,
            "audio_features": lambda r: r.audio_features,
            "label": lambda r: r.album_id in labelled,
        }.items()
    }


def metadata_preview(conn: Connection, rows: Sequence[Track]) -> list[dict]:
    return [
        {
            "track_id": row.spotify_track_id,
            "isrc": row.isrc,
            "name": row.name,
            "release_date": row.release_date,
            "album_id": row.album_id,
        }
        for row in rows
    ]
