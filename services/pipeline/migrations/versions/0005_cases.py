"""After-sales service cases and the regions' resolution SLA overrides.

Revision ID: 0005_cases
Revises: 0002_reps
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0005_cases"
down_revision = "0002_reps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("assignee_id", sa.String(100), nullable=False),
        sa.Column("sla_hours", sa.Integer, nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("sla_breached_at", UTCDateTime),
        sa.Column("started_at", UTCDateTime),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("resolved_by", sa.String(100), nullable=False),
        sa.Column("resolution_note", sa.Text, nullable=False),
        sa.Column("satisfaction_score", sa.Integer),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("reopen_count", sa.Integer, nullable=False),
        sa.Column("reopen_reason", sa.String(1000), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "satisfaction_score IS NULL OR satisfaction_score BETWEEN 1 AND 5",
            name="ck_cases_satisfaction_score_range",
        ),
    )
    op.create_index("ix_cases_region_created", "cases", ["region", "created_at", "case_id"])
    op.create_index("ix_cases_status_due", "cases", ["status", "due_at"])
    op.create_index("ix_cases_assignee", "cases", ["assignee_id", "created_at"])
    op.create_index("ix_cases_customer", "cases", ["customer_id", "created_at"])
    op.create_table(
        "case_sla_policies",
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("urgent_hours", sa.Integer),
        sa.Column("high_hours", sa.Integer),
        sa.Column("normal_hours", sa.Integer),
        sa.Column("low_hours", sa.Integer),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_sla_policies")
    op.drop_index("ix_cases_customer", "cases")
    op.drop_index("ix_cases_assignee", "cases")
    op.drop_index("ix_cases_status_due", "cases")
    op.drop_index("ix_cases_region_created", "cases")
    op.drop_table("cases")
