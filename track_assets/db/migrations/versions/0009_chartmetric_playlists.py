"""Chartmetric's playlist search answers kept for the static TTL: phase 0 searched Chartmetric
for every playlist on every fetch, though which Chartmetric playlist a Spotify playlist is does
not change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chartmetric_playlists",
        sa.Column("spotify_playlist_id", sa.String(length=22), nullable=False),
        sa.Column("chartmetric_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("searched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("spotify_playlist_id", name=op.f("pk_chartmetric_playlists")),
    )


def downgrade() -> None:
    op.drop_table("chartmetric_playlists")
