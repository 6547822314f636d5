"""The core tables: reps, courses and their modules, enrollments, certifications.

Revision ID: 0002_core
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime
from services.kit.rep_directory import create_reps_table

revision = "0002_core"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_reps_table()
    op.create_table(
        "courses",
        sa.Column("course_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("skills", sa.Text, nullable=False),
        sa.Column("product_lines", sa.Text, nullable=False),
        sa.Column("prerequisites", sa.Text, nullable=False),
        sa.Column("completes_on_assessment", sa.Boolean, nullable=False),
        sa.Column("certifies_product_line", sa.String(100), nullable=False),
        sa.Column("certification_valid_months", sa.Integer, nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "course_modules",
        sa.Column("module_id", sa.String(36), primary_key=True),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
    )
    op.create_index("ix_course_modules_course_id", "course_modules", ["course_id"])
    op.create_table(
        "enrollments",
        sa.Column("enrollment_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("open_course_id", sa.String(36)),
        sa.Column("path_id", sa.String(36), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("rule_id", sa.String(36), nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("assigned_by", sa.String(100), nullable=False),
        sa.Column("assigned_at", UTCDateTime, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("progress_pct", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", UTCDateTime),
        sa.Column("completed_at", UTCDateTime),
        sa.Column("score_bp", sa.Integer, nullable=False),
        sa.Column("waived_by", sa.String(100), nullable=False),
        sa.Column("waive_reason", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("rep_id", "open_course_id", name="uq_enrollments_open_course"),
    )
    op.create_index("ix_enrollments_rep", "enrollments", ["rep_id", "status"])
    op.create_index("ix_enrollments_region", "enrollments", ["region", "status", "due_on"])
    op.create_index("ix_enrollments_course", "enrollments", ["course_id"])
    op.create_table(
        "certifications",
        sa.Column("certification_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("enrollment_id", sa.String(36), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expiring_notified_on", sa.Date),
        sa.Column("revoked_by", sa.String(100), nullable=False),
        sa.Column("revoke_reason", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_certifications_rep", "certifications", ["rep_id", "product_line", "status"])
    op.create_index("ix_certifications_expiry", "certifications", ["status", "valid_until"])
    op.create_index(
        "ix_certifications_region", "certifications", ["region", "product_line", "status"]
    )


def downgrade() -> None:
    for table in ("certifications", "enrollments", "course_modules", "courses", "reps"):
        op.drop_table(table)
