"""The fact store: reps, facts, quotas, credits and opportunity states.

Revision ID: 0002_facts
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.rep_directory import create_reps_table

revision = "0002_facts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_reps_table()
    op.create_table(
        "facts",
        sa.Column("fact_id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("value_bp", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_facts_rep_kind_day", "facts", ["rep_id", "kind", "occurred_on"])
    op.create_index("ix_facts_region_kind_day", "facts", ["region", "kind", "occurred_on"])
    op.create_index("ix_facts_kind_subject", "facts", ["kind", "subject_id"])
    op.create_index("ix_facts_event", "facts", ["event_id"])
    op.create_table(
        "quotas",
        sa.Column("target_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(24), nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_quotas_rep_period", "quotas", ["rep_id", "period_code", "metric"])
    op.create_table(
        "credits",
        sa.Column("credit_id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("opportunity_id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_rep_id", sa.String(100), nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("share_bp", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("credited_on", sa.Date, nullable=False),
        sa.Column("reverses_credit_id", sa.String(36)),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_credits_rep_day", "credits", ["rep_id", "credited_on"])
    op.create_index("ix_credits_contract", "credits", ["contract_id"])
    op.create_index("ix_credits_region_day", "credits", ["region", "credited_on"])
    op.create_table(
        "opportunity_states",
        sa.Column("opportunity_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("probability_bp", sa.Integer, nullable=False),
        sa.Column("expected_close_date", sa.Date),
        sa.Column("opened_at", UTCDateTime),
        sa.Column("last_activity_at", UTCDateTime),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_opportunity_states_owner", "opportunity_states", ["owner_id", "status"])
    op.create_index(
        "ix_opportunity_states_region",
        "opportunity_states",
        ["region", "status", "last_activity_at"],
    )


def downgrade() -> None:
    for table in ("opportunity_states", "credits", "quotas", "facts", "reps"):
        op.drop_table(table)
