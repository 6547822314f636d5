"""Assessments (questions with their answer keys, scored attempts) and required certifications.

Revision ID: 0003_assessments_certifications
Revises: 0002_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_assessments_certifications"
down_revision = "0002_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("assessment_id", sa.String(36), primary_key=True),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("pass_mark_bp", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_assessments_course_id", "assessments", ["course_id"])
    op.create_table(
        "assessment_questions",
        sa.Column("question_id", sa.String(36), primary_key=True),
        sa.Column("assessment_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("correct_options", sa.String(200), nullable=False),
    )
    op.create_index(
        "ix_assessment_questions_assessment_id", "assessment_questions", ["assessment_id"]
    )
    op.create_table(
        "assessment_attempts",
        sa.Column("attempt_id", sa.String(36), primary_key=True),
        sa.Column("assessment_id", sa.String(36), nullable=False),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("enrollment_id", sa.String(36), nullable=False),
        sa.Column("attempt_number", sa.Integer, nullable=False),
        sa.Column("score_points", sa.Integer, nullable=False),
        sa.Column("total_points", sa.Integer, nullable=False),
        sa.Column("score_bp", sa.Integer, nullable=False),
        sa.Column("pass_mark_bp", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("completed_course", sa.Boolean, nullable=False),
        sa.Column("results", sa.JSON, nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "assessment_id", "rep_id", "attempt_number", name="uq_assessment_attempts_number"
        ),
    )
    op.create_index(
        "ix_assessment_attempts_rep", "assessment_attempts", ["rep_id", "assessment_id"]
    )
    op.create_index(
        "ix_assessment_attempts_region", "assessment_attempts", ["region", "submitted_at"]
    )
    op.create_table(
        "required_certifications",
        sa.Column("requirement_id", sa.String(36), primary_key=True),
        sa.Column("product_line", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("certification_course_id", sa.String(36), nullable=False),
        sa.Column("recertification_course_id", sa.String(36), nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("product_line", "region", name="uq_required_certifications_line"),
    )
    op.create_table(
        "certification_grants",
        sa.Column("certification_id", sa.String(36), primary_key=True),
        sa.Column("granted_by", sa.String(100), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("granted_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("certification_grants")
    op.drop_table("required_certifications")
    op.drop_table("assessment_attempts")
    op.drop_table("assessment_questions")
    op.drop_table("assessments")
