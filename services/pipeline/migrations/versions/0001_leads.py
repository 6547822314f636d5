"""Leads, and the kit's outbox, inbox and dead-letter tables.

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
        "leads",
        sa.Column("lead_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("contact_phone", sa.String(32), nullable=False),
        sa.Column("contact_title", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("disqualify_reason", sa.String(500), nullable=False),
        sa.Column("qualified_at", UTCDateTime),
        sa.Column("converted_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_leads_region_created", "leads", ["region", "created_at", "lead_id"])
    op.create_index(
        "ix_leads_region_status_created", "leads", ["region", "status", "created_at", "lead_id"]
    )
    op.create_index("ix_leads_owner", "leads", ["owner_id", "created_at"])


def downgrade() -> None:
    op.drop_table("leads")
    drop_messaging_tables()
