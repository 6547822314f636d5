"""Sales facts and customer copies, fed by the pipeline's and customers' events.

Revision ID: 0005_sales_facts
Revises: 0004_merge_areas
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0005_sales_facts"
down_revision = "0004_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_facts",
        sa.Column("fact_id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("new_customers", sa.Integer, nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_sales_facts_rep", "sales_facts", ["rep_id", "booked_on"])
    op.create_index("ix_sales_facts_unit", "sales_facts", ["unit_id", "booked_on"])
    op.create_index("ix_sales_facts_region", "sales_facts", ["region", "booked_on"])
    op.create_index("ix_sales_facts_contract", "sales_facts", ["contract_id", "kind"])
    op.create_index("ix_sales_facts_customer", "sales_facts", ["customer_id"])
    op.create_table(
        "customer_copies",
        sa.Column("customer_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("first_contract_id", sa.String(36)),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_copies")
    op.drop_table("sales_facts")
