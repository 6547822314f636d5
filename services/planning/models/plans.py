"""Sales plans: one row per plan version."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.planning.models.base import Base


class PlanRecord(Base):
    """A version of a sales plan for an org unit and fiscal period."""

    __tablename__ = "plans"

    plan_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    org_unit_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    strategy: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(16))
    plan_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    previous_plan_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")
    approved_by: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class TargetRecord(Base):
    """A target of a plan: money (minor units, plan currency) for revenue, a quantity otherwise."""

    __tablename__ = "plan_targets"

    target_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    metric: Mapped[str] = mapped_column(sa.String(24))
    value: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="")
    product_line: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))


class AllocationRecord(Base):
    """One unit's or rep's share of a target (the latest allocation replaces earlier ones)."""

    __tablename__ = "target_allocations"

    allocation_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    target_id: Mapped[str] = mapped_column(sa.String(36))
    plan_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    unit_id: Mapped[str] = mapped_column(sa.String(36), default="")
    rep_id: Mapped[str] = mapped_column(sa.String(100), default="")
    parent_unit_id: Mapped[str] = mapped_column(sa.String(36))
    value: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[str] = mapped_column(sa.String(24))
    over_allocation_bp: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
