"""Pipelines, stages, stage gates and opportunities in the pipeline database."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.pipeline.models.base import Base


class PipelineRecord(Base):
    """A sales process: an ordered list of stages."""

    __tablename__ = "pipelines"

    pipeline_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # "new_business", "renewal", ...
    kind: Mapped[str] = mapped_column(sa.String(50))
    # "" applies to every region.
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_pipelines_kind_region", "kind", "region"),)


class StageRecord(Base):
    """One step of a pipeline, with its default probability and forecast category."""

    __tablename__ = "pipeline_stages"

    stage_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    pipeline_id: Mapped[str] = mapped_column(
        sa.String(100), sa.ForeignKey("pipelines.pipeline_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(sa.Integer)
    probability_bp: Mapped[int] = mapped_column(sa.Integer)
    # pipeline, best_case, commit, closed or omitted
    forecast_category: Mapped[str] = mapped_column(sa.String(16))
    # open, won or lost
    kind: Mapped[str] = mapped_column(sa.String(8))

    __table_args__ = (sa.Index("ix_pipeline_stages_pipeline", "pipeline_id", "position"),)


class StageGateRecord(Base):
    """One version of a stage's exit criteria; the highest version is the current one."""

    __tablename__ = "stage_gates"

    stage_id: Mapped[str] = mapped_column(
        sa.String(100),
        sa.ForeignKey("pipeline_stages.stage_id", ondelete="CASCADE"),
        primary_key=True,
    )
    version: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # A JSON list of criteria, as services.pipeline.domain.gates serialises them.
    criteria: Mapped[str] = mapped_column(sa.Text)
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))


class OpportunityRecord(Base):
    """A deal: a customer, an owner, an amount and where it stands in its pipeline."""

    __tablename__ = "opportunities"

    opportunity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    customer_id: Mapped[str] = mapped_column(sa.String(100))
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    # The owner's team from the reps copy at creation or reassignment; "" if unknown.
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    pipeline_id: Mapped[str] = mapped_column(sa.String(100), sa.ForeignKey("pipelines.pipeline_id"))
    stage_id: Mapped[str] = mapped_column(sa.String(100), sa.ForeignKey("pipeline_stages.stage_id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    expected_close_date: Mapped[date | None] = mapped_column(sa.Date)
    next_step: Mapped[str] = mapped_column(sa.String(500), default="")
    # open, won or lost
    status: Mapped[str] = mapped_column(sa.String(8))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    loss_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    lost_to_competitor: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __table_args__ = (
        sa.Index("ix_opportunities_region_created", "region", "created_at", "opportunity_id"),
        sa.Index("ix_opportunities_owner", "owner_id", "created_at"),
        sa.Index("ix_opportunities_customer", "customer_id"),
        sa.Index("ix_opportunities_stage_status", "stage_id", "status"),
    )


class OpportunityLineRecord(Base):
    """A product line of an opportunity: quantity x unit price."""

    __tablename__ = "opportunity_lines"

    opportunity_id: Mapped[str] = mapped_column(
        sa.String(36),
        sa.ForeignKey("opportunities.opportunity_id", ondelete="CASCADE"),
        primary_key=True,
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    product_line: Mapped[str] = mapped_column(sa.String(100))
    quantity: Mapped[int] = mapped_column(sa.BigInteger)
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)


class OpportunityTeamMemberRecord(Base):
    """A person on the deal team and their credit share in basis points."""

    __tablename__ = "opportunity_team_members"

    opportunity_id: Mapped[str] = mapped_column(
        sa.String(36),
        sa.ForeignKey("opportunities.opportunity_id", ondelete="CASCADE"),
        primary_key=True,
    )
    rep_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(50), default="")
    share_bp: Mapped[int] = mapped_column(sa.Integer)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    __table_args__ = (sa.Index("ix_opportunity_team_members_rep", "rep_id"),)


class OpportunityCompetitorRecord(Base):
    """A competitor known to be on the deal."""

    __tablename__ = "opportunity_competitors"

    opportunity_id: Mapped[str] = mapped_column(
        sa.String(36),
        sa.ForeignKey("opportunities.opportunity_id", ondelete="CASCADE"),
        primary_key=True,
    )
    competitor: Mapped[str] = mapped_column(sa.String(200), primary_key=True)


class StageHistoryRecord(Base):
    """A stay of an opportunity in a stage: entered, and exited (null while still there)."""

    __tablename__ = "opportunity_stage_history"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("opportunities.opportunity_id", ondelete="CASCADE")
    )
    stage_id: Mapped[str] = mapped_column(sa.String(100))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    exited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_opportunity_stage_history_opportunity", "opportunity_id", "entered_at"),
        sa.Index("ix_opportunity_stage_history_stage", "stage_id", "entered_at"),
    )
