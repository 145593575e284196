"""Core schema: playlists, tracks and every enrichment table (see track_assets/db/tables.py).

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("playlist_id", sa.String(length=22), nullable=True),
        sa.Column("track_id", sa.String(length=22), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_log")),
    )
    op.create_index(op.f("ix_activity_log_occurred_at"), "activity_log", ["occurred_at"])
    op.create_index(op.f("ix_activity_log_playlist_id"), "activity_log", ["playlist_id"])

    op.create_table(
        "albums",
        sa.Column("spotify_album_id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("album_type", sa.String(length=32), nullable=True),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("release_date", sa.String(length=10), nullable=True),
        sa.Column("release_date_precision", sa.String(length=5), nullable=True),
        sa.Column("images", sa.JSON(), nullable=True),
        sa.Column("copyrights", sa.JSON(), nullable=True),
        sa.Column("total_tracks", sa.Integer(), nullable=True),
        sa.Column("popularity", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "release_date_precision IN ('year', 'month', 'day')",
            name=op.f("ck_albums_release_date_precision"),
        ),
        sa.PrimaryKeyConstraint("spotify_album_id", name=op.f("pk_albums")),
    )
    op.create_table(
        "artists",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("musicbrainz_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sort_name", sa.String(), nullable=True),
        sa.Column("disambiguation", sa.String(), nullable=True),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artists")),
        sa.UniqueConstraint("musicbrainz_id", name=op.f("uq_artists_musicbrainz_id")),
    )
    op.create_table(
        "chartmetric_tracks",
        sa.Column("chartmetric_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("isrc", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("moods", sa.JSON(), nullable=True),
        sa.Column("activities", sa.JSON(), nullable=True),
        sa.Column("composer_name", sa.Text(), nullable=True),
        sa.Column("songwriters", sa.JSON(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=True),
        sa.Column("playlist_reach", sa.BigInteger(), nullable=True),
        sa.Column("spotify_popularity", sa.Integer(), nullable=True),
        sa.Column("spotify_popularity_rank", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chartmetric_id", name=op.f("pk_chartmetric_tracks")),
    )
    op.create_index(op.f("ix_chartmetric_tracks_isrc"), "chartmetric_tracks", ["isrc"])

    op.create_table(
        "field_provenance",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "entity_id", "field", name=op.f("pk_field_provenance")),
    )
    op.create_table(
        "mlc_works",
        sa.Column("mlc_song_code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("iswc", sa.String(length=32), nullable=True),
        sa.Column("known_share", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mlc_song_code", name=op.f("pk_mlc_works")),
    )
    op.create_index(op.f("ix_mlc_works_iswc"), "mlc_works", ["iswc"])

    op.create_table(
        "playlists",
        sa.Column("spotify_playlist_id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("followers", sa.BigInteger(), nullable=True),
        sa.Column("is_editorial", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("spotify_playlist_id", name=op.f("pk_playlists")),
    )
    op.create_table(
        "songwriters",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("normalized_name", sa.String(), nullable=False),
        sa.Column("spotify_artist_uri", sa.String(length=64), nullable=True),
        sa.Column("identity_key", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_songwriters")),
        sa.UniqueConstraint("identity_key", name=op.f("uq_songwriters_identity_key")),
    )
    op.create_index(op.f("ix_songwriters_normalized_name"), "songwriters", ["normalized_name"])

    op.create_table(
        "spotify_artists",
        sa.Column("spotify_artist_id", sa.String(length=22), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=True),
        sa.Column("followers", sa.BigInteger(), nullable=True),
        sa.Column("popularity", sa.Integer(), nullable=True),
        sa.Column("monthly_listeners", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("spotify_artist_id", name=op.f("pk_spotify_artists")),
    )
    op.create_table(
        "artist_external_links",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "artist_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("ended", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('instagram', 'twitter', 'tiktok', 'youtube', 'facebook', 'soundcloud', 'bandcamp', 'website', 'wikipedia', 'wikidata', 'other')",
            name=op.f("ck_artist_external_links_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_artist_external_links_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artist_external_links")),
        sa.UniqueConstraint(
            "artist_id", "url", name=op.f("uq_artist_external_links_artist_id_url")
        ),
    )
    op.create_table(
        "artist_songwriters",
        sa.Column(
            "artist_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "songwriter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("method", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_artist_songwriters_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["songwriter_id"],
            ["songwriters.id"],
            name=op.f("fk_artist_songwriters_songwriter_id_songwriters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("artist_id", "songwriter_id", name=op.f("pk_artist_songwriters")),
    )
    op.create_index(
        op.f("ix_artist_songwriters_songwriter_id"), "artist_songwriters", ["songwriter_id"]
    )

    op.create_table(
        "mlc_work_publishers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("mlc_song_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("ipi", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("collection_share", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column(
            "administrator_of_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("publisher_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administrator_of_id"],
            ["mlc_work_publishers.id"],
            name=op.f("fk_mlc_work_publishers_administrator_of_id_mlc_work_publishers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mlc_song_code"],
            ["mlc_works.mlc_song_code"],
            name=op.f("fk_mlc_work_publishers_mlc_song_code_mlc_works"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mlc_work_publishers")),
        sa.UniqueConstraint(
            "mlc_song_code",
            "publisher_key",
            name=op.f("uq_mlc_work_publishers_mlc_song_code_publisher_key"),
        ),
    )
    op.create_index(
        op.f("ix_mlc_work_publishers_administrator_of_id"),
        "mlc_work_publishers",
        ["administrator_of_id"],
    )

    op.create_table(
        "mlc_work_writers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("mlc_song_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("ipi", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("writer_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mlc_song_code"],
            ["mlc_works.mlc_song_code"],
            name=op.f("fk_mlc_work_writers_mlc_song_code_mlc_works"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mlc_work_writers")),
        sa.UniqueConstraint(
            "mlc_song_code", "writer_key", name=op.f("uq_mlc_work_writers_mlc_song_code_writer_key")
        ),
    )
    op.create_table(
        "playlist_fetches",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("playlist_id", sa.String(length=22), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("snapshot_id", sa.String(), nullable=True),
        sa.Column("track_count", sa.Integer(), nullable=True),
        sa.Column("new_count", sa.Integer(), nullable=True),
        sa.Column("removed_count", sa.Integer(), nullable=True),
        sa.Column("skipped_count", sa.Integer(), nullable=True),
        sa.Column("skipped_reasons", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "method IN ('chartmetric', 'spotify_api', 'web_player')",
            name=op.f("ck_playlist_fetches_method"),
        ),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.spotify_playlist_id"],
            name=op.f("fk_playlist_fetches_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlist_fetches")),
    )
    op.create_index(
        op.f("ix_playlist_fetches_playlist_id_fetched_at"),
        "playlist_fetches",
        ["playlist_id", "fetched_at"],
    )

    op.create_table(
        "tracks",
        sa.Column("spotify_track_id", sa.String(length=22), nullable=False),
        sa.Column("spotify_url", sa.String(), nullable=True),
        sa.Column("isrc", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("explicit", sa.Boolean(), nullable=True),
        sa.Column("album_id", sa.String(length=22), nullable=True),
        sa.Column("release_date", sa.String(length=10), nullable=True),
        sa.Column("release_date_precision", sa.String(length=5), nullable=True),
        sa.Column("popularity", sa.Integer(), nullable=True),
        sa.Column("fetch_method", sa.String(length=16), nullable=True),
        sa.Column(
            "enrichment_status",
            sa.String(length=16),
            server_default=sa.text("'pending'"),
            nullable=False,
        ),
        sa.Column("enrichment_detail", sa.JSON(), nullable=True),
        sa.Column("linked_from_id", sa.String(length=22), nullable=True),
        sa.Column("songwriter", sa.Text(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("composer", sa.Text(), nullable=True),
        sa.Column("producer", sa.Text(), nullable=True),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("spotify_streams", sa.BigInteger(), nullable=True),
        sa.Column("popularity_score", sa.Float(), nullable=True),
        sa.Column("audio_features", sa.JSON(), nullable=True),
        sa.Column("artist_genres", sa.JSON(), nullable=True),
        sa.Column("artist_followers", sa.BigInteger(), nullable=True),
        sa.Column("chartmetric_id", sa.BigInteger(), nullable=True),
        sa.Column("moods", sa.JSON(), nullable=True),
        sa.Column("activities", sa.JSON(), nullable=True),
        sa.Column("stream_velocity", sa.Float(), nullable=True),
        sa.Column("chartmetric_velocity", sa.Float(), nullable=True),
        sa.Column("track_stage", sa.String(length=64), nullable=True),
        sa.Column("youtube_views", sa.BigInteger(), nullable=True),
        sa.Column("publisher_status", sa.String(length=32), nullable=True),
        sa.Column("ipi", sa.Text(), nullable=True),
        sa.Column("iswc", sa.String(length=32), nullable=True),
        sa.Column("mlc_song_code", sa.String(length=32), nullable=True),
        sa.Column("credits_source_names", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "enrichment_status IN ('pending', 'complete', 'partial', 'failed')",
            name=op.f("ck_tracks_enrichment_status"),
        ),
        sa.CheckConstraint(
            "fetch_method IN ('chartmetric', 'spotify_api', 'web_player')",
            name=op.f("ck_tracks_fetch_method"),
        ),
        sa.CheckConstraint(
            "release_date_precision IN ('year', 'month', 'day')",
            name=op.f("ck_tracks_release_date_precision"),
        ),
        sa.ForeignKeyConstraint(
            ["album_id"],
            ["albums.spotify_album_id"],
            name=op.f("fk_tracks_album_id_albums"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("spotify_track_id", name=op.f("pk_tracks")),
    )
    op.create_index(op.f("ix_tracks_album_id"), "tracks", ["album_id"])
    op.create_index(op.f("ix_tracks_chartmetric_id"), "tracks", ["chartmetric_id"])
    op.create_index(op.f("ix_tracks_enrichment_status"), "tracks", ["enrichment_status"])
    op.create_index(op.f("ix_tracks_isrc"), "tracks", ["isrc"])

    op.create_table(
        "playlist_tracks",
        sa.Column("playlist_id", sa.String(length=22), nullable=False),
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.spotify_playlist_id"],
            name=op.f("fk_playlist_tracks_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_playlist_tracks_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("playlist_id", "track_id", name=op.f("pk_playlist_tracks")),
    )
    op.create_index(op.f("ix_playlist_tracks_track_id"), "playlist_tracks", ["track_id"])

    op.create_table(
        "track_artists",
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("artist_id", sa.String(length=22), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["spotify_artists.spotify_artist_id"],
            name=op.f("fk_track_artists_artist_id_spotify_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_artists_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "artist_id", name=op.f("pk_track_artists")),
    )
    op.create_index(op.f("ix_track_artists_artist_id"), "track_artists", ["artist_id"])

    op.create_table(
        "track_chartmetric",
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("chartmetric_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("matched_isrc", sa.String(length=32), nullable=True),
        sa.Column("is_chosen", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chartmetric_id"],
            ["chartmetric_tracks.chartmetric_id"],
            name=op.f("fk_track_chartmetric_chartmetric_id_chartmetric_tracks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_chartmetric_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "chartmetric_id", name=op.f("pk_track_chartmetric")),
    )
    op.create_index(
        op.f("ix_track_chartmetric_chartmetric_id"), "track_chartmetric", ["chartmetric_id"]
    )

    op.create_table(
        "track_credits",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("subroles", sa.JSON(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("spotify_artist_uri", sa.String(length=64), nullable=True),
        sa.Column(
            "songwriter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["songwriter_id"],
            ["songwriters.id"],
            name=op.f("fk_track_credits_songwriter_id_songwriters"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_credits_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_credits")),
        sa.UniqueConstraint(
            "track_id", "role", "name", name=op.f("uq_track_credits_track_id_role_name")
        ),
    )
    op.create_index(op.f("ix_track_credits_songwriter_id"), "track_credits", ["songwriter_id"])

    op.create_table(
        "track_metric_snapshots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("captured_on", sa.Date(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("spotify_streams", sa.BigInteger(), nullable=True),
        sa.Column("popularity", sa.Integer(), nullable=True),
        sa.Column("chartmetric", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_metric_snapshots_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_metric_snapshots")),
        sa.UniqueConstraint(
            "track_id",
            "captured_on",
            "source",
            name=op.f("uq_track_metric_snapshots_track_id_captured_on_source"),
        ),
    )
    op.create_table(
        "track_mlc_works",
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("mlc_song_code", sa.String(length=32), nullable=False),
        sa.Column("matched_isrc", sa.String(length=32), nullable=True),
        sa.Column("is_chosen", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mlc_song_code"],
            ["mlc_works.mlc_song_code"],
            name=op.f("fk_track_mlc_works_mlc_song_code_mlc_works"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_mlc_works_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "mlc_song_code", name=op.f("pk_track_mlc_works")),
    )
    op.create_index(op.f("ix_track_mlc_works_mlc_song_code"), "track_mlc_works", ["mlc_song_code"])

    op.create_table(
        "track_phase_status",
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("phase", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'not_applicable', 'failed')",
            name=op.f("ck_track_phase_status_status"),
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_phase_status_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "phase", name=op.f("pk_track_phase_status")),
    )
    op.create_index(
        op.f("ix_track_phase_status_phase_status"), "track_phase_status", ["phase", "status"]
    )


def downgrade() -> None:
    op.drop_table("track_phase_status")
    op.drop_table("track_mlc_works")
    op.drop_table("track_metric_snapshots")
    op.drop_table("track_credits")
    op.drop_table("track_chartmetric")
    op.drop_table("track_artists")
    op.drop_table("playlist_tracks")
    op.drop_table("tracks")
    op.drop_table("playlist_fetches")
    op.drop_table("mlc_work_writers")
    op.drop_table("mlc_work_publishers")
    op.drop_table("artist_songwriters")
    op.drop_table("artist_external_links")
    op.drop_table("spotify_artists")
    op.drop_table("songwriters")
    op.drop_table("playlists")
    op.drop_table("mlc_works")
    op.drop_table("field_provenance")
    op.drop_table("chartmetric_tracks")
    op.drop_table("artists")
    op.drop_table("albums")
    op.drop_table("activity_log")
