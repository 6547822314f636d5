"""Join the catalog/enrollments, assessments/certifications and rules/coaching branches.

Revision ID: 0004_merge_areas
Revises: 0003_catalog_enrollments, 0003_assessments_certifications, 0003_rules_coaching
Create Date: 2026-11-27
"""

revision = "0004_merge_areas"
down_revision = (
    "0003_catalog_enrollments",
    "0003_assessments_certifications",
    "0003_rules_coaching",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
