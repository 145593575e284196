"""Phase runs (requests per service), phase 7's announced state per track, playlist reports.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "phase_runs",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("playlist_id", sa.String(length=22), nullable=True),
        sa.Column("phase", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tracks", sa.Integer(), nullable=False),
        sa.Column("worked", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("requests", sa.JSON(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phase_runs")),
    )
    op.create_index(op.f("ix_phase_runs_run_id"), "phase_runs", ["run_id"])
    op.create_table(
        "track_event_state",
        sa.Column("track_id", sa.String(length=22), nullable=False),
        sa.Column("enrichment_status", sa.String(length=16), nullable=True),
        sa.Column("publisher_status", sa.String(length=32), nullable=True),
        sa.Column("stream_velocity", sa.Float(), nullable=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.spotify_track_id"],
            name=op.f("fk_track_event_state_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_track_event_state")),
    )
    op.create_table(
        "playlist_reports",
        sa.Column("playlist_id", sa.String(length=22), nullable=False),
        sa.Column("tracks", sa.Integer(), nullable=False),
        sa.Column("enrichment_status", sa.JSON(), nullable=False),
        sa.Column("publisher_status", sa.JSON(), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("growing_tracks", sa.Integer(), nullable=False),
        sa.Column("top_velocity", sa.Float(), nullable=True),
        sa.Column("last_run_id", sa.String(length=64), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.spotify_playlist_id"],
            name=op.f("fk_playlist_reports_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("playlist_id", name=op.f("pk_playlist_reports")),
    )


def downgrade() -> None:
    op.drop_table("playlist_reports")
    op.drop_table("track_event_state")
    op.drop_index(op.f("ix_phase_runs_run_id"), table_name="phase_runs")
    op.drop_table("phase_runs")
