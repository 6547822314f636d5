"""Evaluations: a manager's rating of a rep for a period beside a snapshot of their score.

One per rep and period (unique). `score_lines` keeps the scorecard's lines as
they were when the evaluation was written (or last refreshed as a draft),
JSON, so the rating is always read beside the score it was given against.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.performance.models.base import Base


class EvaluationRecord(Base):
    """A rep's evaluation for a fiscal period (domain.evaluations has its rules)."""

    __tablename__ = "evaluations"

    evaluation_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    period_code: Mapped[str] = mapped_column(sa.String(16))
    manager_id: Mapped[str] = mapped_column(sa.String(100))
    # draft, shared, acknowledged, appealed or resolved
    status: Mapped[str] = mapped_column(sa.String(16))
    rating: Mapped[int] = mapped_column(sa.Integer)
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    score_total_points: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    score_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    score_published: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    score_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # JSON array of the scorecard's lines (domain.scorecards.ScoredKpi as dicts).
    score_lines: Mapped[str] = mapped_column(sa.Text, default="[]")
    # 0 until a calibration changed the rating.
    rating_before_calibration: Mapped[int] = mapped_column(sa.Integer, default=0)
    calibration_reason: Mapped[str] = mapped_column(sa.Text, default="")
    calibrated_by: Mapped[str] = mapped_column(sa.String(100), default="")
    calibrated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    appeal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # "", upheld or changed
    appeal_outcome: Mapped[str] = mapped_column(sa.String(16), default="")
    rating_before_appeal: Mapped[int] = mapped_column(sa.Integer, default=0)
    resolution_comment: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_by: Mapped[str] = mapped_column(sa.String(100), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.UniqueConstraint("rep_id", "period_code", name="uq_evaluations_rep_period"),
        sa.Index("ix_evaluations_region_period", "region", "period_code"),
        sa.Index("ix_evaluations_team_period", "team_id", "period_code"),
    )
