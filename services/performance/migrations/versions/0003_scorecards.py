"""KPI sets, published scorecards, gap marks and evaluations; the default KPI sets.

- `kpi_sets`, `kpis` (models/kpis.py), seeded with a default set for reps and
  one for managers, for every region, in effect from FY2000.
- `scorecards`, `scorecard_lines`, `gap_marks` (models/scorecards.py).
- `evaluations` (models/evaluations.py).

Revision ID: 0003_scorecards
Revises: 0002_facts
Create Date: 2026-11-27
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.kit.config import Settings
from services.kit.db import UTCDateTime
from services.kit.fiscal import FiscalCalendar

revision = "0003_scorecards"
down_revision = "0002_facts"
branch_labels = None
depends_on = None

DEFAULT_FROM = "FY2000"
# (code, name, source, target_kind, target_value, floor_bp, stretch_bp, weight_bp, skill, required)
REP_KPIS = (
    (
        "revenue",
        "Revenue attainment",
        "revenue_attainment",
        "quota",
        0,
        5000,
        12000,
        3500,
        "closing",
        [],
    ),
    (
        "new_customers",
        "New customers",
        "new_customers",
        "quota",
        0,
        5000,
        15000,
        1500,
        "prospecting",
        [],
    ),
    ("win_rate", "Win rate", "win_rate", "fixed", 2500, 4000, 16000, 1500, "negotiation", []),
    (
        "activities",
        "Activity volume",
        "activity_volume",
        "fixed",
        60,
        5000,
        15000,
        1000,
        "prospecting",
        [],
    ),
    ("csat", "Average CSAT", "average_csat", "fixed", 400, 7500, 11250, 1000, "customer_care", []),
    (
        "training",
        "Training compliance",
        "training_compliance",
        "fixed",
        8000,
        5000,
        12500,
        500,
        "compliance",
        ["cert:*"],
    ),
    (
        "coverage",
        "Pipeline coverage",
        "pipeline_coverage",
        "fixed",
        30000,
        3333,
        13334,
        1000,
        "pipeline_management",
        [],
    ),
)
MANAGER_KPIS = (
    (
        "revenue",
        "Team revenue attainment",
        "revenue_attainment",
        "quota",
        0,
        5000,
        12000,
        5000,
        "closing",
        [],
    ),
    ("win_rate", "Win rate", "win_rate", "fixed", 2500, 4000, 16000, 1500, "negotiation", []),
    (
        "new_customers",
        "New customers",
        "new_customers",
        "quota",
        0,
        5000,
        15000,
        1000,
        "prospecting",
        [],
    ),
    (
        "coverage",
        "Pipeline coverage",
        "pipeline_coverage",
        "fixed",
        30000,
        3333,
        13334,
        1500,
        "pipeline_management",
        [],
    ),
    ("csat", "Average CSAT", "average_csat", "fixed", 400, 7500, 11250, 1000, "customer_care", []),
)


def _seed() -> None:
    kpi_sets = sa.table(
        "kpi_sets",
        *(
            sa.column(name)
            for name in (
                "kpi_set_id",
                "role",
                "region",
                "effective_from_code",
                "effective_from",
                "set_version",
                "description",
                "created_at",
                "created_by",
            )
        ),
    )
    kpis = sa.table(
        "kpis",
        *(
            sa.column(name)
            for name in (
                "kpi_set_id",
                "code",
                "position",
                "name",
                "source",
                "direction",
                "target_kind",
                "target_value",
                "floor_bp",
                "target_score",
                "stretch_bp",
                "weight_bp",
                "skill_area",
                "required_training",
            )
        ),
    )
    calendar = FiscalCalendar(Settings.from_env().fiscal_year_start_month)
    starts = calendar.period(DEFAULT_FROM).starts_at.date()
    now = datetime.now(UTC)
    for role, rows in (("rep", REP_KPIS), ("manager", MANAGER_KPIS)):
        set_id = str(uuid.uuid4())
        op.bulk_insert(
            kpi_sets,
            [
                {
                    "kpi_set_id": set_id,
                    "role": role,
                    "region": "",
                    "effective_from_code": DEFAULT_FROM,
                    "effective_from": starts,
                    "set_version": 1,
                    "description": f"The default {role} KPIs (seeded by migration 0003_scorecards)",
                    "created_at": now,
                    "created_by": "system",
                }
            ],
        )
        op.bulk_insert(
            kpis,
            [
                {
                    "kpi_set_id": set_id,
                    "code": code,
                    "position": position,
                    "name": name,
                    "source": source,
                    "direction": "higher",
                    "target_kind": kind,
                    "target_value": value,
                    "floor_bp": floor_bp,
                    "target_score": 80,
                    "stretch_bp": stretch_bp,
                    "weight_bp": weight,
                    "skill_area": skill,
                    "required_training": json.dumps(required),
                }
                for position, (
                    code,
                    name,
                    source,
                    kind,
                    value,
                    floor_bp,
                    stretch_bp,
                    weight,
                    skill,
                    required,
                ) in enumerate(rows)
            ],
        )


def upgrade() -> None:
    op.create_table(
        "kpi_sets",
        sa.Column("kpi_set_id", sa.String(36), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("effective_from_code", sa.String(16), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("set_version", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint(
            "role", "region", "effective_from", "set_version", name="uq_kpi_sets_version"
        ),
    )
    op.create_table(
        "kpis",
        sa.Column("kpi_set_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("target_kind", sa.String(8), nullable=False),
        sa.Column("target_value", sa.BigInteger, nullable=False),
        sa.Column("floor_bp", sa.Integer, nullable=False),
        sa.Column("target_score", sa.Integer, nullable=False),
        sa.Column("stretch_bp", sa.Integer, nullable=False),
        sa.Column("weight_bp", sa.Integer, nullable=False),
        sa.Column("skill_area", sa.String(40), nullable=False),
        sa.Column("required_training", sa.Text, nullable=False),
    )
    op.create_table(
        "scorecards",
        sa.Column("scorecard_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("kpi_set_id", sa.String(36), nullable=False),
        sa.Column("total_points", sa.BigInteger, nullable=False),
        sa.Column("total_score", sa.Integer, nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("rep_id", "period_code", name="uq_scorecards_rep_period"),
    )
    op.create_index("ix_scorecards_region_period", "scorecards", ["region", "period_code"])
    op.create_index("ix_scorecards_team_period", "scorecards", ["team_id", "period_code"])
    op.create_table(
        "scorecard_lines",
        sa.Column("scorecard_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("target", sa.BigInteger, nullable=False),
        sa.Column("floor", sa.BigInteger, nullable=False),
        sa.Column("stretch", sa.BigInteger, nullable=False),
        sa.Column("floor_bp", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("weight_bp", sa.Integer, nullable=False),
        sa.Column("weighted_points", sa.BigInteger, nullable=False),
        sa.Column("scored", sa.Boolean, nullable=False),
        sa.Column("skill_area", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "gap_marks",
        sa.Column("rep_id", sa.String(100), primary_key=True),
        sa.Column("period_code", sa.String(16), primary_key=True),
        sa.Column("kpi_code", sa.String(40), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("threshold", sa.BigInteger, nullable=False),
        sa.Column("skill_area", sa.String(40), nullable=False),
        sa.Column("found_in", sa.String(16), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("detected_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "evaluations",
        sa.Column("evaluation_id", sa.String(36), primary_key=True),
        sa.Column("rep_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(100), nullable=False),
        sa.Column("period_code", sa.String(16), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comments", sa.Text, nullable=False),
        sa.Column("score_total_points", sa.BigInteger, nullable=False),
        sa.Column("score_total", sa.Integer, nullable=False),
        sa.Column("score_published", sa.Boolean, nullable=False),
        sa.Column("score_at", UTCDateTime, nullable=False),
        sa.Column("score_lines", sa.Text, nullable=False),
        sa.Column("rating_before_calibration", sa.Integer, nullable=False),
        sa.Column("calibration_reason", sa.Text, nullable=False),
        sa.Column("calibrated_by", sa.String(100), nullable=False),
        sa.Column("calibrated_at", UTCDateTime),
        sa.Column("acknowledged_at", UTCDateTime),
        sa.Column("appeal_reason", sa.Text, nullable=False),
        sa.Column("appealed_at", UTCDateTime),
        sa.Column("appeal_outcome", sa.String(16), nullable=False),
        sa.Column("rating_before_appeal", sa.Integer, nullable=False),
        sa.Column("resolution_comment", sa.Text, nullable=False),
        sa.Column("resolved_by", sa.String(100), nullable=False),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("rep_id", "period_code", name="uq_evaluations_rep_period"),
    )
    op.create_index("ix_evaluations_region_period", "evaluations", ["region", "period_code"])
    op.create_index("ix_evaluations_team_period", "evaluations", ["team_id", "period_code"])
    _seed()


def downgrade() -> None:
    op.drop_table("evaluations")
    op.drop_table("gap_marks")
    op.drop_table("scorecard_lines")
    op.drop_table("scorecards")
    op.drop_table("kpis")
    op.drop_table("kpi_sets")
