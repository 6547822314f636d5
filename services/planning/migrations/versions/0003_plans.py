"""Plans: sales plan versions per org unit and fiscal period.

Revision ID: 0003_plans
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_plans"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("org_unit_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("strategy", sa.Text, nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("previous_plan_id", sa.String(36)),
        sa.Column("rejection_reason", sa.Text, nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_plans_region", "plans", ["region", "created_at", "plan_id"])
    op.create_index("ix_plans_unit_period", "plans", ["org_unit_id", "period_code", "status"])
    op.create_table(
        "plan_targets",
        sa.Column("target_id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("metric", sa.String(24), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_plan_targets_plan", "plan_targets", ["plan_id", "created_at", "target_id"])
    op.create_table(
        "target_allocations",
        sa.Column("allocation_id", sa.String(36), primary_key=True),
        sa.Column("target_id", sa.String(36), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("parent_unit_id", sa.String(36), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(24), nullable=False),
        sa.Column("over_allocation_bp", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_target_allocations_target", "target_allocations", ["target_id"])
    op.create_index("ix_target_allocations_rep", "target_allocations", ["rep_id"])


def downgrade() -> None:
    op.drop_index("ix_target_allocations_rep", table_name="target_allocations")
    op.drop_index("ix_target_allocations_target", table_name="target_allocations")
    op.drop_table("target_allocations")
    op.drop_index("ix_plan_targets_plan", table_name="plan_targets")
    op.drop_table("plan_targets")
    op.drop_index("ix_plans_unit_period", table_name="plans")
    op.drop_index("ix_plans_region", table_name="plans")
    op.drop_table("plans")
