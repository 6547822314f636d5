"""After-sales service cases and the regions' resolution SLA overrides."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.pipeline.models.base import Base


class CaseRecord(Base):
    """An after-sales case raised for a customer (and optionally one of its contracts)."""

    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    customer_id: Mapped[str] = mapped_column(sa.String(100))
    contract_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # incident, question, complaint or request
    type: Mapped[str] = mapped_column(sa.String(16))
    # urgent, high, normal or low
    priority: Mapped[str] = mapped_column(sa.String(16))
    # open, in_progress, resolved or closed
    status: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    assignee_id: Mapped[str] = mapped_column(sa.String(100), default="")
    # The SLA that applied at opening, kept so a later policy change does not move due_at.
    sla_hours: Mapped[int] = mapped_column(sa.Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set once, when pipeline.case.sla_breached is written; never cleared.
    sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str] = mapped_column(sa.String(100), default="")
    resolution_note: Mapped[str] = mapped_column(sa.Text, default="")
    satisfaction_score: Mapped[int | None] = mapped_column(sa.Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    reopen_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __table_args__ = (
        sa.CheckConstraint(
            "satisfaction_score IS NULL OR satisfaction_score BETWEEN 1 AND 5",
            name="satisfaction_score_range",
        ),
        sa.Index("ix_cases_region_created", "region", "created_at", "case_id"),
        # The SLA scan and the overdue filter and gauge: active cases by due time.
        sa.Index("ix_cases_status_due", "status", "due_at"),
        sa.Index("ix_cases_assignee", "assignee_id", "created_at"),
        sa.Index("ix_cases_customer", "customer_id", "created_at"),
    )


class CaseSlaPolicyRecord(Base):
    """A region's resolution-hour overrides; a null column means the platform default."""

    __tablename__ = "case_sla_policies"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    urgent_hours: Mapped[int | None] = mapped_column(sa.Integer)
    high_hours: Mapped[int | None] = mapped_column(sa.Integer)
    normal_hours: Mapped[int | None] = mapped_column(sa.Integer)
    low_hours: Mapped[int | None] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
