"""The local copy of planning's reps and territories.

Revision ID: 0002_reps
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0002_reps"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reps",
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_reps_region_status", "reps", ["region", "status"])
    op.create_index("ix_reps_team", "reps", ["team_id"])
    op.create_index("ix_reps_manager", "reps", ["manager_id"])
    op.create_table(
        "territories",
        sa.Column("territory_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("industries", sa.Text, nullable=False),
        sa.Column("company_sizes", sa.Text, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_territories_region", "territories", ["region", "removed"])
    op.create_table(
        "territory_reps",
        sa.Column(
            "territory_id",
            sa.String(100),
            sa.ForeignKey(
                "territories.territory_id",
                ondelete="CASCADE",
                name="fk_territory_reps_territory_id_territories",
            ),
            primary_key=True,
        ),
        sa.Column("rep_id", sa.String(100), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("territory_reps")
    op.drop_table("territories")
    op.drop_table("reps")
