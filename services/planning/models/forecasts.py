"""Forecasts: reps' submissions per period (with versions and adjustments) and the opportunity copy.

`forecasts` holds one row per rep and period with the latest submitted
figures and, while it stands, the latest adjustment; `forecast_versions` and
`forecast_adjustments` keep the history. `opportunity_copies` is planning's
local copy of the pipeline's opportunities (event-carried state from
`pipeline.opportunity.*`), which the weighted pipeline is computed from.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.planning.models.base import Base


class ForecastRecord(Base):
    """A rep's forecast for one fiscal period: the latest version, and its adjustment if any."""

    __tablename__ = "forecasts"

    forecast_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    # The rep's team when the latest version was submitted.
    unit_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3))
    # submitted or adjusted
    status: Mapped[str] = mapped_column(sa.String(16))
    forecast_version: Mapped[int] = mapped_column(sa.Integer)
    commit_minor: Mapped[int] = mapped_column(sa.BigInteger)
    best_case_minor: Mapped[int] = mapped_column(sa.BigInteger)
    pipeline_minor: Mapped[int] = mapped_column(sa.BigInteger)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # The standing adjustment of the latest version (None while there is none).
    adjusted_commit_minor: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    adjusted_best_case_minor: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    adjusted_pipeline_minor: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.UniqueConstraint("rep_id", "period_code", name="uq_forecasts_rep_period"),
        sa.Index("ix_forecasts_region", "region", "submitted_at", "forecast_id"),
        sa.Index("ix_forecasts_unit_period", "unit_id", "period_code"),
    )


class ForecastVersionRecord(Base):
    """One submission of a forecast, kept when a later one replaces it."""

    __tablename__ = "forecast_versions"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    forecast_id: Mapped[str] = mapped_column(sa.String(36))
    forecast_version: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    commit_minor: Mapped[int] = mapped_column(sa.BigInteger)
    best_case_minor: Mapped[int] = mapped_column(sa.BigInteger)
    pipeline_minor: Mapped[int] = mapped_column(sa.BigInteger)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_by: Mapped[str] = mapped_column(sa.String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("forecast_id", "forecast_version", name="uq_forecast_versions"),
    )


class ForecastAdjustmentRecord(Base):
    """One adjustment by a manager or director: who, when, why, and to which version."""

    __tablename__ = "forecast_adjustments"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    forecast_id: Mapped[str] = mapped_column(sa.String(36))
    forecast_version: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    commit_minor: Mapped[int] = mapped_column(sa.BigInteger)
    best_case_minor: Mapped[int] = mapped_column(sa.BigInteger)
    pipeline_minor: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    adjusted_by: Mapped[str] = mapped_column(sa.String(100))
    adjusted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_forecast_adjustments_forecast", "forecast_id", "adjusted_at"),)


class OpportunityCopyRecord(Base):
    """What planning knows of an opportunity, from `pipeline.opportunity.*` events.

    `created` and `updated` carry the expected close date, so a row first made
    by a stage change has none until one of them arrives (`known` says the
    create did). Two clocks keep late events from undoing newer ones:
    `stage_occurred_at` is the occurrence time of the event that last set the
    stage figures (stage, probability, category), `details_occurred_at` that
    of the event that last set the deal's details (owner, team, amount, close
    date, name); an older event never overwrites either. Won and lost are
    final: a stage change or an edit arriving after them does not reopen the
    deal.
    """

    __tablename__ = "opportunity_copies"

    opportunity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    owner_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # The planning org unit of the owner's team, as the pipeline knew it.
    team_id: Mapped[str] = mapped_column(sa.String(36), default="")
    customer_id: Mapped[str] = mapped_column(sa.String(36), default="")
    pipeline_id: Mapped[str] = mapped_column(sa.String(100), default="")
    stage_id: Mapped[str] = mapped_column(sa.String(100), default="")
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    probability_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    # pipeline, best_case, commit, closed or omitted
    forecast_category: Mapped[str] = mapped_column(sa.String(16), default="pipeline")
    expected_close_date: Mapped[date | None] = mapped_column(sa.Date, default=None)
    # open, won or lost
    status: Mapped[str] = mapped_column(sa.String(8), default="open")
    known: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    stage_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    details_occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_opportunity_copies_owner", "owner_id", "expected_close_date"),
        sa.Index("ix_opportunity_copies_team", "team_id", "expected_close_date"),
    )
