"""The pipeline's copy of reps' certifications, from `training.certification.*` events.

A stage gate may require the deal owner to hold a valid certification for
each of the deal's product lines. Valid means granted, not revoked, and
`valid_until` today or later. Events may arrive out of order: a row keeps the
occurrence time of the event that last wrote it and an older event never
overwrites a newer one; a revocation is final whatever arrives after it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from salesops.events.v1 import training_events_pb2 as events
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe
from services.pipeline.models.copies import CertificationCopyRecord

Certification = (
    events.CertificationGranted | events.CertificationExpired | events.CertificationRevoked
)


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MalformedEvent(f"{name} '{value}' is not an ISO 8601 date") from None


def apply_certification(
    session: Session, event: Certification, status: str, happened: datetime
) -> None:
    """Record a certification's latest state unless a newer one (or a revocation) is there."""
    if not event.certification_id or not event.rep_id or not event.product_line:
        raise MalformedEvent("a certification event needs certification_id, rep_id, product_line")
    valid_from = _date(event.valid_from, "valid_from")
    valid_until = _date(event.valid_until, "valid_until")
    row = session.get(CertificationCopyRecord, event.certification_id, with_for_update=True)
    if row is None:
        session.add(
            CertificationCopyRecord(
                certification_id=event.certification_id,
                rep_id=event.rep_id,
                region=event.region,
                product_line=event.product_line,
                valid_from=valid_from,
                valid_until=valid_until,
                status=status,
                source_occurred_at=happened,
            )
        )
        return
    if row.status == "revoked":
        return  # final
    if status != "revoked" and row.source_occurred_at > happened:
        return  # a newer state was applied already
    row.rep_id, row.region, row.product_line = event.rep_id, event.region, event.product_line
    row.valid_from = valid_from or row.valid_from
    row.valid_until = valid_until or row.valid_until
    row.status = status
    row.source_occurred_at = max(row.source_occurred_at, happened)


class TrainingHandlers:
    """Keeps `certification_copies` in step with the training service."""

    @subscribe("training", "certification.granted")
    def on_certification_granted(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.CertificationGranted)
        apply_certification(session, event, "granted", occurred_at(envelope) or utcnow())

    @subscribe("training", "certification.expired")
    def on_certification_expired(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.CertificationExpired)
        apply_certification(session, event, "expired", occurred_at(envelope) or utcnow())

    @subscribe("training", "certification.revoked")
    def on_certification_revoked(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.CertificationRevoked)
        apply_certification(session, event, "revoked", occurred_at(envelope) or utcnow())
