"""Join the fact handlers, commissions, scorecards and incentives/inspections branches.

Revision ID: 0004_merge_areas
Revises: 0003_fact_handlers, 0003_commissions, 0003_scorecards, 0003_incentives_inspections
Create Date: 2026-11-27
"""

revision = "0004_merge_areas"
down_revision = (
    "0003_fact_handlers",
    "0003_commissions",
    "0003_scorecards",
    "0003_incentives_inspections",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
