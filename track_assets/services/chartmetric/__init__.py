"""Chartmetric: track ids by ISRC or Spotify id, track metadata, stats series and playlists."""

from track_assets.services.chartmetric.client import (
    ChartmetricClient,
    ChartmetricCredentialsRejected,
    ChartmetricNotFound,
    ChartmetricRequestFailed,
    ChartmetricTokenProvider,
    NotInPlan,
)
from track_assets.services.chartmetric.models import (
    ChartmetricIds,
    ChartmetricPlaylist,
    ChartmetricPlaylistTrack,
    ChartmetricSongwriter,
    ChartmetricTrackInfo,
    ResolutionMethod,
    ResolvedChartmetricTrack,
    StatPoint,
    UnresolvedReason,
)
from track_assets.services.chartmetric.parsing import MalformedResponse

__all__ = [
    "ChartmetricClient",
    "ChartmetricCredentialsRejected",
    "ChartmetricIds",
    "ChartmetricNotFound",
    "ChartmetricPlaylist",
    "ChartmetricPlaylistTrack",
    "ChartmetricRequestFailed",
    "ChartmetricSongwriter",
    "ChartmetricTokenProvider",
    "ChartmetricTrackInfo",
    "MalformedResponse",
    "NotInPlan",
    "ResolutionMethod",
    "ResolvedChartmetricTrack",
    "StatPoint",
    "UnresolvedReason",
]
