"""Per-writer representation at The MLC: on the work's writers and on the track's credits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mlc_work_writers") as table:
        table.add_column(sa.Column("represented", sa.Boolean(), nullable=True))
    with op.batch_alter_table("track_credits") as table:
        table.add_column(sa.Column("mlc_ipi", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("mlc_represented", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("track_credits") as table:
        table.drop_column("mlc_represented")
        table.drop_column("mlc_ipi")
    with op.batch_alter_table("mlc_work_writers") as table:
        table.drop_column("represented")
