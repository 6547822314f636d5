"""The catalog's tables: learning paths and their items, role skill profiles.

Revision ID: 0003_catalog_enrollments
Revises: 0002_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_catalog_enrollments"
down_revision = "0002_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learning_paths",
        sa.Column("path_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_learning_paths_role", "learning_paths", ["role", "region", "purpose"])
    op.create_table(
        "learning_path_items",
        sa.Column("path_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False),
    )
    op.create_index("ix_learning_path_items_course", "learning_path_items", ["course_id"])
    op.create_table(
        "skill_profiles",
        sa.Column("profile_id", sa.String(36), primary_key=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("role", "region", "skill", name="uq_skill_profiles_role_skill"),
    )


def downgrade() -> None:
    op.drop_table("skill_profiles")
    op.drop_index("ix_learning_path_items_course", table_name="learning_path_items")
    op.drop_table("learning_path_items")
    op.drop_index("ix_learning_paths_role", table_name="learning_paths")
    op.drop_table("learning_paths")
