"""Organisation: org units, people, assignment history, territories and their reps.

Revision ID: 0002_organisation
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0002_organisation"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_units",
        sa.Column("unit_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.String(36)),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("code", name="uq_org_units_code"),
    )
    op.create_index("ix_org_units_parent", "org_units", ["parent_id"])
    op.create_index("ix_org_units_region", "org_units", ["region", "created_at", "unit_id"])
    op.create_table(
        "people",
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team_unit_id", sa.String(36), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("hire_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_people_region", "people", ["region", "created_at", "rep_id"])
    op.create_index("ix_people_team", "people", ["team_unit_id"])
    op.create_table(
        "rep_assignments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_to", sa.Date),
    )
    op.create_index("ix_rep_assignments_rep", "rep_assignments", ["rep_id", "effective_from"])
    op.create_table(
        "territories",
        sa.Column("territory_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("industries", sa.Text, nullable=False),
        sa.Column("company_sizes", sa.Text, nullable=False),
        sa.Column("market_potential_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_territories_region", "territories", ["region", "created_at", "territory_id"]
    )
    op.create_table(
        "territory_reps",
        sa.Column("territory_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), primary_key=True),
    )
    op.create_index("ix_territory_reps_rep", "territory_reps", ["rep_id"])


def downgrade() -> None:
    op.drop_table("territory_reps")
    op.drop_table("territories")
    op.drop_table("rep_assignments")
    op.drop_table("people")
    op.drop_table("org_units")
