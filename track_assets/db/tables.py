"""The core schema (SQLAlchemy Core). Migrations in `migrations/versions/` must match it exactly."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from track_assets.db.statuses import EnrichmentStatus, FetchMethod, PhaseState
from track_assets.db.types import Json, SurrogateKey, UtcDateTime, utc_now

# Stable constraint names on both databases, so later migrations can drop or alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

FETCH_METHODS = tuple(FetchMethod)
ENRICHMENT_STATUSES = tuple(EnrichmentStatus)
PHASE_STATUSES = tuple(PhaseState)
RELEASE_DATE_PRECISIONS = ("year", "month", "day")
LINK_KINDS = (
    "instagram",
    "twitter",
    "tiktok",
    "youtube",
    "facebook",
    "soundcloud",
    "bandcamp",
    "website",
    "wikipedia",
    "wikidata",
    "other",
)

SPOTIFY_ID = String(22)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


def _created_at() -> Column:
    return Column("created_at", UtcDateTime, nullable=False, default=utc_now)


def _updated_at() -> Column:
    return Column("updated_at", UtcDateTime, nullable=False, default=utc_now, onupdate=utc_now)


playlists = Table(
    "playlists",
    metadata,
    Column("spotify_playlist_id", SPOTIFY_ID, primary_key=True),
    Column("name", String),
    Column("owner", String),
    Column("followers", BigInteger),
    Column("is_editorial", Boolean, nullable=False, default=False, server_default=false()),
    Column("url", String),
    Column("added_at", UtcDateTime, nullable=False, default=utc_now),
    Column("last_fetched_at", UtcDateTime),
    Column("removed_at", UtcDateTime),
)

playlist_fetches = Table(
    "playlist_fetches",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column(
        "playlist_id",
        SPOTIFY_ID,
        ForeignKey("playlists.spotify_playlist_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("fetched_at", UtcDateTime, nullable=False),
    Column("method", String(16), nullable=False),
    Column("snapshot_id", String),
    Column("track_count", Integer),
    Column("new_count", Integer),
    Column("removed_count", Integer),
    Column("skipped_count", Integer),
    Column("skipped_reasons", Json),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("run_id", String(64)),
    _one_of("method", FETCH_METHODS, "method"),
    Index(None, "playlist_id", "fetched_at"),
)

albums = Table(
    "albums",
    metadata,
    Column("spotify_album_id", SPOTIFY_ID, primary_key=True),
    Column("name", String),
    Column("album_type", String(32)),
    Column("label", String),
    Column("release_date", String(10)),
    Column("release_date_precision", String(5)),
    Column("images", Json),
    Column("copyrights", Json),
    Column("total_tracks", Integer),
    Column("popularity", Integer),
    _created_at(),
    _updated_at(),
    _one_of("release_date_precision", RELEASE_DATE_PRECISIONS, "release_date_precision"),
)

tracks = Table(
    "tracks",
    metadata,
    Column("spotify_track_id", SPOTIFY_ID, primary_key=True),
    Column("spotify_url", String),
    Column("isrc", String(32), index=True),
    Column("name", String),
    Column("duration_ms", Integer),
    Column("explicit", Boolean),
    Column(
        "album_id",
        SPOTIFY_ID,
        ForeignKey("albums.spotify_album_id", ondelete="SET NULL"),
        index=True,
    ),
    # Spotify gives '2021', '2021-05' or '2021-05-04'; the precision says which.
    Column("release_date", String(10)),
    Column("release_date_precision", String(5)),
    Column("popularity", Integer),
    Column("fetch_method", String(16)),
    Column(
        "enrichment_status",
        String(16),
        nullable=False,
        default=EnrichmentStatus.PENDING.value,
        server_default=text("'pending'"),
        index=True,
    ),
    Column("enrichment_detail", Json),
    # Spotify track relinking: the id the playlist listed when Spotify served another one.
    Column("linked_from_id", SPOTIFY_ID),
    # Phase 6: the consolidated view of every phase.
    Column("songwriter", Text),
    Column("publisher", Text),
    Column("composer", Text),
    Column("producer", Text),
    Column("label", String),
    Column("spotify_streams", BigInteger),
    Column("popularity_score", Float),
    Column("audio_features", Json),
    Column("artist_genres", Json),
    Column("artist_followers", BigInteger),
    Column("chartmetric_id", BigInteger, index=True),
    Column("moods", Json),
    Column("activities", Json),
    Column("stream_velocity", Float),
    Column("chartmetric_velocity", Float),
    Column("track_stage", String(64)),
    Column("youtube_views", BigInteger),
    Column("publisher_status", String(32)),
    Column("ipi", Text),
    Column("iswc", String(32)),
    Column("mlc_song_code", String(32)),
    Column("playlist_reach", BigInteger),
    # The web player's credits "Source" line: usually label or distributor, never the publisher.
    Column("credits_source_names", Json),
    _created_at(),
    _updated_at(),
    _one_of("fetch_method", FETCH_METHODS, "fetch_method"),
    _one_of("enrichment_status", ENRICHMENT_STATUSES, "enrichment_status"),
    _one_of("release_date_precision", RELEASE_DATE_PRECISIONS, "release_date_precision"),
)

playlist_tracks = Table(
    "playlist_tracks",
    metadata,
    Column(
        "playlist_id",
        SPOTIFY_ID,
        ForeignKey("playlists.spotify_playlist_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("position", Integer),
    Column("added_at", UtcDateTime),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("removed_at", UtcDateTime),
)

spotify_artists = Table(
    "spotify_artists",
    metadata,
    Column("spotify_artist_id", SPOTIFY_ID, primary_key=True),
    Column("name", String),
    Column("genres", Json),
    Column("followers", BigInteger),
    Column("popularity", Integer),
    Column("monthly_listeners", BigInteger),
    _created_at(),
    _updated_at(),
)

track_artists = Table(
    "track_artists",
    metadata,
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "artist_id",
        SPOTIFY_ID,
        ForeignKey("spotify_artists.spotify_artist_id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("position", Integer, nullable=False),
)

songwriters = Table(
    "songwriters",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False),
    Column("normalized_name", String, nullable=False, index=True),
    Column("spotify_artist_uri", String(64)),
    # The Spotify artist URI when known, else 'name:<normalized name>'. NULLs never collide in a
    # UNIQUE constraint, so (normalized_name, spotify_artist_uri) could not dedupe name-only people.
    Column("identity_key", String, nullable=False, unique=True),
    _created_at(),
    _updated_at(),
)

track_credits = Table(
    "track_credits",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("role", String(32), nullable=False),
    Column("subroles", Json),
    Column("name", String, nullable=False),
    Column("spotify_artist_uri", String(64)),
    Column(
        "songwriter_id",
        SurrogateKey,
        ForeignKey("songwriters.id", ondelete="SET NULL"),
        index=True,
    ),
    Column("source", String(32), nullable=False),
    # Phase 3: the writer as The MLC lists them on the track's work, and whether a publisher
    # represents them there (None: not matched to the work's writers).
    Column("mlc_ipi", String(32)),
    Column("mlc_represented", Boolean),
    # The work's writer the credit was matched to (as The MLC names them), how sure the match
    # is (1.0: an identifier agreed) and what agreed.
    Column("mlc_writer_name", String),
    Column("mlc_match_confidence", Float),
    Column("mlc_match_evidence", Text),
    _created_at(),
    _updated_at(),
    UniqueConstraint("track_id", "role", "name"),
)

mlc_works = Table(
    "mlc_works",
    metadata,
    Column("mlc_song_code", String(32), primary_key=True),
    Column("title", String),
    Column("iswc", String(32), index=True),
    # Percent (0-100) of the work's shares claimed by known publishers.
    Column("known_share", Numeric(7, 4)),
    Column("status", String(32)),
    Column("alternative_titles", Json),
    Column("fetched_at", UtcDateTime, nullable=False),
    _created_at(),
    _updated_at(),
)

mlc_work_writers = Table(
    "mlc_work_writers",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column(
        "mlc_song_code",
        String(32),
        ForeignKey("mlc_works.mlc_song_code", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String, nullable=False),
    Column("ipi", String(32)),
    Column("role", String(32)),
    # Whether a publisher (or its administrator) collects for this writer; None: not known.
    Column("represented", Boolean),
    # The IPI when known, else 'name:<normalized name>'.
    Column("writer_key", String, nullable=False),
    UniqueConstraint("mlc_song_code", "writer_key"),
)

mlc_work_publishers = Table(
    "mlc_work_publishers",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column(
        "mlc_song_code",
        String(32),
        ForeignKey("mlc_works.mlc_song_code", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String, nullable=False),
    Column("ipi", String(32)),
    Column("role", String(32)),
    Column("collection_share", Numeric(7, 4)),
    # Set on an administrator: the original publisher it administers for this work.
    Column(
        "administrator_of_id",
        SurrogateKey,
        ForeignKey("mlc_work_publishers.id", ondelete="CASCADE"),
        index=True,
    ),
    # The IPI (else 'name:<normalized name>'), prefixed by the original publisher's key for
    # an administrator, so one administrator acting for two publishers stays two rows.
    Column("publisher_key", String, nullable=False),
    UniqueConstraint("mlc_song_code", "publisher_key"),
)

track_mlc_works = Table(
    "track_mlc_works",
    metadata,
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "mlc_song_code",
        String(32),
        ForeignKey("mlc_works.mlc_song_code", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("matched_isrc", String(32)),
    Column("is_chosen", Boolean, nullable=False, default=False, server_default=false()),
    Column("confidence", Float),
    Column("reason", Text),
    _created_at(),
    _updated_at(),
)

artists = Table(
    "artists",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column("musicbrainz_id", String(36), nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("sort_name", String),
    Column("disambiguation", String),
    Column("country", String(8)),
    Column("type", String(32)),
    # Identity evidence: [{name, sort_name, type, locale, primary}], IPI and ISNI codes.
    Column("aliases", Json),
    Column("ipis", Json),
    Column("isnis", Json),
    _created_at(),
    _updated_at(),
)

artist_songwriters = Table(
    "artist_songwriters",
    metadata,
    Column(
        "artist_id",
        SurrogateKey,
        ForeignKey("artists.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "songwriter_id",
        SurrogateKey,
        ForeignKey("songwriters.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("method", String(64)),
    Column("confidence", Float),
    Column("evidence", Text),
    _created_at(),
    _updated_at(),
)

artist_external_links = Table(
    "artist_external_links",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column(
        "artist_id",
        SurrogateKey,
        ForeignKey("artists.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(16), nullable=False),
    Column("url", String, nullable=False),
    Column("ended", Boolean, nullable=False, default=False, server_default=false()),
    _created_at(),
    _updated_at(),
    UniqueConstraint("artist_id", "url"),
    _one_of("kind", LINK_KINDS, "kind"),
)

# The MusicBrainz works the recordings of an ISRC are performances of (phase 4), with their
# ISWCs: evidence for choosing among several MLC works of one ISRC.
isrc_musicbrainz_works = Table(
    "isrc_musicbrainz_works",
    metadata,
    Column("isrc", String(32), primary_key=True),
    Column("work_mbid", String(36), primary_key=True),
    Column("title", String),
    Column("iswcs", Json),
    Column("cover", Boolean, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

# MusicBrainz answers kept for the phases after the one that asked them, within the static TTL
# (enrichment/musicbrainz_answers.py): by ISRC ("isrc_works"), the works of its recordings with
# their writers' MBIDs, [] when MusicBrainz knows no recording of it; by MBID ("artist"), an
# artist with its aliases, identifiers and URL links.
musicbrainz_answers = Table(
    "musicbrainz_answers",
    metadata,
    Column("question", String(16), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("answer", Json, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

# Which Chartmetric playlist a Spotify playlist is, as Chartmetric's playlist search answered
# (chartmetric_id null: Chartmetric tracks no such playlist). Phase 0 uses the answer for the
# static TTL instead of searching on every fetch (enrichment/chartmetric_playlist_search.py).
chartmetric_playlists = Table(
    "chartmetric_playlists",
    metadata,
    Column("spotify_playlist_id", SPOTIFY_ID, primary_key=True),
    Column("chartmetric_id", BigInteger),
    Column("name", String),
    Column("owner", String),
    Column("searched_at", UtcDateTime, nullable=False),
)

chartmetric_tracks = Table(
    "chartmetric_tracks",
    metadata,
    Column("chartmetric_id", BigInteger, primary_key=True, autoincrement=False),
    Column("isrc", String(32), index=True),
    Column("name", String),
    Column("moods", Json),
    Column("activities", Json),
    Column("composer_name", Text),
    Column("songwriters", Json),
    Column("tags", Json),
    Column("playlist_reach", BigInteger),
    Column("spotify_popularity", Integer),
    Column("spotify_popularity_rank", Integer),
    Column("fetched_at", UtcDateTime, nullable=False),
)

# One ISRC can map to several Chartmetric ids: the candidates, and which one the track uses.
track_chartmetric = Table(
    "track_chartmetric",
    metadata,
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "chartmetric_id",
        BigInteger,
        ForeignKey("chartmetric_tracks.chartmetric_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    ),
    Column("matched_isrc", String(32)),
    Column("is_chosen", Boolean, nullable=False, default=False, server_default=false()),
    _created_at(),
    _updated_at(),
)

track_metric_snapshots = Table(
    "track_metric_snapshots",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("captured_on", Date, nullable=False),
    Column("captured_at", UtcDateTime, nullable=False),
    Column("source", String(32), nullable=False),
    Column("spotify_streams", BigInteger),
    Column("popularity", Integer),
    Column("chartmetric", Json),
    UniqueConstraint("track_id", "captured_on", "source"),
)

# Where each enriched field came from and when; a null field's reason lives here too.
field_provenance = Table(
    "field_provenance",
    metadata,
    Column("entity", String(32), primary_key=True),
    Column("entity_id", String(64), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
    Column("reason", Text),
)

track_phase_status = Table(
    "track_phase_status",
    metadata,
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("phase", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("attempts", Integer, nullable=False, default=0, server_default=text("0")),
    Column("next_retry_at", UtcDateTime),
    Column("fetched_at", UtcDateTime),
    _updated_at(),
    _one_of("status", PHASE_STATUSES, "status"),
    Index(None, "phase", "status"),
)

activity_log = Table(
    "activity_log",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column("occurred_at", UtcDateTime, nullable=False, default=utc_now, index=True),
    Column("kind", String(64), nullable=False),
    # No foreign keys: logging must never fail because a row is missing or was purged.
    Column("playlist_id", SPOTIFY_ID, index=True),
    Column("track_id", SPOTIFY_ID),
    Column("run_id", String(64)),
    Column("message", Text, nullable=False),
    Column("payload", Json),
)

# What each phase step did: one row per asset materialization (run, playlist, phase), with the
# requests it made per service, so `status` can say what the pipeline has cost.
phase_runs = Table(
    "phase_runs",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("playlist_id", SPOTIFY_ID),  # None for the unpartitioned songwriter_leads
    Column("phase", String(64), nullable=False),
    Column("finished_at", UtcDateTime, nullable=False),
    Column("tracks", Integer, nullable=False),
    Column("worked", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("requests", Json),  # service -> requests made
    Column("seconds", Float),
)

# The figures phase 7 last announced per track: the next run compares with them to tell
# new tracks, status changes and velocity spikes, so an event is recorded once.
track_event_state = Table(
    "track_event_state",
    metadata,
    Column(
        "track_id",
        SPOTIFY_ID,
        ForeignKey("tracks.spotify_track_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("enrichment_status", String(16)),
    Column("publisher_status", String(32)),
    Column("stream_velocity", Float),
    Column("announced_at", UtcDateTime, nullable=False),
)

# One summary row per playlist, rebuilt by phase 7 after each enrichment (the reporting cache).
playlist_reports = Table(
    "playlist_reports",
    metadata,
    Column(
        "playlist_id",
        SPOTIFY_ID,
        ForeignKey("playlists.spotify_playlist_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tracks", Integer, nullable=False),
    Column("enrichment_status", Json, nullable=False),  # status -> tracks
    Column("publisher_status", Json, nullable=False),  # status -> tracks
    Column("coverage", Json, nullable=False),  # field -> tracks that have it
    Column("growing_tracks", Integer, nullable=False),
    Column("top_velocity", Float),
    Column("last_run_id", String(64)),
    Column("refreshed_at", UtcDateTime, nullable=False),
)

# Activity entries the webhook has to deliver, enqueued in the transaction that records them:
# an entry the receiver missed is sent again by a later run, oldest first, instead of lost. A
# run claims rows for a while (claimed_by/claimed_until) so two runs never send the same one.
webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column(
        "activity_id",
        SurrogateKey,
        ForeignKey("activity_log.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("enqueued_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("claimed_by", String(64)),
    Column("claimed_until", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    Column("refused_at", UtcDateTime),  # the receiver's final answer was a refusal (4xx)
    Index(None, "delivered_at", "refused_at"),
)

# The HTTP layer's rate-limit slots when the database is PostgreSQL, so that every machine shares
# one budget per service and credential (db/rate_limits.py): one row per grant, pending until
# its response is back (completed_at), or until expires_at if its process died. `limiter_key`
# is a hash of service and credential: the credential itself is never stored.
rate_limit_grants = Table(
    "rate_limit_grants",
    metadata,
    Column("id", SurrogateKey, primary_key=True, autoincrement=True),
    Column("limiter_key", String(64), nullable=False, index=True),
    Column("service", String(64), nullable=False),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime),
)
