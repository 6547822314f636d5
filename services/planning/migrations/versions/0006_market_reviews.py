"""Market segments, competitors, intelligence entries; period reviews and improvement actions.

Revision ID: 0006_market_reviews
Revises: 0005_sales_facts
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0006_market_reviews"
down_revision = "0005_sales_facts"
branch_labels = None
depends_on = None


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "market_segments",
        sa.Column("segment_id", sa.String(36), primary_key=True),
        sa.Column("territory_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("size_minor", sa.BigInteger, nullable=False),
        sa.Column("potential_minor", sa.BigInteger, nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        *_audit(),
        sa.UniqueConstraint(
            "territory_id", "name_key", "period_code", name="uq_market_segments_name"
        ),
    )
    op.create_index(
        "ix_market_segments_region", "market_segments", ["region", "created_at", "segment_id"]
    )
    op.create_table(
        "competitors",
        sa.Column("competitor_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("website", sa.String(253), nullable=False),
        sa.Column("products", sa.Text, nullable=False),
        sa.Column("strengths", sa.Text, nullable=False),
        sa.Column("weaknesses", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        *_audit(),
        sa.UniqueConstraint("name_key", name="uq_competitors_name_key"),
    )
    op.create_table(
        "intel_entries",
        sa.Column("intel_id", sa.String(36), primary_key=True),
        sa.Column("competitor_id", sa.String(36), nullable=False),
        sa.Column("territory_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("observed_at", UTCDateTime, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("origin", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_intel_entries_region", "intel_entries", ["region", "observed_at", "intel_id"]
    )
    op.create_index("ix_intel_entries_competitor", "intel_entries", ["competitor_id"])
    op.create_index("ix_intel_entries_origin", "intel_entries", ["origin"])
    op.create_table(
        "reviews",
        sa.Column("review_id", sa.String(36), primary_key=True),
        sa.Column("org_unit_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("period_starts_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("filled_at", UTCDateTime, nullable=False),
        sa.Column("closed_by", sa.String(100), nullable=False),
        sa.Column("closed_at", UTCDateTime),
        *_audit(),
        sa.UniqueConstraint("org_unit_id", "period_code", name="uq_reviews_unit_period"),
    )
    op.create_index("ix_reviews_region", "reviews", ["region", "created_at", "review_id"])
    op.create_table(
        "improvement_actions",
        sa.Column("action_id", sa.String(36), primary_key=True),
        sa.Column("review_id", sa.String(36), nullable=False),
        sa.Column("org_unit_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("drop_reason", sa.Text, nullable=False),
        sa.Column("done_at", UTCDateTime),
        sa.Column("overdue_reported_for", sa.Date),
        *_audit(),
    )
    op.create_index("ix_improvement_actions_review", "improvement_actions", ["review_id"])
    op.create_index("ix_improvement_actions_unit", "improvement_actions", ["org_unit_id", "status"])
    op.create_index("ix_improvement_actions_owner", "improvement_actions", ["owner_id"])


def downgrade() -> None:
    op.drop_table("improvement_actions")
    op.drop_table("reviews")
    op.drop_table("intel_entries")
    op.drop_table("competitors")
    op.drop_table("market_segments")
