"""Join the organisation and plans branches into one head.

Revision ID: 0004_merge_areas
Revises: 0002_organisation, 0003_plans
Create Date: 2026-11-27
"""

revision = "0004_merge_areas"
down_revision = ("0002_organisation", "0003_plans")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
