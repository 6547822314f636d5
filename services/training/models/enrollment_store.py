"""Enrolling reps, assigning learning paths and completing enrollments: shared by every area.

The enrollment API, the assignment rules (events from planning and
performance), the assessments (a passed assessment completes a course) and
the certification timer (recertification) all go through these functions, so
the rules hold whoever acts:

- a rep holds at most one open enrollment per course: `enroll` returns the
  open one instead of making a second, and the unique index on
  (rep_id, open_course_id) settles a race between two transactions;
- every new enrollment emits `training.enrollment.assigned`, every completion
  `training.course.completed`, every certification `training.certification.granted`,
  in the transaction of the change;
- a certification is valid from the completion day for the course's
  `certification_valid_months`: until the day before the same day of the
  month N months later, clamped to that month's end (`valid_until`).
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from salesops.events.v1 import training_enrollment_events_pb2 as enrollment_events
from salesops.events.v1 import training_events_pb2 as training_events
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.errors import FailedPrecondition, NotFound
from services.kit.identity import Caller
from services.kit.outbox import record_event
from services.training.models.catalog import LearningPathItemRecord, LearningPathRecord
from services.training.models.core import (
    OPEN_ENROLLMENT_STATUSES,
    CertificationRecord,
    CertificationStatus,
    CourseRecord,
    EnrollmentRecord,
    EnrollmentStatus,
)

ENROLLMENT_ASSIGNED = "training.enrollment.assigned"
COURSE_COMPLETED = "training.course.completed"
CERTIFICATION_GRANTED = "training.certification.granted"

# Rule names of the failed preconditions raised here.
RULE_ENROLLMENT_OPEN = "ENROLLMENT_OPEN"
RULE_COURSE_ACTIVE = "COURSE_ACTIVE"


def split_codes(value: str) -> list[str]:
    """The codes of a comma-separated column, in order, without blanks."""
    return [part.strip() for part in value.split(",") if part.strip()]


def skill_areas(course: CourseRecord) -> list[str]:
    """The skills a course teaches, without their levels ("negotiation:2" -> "negotiation")."""
    return [entry.split(":", 1)[0] for entry in split_codes(course.skills)]


def add_months(day: date, months: int) -> date:
    """`day` moved `months` calendar months on, clamped to the end of the month it lands in."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def certification_valid_until(valid_from: date, months: int) -> date:
    """The last day (inclusive) of a validity of `months` months starting on `valid_from`.

    The day before the same day of the month `months` later: from 15 Jan for
    one month until 14 Feb. When that month has no such day, the validity
    runs to its last day: from 29, 30 or 31 Jan for one month until 28 Feb
    (29 in a leap year), from 29 Feb 2028 for twelve months until 28 Feb
    2029. Nobody loses the end of a short month.
    """
    anniversary = add_months(valid_from, months)
    if anniversary.day < valid_from.day:  # clamped: the month is too short
        return anniversary
    return anniversary - timedelta(days=1)


def is_open(enrollment: EnrollmentRecord) -> bool:
    return enrollment.status in OPEN_ENROLLMENT_STATUSES


def open_enrollment(session: Session, rep_id: str, course_id: str) -> EnrollmentRecord | None:
    """The rep's open enrollment in the course, if any."""
    return session.scalars(
        sa.select(EnrollmentRecord).where(
            EnrollmentRecord.rep_id == rep_id, EnrollmentRecord.open_course_id == course_id
        )
    ).first()


def _actor(actor: str, caller: Caller | None) -> Caller | None:
    """The caller the event envelope names: the one given, else `actor` as a bare identity."""
    if caller is not None:
        return caller
    if not actor or actor == "system":
        return None
    return Caller(actor, frozenset(), frozenset())


def enroll(
    session: Session,
    *,
    rep_id: str,
    region: str,
    team_id: str,
    course: CourseRecord,
    source: str,
    reason: str,
    assigned_by: str,
    due_on: date | None,
    now: datetime,
    rule_id: str = "",
    source_event_id: str = "",
    path_id: str = "",
    required: bool = True,
    correlation_caller: Caller | None = None,
) -> tuple[EnrollmentRecord, bool]:
    """The rep's open enrollment in the course and True if made now.

    A new enrollment emits `training.enrollment.assigned`; an existing open
    one is returned unchanged with False. Race-safe through the unique index.

    The insert runs in a savepoint: when a concurrent transaction committed an
    open enrollment of the same rep in the same course first, the unique index
    refuses this one, the savepoint is rolled back (the caller's transaction
    survives) and the winner's row is returned.
    """
    existing = open_enrollment(session, rep_id, course.course_id)
    if existing is not None:
        return existing, False
    record = EnrollmentRecord(
        enrollment_id=str(uuid.uuid4()),
        rep_id=rep_id,
        region=region,
        team_id=team_id,
        course_id=course.course_id,
        open_course_id=course.course_id,
        path_id=path_id,
        required=required,
        source=source,
        reason=reason,
        rule_id=rule_id,
        source_event_id=source_event_id,
        assigned_by=assigned_by,
        assigned_at=now,
        due_on=due_on,
        progress_pct=0,
        status=EnrollmentStatus.ASSIGNED.value,
        score_bp=0,
        waived_by="",
        waive_reason="",
        updated_at=now,
        version=1,
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        winner = open_enrollment(session, rep_id, course.course_id)
        if winner is None:  # pragma: no cover - the index said it exists
            raise
        return winner, False
    record_event(
        session,
        ENROLLMENT_ASSIGNED,
        enrollment_events.EnrollmentAssigned(
            enrollment_id=record.enrollment_id,
            rep_id=rep_id,
            region=region,
            team_id=team_id,
            course_id=course.course_id,
            course_code=course.code,
            source=source,
            reason=reason,
            rule_id=rule_id,
            source_event_id=source_event_id,
            path_id=path_id,
            required=required,
            assigned_by=assigned_by,
            due_on=due_on.isoformat() if due_on else "",
        ),
        region=region,
        caller=_actor(assigned_by, correlation_caller),
    )
    return record, True


def path_courses(
    session: Session, path_id: str
) -> list[tuple[LearningPathItemRecord, CourseRecord]]:
    """A path's items in order with their courses (retired courses included)."""
    rows = session.execute(
        sa.select(LearningPathItemRecord, CourseRecord)
        .join(CourseRecord, CourseRecord.course_id == LearningPathItemRecord.course_id)
        .where(LearningPathItemRecord.path_id == path_id)
        .order_by(LearningPathItemRecord.position)
    ).all()
    return [(item, course) for item, course in rows]


def assign_path(
    session: Session,
    *,
    rep_id: str,
    region: str,
    team_id: str,
    path_id: str,
    source: str,
    reason: str,
    assigned_by: str,
    due_on: date | None,
    now: datetime,
    rule_id: str = "",
    source_event_id: str = "",
    correlation_caller: Caller | None = None,
) -> list[tuple[EnrollmentRecord, bool]]:
    """Enroll the rep in every active course of the path, in order (see `enroll`).

    Each enrollment carries the path and whether the path requires the
    course; a course the rep already has open is returned as it is (False).
    Retired courses are skipped. NotFound when the path does not exist.
    """
    path = session.get(LearningPathRecord, path_id)
    if path is None:
        raise NotFound("learning path", path_id)
    results: list[tuple[EnrollmentRecord, bool]] = []
    for item, course in path_courses(session, path_id):
        if course.status != "active":
            continue
        results.append(
            enroll(
                session,
                rep_id=rep_id,
                region=region,
                team_id=team_id,
                course=course,
                source=source,
                reason=reason,
                assigned_by=assigned_by,
                due_on=due_on,
                now=now,
                rule_id=rule_id,
                source_event_id=source_event_id,
                path_id=path_id,
                required=item.required,
                correlation_caller=correlation_caller,
            )
        )
    return results


def valid_certifications(
    session: Session, rep_id: str, product_line: str
) -> Sequence[CertificationRecord]:
    """The rep's certifications of the product line that are still `valid`."""
    return session.scalars(
        sa.select(CertificationRecord).where(
            CertificationRecord.rep_id == rep_id,
            CertificationRecord.product_line == product_line,
            CertificationRecord.status == CertificationStatus.VALID.value,
        )
    ).all()


def complete_enrollment(
    session: Session,
    enrollment: EnrollmentRecord,
    *,
    completed_at: datetime,
    score_bp: int,
    actor: str,
    caller: Caller | None = None,
) -> CertificationRecord | None:
    """Complete an open enrollment; return the certification it granted, if any.

    The enrollment becomes completed (open_course_id cleared) and
    `training.course.completed` is emitted (CourseCompleted). When the course
    certifies a product line, a certification is granted valid from the
    completion day for `certification_valid_months` (see
    `certification_valid_until`: month-end safe), replacing an earlier valid
    one of the rep for that line, and `training.certification.granted` is
    emitted (CertificationGranted).

    FailedPrecondition `ENROLLMENT_OPEN` when the enrollment is completed or
    waived already. A replaced certification is marked `expired` (superseded)
    without an event: the rep stays certified for the line through the new one.
    """
    if not is_open(enrollment):
        raise FailedPrecondition.of(
            RULE_ENROLLMENT_OPEN,
            f"enrollments/{enrollment.enrollment_id}",
            f"the enrollment is {enrollment.status}, not open",
        )
    course = session.get(CourseRecord, enrollment.course_id)
    if course is None:
        raise NotFound("course", enrollment.course_id)
    envelope_caller = _actor(actor, caller)
    enrollment.status = EnrollmentStatus.COMPLETED.value
    enrollment.open_course_id = None
    enrollment.completed_at = completed_at
    enrollment.started_at = enrollment.started_at or completed_at
    enrollment.progress_pct = 100
    enrollment.score_bp = score_bp
    enrollment.updated_at = completed_at
    enrollment.version += 1
    session.flush()
    completed_day = completed_at.date()
    record_event(
        session,
        COURSE_COMPLETED,
        training_events.CourseCompleted(
            enrollment_id=enrollment.enrollment_id,
            rep_id=enrollment.rep_id,
            region=enrollment.region,
            course_id=course.course_id,
            course_code=course.code,
            category=course.category,
            skills=skill_areas(course),
            completed_date=completed_day.isoformat(),
            score_bp=score_bp,
        ),
        region=enrollment.region,
        caller=envelope_caller,
    )
    if not course.certifies_product_line or course.certification_valid_months <= 0:
        return None
    for earlier in valid_certifications(session, enrollment.rep_id, course.certifies_product_line):
        earlier.status = CertificationStatus.EXPIRED.value
        earlier.updated_at = completed_at
        earlier.version += 1
    certification = CertificationRecord(
        certification_id=str(uuid.uuid4()),
        rep_id=enrollment.rep_id,
        region=enrollment.region,
        product_line=course.certifies_product_line,
        course_id=course.course_id,
        enrollment_id=enrollment.enrollment_id,
        valid_from=completed_day,
        valid_until=certification_valid_until(completed_day, course.certification_valid_months),
        status=CertificationStatus.VALID.value,
        expiring_notified_on=None,
        revoked_by="",
        revoke_reason="",
        created_at=completed_at,
        updated_at=completed_at,
        version=1,
    )
    session.add(certification)
    session.flush()
    record_event(
        session,
        CERTIFICATION_GRANTED,
        training_events.CertificationGranted(
            certification_id=certification.certification_id,
            rep_id=certification.rep_id,
            region=certification.region,
            product_line=certification.product_line,
            valid_from=certification.valid_from.isoformat(),
            valid_until=certification.valid_until.isoformat(),
        ),
        region=certification.region,
        caller=envelope_caller,
    )
    return certification
