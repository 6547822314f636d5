"""Activities (calls, meetings, visits, emails, tasks) in the pipeline database."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.db import UTCDateTime
from services.pipeline.models.base import Base


class ActivityRecord(Base):
    """An activity linked to exactly one lead, opportunity or customer."""

    __tablename__ = "activities"

    activity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))
    # call, meeting, visit, email or task
    type: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(200))
    outcome: Mapped[str] = mapped_column(sa.String(2000), default="")
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    lead_id: Mapped[str | None] = mapped_column(sa.String(36))
    opportunity_id: Mapped[str | None] = mapped_column(sa.String(36))
    customer_id: Mapped[str | None] = mapped_column(sa.String(100))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    # open (a task to do) or completed
    status: Mapped[str] = mapped_column(sa.String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN lead_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN opportunity_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN customer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        sa.Index("ix_activities_region_created", "region", "created_at", "activity_id"),
        sa.Index("ix_activities_lead", "lead_id", "created_at"),
        sa.Index("ix_activities_opportunity", "opportunity_id", "type", "status"),
        sa.Index("ix_activities_customer", "customer_id", "created_at"),
        sa.Index("ix_activities_owner", "owner_id", "created_at"),
    )
