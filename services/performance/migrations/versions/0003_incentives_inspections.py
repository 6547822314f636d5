"""Rewards and penalties (incentives), inspection rules, inspection runs and violations.

Revision ID: 0003_incentives_inspections
Revises: 0002_facts
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_incentives_inspections"
down_revision = "0002_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incentives",
        sa.Column("incentive_id", sa.String(36), primary_key=True),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("points", sa.BigInteger, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("violation_ids", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("proposed_by", sa.String(100), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("rejection_reason", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_incentives_region_category", "incentives", ["region", "category", "created_at"]
    )
    op.create_index("ix_incentives_rep", "incentives", ["rep_id", "created_at"])
    op.create_table(
        "inspection_rules",
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("rule", sa.String(32), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("stale_days", sa.Integer, nullable=False),
        sa.Column("authorities", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "inspections",
        sa.Column("inspection_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(10), nullable=False),
        sa.Column("as_of", UTCDateTime, nullable=False),
        sa.Column("outcomes", sa.Text, nullable=False),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("recorded", sa.Integer, nullable=False),
        sa.Column("started_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_inspections_region_period", "inspections", ["region", "period_code"])
    op.create_table(
        "violations",
        sa.Column("violation_id", sa.String(36), primary_key=True),
        sa.Column("inspection_id", sa.String(36), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("dismissal_reason", sa.Text, nullable=False),
        sa.Column("penalty_id", sa.String(36), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("rule", "subject_id", "period_code", name="uq_violations_finding"),
    )
    op.create_index(
        "ix_violations_region_period", "violations", ["region", "period_code", "status"]
    )
    op.create_index("ix_violations_rep", "violations", ["rep_id", "created_at"])
    op.create_index("ix_violations_inspection", "violations", ["inspection_id"])


def downgrade() -> None:
    for table in ("violations", "inspections", "inspection_rules", "incentives"):
        op.drop_table(table)
