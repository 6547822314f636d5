"""Training facts: certifications granted, expired or revoked, and courses completed.

- `training.certification.granted`: CERTIFICATION_GRANTED (subject = the
  certification, detail and product_line = the product line it certifies
  for), on the day it starts to hold (`valid_from`, else the envelope's day).
- `training.certification.expired` / `.revoked`: CERTIFICATION_LAPSED (detail
  and product_line as above), on the day it stopped holding: the day after
  `valid_until` for an expiry, the envelope's day for a revocation. A
  certification lapses once (an expiry after a revocation adds nothing).
- `training.course.completed`: COURSE_COMPLETED (subject = the course id,
  detail = its code, value_bp = the final score), on `completed_date`. The
  same completion (rep, course and day) reported again adds nothing; the
  course completed again on another day counts again.

So a rep holds a certification on a day when a GRANTED fact occurred on or
before it and no LAPSED fact of the same certification did.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import training_events_pb2 as training
from sqlalchemy.orm import Session

from services.kit.events import MalformedEvent, read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import (
    day_or_envelope,
    envelope_instant,
    fact_exists,
    new_fact,
    region_of,
    required,
    start_of,
    team_of,
)
from services.performance.models.facts import FactKind, FactRecord

Certification = (
    training.CertificationGranted | training.CertificationExpired | training.CertificationRevoked
)


def _record_certification(
    session: Session,
    envelope: dict[str, Any],
    event: Certification,
    kind: FactKind,
    day: date,
) -> None:
    certification_id = event.certification_id.strip()
    region = region_of(event.region, envelope)
    rep_id = event.rep_id.strip()
    if fact_exists(session, kind, certification_id):
        return
    at = envelope_instant(envelope)
    session.add(
        new_fact(
            envelope,
            kind=kind,
            region=region,
            rep_id=rep_id,
            team_id=team_of(session, rep_id),
            subject_id=certification_id,
            occurred=at if at.date() == day else start_of(day),
            product_line=event.product_line.strip(),
            detail=event.product_line.strip(),
        )
    )


def _checked(event: Certification, what: str) -> None:
    required(event.certification_id, f"{what}.certification_id")
    required(event.rep_id, f"{what}.rep_id")


class TrainingHandlers:
    """Training's certification and course events as facts."""

    @subscribe("training", "certification.granted")
    def facts_on_certification_granted(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, training.CertificationGranted)
        _checked(event, "CertificationGranted")
        day = day_or_envelope(event.valid_from, "CertificationGranted.valid_from", envelope)
        _record_certification(session, envelope, event, FactKind.CERTIFICATION_GRANTED, day)

    @subscribe("training", "certification.expired")
    def facts_on_certification_expired(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, training.CertificationExpired)
        _checked(event, "CertificationExpired")
        if event.valid_until.strip():
            until = day_or_envelope(event.valid_until, "CertificationExpired.valid_until", envelope)
            day = until + timedelta(days=1)
        else:
            day = envelope_instant(envelope).date()
        _record_certification(session, envelope, event, FactKind.CERTIFICATION_LAPSED, day)

    @subscribe("training", "certification.revoked")
    def facts_on_certification_revoked(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, training.CertificationRevoked)
        _checked(event, "CertificationRevoked")
        day = envelope_instant(envelope).date()
        _record_certification(session, envelope, event, FactKind.CERTIFICATION_LAPSED, day)

    @subscribe("training", "course.completed")
    def facts_on_course_completed(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, training.CourseCompleted)
        required(event.enrollment_id, "CourseCompleted.enrollment_id")
        rep_id = required(event.rep_id, "CourseCompleted.rep_id")
        course_id = required(event.course_id, "CourseCompleted.course_id")
        region = region_of(event.region, envelope)
        if not 0 <= event.score_bp <= 10_000:
            raise MalformedEvent(f"CourseCompleted.score_bp {event.score_bp} is not 0-10000")
        day = day_or_envelope(event.completed_date, "CourseCompleted.completed_date", envelope)
        counted = session.scalar(
            sa.select(FactRecord.fact_id)
            .where(
                FactRecord.kind == FactKind.COURSE_COMPLETED,
                FactRecord.subject_id == course_id,
                FactRecord.rep_id == rep_id,
                FactRecord.occurred_on == day,
            )
            .limit(1)
        )
        if counted is not None:
            return
        at = envelope_instant(envelope)
        session.add(
            new_fact(
                envelope,
                kind=FactKind.COURSE_COMPLETED,
                region=region,
                rep_id=rep_id,
                team_id=team_of(session, rep_id),
                subject_id=course_id,
                occurred=at if at.date() == day else start_of(day),
                value_bp=event.score_bp,
                detail=event.course_code.strip() or course_id,
            )
        )
