"""The phase registry: one declaration per phase, the one place that says what a phase is.

A phase is one Dagster asset. Its declaration says which phases run before it, which lookups it
records per track (each static or volatile, hence its TTL), the consolidated track fields it
owns (their names and kinds), the pool that caps its service's concurrency, and its checks.
Everything else derives from here: the assets' deps, groups, pools and checks
(`defs/phase_asset.py`), which tracks are due (`enrichment/scheduling.py`, for the sensor and
the assets alike), what consolidation waits for (`enrichment/consolidate.py`), the tracks
export's columns (`enrichment/exports.py`), `track-assets status` coverage and the playlist
report's fields (`enrichment/events.py`). Adding a field is one `Field` line here plus its parse
and store lines; README.md, "Adding a field", shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class Freshness(StrEnum):
    STATIC = "static"  # facts that rarely change (credits, ISRC, publisher): a month by default
    VOLATILE = "volatile"  # figures that move daily (play counts, Chartmetric series)


class Group(StrEnum):
    """The stages the UI groups assets by."""

    FETCH = "fetch"
    SPOTIFY = "spotify"
    PUBLISHING = "publishing"
    ANALYTICS = "analytics"
    REPORTING = "reporting"


class ColumnKind(StrEnum):
    INTEGER = "integer"
    FLOAT = "float"
    TEXT = "text"
    BOOLEAN = "boolean"
    TEXT_LIST = "text_list"  # CSV: JSON array; Parquet: list<string>
    JSON = "json"  # CSV and Parquet: a JSON string


@dataclass(frozen=True)
class Lookup:
    """An answer a phase records per track (the `phase` key of `track_phase_status`)."""

    key: str
    freshness: Freshness


@dataclass(frozen=True)
class Field:
    """A consolidated column of `tracks` (and of the tracks export) that a phase fills."""

    name: str
    kind: ColumnKind
    reported: bool = False  # counted in each playlist's report (phase 7)


@dataclass(frozen=True)
class CoverageCheck:
    """A warning check: at least `minimum` of the tracks that could have `coverage` have it."""

    name: str
    coverage: str  # a key of the phase's coverage metadata
    minimum: float


@dataclass(frozen=True)
class Phase:
    asset: str
    group: Group
    upstream: tuple[str, ...] = ()
    lookups: tuple[Lookup, ...] = ()
    fields: tuple[Field, ...] = ()
    pool: str | None = None  # the service budget it draws on; None: database only
    kinds: tuple[str, ...] = ()
    coverage_checks: tuple[CoverageCheck, ...] = ()
    checks: tuple[str, ...] = ()  # checks the phase's own logic decides
    per_playlist: bool = True
    # Tracks fetched and stored per transaction: what a crash can lose, and what one bad
    # answer can cost before the batch is worked track by track (defs/phase_asset.py).
    batch: int = 20

    @property
    def check_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.coverage_checks) + self.checks


PLAYLIST_TRACKS = Phase(
    "playlist_tracks",
    Group.FETCH,
    pool="playlist_fetch",
    kinds=("spotify", "chartmetric"),
    checks=("playlist_has_tracks",),
)
SPOTIFY_METADATA = Lookup("spotify_metadata", Freshness.STATIC)
SPOTIFY_TRACK_METADATA = Phase(
    "spotify_track_metadata",
    Group.SPOTIFY,
    upstream=("playlist_tracks",),
    lookups=(SPOTIFY_METADATA,),
    fields=(
        Field("isrc", ColumnKind.TEXT, reported=True),
        Field("label", ColumnKind.TEXT),
        Field("popularity_score", ColumnKind.FLOAT),
        Field("audio_features", ColumnKind.JSON),
        Field("artist_genres", ColumnKind.TEXT_LIST),
        Field("artist_followers", ColumnKind.INTEGER),
        Field("release_date", ColumnKind.TEXT),
    ),
    pool="spotify_api",
    kinds=("spotify",),
    coverage_checks=(CoverageCheck("isrc_coverage", "isrc", 0.99),),
    batch=50,  # the Web API's tracks per call
)
SPOTIFY_CREDITS_LOOKUP = Lookup("spotify_credits", Freshness.STATIC)
SPOTIFY_PLAY_COUNT = Lookup("spotify_play_count", Freshness.VOLATILE)
SPOTIFY_CREDITS = Phase(
    "spotify_credits",
    Group.SPOTIFY,
    upstream=("spotify_track_metadata",),
    lookups=(SPOTIFY_CREDITS_LOOKUP, SPOTIFY_PLAY_COUNT),
    fields=(
        Field("songwriter", ColumnKind.TEXT, reported=True),
        Field("composer", ColumnKind.TEXT),
        Field("producer", ColumnKind.TEXT),
        Field("spotify_streams", ColumnKind.INTEGER, reported=True),
    ),
    pool="spotify_web",
    kinds=("spotify", "chromium"),
    coverage_checks=(CoverageCheck("play_count_coverage", "play_count", 0.99),),
    batch=50,  # an album's tracks together: one getAlbum gives all their play counts
)
MLC = Lookup("mlc_publisher_status", Freshness.STATIC)
MLC_PUBLISHER_STATUS = Phase(
    "mlc_publisher_status",
    Group.PUBLISHING,
    upstream=("spotify_credits",),
    lookups=(MLC,),
    fields=(
        Field("publisher", ColumnKind.TEXT),
        Field("publisher_status", ColumnKind.TEXT, reported=True),
        Field("ipi", ColumnKind.TEXT),
        Field("iswc", ColumnKind.TEXT),
        Field("mlc_song_code", ColumnKind.TEXT),
    ),
    pool="mlc_api",
    kinds=("mlc",),
    # Registration lags, but fewer than half linked suggests a problem.
    coverage_checks=(CoverageCheck("mlc_work_coverage", "publisher_status", 0.5),),
)
# Phase 4's first half: it needs the writers and ISRCs, not The MLC, so it asks MusicBrainz while
# The MLC is asked, and phase 4 starts from its answers. It prepares phase 4's lookup and has no
# lookup of its own.
MUSICBRAINZ_RECORDINGS = Phase(
    "musicbrainz_recordings",
    Group.PUBLISHING,
    upstream=("spotify_credits",),
    pool="musicbrainz_api",
    kinds=("musicbrainz",),
    batch=5,  # at 1 request/s, a crash loses at most about 20 s
)
MUSICBRAINZ = Lookup("musicbrainz_social_links", Freshness.STATIC)
MUSICBRAINZ_SOCIAL_LINKS = Phase(
    "musicbrainz_social_links",
    Group.PUBLISHING,
    upstream=("mlc_publisher_status", "musicbrainz_recordings"),
    lookups=(MUSICBRAINZ,),
    pool="musicbrainz_api",
    kinds=("musicbrainz",),
    checks=("writers_looked_up",),
    batch=5,  # at 1 request/s, a crash loses at most about 20 s
)
SONGWRITER_IDENTITY = Phase(
    "songwriter_identity",
    Group.PUBLISHING,
    upstream=("mlc_publisher_status", "musicbrainz_social_links"),
    kinds=("sqlalchemy",),
)
CHARTMETRIC = Lookup("chartmetric_analytics", Freshness.VOLATILE)
CHARTMETRIC_ANALYTICS = Phase(
    "chartmetric_analytics",
    Group.ANALYTICS,
    upstream=("spotify_track_metadata",),
    lookups=(CHARTMETRIC,),
    fields=(
        Field("chartmetric_id", ColumnKind.INTEGER, reported=True),
        Field("moods", ColumnKind.JSON),
        Field("activities", ColumnKind.JSON),
        Field("chartmetric_velocity", ColumnKind.FLOAT),
        Field("track_stage", ColumnKind.TEXT),
        Field("youtube_views", ColumnKind.INTEGER),
        Field("playlist_reach", ColumnKind.INTEGER),
    ),
    pool="chartmetric_api",
    kinds=("chartmetric",),
    batch=10,  # several requests a track at the plan's rate
    # Chartmetric does not know every track; below half, something is wrong.
    coverage_checks=(CoverageCheck("chartmetric_id_coverage", "chartmetric_id", 0.5),),
)
ENRICHED_TRACKS = Phase(
    "enriched_tracks",
    Group.REPORTING,
    upstream=(
        "spotify_track_metadata",
        "spotify_credits",
        "mlc_publisher_status",
        "musicbrainz_social_links",
        "songwriter_identity",
        "chartmetric_analytics",
    ),
    fields=(Field("stream_velocity", ColumnKind.FLOAT, reported=True),),
    kinds=("sqlalchemy",),
    checks=("every_track_consolidated",),
)
ENRICHMENT_EVENTS = Phase(
    "enrichment_events", Group.REPORTING, upstream=("enriched_tracks",), kinds=("sqlalchemy",)
)
SONGWRITER_LEADS = Phase(
    "songwriter_leads",
    Group.REPORTING,
    upstream=("enriched_tracks",),
    kinds=("sqlalchemy", "parquet", "csv"),
    checks=("leads_exported",),
    per_playlist=False,
)

# In the order a run executes them.
PHASES = (
    PLAYLIST_TRACKS,
    SPOTIFY_TRACK_METADATA,
    SPOTIFY_CREDITS,
    MUSICBRAINZ_RECORDINGS,
    MLC_PUBLISHER_STATUS,
    MUSICBRAINZ_SOCIAL_LINKS,
    SONGWRITER_IDENTITY,
    CHARTMETRIC_ANALYTICS,
    ENRICHED_TRACKS,
    ENRICHMENT_EVENTS,
    SONGWRITER_LEADS,
)
LOOKUPS = tuple(lookup for phase in PHASES for lookup in phase.lookups)
FIELDS = tuple(field for phase in PHASES for field in phase.fields)
REPORTED_FIELDS = tuple(field.name for field in FIELDS if field.reported)


def phase_named(asset: str) -> Phase:
    for phase in PHASES:
        if phase.asset == asset:
            return phase
    raise KeyError(f"no phase {asset!r}; phases: {', '.join(p.asset for p in PHASES)}")


def lookup_ttls(ttl: Mapping[Freshness, timedelta]) -> dict[str, timedelta]:
    """How long each lookup's answer stays fresh, given the TTL of each kind of freshness."""
    return {lookup.key: ttl[lookup.freshness] for lookup in LOOKUPS}


# What a run after the fetch materializes: every per-playlist phase but the fetch (the demo and
# the benchmark select these; the sensors' enrichment job selects the same, defs/jobs.py).
ENRICHMENT_ASSETS = tuple(p.asset for p in PHASES if p.per_playlist and p is not PLAYLIST_TRACKS)
