"""The assignment rules table: which event assigns which path or course (`domain.rules`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.training.models.base import Base


class AssignmentRuleRecord(Base):
    """A rule: on `trigger` for a subject matching `match`, assign a path or a course."""

    __tablename__ = "assignment_rules"

    rule_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # rep_hired, gap_detected, violation_recorded or certification_expiring
    trigger: Mapped[str] = mapped_column(sa.String(32))
    # Role, skill area, violation kind or rule, or product line; "" = the trigger's default.
    match: Mapped[str] = mapped_column(sa.String(100), default="")
    learning_path_id: Mapped[str] = mapped_column(sa.String(36), default="")
    course_id: Mapped[str] = mapped_column(sa.String(36), default="")
    due_in_days: Mapped[int] = mapped_column(sa.Integer, default=0)
    # "" = every region.
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (sa.Index("ix_assignment_rules_trigger", "trigger", "enabled", "region"),)


def enabled_rules(session: Session, trigger: str, region: str) -> list[AssignmentRuleRecord]:
    """The enabled rules of `trigger` for `region` (its own and every region's), oldest first."""
    return list(
        session.scalars(
            sa.select(AssignmentRuleRecord)
            .where(
                AssignmentRuleRecord.trigger == trigger,
                AssignmentRuleRecord.enabled.is_(True),
                AssignmentRuleRecord.region.in_(["", region]),
            )
            .order_by(AssignmentRuleRecord.created_at, AssignmentRuleRecord.rule_id)
        )
    )
