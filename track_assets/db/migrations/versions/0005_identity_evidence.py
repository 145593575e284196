"""Identity evidence: how each credited writer was matched at The MLC and to MusicBrainz (with
confidence and evidence), the identifiers and aliases a MusicBrainz artist carries, a work's
alternative titles, and the MusicBrainz works of an ISRC's recordings with their ISWCs (so
identity can be decided again from the database alone).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "isrc_musicbrainz_works",
        sa.Column("isrc", sa.String(length=32), nullable=False),
        sa.Column("work_mbid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("iswcs", sa.JSON(), nullable=True),
        sa.Column("cover", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("isrc", "work_mbid", name=op.f("pk_isrc_musicbrainz_works")),
    )
    with op.batch_alter_table("track_credits") as table:
        table.add_column(sa.Column("mlc_writer_name", sa.String(), nullable=True))
        table.add_column(sa.Column("mlc_match_confidence", sa.Float(), nullable=True))
        table.add_column(sa.Column("mlc_match_evidence", sa.Text(), nullable=True))
    with op.batch_alter_table("artists") as table:
        table.add_column(sa.Column("aliases", sa.JSON(), nullable=True))
        table.add_column(sa.Column("ipis", sa.JSON(), nullable=True))
        table.add_column(sa.Column("isnis", sa.JSON(), nullable=True))
    with op.batch_alter_table("artist_songwriters") as table:
        table.add_column(sa.Column("evidence", sa.Text(), nullable=True))
    with op.batch_alter_table("mlc_works") as table:
        table.add_column(sa.Column("alternative_titles", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_table("isrc_musicbrainz_works")
    with op.batch_alter_table("mlc_works") as table:
        table.drop_column("alternative_titles")
    with op.batch_alter_table("artist_songwriters") as table:
        table.drop_column("evidence")
    with op.batch_alter_table("artists") as table:
        table.drop_column("isnis")
        table.drop_column("ipis")
        table.drop_column("aliases")
    with op.batch_alter_table("track_credits") as table:
        table.drop_column("mlc_match_evidence")
        table.drop_column("mlc_match_confidence")
        table.drop_column("mlc_writer_name")
