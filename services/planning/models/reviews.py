"""Period reviews and their improvement actions.

A review's plan-versus-actual lines are a snapshot of attainment when it was
filled (JSON in `lines`), so a closed review keeps what was seen at close.
Improvement actions are rows of their own: they outlive their review and are
carried, unchanged, into the unit's later reviews and plans until done.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from salesops.events.v1 import planning_review_events_pb2 as events
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.kit.outbox import record_event
from services.planning.models.base import Base

# Statuses of an action still to be worked on (carried forward, can be overdue).
OPEN_ACTION_STATUSES = ("open", "in_progress")


class ReviewRecord(Base):
    """The review of one org unit for one fiscal period."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("org_unit_id", "period_code", name="uq_reviews_unit_period"),
    )

    review_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    org_unit_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    # The period's first instant: "earlier reviews" are those whose period starts before.
    period_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16))
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    # JSON array of plan-versus-actual lines (domain.reviews.ReviewLine as dicts).
    lines: Mapped[str] = mapped_column(sa.Text, default="[]")
    filled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[str] = mapped_column(sa.String(100), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class ImprovementActionRecord(Base):
    """An improvement action raised in a review, owned by a rep, tracked until done."""

    __tablename__ = "improvement_actions"

    action_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(sa.String(36))
    org_unit_id: Mapped[str] = mapped_column(sa.String(36))
    region: Mapped[str] = mapped_column(sa.String(32))
    period_code: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_id: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16))
    drop_reason: Mapped[str] = mapped_column(sa.Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The due date `planning.improvement_action.overdue` was last emitted for (None: never),
    # so an action is reported once per due date, and again if a new due date passes too.
    overdue_reported_for: Mapped[date | None] = mapped_column(sa.Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


def open_actions_for_unit(session: Session, unit_id: str) -> list[ImprovementActionRecord]:
    """The unit's improvement actions not yet done or dropped, soonest due first.

    These are what a unit carries into its next review and its next plan: the
    same actions (not copies), so marking one done anywhere clears it
    everywhere.
    """
    return list(
        session.scalars(
            sa.select(ImprovementActionRecord)
            .where(
                ImprovementActionRecord.org_unit_id == unit_id,
                ImprovementActionRecord.status.in_(OPEN_ACTION_STATUSES),
            )
            .order_by(ImprovementActionRecord.due_on, ImprovementActionRecord.action_id)
        )
    )


def carried_actions(session: Session, review: ReviewRecord) -> list[ImprovementActionRecord]:
    """Open actions of the unit's reviews of periods that start before `review`'s period."""
    return actions_carried_into(session, review.org_unit_id, review.period_starts_at)


def actions_carried_into(
    session: Session, unit_id: str, period_starts_at: datetime
) -> list[ImprovementActionRecord]:
    """Open actions of the unit's reviews of periods starting before `period_starts_at`.

    What a unit's next review and next plan carry over: the same actions,
    tracked until done or dropped.
    """
    earlier = sa.select(ReviewRecord.review_id).where(
        ReviewRecord.org_unit_id == unit_id,
        ReviewRecord.period_starts_at < period_starts_at,
    )
    return list(
        session.scalars(
            sa.select(ImprovementActionRecord)
            .where(
                ImprovementActionRecord.review_id.in_(earlier),
                ImprovementActionRecord.status.in_(OPEN_ACTION_STATUSES),
            )
            .order_by(ImprovementActionRecord.due_on, ImprovementActionRecord.action_id)
        )
    )


def report_overdue_actions(session: Session, today: date) -> list[ImprovementActionRecord]:
    """Emit `planning.improvement_action.overdue` for actions newly past their due date.

    An action is overdue when it is neither done nor dropped and its due date
    is before `today`; each is reported once per due date (moving the due
    date re-arms it). Returns the actions reported.
    """
    due = list(
        session.scalars(
            sa.select(ImprovementActionRecord)
            .where(
                ImprovementActionRecord.status.in_(OPEN_ACTION_STATUSES),
                ImprovementActionRecord.due_on < today,
                sa.or_(
                    ImprovementActionRecord.overdue_reported_for.is_(None),
                    ImprovementActionRecord.overdue_reported_for != ImprovementActionRecord.due_on,
                ),
            )
            .order_by(ImprovementActionRecord.due_on, ImprovementActionRecord.action_id)
            .with_for_update()
        )
    )
    for action in due:
        record_event(
            session,
            "planning.improvement_action.overdue",
            events.ImprovementActionOverdue(
                action_id=action.action_id,
                review_id=action.review_id,
                org_unit_id=action.org_unit_id,
                region=action.region,
                period_code=action.period_code,
                title=action.title,
                owner_id=action.owner_id,
                due_date=action.due_on.isoformat(),
                status=action.status,
            ),
            region=action.region,
            caller=None,
        )
        action.overdue_reported_for = action.due_on
    session.flush()
    return due
