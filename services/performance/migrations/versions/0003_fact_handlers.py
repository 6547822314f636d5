"""The fact handlers' bookkeeping, and the approver's authority on quote discount facts.

- `fact_contract_bookings`, `fact_customer_firsts` (models/fact_bookings.py):
  each contract booked once, cancel-before-sign, new customers once.
- `facts.approver_role`, `facts.approver_authority_bp`, `facts.approver_unlimited`:
  the authority that approved a QUOTE_DISCOUNT (from `pipeline.quote.approved`).

Revision ID: 0003_fact_handlers
Revises: 0002_facts
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_fact_handlers"
down_revision = "0002_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facts") as batch:
        batch.add_column(
            sa.Column("approver_role", sa.String(32), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("approver_authority_bp", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("approver_unlimited", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "fact_contract_bookings",
        sa.Column("contract_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("signed_event_id", sa.String(64), nullable=False),
        sa.Column("signed_on", sa.Date),
        sa.Column("new_customer", sa.Boolean, nullable=False),
        sa.Column("cancelled_event_id", sa.String(64), nullable=False),
        sa.Column("cancelled_on", sa.Date),
        sa.Column("cancelled_at", UTCDateTime),
        sa.Column("credits_reversed", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "fact_customer_firsts",
        sa.Column("customer_id", sa.String(36), primary_key=True),
        sa.Column("first_contract_id", sa.String(36)),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fact_customer_firsts")
    op.drop_table("fact_contract_bookings")
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("approver_unlimited")
        batch.drop_column("approver_authority_bp")
        batch.drop_column("approver_role")
