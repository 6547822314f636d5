"""Attainment: FX rates, contract bookings, customer copy sources, event marks, allocation edits.

Revision ID: 0006_attainment
Revises: 0005_sales_facts
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0006_attainment"
down_revision = "0005_sales_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("rate_key", sa.String(32), primary_key=True),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("from_currency", sa.String(3), nullable=False),
        sa.Column("to_currency", sa.String(3), nullable=False),
        sa.Column("rate", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_fx_rates_period", "fx_rates", ["period_code", "from_currency"])
    op.create_index("ix_fx_rates_created", "fx_rates", ["created_at", "rate_key"])
    op.create_table(
        "contract_bookings",
        sa.Column("contract_id", sa.String(36), primary_key=True),
        sa.Column("signed_event_id", sa.String(64), nullable=False),
        sa.Column("cancelled_event_id", sa.String(64), nullable=False),
        sa.Column("cancelled_on", sa.Date),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "customer_copy_sources",
        sa.Column("customer_id", sa.String(36), primary_key=True),
        sa.Column("source_occurred_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "attainment_marks",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("target_id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(120), primary_key=True),
        sa.Column("mark_key", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "allocation_adjustments",
        sa.Column("adjustment_id", sa.String(36), primary_key=True),
        sa.Column("allocation_id", sa.String(36), nullable=False),
        sa.Column("target_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("previous_value", sa.BigInteger, nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("adjusted_at", UTCDateTime, nullable=False),
        sa.Column("adjusted_by", sa.String(100), nullable=False),
    )
    op.create_index(
        "ix_allocation_adjustments_target", "allocation_adjustments", ["target_id", "adjusted_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_allocation_adjustments_target", table_name="allocation_adjustments")
    op.drop_table("allocation_adjustments")
    op.drop_table("attainment_marks")
    op.drop_table("customer_copy_sources")
    op.drop_table("contract_bookings")
    op.drop_index("ix_fx_rates_created", table_name="fx_rates")
    op.drop_index("ix_fx_rates_period", table_name="fx_rates")
    op.drop_table("fx_rates")
