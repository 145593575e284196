"""MusicBrainz: recordings by ISRC with their works' writers, artists with aliases and links,
reverse Spotify-URL lookups and artist/work searches, through musicbrainzngs."""

from track_assets.services.musicbrainz.client import (
    MusicBrainzClient,
    MusicBrainzNotFound,
    MusicBrainzRequestFailed,
    artist_name_query,
    canonical_isrc,
    spotify_artist_url,
)
from track_assets.services.musicbrainz.models import (
    WRITER_RELATION_TYPES,
    MbAlias,
    MbArtistRecord,
    MbArtistRef,
    MbRecording,
    MbUrlArtistLink,
    MbUrlLink,
    MbWork,
    MbWriterRelation,
)
from track_assets.services.musicbrainz.parsing import MalformedResponse

__all__ = [
    "WRITER_RELATION_TYPES",
    "MalformedResponse",
    "MbAlias",
    "MbArtistRecord",
    "MbArtistRef",
    "MbRecording",
    "MbUrlArtistLink",
    "MbUrlLink",
    "MbWork",
    "MbWriterRelation",
    "MusicBrainzClient",
    "MusicBrainzNotFound",
    "MusicBrainzRequestFailed",
    "artist_name_query",
    "canonical_isrc",
    "spotify_artist_url",
]
