"""The rate-limit slots shared by every machine when the database is PostgreSQL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rate_limit_grants",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("limiter_key", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_grants")),
    )
    op.create_index(op.f("ix_rate_limit_grants_limiter_key"), "rate_limit_grants", ["limiter_key"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limit_grants_limiter_key"), table_name="rate_limit_grants")
    op.drop_table("rate_limit_grants")
