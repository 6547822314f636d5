"""Join the attainment, forecasts and market/reviews branches into one head.

Revision ID: 0007_merge_areas
Revises: 0006_attainment, 0006_forecasts, 0006_market_reviews
Create Date: 2026-11-27
"""

revision = "0007_merge_areas"
down_revision = ("0006_attainment", "0006_forecasts", "0006_market_reviews")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
