"""Typed records the repository reads and writes; None always means "unknown", never zero."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self


class _Record:
    """Shared by the records: to a column dict, and back from a row."""

    def as_values(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_row(cls, row: Any, **extra: Any) -> Self:
        mapping = row._mapping if hasattr(row, "_mapping") else row
        names = {field.name for field in fields(cls)}  # type: ignore[arg-type]
        values = {name: mapping[name] for name in names if name in mapping}
        values.update(extra)
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class Playlist(_Record):
    spotify_playlist_id: str
    name: str | None = None
    owner: str | None = None
    followers: int | None = None
    is_editorial: bool | None = None
    url: str | None = None
    added_at: datetime | None = None
    last_fetched_at: datetime | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class PlaylistFetch(_Record):
    """One fetch of a playlist; `id` is set once stored."""

    playlist_id: str
    fetched_at: datetime
    method: str  # chartmetric | spotify_api | web_player
    status: str  # succeeded | partial | failed
    snapshot_id: str | None = None
    track_count: int | None = None
    new_count: int | None = None
    removed_count: int | None = None
    skipped_count: int | None = None
    skipped_reasons: dict[str, Any] | list[Any] | None = None
    reason: str | None = None
    run_id: str | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class PlaylistMembership(_Record):
    playlist_id: str
    track_id: str
    position: int | None = None
    added_at: datetime | None = None
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Track(_Record):
    """A row of `tracks`. On upsert, None fields keep what is stored (see `upsert_track`)."""

    spotify_track_id: str
    spotify_url: str | None = None
    isrc: str | None = None
    name: str | None = None
    duration_ms: int | None = None
    explicit: bool | None = None
    album_id: str | None = None
    release_date: str | None = None  # '2021', '2021-05' or '2021-05-04'
    release_date_precision: str | None = None  # year | month | day
    popularity: int | None = None
    fetch_method: str | None = None
    enrichment_status: str | None = None  # pending (on insert) | complete | partial | failed
    enrichment_detail: dict[str, Any] | None = None
    linked_from_id: str | None = None
    songwriter: str | None = None
    publisher: str | None = None
    composer: str | None = None
    producer: str | None = None
    label: str | None = None
    spotify_streams: int | None = None
    popularity_score: float | None = None
    audio_features: dict[str, Any] | None = None
    artist_genres: list[str] | None = None
    artist_followers: int | None = None
    chartmetric_id: int | None = None
    moods: list[Any] | None = None
    activities: list[Any] | None = None
    stream_velocity: float | None = None
    chartmetric_velocity: float | None = None
    track_stage: str | None = None
    youtube_views: int | None = None
    publisher_status: str | None = None
    ipi: str | None = None
    iswc: str | None = None
    mlc_song_code: str | None = None
    playlist_reach: int | None = None
    credits_source_names: list[str] | None = None
    created_at: datetime | None = None  # read only
    updated_at: datetime | None = None  # read only


@dataclass(frozen=True, kw_only=True)
class Album(_Record):
    spotify_album_id: str
    name: str | None = None
    album_type: str | None = None
    label: str | None = None
    release_date: str | None = None
    release_date_precision: str | None = None
    images: list[dict[str, Any]] | None = None
    copyrights: list[dict[str, Any]] | None = None
    total_tracks: int | None = None
    popularity: int | None = None


@dataclass(frozen=True, kw_only=True)
class SpotifyArtist(_Record):
    spotify_artist_id: str
    name: str | None = None
    genres: list[str] | None = None
    followers: int | None = None
    popularity: int | None = None
    monthly_listeners: int | None = None


@dataclass(frozen=True, kw_only=True)
class TrackCredit(_Record):
    """One credited person in one role on one track (unique by track, role, name)."""

    track_id: str
    role: str  # writer | composer | lyricist | producer | performer | ...
    name: str
    source: str  # web_player | ...
    subroles: list[str] | None = None
    spotify_artist_uri: str | None = None
    songwriter_id: int | None = None
    mlc_ipi: str | None = None
    mlc_represented: bool | None = None
    mlc_writer_name: str | None = None
    mlc_match_confidence: float | None = None
    mlc_match_evidence: str | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Songwriter(_Record):
    id: int
    name: str
    normalized_name: str
    identity_key: str
    spotify_artist_uri: str | None = None


@dataclass(frozen=True, kw_only=True)
class MlcWriter(_Record):
    name: str
    ipi: str | None = None
    role: str | None = None
    represented: bool | None = None


@dataclass(frozen=True, kw_only=True)
class MlcPublisher(_Record):
    """An original publisher; `administrators` collect on its behalf for this work."""

    name: str
    ipi: str | None = None
    role: str | None = None
    collection_share: Decimal | None = None  # percent, 0-100
    administrators: tuple[MlcPublisher, ...] = ()


@dataclass(frozen=True, kw_only=True)
class MlcWork(_Record):
    """A work at The MLC. `writers`/`publishers`: None keeps the stored lists, a tuple replaces them."""

    mlc_song_code: str
    fetched_at: datetime
    title: str | None = None
    iswc: str | None = None
    known_share: Decimal | None = None  # percent, 0-100
    status: str | None = None
    alternative_titles: list[str] | None = None
    writers: tuple[MlcWriter, ...] | None = None
    publishers: tuple[MlcPublisher, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class TrackMlcFacts:
    """What The MLC says about one track, as phase 4 and identity reconciliation read it."""

    track_id: str
    song_codes: tuple[str, ...]  # candidate works still linked to the track's ISRC
    chosen_song_code: str | None
    writer_ipis: tuple[str, ...]  # IPIs of the candidate works' writers
    iswcs: tuple[str, ...]  # the chosen work's ISWC
    credit_ipis: dict[str, str]  # credited writer name -> IPI of the work's writer it matched


@dataclass(frozen=True, kw_only=True)
class IsrcMusicBrainzWork(_Record):
    """A MusicBrainz work a recording of the ISRC is a performance of."""

    isrc: str
    work_mbid: str
    fetched_at: datetime
    title: str | None = None
    iswcs: list[str] | None = None
    cover: bool = False


@dataclass(frozen=True, kw_only=True)
class TrackMlcWork(_Record):
    """A candidate work for a track; at most one per track is chosen."""

    track_id: str
    mlc_song_code: str
    is_chosen: bool = False
    matched_isrc: str | None = None
    confidence: float | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class MusicBrainzArtist(_Record):
    musicbrainz_id: str
    name: str
    sort_name: str | None = None
    disambiguation: str | None = None
    country: str | None = None
    type: str | None = None
    aliases: list[dict] | None = None  # [{name, sort_name, type, locale, primary}]
    ipis: list[str] | None = None
    isnis: list[str] | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ArtistExternalLink(_Record):
    artist_id: int
    kind: str
    url: str
    ended: bool = False
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ChartmetricTrack(_Record):
    chartmetric_id: int
    fetched_at: datetime
    isrc: str | None = None
    name: str | None = None
    moods: list[Any] | None = None
    activities: list[Any] | None = None
    composer_name: str | None = None
    songwriters: list[Any] | None = None
    tags: list[Any] | None = None
    playlist_reach: int | None = None
    spotify_popularity: int | None = None
    spotify_popularity_rank: int | None = None


@dataclass(frozen=True, kw_only=True)
class ChartmetricPlaylistSearch(_Record):
    """Chartmetric's answer to which of its playlists a Spotify playlist is; chartmetric_id None
    when Chartmetric tracks no such playlist."""

    spotify_playlist_id: str
    chartmetric_id: int | None
    name: str | None = None
    owner: str | None = None
    searched_at: datetime


@dataclass(frozen=True, kw_only=True)
class MetricSnapshot(_Record):
    """Volatile figures of one track from one source on one (UTC) day."""

    track_id: str
    captured_at: datetime
    source: str
    spotify_streams: int | None = None
    popularity: int | None = None
    chartmetric: dict[str, Any] | None = None
    captured_on: date | None = None  # default: the UTC date of captured_at
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class FieldProvenance(_Record):
    entity: str  # track | album | artist | ...
    entity_id: str
    field: str
    source: str
    fetched_at: datetime
    reason: str | None = None  # why the field is null, when it is


@dataclass(frozen=True, kw_only=True)
class PhaseStatus(_Record):
    track_id: str
    phase: str
    status: str  # pending | done | not_applicable | failed
    reason: str | None = None
    attempts: int = 0
    next_retry_at: datetime | None = None
    fetched_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ActivityEntry(_Record):
    id: int
    occurred_at: datetime
    kind: str
    message: str
    playlist_id: str | None = None
    track_id: str | None = None
    run_id: str | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class PhaseRun(_Record):
    """One asset step: the run, the playlist (None for unpartitioned assets), what it did."""

    id: int | None = None
    run_id: str
    playlist_id: str | None
    phase: str
    finished_at: datetime
    tracks: int = 0
    worked: int = 0
    failed: int = 0
    requests: dict[str, int] | None = None  # service -> requests made
    seconds: float | None = None


@dataclass(frozen=True, kw_only=True)
class TrackEventState(_Record):
    """What phase 7 last announced about a track."""

    track_id: str
    enrichment_status: str | None
    publisher_status: str | None
    stream_velocity: float | None
    announced_at: datetime


@dataclass(frozen=True, kw_only=True)
class PlaylistReport(_Record):
    """The reporting row of one playlist, rebuilt after each enrichment."""

    playlist_id: str
    tracks: int
    enrichment_status: dict[str, int]
    publisher_status: dict[str, int]
    coverage: dict[str, int]
    growing_tracks: int
    top_velocity: float | None
    last_run_id: str | None
    refreshed_at: datetime


@dataclass(frozen=True, kw_only=True)
class LeadCredit(_Record):
    """A writer credit (linked to a songwriter) on a track of a tracked playlist, with what
    deciding a songwriter lead needs: the track's growth and streams, its playlists, and the
    writer's standing at The MLC on the track's chosen work (work fields None when none)."""

    songwriter_id: int
    writer_name: str  # the songwriter's stored name
    track_id: str
    spotify_artist_uri: str | None = None
    track_name: str | None = None
    stream_velocity: float | None = None
    spotify_streams: int | None = None
    mlc_ipi: str | None = None
    mlc_represented: bool | None = None  # None: not matched to the work's writers
    mlc_match_confidence: float | None = None
    mlc_match_evidence: str | None = None
    mlc_song_code: str | None = None
    mlc_status: str | None = None  # signed | split | unsigned
    known_share: Decimal | None = None  # percent, 0-100
    publishers: tuple[str, ...] = ()  # names on the work: publishers and administrators
    playlists: tuple[Playlist, ...] = ()  # the tracked playlists the track is on


@dataclass(frozen=True, kw_only=True)
class SongwriterProfile(_Record):
    """Who a songwriter is outside the credits: linked MusicBrainz artists and current links."""

    songwriter_id: int
    musicbrainz_artist_ids: tuple[str, ...] = ()
    social_links: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> URLs
    # The strongest link to MusicBrainz: its method, confidence and evidence.
    musicbrainz_match: str | None = None
    musicbrainz_confidence: float | None = None
    musicbrainz_evidence: str | None = None
