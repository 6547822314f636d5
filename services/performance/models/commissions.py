"""Commission plans, statements (with their versions and lines) and disputes.

- `CommissionPlanRecord` (`commission_plans`): one row per plan version; the
  rules are kept as JSON (`rules_json`) because they are read and written
  whole, never queried by part.
- `CommissionStatementRecord` (`commission_statements`): one per rep and
  period; `total_minor` is always the sum of its lines.
- `CommissionStatementVersionRecord` (`commission_statement_versions`): each
  calculation (or accepted dispute) that changed the statement, with the
  calculation's lines by rule (`computed_json`), which the next calculation
  compares against to append adjustment lines.
- `CommissionLineRecord` (`commission_statement_lines`): lines are only ever
  appended.
- `CommissionDisputeRecord` (`commission_disputes`).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.performance.models.base import Base


class CommissionPlanRecord(Base):
    __tablename__ = "commission_plans"

    plan_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    lineage_id: Mapped[str] = mapped_column(sa.String(36))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    region: Mapped[str] = mapped_column(sa.String(32))
    currency: Mapped[str] = mapped_column(sa.String(3))
    effective_from: Mapped[date] = mapped_column(sa.Date)
    effective_to: Mapped[date | None] = mapped_column(sa.Date, default=None)
    rules_json: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16))
    plan_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    previous_plan_id: Mapped[str] = mapped_column(sa.String(36), default="")
    approved_by: Mapped[str] = mapped_column(sa.String(100), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.Index("ix_commission_plans_scope", "region", "role", "status"),
        sa.Index("ix_commission_plans_lineage", "lineage_id"),
    )


class CommissionStatementRecord(Base):
    __tablename__ = "commission_statements"

    statement_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    manager_id: Mapped[str] = mapped_column(sa.String(100), default="")
    period_code: Mapped[str] = mapped_column(sa.String(16))
    period_starts_on: Mapped[date] = mapped_column(sa.Date)
    period_ends_on: Mapped[date] = mapped_column(sa.Date)  # exclusive
    plan_id: Mapped[str] = mapped_column(sa.String(36))
    plan_version: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    revenue_minor: Mapped[int] = mapped_column(sa.BigInteger)
    quota_minor: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    attainment_bp: Mapped[int] = mapped_column(sa.Integer, default=0)
    draw_balance_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    version: Mapped[int] = mapped_column(sa.Integer)
    calculated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.UniqueConstraint("rep_id", "period_code", name="uq_commission_statements_rep_period"),
        sa.Index("ix_commission_statements_region_period", "region", "period_code"),
        sa.Index("ix_commission_statements_rep_ends", "rep_id", "period_ends_on"),
    )


class CommissionStatementVersionRecord(Base):
    __tablename__ = "commission_statement_versions"

    statement_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    version: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(16))  # calculation or dispute
    plan_id: Mapped[str] = mapped_column(sa.String(36))
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    # The calculation's amounts by rule: [[rule key, amount], ...].
    computed_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))


class CommissionLineRecord(Base):
    __tablename__ = "commission_statement_lines"

    line_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    statement_id: Mapped[str] = mapped_column(sa.String(36))
    statement_version: Mapped[int] = mapped_column(sa.Integer)
    sequence: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    rule: Mapped[str] = mapped_column(sa.String(300))
    # The explanation record (credit ids, tier bounds, rate, basis, ...) as JSON.
    explanation_json: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("ix_commission_lines_statement", "statement_id", "sequence"),)


class CommissionDisputeRecord(Base):
    __tablename__ = "commission_disputes"

    dispute_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    statement_id: Mapped[str] = mapped_column(sa.String(36))
    line_id: Mapped[str] = mapped_column(sa.String(36))
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    manager_id: Mapped[str] = mapped_column(sa.String(100), default="")
    region: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16))
    resolution_comment: Mapped[str] = mapped_column(sa.Text, default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    adjustment_minor: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    adjustment_line_id: Mapped[str] = mapped_column(sa.String(36), default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by: Mapped[str] = mapped_column(sa.String(100), default="")

    __table_args__ = (
        sa.Index("ix_commission_disputes_statement", "statement_id"),
        sa.Index("ix_commission_disputes_region_status", "region", "status"),
    )
