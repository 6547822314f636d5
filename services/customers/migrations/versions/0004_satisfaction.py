"""Satisfaction and loyalty: survey responses, a copy of the cases, account health.

Revision ID: 0004_satisfaction
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0004_satisfaction"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("response_id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("contact_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("responded_at", UTCDateTime, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(100)),
        sa.Column("source_event_id", sa.String(64)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.CheckConstraint(
            "(kind = 'csat' AND score BETWEEN 1 AND 5)"
            " OR (kind = 'nps' AND score BETWEEN 0 AND 10)",
            name="ck_survey_responses_score_range",
        ),
        sa.UniqueConstraint("external_id", name="uq_survey_responses_external_id"),
        sa.UniqueConstraint("source_event_id", name="uq_survey_responses_source_event_id"),
    )
    op.create_index(
        "ix_survey_responses_kind_responded",
        "survey_responses",
        ["kind", "responded_at", "region"],
    )
    op.create_index(
        "ix_survey_responses_customer", "survey_responses", ["customer_id", "kind", "responded_at"]
    )
    op.create_index(
        "ix_survey_responses_region_created",
        "survey_responses",
        ["region", "created_at", "response_id"],
    )
    op.create_table(
        "case_copies",
        sa.Column("case_id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("opened_at", UTCDateTime),
        sa.Column("due_at", UTCDateTime),
        sa.Column("sla_breached_at", UTCDateTime),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("satisfaction_score", sa.Integer),
    )
    op.create_index("ix_case_copies_customer", "case_copies", ["customer_id", "resolved_at"])
    op.create_table(
        "customer_health",
        sa.Column("account_id", sa.String(100), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("factors", sa.Text, nullable=False),
        sa.Column("assessed_at", UTCDateTime, nullable=False),
        sa.Column("band_since", UTCDateTime, nullable=False),
        sa.Column("at_risk_count", sa.Integer, nullable=False),
        sa.Column("loyalty_tier", sa.String(16), nullable=False),
        sa.Column("relationship_years", sa.Integer, nullable=False),
        sa.Column("loyalty_reason", sa.String(500), nullable=False),
        sa.Column("loyalty_since", UTCDateTime),
    )
    op.create_index(
        "ix_customer_health_band", "customer_health", ["band", "band_since", "account_id"]
    )
    op.create_index(
        "ix_customer_health_region", "customer_health", ["region", "band_since", "account_id"]
    )


def downgrade() -> None:
    op.drop_table("customer_health")
    op.drop_table("case_copies")
    op.drop_table("survey_responses")
