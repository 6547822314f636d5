"""Join the lead routing, sales process and cases branches into one head.

The three areas were built side by side from 0002_reps; later migrations of
the pipeline start from here.

Revision ID: 0006_merge_areas
Revises: 0003_lead_routing, 0004_sales_process, 0005_cases
Create Date: 2026-11-26
"""

revision = "0006_merge_areas"
down_revision = ("0003_lead_routing", "0004_sales_process", "0005_cases")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
