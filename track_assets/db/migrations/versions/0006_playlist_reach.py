"""Chartmetric's playlist reach of a track, consolidated on `tracks`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracks") as table:
        table.add_column(sa.Column("playlist_reach", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tracks") as table:
        table.drop_column("playlist_reach")
