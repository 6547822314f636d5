"""Customers and contacts, and the kit's outbox, inbox and dead-letter tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.schema import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("normalized_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("source_lead_id", sa.String(36)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("source_lead_id", name="uq_customers_source_lead_id"),
    )
    op.create_index(
        "ix_customers_region_created", "customers", ["region", "created_at", "customer_id"]
    )
    op.create_index("ix_customers_owner", "customers", ["owner_id", "created_at"])
    op.create_index("ix_customers_normalized_name", "customers", ["normalized_name"])
    op.create_table(
        "contacts",
        sa.Column("contact_id", sa.String(36), primary_key=True),
        sa.Column(
            "customer_id",
            sa.String(36),
            sa.ForeignKey(
                "customers.customer_id",
                ondelete="CASCADE",
                name="fk_contacts_customer_id_customers",
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_contacts_customer_id", "contacts", ["customer_id"])


def downgrade() -> None:
    op.drop_table("contacts")
    op.drop_table("customers")
    drop_messaging_tables()
