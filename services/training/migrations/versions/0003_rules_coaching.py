"""Assignment rules, coaching sessions and their action items.

No default rules are seeded: a rule names a learning path or a course by id,
and no course exists when the schema is created, so rules are data an admin
(or a director of the region) enters through AssignmentRuleService.

Revision ID: 0003_rules_coaching
Revises: 0002_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.db import UTCDateTime

revision = "0003_rules_coaching"
down_revision = "0002_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment_rules",
        sa.Column("rule_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("match", sa.String(100), nullable=False),
        sa.Column("learning_path_id", sa.String(36), nullable=False),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("due_in_days", sa.Integer, nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_assignment_rules_trigger", "assignment_rules", ["trigger", "enabled", "region"]
    )
    op.create_table(
        "coaching_sessions",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("coach_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("session_date", sa.Date, nullable=False),
        sa.Column("focus_skill", sa.String(64), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_coaching_sessions_rep", "coaching_sessions", ["rep_id", "session_date"])
    op.create_index("ix_coaching_sessions_region", "coaching_sessions", ["region", "team_id"])
    op.create_table(
        "coaching_actions",
        sa.Column("action_id", sa.String(36), primary_key=True),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("owner", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.String(100), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("completed_at", UTCDateTime),
        sa.Column("completed_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_coaching_actions_session", "coaching_actions", ["session_id", "position"])
    op.create_index("ix_coaching_actions_open", "coaching_actions", ["completed_at", "due_on"])


def downgrade() -> None:
    for table in ("coaching_actions", "coaching_sessions", "assignment_rules"):
        op.drop_table(table)
