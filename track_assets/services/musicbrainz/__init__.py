"""MusicBrainz: recordings by ISRC with their works' writers, artists with identifiers, aliases
and links, reverse Spotify-URL lookups, artist/work searches and work-title counts, through
musicbrainzngs."""

from track_assets.services.musicbrainz.client import (
    MusicBrainzClient,
    MusicBrainzNotFound,
    MusicBrainzRequestFailed,
    artist_name_query,
    canonical_isrc,
    spotify_artist_url,
)
from track_assets.services.musicbrainz.models import (
    COVER_ATTRIBUTE,
    PERFORMANCE_RELATION_TYPE,
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
    "COVER_ATTRIBUTE",
    "PERFORMANCE_RELATION_TYPE",
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
