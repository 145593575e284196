"""MusicBrainz answers kept between phases: the recordings phase asks by ISRC while the
credits and The MLC are fetched, and phase 4 reads its answers instead of asking again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "musicbrainz_answers",
        sa.Column("question", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("question", "key", name=op.f("pk_musicbrainz_answers")),
    )


def downgrade() -> None:
    op.drop_table("musicbrainz_answers")
