"""Forecasts: reps' forecasts with versions and adjustments, and the opportunity copy.

Revision ID: 0006_forecasts
Revises: 0005_sales_facts
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0006_forecasts"
down_revision = "0005_sales_facts"
branch_labels = None
depends_on = None


def _figures() -> list[sa.Column[int]]:
    return [
        sa.Column("commit_minor", sa.BigInteger, nullable=False),
        sa.Column("best_case_minor", sa.BigInteger, nullable=False),
        sa.Column("pipeline_minor", sa.BigInteger, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "forecasts",
        sa.Column("forecast_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("forecast_version", sa.Integer, nullable=False),
        *_figures(),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("adjusted_commit_minor", sa.BigInteger),
        sa.Column("adjusted_best_case_minor", sa.BigInteger),
        sa.Column("adjusted_pipeline_minor", sa.BigInteger),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("rep_id", "period_code", name="uq_forecasts_rep_period"),
    )
    op.create_index("ix_forecasts_region", "forecasts", ["region", "submitted_at", "forecast_id"])
    op.create_index("ix_forecasts_unit_period", "forecasts", ["unit_id", "period_code"])
    op.create_table(
        "forecast_versions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("forecast_id", sa.String(36), nullable=False),
        sa.Column("forecast_version", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        *_figures(),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("forecast_id", "forecast_version", name="uq_forecast_versions"),
    )
    op.create_table(
        "forecast_adjustments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("forecast_id", sa.String(36), nullable=False),
        sa.Column("forecast_version", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        *_figures(),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("adjusted_by", sa.String(100), nullable=False),
        sa.Column("adjusted_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_forecast_adjustments_forecast", "forecast_adjustments", ["forecast_id", "adjusted_at"]
    )
    op.create_table(
        "opportunity_copies",
        sa.Column("opportunity_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("team_id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("pipeline_id", sa.String(100), nullable=False),
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("probability_bp", sa.Integer, nullable=False),
        sa.Column("forecast_category", sa.String(16), nullable=False),
        sa.Column("expected_close_date", sa.Date),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("known", sa.Boolean, nullable=False),
        sa.Column("stage_occurred_at", UTCDateTime, nullable=False),
        sa.Column("details_occurred_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_opportunity_copies_owner", "opportunity_copies", ["owner_id", "expected_close_date"]
    )
    op.create_index(
        "ix_opportunity_copies_team", "opportunity_copies", ["team_id", "expected_close_date"]
    )


def downgrade() -> None:
    op.drop_table("opportunity_copies")
    op.drop_table("forecast_adjustments")
    op.drop_table("forecast_versions")
    op.drop_table("forecasts")
