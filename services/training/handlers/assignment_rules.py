"""The loop from performance: events that assign training by the assignment rules.

- `planning.rep.hired` → the rules of trigger rep_hired matching the role
  (the onboarding path); a rep is never given a rule's assignment twice, even
  when hired again;
- `performance.gap.detected` → rules of the gap's skill area, due in the
  rule's days or `SALESOPS_TRAINING_GAP_DUE_DAYS`;
- `performance.violation.recorded` → rules of the violation's kind or rule
  (conduct only, unless a rule names process or a rule code);
- `training.certification.expiring` → rules of the product line; a rule
  naming no course assigns the event's recertification course, due on the
  last valid day unless the rule says otherwise.

Every enrollment goes through `enrollment_store.enroll`/`assign_path`, so a
rep never holds two open enrollments of a course: a repeated event, or a new
gap for a course already open, finds the open one and changes nothing. Each
says why it exists (`reason`), with `rule_id` and `source_event_id`. A rep
the reps copy does not know yet (the hired event may overtake the copy's own
handler) is enrolled with the event's region and team; a rep who left is not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import performance_inspection_events_pb2 as inspection_events
from salesops.events.v1 import performance_scorecard_events_pb2 as scorecard_events
from salesops.events.v1 import planning_events_pb2 as planning_events
from salesops.events.v1 import training_assessment_events_pb2 as assessment_events
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import occurred_at, read_payload
from services.kit.rep_directory import RepStatus
from services.kit.worker import subscribe
from services.training.domain import rules as domain
from services.training.domain.rules import Trigger
from services.training.models.catalog import LearningPathRecord
from services.training.models.core import (
    CourseRecord,
    EnrollmentRecord,
    EnrollmentSource,
    RepRecord,
)
from services.training.models.enrollment_store import assign_path, enroll
from services.training.models.rules import AssignmentRuleRecord, enabled_rules

log = logging.getLogger(__name__)
RULE_ACTOR = "system:assignment-rules"


@dataclass(frozen=True)
class Subject:
    """The rep an event is about, as the reps copy knows them or as the event says."""

    rep_id: str
    region: str
    team_id: str


@dataclass(frozen=True)
class Occasion:
    """What the handlers know of one event when they apply its rules."""

    trigger: Trigger
    subject: Subject
    event_id: str
    day: date
    match_values: tuple[str, ...]


def _subject(session: Session, rep_id: str, region: str, team_id: str) -> Subject | None:
    """The rep as the copy knows them, else as the event says; None when they left."""
    rep = session.get(RepRecord, rep_id)
    if rep is None:
        return Subject(rep_id, region.strip().upper(), team_id)
    if rep.status == RepStatus.LEFT.value:
        return None
    return Subject(rep_id, rep.region, rep.team_id or team_id)


def _event_day(envelope: dict[str, Any]) -> date:
    happened = occurred_at(envelope)
    return (happened or utcnow()).date()


def _parse_day(value: str, fallback: date) -> date:
    try:
        return date.fromisoformat(value) if value else fallback
    except ValueError:
        return fallback


class AssignmentRuleHandlers:
    """`rules_on_*`: the events that assign training through the assignment rules."""

    @subscribe("planning", "rep.hired")
    def rules_on_rep_hired(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, planning_events.RepHired)
        if not event.rep_id.strip():
            return
        subject = _subject(session, event.rep_id.strip(), event.region, event.team_id)
        if subject is None:
            return
        day = _parse_day(event.hire_date, _event_day(envelope))
        occasion = Occasion(
            Trigger.REP_HIRED, subject, envelope["event_id"], day, (event.role or "rep",)
        )
        apply_rules(
            session,
            occasion,
            lambda target: domain.hired_reason(event.role, subject.team_id, target),
        )

    @subscribe("performance", "gap.detected")
    def rules_on_gap_detected(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, scorecard_events.GapDetected)
        if not event.rep_id.strip():
            return
        subject = _subject(session, event.rep_id.strip(), event.region, event.team_id)
        if subject is None:
            return
        occasion = Occasion(
            Trigger.GAP_DETECTED,
            subject,
            envelope["event_id"],
            _event_day(envelope),
            (event.skill_area,),
        )
        apply_rules(
            session,
            occasion,
            lambda target: domain.gap_reason(
                event.source or event.kpi_code,
                event.value,
                event.threshold,
                event.skill_area,
                target,
            ),
            default_due_days=domain.gap_due_days(),
        )

    @subscribe("performance", "violation.recorded")
    def rules_on_violation_recorded(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, inspection_events.ViolationRecorded)
        if not event.rep_id.strip():
            return  # nobody owns the subject: nobody to train
        subject = _subject(session, event.rep_id.strip(), event.region, event.team_id)
        if subject is None:
            return
        occasion = Occasion(
            Trigger.VIOLATION_RECORDED,
            subject,
            envelope["event_id"],
            _event_day(envelope),
            (event.kind, event.rule),
        )
        apply_rules(
            session,
            occasion,
            lambda target: domain.violation_reason(
                event.kind, event.rule, event.subject_id, target
            ),
        )

    @subscribe("training", "certification.expiring")
    def rules_on_certification_expiring(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, assessment_events.CertificationExpiring)
        if not event.rep_id.strip():
            return
        subject = _subject(session, event.rep_id.strip(), event.region, "")
        if subject is None:
            return
        occasion = Occasion(
            Trigger.CERTIFICATION_EXPIRING,
            subject,
            envelope["event_id"],
            _event_day(envelope),
            (event.product_line,),
        )
        valid_until = _parse_day(event.valid_until, occasion.day)
        apply_rules(
            session,
            occasion,
            lambda target: domain.expiring_reason(event.product_line, event.valid_until, target),
            fallback_course_id=event.recertification_course_id,
            fallback_due=valid_until,
        )


def apply_rules(
    session: Session,
    occasion: Occasion,
    reason_of: Callable[[str], str],
    *,
    default_due_days: int = 0,
    fallback_course_id: str = "",
    fallback_due: date | None = None,
) -> list[EnrollmentRecord]:
    """Apply every enabled rule of the occasion's trigger that matches; the enrollments made now."""
    made: list[EnrollmentRecord] = []
    now = utcnow()
    subject = occasion.subject
    for rule in enabled_rules(session, occasion.trigger.value, subject.region):
        if not domain.matches(occasion.trigger, rule.match, *occasion.match_values):
            continue
        if occasion.trigger is Trigger.REP_HIRED and _assigned_before(session, rule, subject):
            continue  # a rehire (or a replayed hire) does not repeat the onboarding
        due = domain.due_on(occasion.day, rule.due_in_days, default_days=default_due_days)
        if due is None and not rule.due_in_days:
            due = fallback_due
        common: dict[str, Any] = {
            "rep_id": subject.rep_id,
            "region": subject.region,
            "team_id": subject.team_id,
            "source": EnrollmentSource.RULE.value,
            "assigned_by": RULE_ACTOR,
            "due_on": due,
            "now": now,
            "rule_id": rule.rule_id,
            "source_event_id": occasion.event_id,
        }
        if rule.learning_path_id:
            path = session.get(LearningPathRecord, rule.learning_path_id)
            if path is None or path.status != "active":
                log.warning(
                    "rule %s names learning path %s, which is not active",
                    rule.rule_id,
                    rule.learning_path_id,
                )
                continue
            results = assign_path(
                session,
                path_id=path.path_id,
                reason=reason_of(domain.target_words("path", path.code)),
                **common,
            )
            made.extend(record for record, new in results if new)
            continue
        course = session.get(CourseRecord, rule.course_id or fallback_course_id)
        if course is None or course.status != "active":
            log.warning(
                "rule %s has no active course to assign (%s)",
                rule.rule_id,
                rule.course_id or fallback_course_id or "none",
            )
            continue
        record, new = enroll(
            session,
            course=course,
            reason=reason_of(domain.target_words("course", course.code)),
            **common,
        )
        if new:
            made.append(record)
    return made


def _assigned_before(session: Session, rule: AssignmentRuleRecord, subject: Subject) -> bool:
    """Whether the rule ever enrolled the rep (in any state)."""
    found = session.scalar(
        sa.select(EnrollmentRecord.enrollment_id)
        .where(EnrollmentRecord.rep_id == subject.rep_id, EnrollmentRecord.rule_id == rule.rule_id)
        .limit(1)
    )
    return found is not None
