"""Handlers of the pipeline's case events: the case copy, CSAT at resolution, health.

The health score counts an account's open and overdue cases, so this service
keeps a small copy of each case (`case_copies`) from `pipeline.case.opened`,
`.resolved` and `.sla_breached`. Events may arrive in any order: each fills
what it knows, and a resolution is never undone by a late `case.opened`.
An event naming an account that was merged away is applied to the survivor.
(The pipeline emits no event when a resolved case is reopened; the copy
counts it as resolved until it is resolved again.)

A resolution that carries a satisfaction score (1-5) becomes a CSAT survey
response of the account, recorded once per event: the inbox ignores a
redelivery, and the response keeps the event id (unique), so a replay of
the event under another handler name records nothing twice. A resolution
without a score records no response.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import pipeline_case_events_pb2 as case_events
from sqlalchemy.orm import Session

from services.customers.domain import satisfaction as domain
from services.customers.domain.satisfaction import SurveyChannel, SurveyKind, SurveySource
from services.customers.models import satisfaction_store as store
from services.customers.models.accounts import CustomerRecord
from services.customers.models.satisfaction import CaseCopyRecord, SurveyResponseRecord
from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe


def _when(stamp: Any, envelope: dict[str, Any]) -> datetime:
    """A payload timestamp if set, else the event's occurrence time, else now."""
    if stamp is not None and (stamp.seconds or stamp.nanos):
        return datetime.fromtimestamp(stamp.seconds + stamp.nanos / 1e9, tz=UTC)
    return occurred_at(envelope) or utcnow()


def _case_copy(session: Session, case_id: str, customer_id: str, region: str) -> CaseCopyRecord:
    """The copy of a case, created on the first event about it."""
    if not case_id or not customer_id or not region:
        raise MalformedEvent("a case event needs case_id, customer_id and region")
    copy = session.get(CaseCopyRecord, case_id, with_for_update=True)
    if copy is None:
        copy = CaseCopyRecord(
            case_id=case_id,
            customer_id=store.surviving_account_id(session, customer_id),
            region=region.strip().upper(),
            priority="",
        )
        session.add(copy)
    return copy


def copy_opened_case(session: Session, envelope: dict[str, Any]) -> CaseCopyRecord:
    """Record an opened case (its due time and priority) unless a later event knew more."""
    event = read_payload(envelope, case_events.CaseOpened)
    copy = _case_copy(session, event.case_id, event.customer_id, event.region)
    copy.priority = event.priority or copy.priority
    copy.opened_at = copy.opened_at or _when(None, envelope)
    if event.HasField("due_time"):
        copy.due_at = _when(event.due_time, envelope)
    return copy


def copy_breached_case(session: Session, envelope: dict[str, Any]) -> CaseCopyRecord:
    """Mark a case's SLA as breached (it counts as overdue while open)."""
    event = read_payload(envelope, case_events.CaseSlaBreached)
    copy = _case_copy(session, event.case_id, event.customer_id, event.region)
    copy.priority = copy.priority or event.priority
    if event.HasField("due_time") and copy.due_at is None:
        copy.due_at = _when(event.due_time, envelope)
    copy.sla_breached_at = copy.sla_breached_at or _when(None, envelope)
    return copy


def resolve_case(session: Session, envelope: dict[str, Any]) -> SurveyResponseRecord | None:
    """Mark a case resolved and record its satisfaction score as a CSAT response.

    Returns the response recorded, or None (no score, or this event's score
    was recorded already). A score outside 1-5 breaks the event contract:
    the event is parked, nothing is written.
    """
    event = read_payload(envelope, case_events.CaseResolved)
    copy = _case_copy(session, event.case_id, event.customer_id, event.region)
    resolved_at = _when(event.resolve_time if event.HasField("resolve_time") else None, envelope)
    copy.priority = copy.priority or event.priority
    if copy.resolved_at is None or copy.resolved_at < resolved_at:
        copy.resolved_at = resolved_at
    if not event.HasField("satisfaction_score"):
        return None
    try:
        score = domain.case_csat_score(event.satisfaction_score)
    except ValueError as exc:
        raise MalformedEvent(str(exc)) from exc
    copy.satisfaction_score = score
    event_id = str(envelope["event_id"])
    recorded = session.scalar(
        sa.select(SurveyResponseRecord.response_id).where(
            SurveyResponseRecord.source_event_id == event_id
        )
    )
    if recorded is not None:
        return None
    customer = session.get(CustomerRecord, copy.customer_id)
    new = domain.NewSurveyResponse(
        customer_id=copy.customer_id,
        contact_id="",
        kind=SurveyKind.CSAT,
        score=score,
        channel=SurveyChannel.CASE,
        comment="",
        responded_at=resolved_at,
        external_id="",
    )
    region = customer.region if customer else copy.region
    (record,) = store.write_survey_responses(
        session,
        [store.ResponseToWrite(new, region, customer.owner_id if customer else "")],
        source=SurveySource.CASE,
        now=utcnow(),
        caller=None,
        case_id=copy.case_id,
        source_event_id=event_id,
    )
    return record


class PipelineCaseHandlers:
    """Keeps the case copy, records CSAT at resolution, and re-assesses the account."""

    @subscribe("pipeline", "case.opened")
    def satisfaction_on_case_opened(self, session: Session, envelope: dict[str, Any]) -> None:
        copy = copy_opened_case(session, envelope)
        store.refresh_customers_health(session, [copy.customer_id], utcnow())

    @subscribe("pipeline", "case.resolved")
    def satisfaction_on_case_resolved(self, session: Session, envelope: dict[str, Any]) -> None:
        resolve_case(session, envelope)
        customer_id = str((envelope.get("payload") or {}).get("customer_id") or "")
        store.refresh_customers_health(
            session, [store.surviving_account_id(session, customer_id)], utcnow()
        )

    @subscribe("pipeline", "case.sla_breached")
    def satisfaction_on_case_sla_breached(self, session: Session, envelope: dict[str, Any]) -> None:
        copy = copy_breached_case(session, envelope)
        store.refresh_customers_health(session, [copy.customer_id], utcnow())
