"""What the pipeline tests share: the phase assets in graph order (and the enrichment job's),
and the environment variables that would point a test away from its own sandbox and database."""

from __future__ import annotations

from track_assets.defs.assets.chartmetric_analytics import chartmetric_analytics
from track_assets.defs.assets.enriched_tracks import enriched_tracks
from track_assets.defs.assets.enrichment_events import enrichment_events
from track_assets.defs.assets.mlc_publisher_status import mlc_publisher_status
from track_assets.defs.assets.musicbrainz_recordings import musicbrainz_recordings
from track_assets.defs.assets.musicbrainz_social_links import musicbrainz_social_links
from track_assets.defs.assets.playlist_tracks import playlist_tracks
from track_assets.defs.assets.songwriter_identity import songwriter_identity
from track_assets.defs.assets.spotify_credits import spotify_credits
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata

# Phases 0-6 of one partition, in the order a run executes them.
PHASE_ASSETS = (
    playlist_tracks,
    spotify_track_metadata,
    spotify_credits,
    musicbrainz_recordings,
    mlc_publisher_status,
    musicbrainz_social_links,
    songwriter_identity,
    chartmetric_analytics,
    enriched_tracks,
)

# What enrich_playlist_job materializes after the fetch job's phase 0: phases 1-7.
ENRICHMENT_ASSETS = (*PHASE_ASSETS[1:], enrichment_events)

# Unset in tests: credentials select real services, the others change where things go.
OUTSIDE_VARIABLES = (
    "SPOTIFY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET",
    "SPOTIFY_SP_DC",
    "CHARTMETRIC_REFRESH_TOKEN",
    "MLC_USERNAME",
    "MLC_PASSWORD",
    "MUSICBRAINZ_CONTACT",
    "TRACK_ASSETS_SANDBOX",
    "SPOTIFY_API_TIER",
    "TRACK_ASSETS_DATABASE_URL",
    "TRACK_ASSETS_WEBHOOK_URL",
    "TRACK_ASSETS_WEBHOOK_SECRET",
    "TRACK_ASSETS_CELERY_BROKER",
)
