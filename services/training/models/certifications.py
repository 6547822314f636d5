"""Certification tables and the rules that touch many rows: scope, expiry, requirements.

- `RequiredCertificationRecord` (`required_certifications`): the certification
  a product line requires in a region ("" = every region), the course that
  grants it and the one that renews it; only `published` ones are in force.
- `CertificationGrantRecord` (`certification_grants`): who recorded a
  certification obtained outside salesops, and the evidence.

`check_expiry(session, as_of, expiring_days)` is the expiry rule over every
valid certification (the worker's timer and `RunCertificationExpiry` both
call it): expired after `valid_until`, expiring (once per validity) within
`expiring_days` of it; each with its event, in the caller's transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from salesops.events.v1 import training_assessment_events_pb2 as new_events
from salesops.events.v1 import training_events_pb2 as events
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.kit.identity import Caller
from services.kit.outbox import record_event
from services.training.domain.certifications import (
    DEFAULT_EXPIRING_DAYS,
    ExpiryAction,
    expiry_decision,
)
from services.training.models.base import Base
from services.training.models.core import (
    CertificationRecord,
    CertificationStatus,
    CourseRecord,
    reps_managed_by,
)

CERTIFICATION_EXPIRING = "training.certification.expiring"
CERTIFICATION_EXPIRED = "training.certification.expired"
CERTIFICATION_REVOKED = "training.certification.revoked"
REQUIREMENT_CHANGED = "training.certification_requirement.changed"
EXPIRING_DAYS_ENV = "SALESOPS_TRAINING_EXPIRING_DAYS"

# Roles that see every rep of their regions (a manager sees the reps below them, a rep themself).
REGION_READERS = frozenset({"director", "executive", "admin"})


class RequiredCertificationRecord(Base):
    __tablename__ = "required_certifications"

    requirement_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    product_line: Mapped[str] = mapped_column(sa.String(100))
    # "" = every region.
    region: Mapped[str] = mapped_column(sa.String(32), default="")
    certification_course_id: Mapped[str] = mapped_column(sa.String(36))
    recertification_course_id: Mapped[str] = mapped_column(sa.String(36), default="")
    published: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    effective_from: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)

    __table_args__ = (
        sa.UniqueConstraint("product_line", "region", name="uq_required_certifications_line"),
    )


class CertificationGrantRecord(Base):
    __tablename__ = "certification_grants"

    certification_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    granted_by: Mapped[str] = mapped_column(sa.String(100))
    evidence: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


def expiring_days_setting(environ: dict[str, str] | None = None) -> int:
    """N of "expiring within N days": SALESOPS_TRAINING_EXPIRING_DAYS, default 30."""
    raw = (environ if environ is not None else os.environ).get(EXPIRING_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_EXPIRING_DAYS
    value = int(raw)
    if value < 0:
        raise ValueError(f"{EXPIRING_DAYS_ENV} must be 0 or more, not {value}")
    return value


def visible_rep_ids(session: Session, caller: Caller) -> set[str] | None:
    """The reps whose records the caller sees within their regions (None: all of them)."""
    if caller.roles & REGION_READERS:
        return None
    if "manager" in caller.roles:
        return reps_managed_by(session, caller.subject) | {caller.subject}
    return {caller.subject}


def can_see_rep_record(session: Session, caller: Caller, region: str, rep_id: str) -> bool:
    """A rep's record of `region` exists for the caller (scope rule of the module)."""
    if not caller.can_read(region):
        return False
    visible = visible_rep_ids(session, caller)
    return visible is None or rep_id in visible


def requirement_for(
    session: Session, product_line: str, region: str
) -> RequiredCertificationRecord | None:
    """A product line's published requirement in a region (its own before the all-region one)."""
    rows = session.scalars(
        sa.select(RequiredCertificationRecord).where(
            RequiredCertificationRecord.product_line == product_line,
            RequiredCertificationRecord.region.in_([region, ""]),
            RequiredCertificationRecord.published.is_(True),
        )
    ).all()
    return min(rows, key=lambda r: r.region == "", default=None)


def course_code(session: Session, course_id: str) -> str:
    course = session.get(CourseRecord, course_id) if course_id else None
    return course.code if course else ""


def certification_dates(record: CertificationRecord) -> dict[str, str]:
    """The identity and dates every certification event carries."""
    return {
        "certification_id": record.certification_id,
        "rep_id": record.rep_id,
        "region": record.region,
        "product_line": record.product_line,
        "valid_from": record.valid_from.isoformat(),
        "valid_until": record.valid_until.isoformat(),
    }


@dataclass
class ExpiryRun:
    """The certifications one expiry check announced as expiring and made expired."""

    expiring: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)


def check_expiry(
    session: Session,
    *,
    as_of: date,
    expiring_days: int,
    now: datetime,
    caller: Caller | None = None,
) -> ExpiryRun:
    """Apply the expiry rule as of `as_of` to every valid certification due for it.

    Only certifications whose `valid_until` is at most `expiring_days` after
    `as_of` are read; rows are locked, so a concurrent run waits and then
    finds nothing left to do.
    """
    horizon = date.fromordinal(as_of.toordinal() + expiring_days)
    due = session.scalars(
        sa.select(CertificationRecord)
        .where(
            CertificationRecord.status == CertificationStatus.VALID.value,
            CertificationRecord.valid_until <= horizon,
        )
        .order_by(CertificationRecord.valid_until, CertificationRecord.certification_id)
        .with_for_update()
    ).all()
    run = ExpiryRun()
    for record in due:
        decision = expiry_decision(
            status=record.status,
            valid_from=record.valid_from,
            valid_until=record.valid_until,
            notified_on=record.expiring_notified_on,
            as_of=as_of,
            expiring_days=expiring_days,
        )
        if decision.action is ExpiryAction.EXPIRED:
            record.status = CertificationStatus.EXPIRED.value
            record.updated_at = now
            record.version += 1
            record_event(
                session,
                CERTIFICATION_EXPIRED,
                events.CertificationExpired(**certification_dates(record)),
                region=record.region,
                caller=caller,
            )
            run.expired.append(record.certification_id)
        elif decision.action is ExpiryAction.EXPIRING:
            requirement = requirement_for(session, record.product_line, record.region)
            recertification = requirement.recertification_course_id if requirement else ""
            record.expiring_notified_on = as_of
            record.updated_at = now
            record.version += 1
            record_event(
                session,
                CERTIFICATION_EXPIRING,
                new_events.CertificationExpiring(
                    **certification_dates(record),
                    days_left=decision.days_left,
                    recertification_course_id=recertification,
                    recertification_course_code=course_code(session, recertification),
                ),
                region=record.region,
                caller=caller,
            )
            run.expiring.append(record.certification_id)
    session.flush()
    return run
