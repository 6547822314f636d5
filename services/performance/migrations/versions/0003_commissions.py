"""Commission plans, statements, their versions and lines, and disputes.

Revision ID: 0003_commissions
Revises: 0002_facts
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_commissions"
down_revision = "0002_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commission_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("lineage_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_to", sa.Date),
        sa.Column("rules_json", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("previous_plan_id", sa.String(36), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("approved_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_commission_plans_scope", "commission_plans", ["region", "role", "status"])
    op.create_index("ix_commission_plans_lineage", "commission_plans", ["lineage_id"])
    op.create_table(
        "commission_statements",
        sa.Column("statement_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("period_starts_on", sa.Date, nullable=False),
        sa.Column("period_ends_on", sa.Date, nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total_minor", sa.BigInteger, nullable=False),
        sa.Column("revenue_minor", sa.BigInteger, nullable=False),
        sa.Column("quota_minor", sa.BigInteger),
        sa.Column("attainment_bp", sa.Integer, nullable=False),
        sa.Column("draw_balance_minor", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("calculated_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("rep_id", "period_code", name="uq_commission_statements_rep_period"),
    )
    op.create_index(
        "ix_commission_statements_rep_ends", "commission_statements", ["rep_id", "period_ends_on"]
    )
    op.create_index(
        "ix_commission_statements_region_period", "commission_statements", ["region", "period_code"]
    )
    op.create_table(
        "commission_statement_versions",
        sa.Column("statement_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("total_minor", sa.BigInteger, nullable=False),
        sa.Column("computed_json", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "commission_statement_lines",
        sa.Column("line_id", sa.String(36), primary_key=True),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("statement_version", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("rule", sa.String(300), nullable=False),
        sa.Column("explanation_json", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_commission_lines_statement", "commission_statement_lines", ["statement_id", "sequence"]
    )
    op.create_table(
        "commission_disputes",
        sa.Column("dispute_id", sa.String(36), primary_key=True),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("line_id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolution_comment", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("adjustment_minor", sa.BigInteger),
        sa.Column("adjustment_line_id", sa.String(36), nullable=False),
        sa.Column("raised_at", UTCDateTime, nullable=False),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("resolved_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_commission_disputes_statement", "commission_disputes", ["statement_id"])
    op.create_index(
        "ix_commission_disputes_region_status", "commission_disputes", ["region", "status"]
    )


def downgrade() -> None:
    for table in (
        "commission_disputes",
        "commission_statement_lines",
        "commission_statement_versions",
        "commission_statements",
        "commission_plans",
    ):
        op.drop_table(table)
