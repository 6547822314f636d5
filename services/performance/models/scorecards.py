"""Published scorecards, their lines, and the marks that make gap events happen once.

A published scorecard is immutable: one per rep and period (unique), written
once at or after the period's close with the lines as they were scored then.
A live preview is never stored; it is computed on request
(`scorecard_store.live_card`). `gap_marks` remembers each rep x KPI x period a
`performance.gap.detected` was emitted for, so it is emitted once.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.performance.domain.scorecards import ScoredCard, ScoredKpi
from services.performance.models.base import Base


class ScorecardRecord(Base):
    """A rep's published scorecard for a fiscal period."""

    __tablename__ = "scorecards"

    scorecard_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    role: Mapped[str] = mapped_column(sa.String(16))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    kpi_set_id: Mapped[str] = mapped_column(sa.String(36))
    # Sum of the lines' weighted points (ten-thousandths of a point; 1,000,000 = 100).
    total_points: Mapped[int] = mapped_column(sa.BigInteger)
    total_score: Mapped[int] = mapped_column(sa.Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.UniqueConstraint("rep_id", "period_code", name="uq_scorecards_rep_period"),
        sa.Index("ix_scorecards_region_period", "region", "period_code"),
        sa.Index("ix_scorecards_team_period", "team_id", "period_code"),
    )


class ScorecardLineRecord(Base):
    """One KPI of a published scorecard, as scored at publication."""

    __tablename__ = "scorecard_lines"

    scorecard_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(32))
    direction: Mapped[str] = mapped_column(sa.String(8))
    unit: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    value: Mapped[int] = mapped_column(sa.BigInteger)
    target: Mapped[int] = mapped_column(sa.BigInteger)
    floor: Mapped[int] = mapped_column(sa.BigInteger)
    stretch: Mapped[int] = mapped_column(sa.BigInteger)
    floor_bp: Mapped[int] = mapped_column(sa.Integer)
    score: Mapped[int] = mapped_column(sa.Integer)
    weight_bp: Mapped[int] = mapped_column(sa.Integer)
    weighted_points: Mapped[int] = mapped_column(sa.BigInteger)
    scored: Mapped[bool] = mapped_column(sa.Boolean)
    skill_area: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    def scored_kpi(self) -> ScoredKpi:
        return ScoredKpi(
            code=self.code,
            name=self.name,
            source=self.source,
            direction=self.direction,
            unit=self.unit,
            currency=self.currency,
            value=self.value,
            target=self.target,
            floor=self.floor,
            stretch=self.stretch,
            floor_bp=self.floor_bp,
            score=self.score,
            weight_bp=self.weight_bp,
            weighted_points=self.weighted_points,
            scored=self.scored,
            skill_area=self.skill_area,
            note=self.note,
        )


def line_rows(scorecard_id: str, card: ScoredCard) -> list[ScorecardLineRecord]:
    return [
        ScorecardLineRecord(
            scorecard_id=scorecard_id,
            code=line.code,
            position=position,
            name=line.name,
            source=line.source,
            direction=line.direction,
            unit=line.unit,
            currency=line.currency,
            value=line.value,
            target=line.target,
            floor=line.floor,
            stretch=line.stretch,
            floor_bp=line.floor_bp,
            score=line.score,
            weight_bp=line.weight_bp,
            weighted_points=line.weighted_points,
            scored=line.scored,
            skill_area=line.skill_area,
            note=line.note,
        )
        for position, line in enumerate(card.lines)
    ]


class GapMarkRecord(Base):
    """A `performance.gap.detected` emitted for a rep, KPI and period (once each)."""

    __tablename__ = "gap_marks"

    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    period_code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    kpi_code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    value: Mapped[int] = mapped_column(sa.BigInteger)
    threshold: Mapped[int] = mapped_column(sa.BigInteger)
    skill_area: Mapped[str] = mapped_column(sa.String(40))
    # "published" or "live": which scorecard found it.
    found_in: Mapped[str] = mapped_column(sa.String(16))
    event_id: Mapped[str] = mapped_column(sa.String(64))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
