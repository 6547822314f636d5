"""Join the archive, contacts and timeline, and satisfaction branches into one head.

The three areas were built side by side from 0001; later migrations of the
customers service start from here.

Revision ID: 0005_merge_areas
Revises: 0002_archive, 0003_contacts_timeline, 0004_satisfaction
Create Date: 2026-11-27
"""

revision = "0005_merge_areas"
down_revision = ("0002_archive", "0003_contacts_timeline", "0004_satisfaction")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
