"""The interaction timeline fed by the sales process: one entry per pipeline event.

Every handled event adds at most one `timeline_entries` row, keyed by the
event's id (`source_event_id` is unique), so an event redelivered or replayed
after the inbox forgot it (a dead letter replayed, a queue re-bound) never
shows twice. Events without a customer (an activity on a lead) are ignored.

Events may come out of order or before the customer reaches the archive:
entries are kept whatever the archive holds. An opportunity's stage changes
and the activities logged on it carry no customer id; they take the
customer of the opportunity's earlier entries, or wait with no customer
until `pipeline.opportunity.created` (or won, lost, a contract) names it.

Handler method names start with `timeline_` so they never collide with the
other areas' handlers of the same events once the worker composes the mixins.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import pipeline_case_events_pb2 as case_events
from salesops.events.v1 import pipeline_sales_events_pb2 as sales_events
from sqlalchemy.orm import Session

from services.customers.domain import timeline as domain
from services.customers.domain.timeline import EntryKind, EntryText
from services.customers.models.timeline import TimelineEntryRecord
from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe


def _instant(value: str) -> datetime | None:
    """An RFC 3339 instant from a payload, or None when absent or unreadable."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise MalformedEvent(f"the event has no {what}")
    return value.strip()


def known_title(session: Session, ref_type: str, ref_id: str) -> str:
    """The name an earlier entry gave the record (an opportunity's name), or ""."""
    return (
        session.scalar(
            sa.select(TimelineEntryRecord.title)
            .where(
                TimelineEntryRecord.ref_type == ref_type,
                TimelineEntryRecord.ref_id == ref_id,
                TimelineEntryRecord.title != "",
            )
            .order_by(TimelineEntryRecord.occurred_at.desc())
            .limit(1)
        )
        or ""
    )


def customer_of_opportunity(session: Session, opportunity_id: str) -> str | None:
    """The customer an earlier entry of the opportunity names, if any."""
    return session.scalar(
        sa.select(TimelineEntryRecord.customer_id)
        .where(
            TimelineEntryRecord.opportunity_id == opportunity_id,
            TimelineEntryRecord.customer_id.is_not(None),
        )
        .limit(1)
    )


def add_entry(
    session: Session,
    envelope: dict[str, Any],
    *,
    customer_id: str,
    region: str,
    kind: EntryKind,
    action: str,
    text: EntryText,
    ref_type: str,
    ref_id: str,
    opportunity_id: str = "",
    actor: str = "",
    happened: datetime | None = None,
) -> TimelineEntryRecord | None:
    """Add the entry for the event in `envelope` unless it exists; None when skipped.

    An entry with neither a customer nor an opportunity to find one through
    is skipped: it is about no customer.
    """
    event_id = _required(str(envelope.get("event_id") or ""), "event_id")
    if session.scalar(
        sa.select(TimelineEntryRecord.entry_id).where(
            TimelineEntryRecord.source_event_id == event_id
        )
    ):
        return None
    customer = customer_id.strip() or None
    if customer is None and opportunity_id:
        customer = customer_of_opportunity(session, opportunity_id)
    if customer is None and not opportunity_id:
        return None
    region = (region or str(envelope.get("region") or "")).strip().upper()
    entry = TimelineEntryRecord(
        entry_id=str(uuid.uuid4()),
        customer_id=customer,
        region=_required(region, "region"),
        occurred_at=happened or occurred_at(envelope) or utcnow(),
        kind=kind.value,
        action=action,
        title=text.title,
        summary=text.summary,
        ref_type=ref_type,
        ref_id=ref_id,
        opportunity_id=opportunity_id or None,
        contact_id=None,
        actor=(actor or str(envelope.get("actor") or "") or "system")[:100],
        source_event_id=event_id,
        created_at=utcnow(),
    )
    session.add(entry)
    if customer is not None and opportunity_id:
        # Entries of the opportunity that waited for their customer get it now.
        session.execute(
            sa.update(TimelineEntryRecord)
            .where(
                TimelineEntryRecord.opportunity_id == opportunity_id,
                TimelineEntryRecord.customer_id.is_(None),
            )
            .values(customer_id=customer)
        )
    session.flush()
    return entry


def add_opportunity_entry(
    session: Session,
    envelope: dict[str, Any],
    *,
    opportunity_id: str,
    customer_id: str,
    region: str,
    action: str,
    text: EntryText,
) -> None:
    """The entry of an opportunity's event (its customer found through earlier ones if absent)."""
    add_entry(
        session,
        envelope,
        customer_id=customer_id,
        region=region,
        kind=EntryKind.OPPORTUNITY,
        action=action,
        text=text,
        ref_type="opportunity",
        ref_id=opportunity_id,
        opportunity_id=opportunity_id,
    )


class PipelineTimelineHandlers:
    """The sales process's events, written to the customers' timelines."""

    @subscribe("pipeline", "activity.logged")
    def timeline_activity_logged(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales_events.ActivityLogged)
        if not event.customer_id and not event.opportunity_id:
            return  # an activity on a lead: no customer yet
        add_entry(
            session,
            envelope,
            customer_id=event.customer_id,
            region=event.region,
            kind=EntryKind.ACTIVITY,
            action="logged",
            text=domain.activity_text(
                type=event.type,
                subject=event.subject,
                outcome=event.outcome,
                status=event.status,
                due_date=event.due_date,
            ),
            ref_type="activity",
            ref_id=_required(event.activity_id, "activity_id"),
            opportunity_id=event.opportunity_id,
            actor=event.owner_id,
            happened=_instant(event.occurred_at),
        )

    @subscribe("pipeline", "opportunity.created")
    def timeline_opportunity_created(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales_events.OpportunityCreated)
        opportunity_id = _required(event.opportunity_id, "opportunity_id")
        add_opportunity_entry(
            session,
            envelope,
            opportunity_id=opportunity_id,
            customer_id=event.customer_id,
            region=event.region,
            action="created",
            text=domain.opportunity_created_text(
                name=event.name,
                currency=event.amount.currency,
                amount_minor=event.amount.amount_minor,
                expected_close_date=event.expected_close_date,
            ),
        )

    @subscribe("pipeline", "opportunity.stage_changed")
    def timeline_opportunity_stage_changed(
        self, session: Session, envelope: dict[str, Any]
    ) -> None:
        event = read_payload(envelope, sales_events.OpportunityStageChanged)
        opportunity_id = _required(event.opportunity_id, "opportunity_id")
        add_opportunity_entry(
            session,
            envelope,
            opportunity_id=opportunity_id,
            customer_id="",
            region=event.region,
            action="stage_changed",
            text=domain.opportunity_stage_changed_text(
                title=known_title(session, "opportunity", opportunity_id),
                to_stage_name=event.to_stage_name or event.to_stage_id,
                probability_bp=event.probability_bp,
                currency=event.amount.currency,
                amount_minor=event.amount.amount_minor,
            ),
        )

    @subscribe("pipeline", "opportunity.won")
    def timeline_opportunity_won(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales_events.OpportunityWon)
        opportunity_id = _required(event.opportunity_id, "opportunity_id")
        add_opportunity_entry(
            session,
            envelope,
            opportunity_id=opportunity_id,
            customer_id=event.customer_id,
            region=event.region,
            action="won",
            text=domain.opportunity_won_text(
                title=known_title(session, "opportunity", opportunity_id),
                currency=event.amount.currency,
                amount_minor=event.amount.amount_minor,
                won_date=event.won_date,
            ),
        )

    @subscribe("pipeline", "opportunity.lost")
    def timeline_opportunity_lost(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales_events.OpportunityLost)
        opportunity_id = _required(event.opportunity_id, "opportunity_id")
        add_opportunity_entry(
            session,
            envelope,
            opportunity_id=opportunity_id,
            customer_id=event.customer_id,
            region=event.region,
            action="lost",
            text=domain.opportunity_lost_text(
                title=known_title(session, "opportunity", opportunity_id),
                reason=event.reason,
                competitor=event.competitor,
            ),
        )

    @subscribe("pipeline", "contract.signed")
    def timeline_contract_signed(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales_events.ContractSigned)
        add_entry(
            session,
            envelope,
            customer_id=event.customer_id,
            region=event.region,
            kind=EntryKind.CONTRACT,
            action="signed",
            text=domain.contract_signed_text(
                currency=event.value.currency,
                amount_minor=event.value.amount_minor,
                start_date=event.start_date,
                end_date=event.end_date,
                term_months=event.term_months,
                renewal=bool(event.renews_contract_id),
            ),
            ref_type="contract",
            ref_id=_required(event.contract_id, "contract_id"),
            opportunity_id=event.opportunity_id,
        )

    @subscribe("pipeline", "contract.cancelled")
    def timeline_contract_cancelled(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales_events.ContractCancelled)
        add_entry(
            session,
            envelope,
            customer_id=event.customer_id,
            region=event.region,
            kind=EntryKind.CONTRACT,
            action="cancelled",
            text=domain.contract_cancelled_text(
                reason=event.reason, cancelled_date=event.cancelled_date
            ),
            ref_type="contract",
            ref_id=_required(event.contract_id, "contract_id"),
            opportunity_id=event.opportunity_id,
        )

    @subscribe("pipeline", "case.opened")
    def timeline_case_opened(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, case_events.CaseOpened)
        if not event.customer_id:
            return
        add_entry(
            session,
            envelope,
            customer_id=event.customer_id,
            region=event.region,
            kind=EntryKind.CASE,
            action="opened",
            text=domain.case_opened_text(
                type=event.type, priority=event.priority, subject=event.subject
            ),
            ref_type="case",
            ref_id=_required(event.case_id, "case_id"),
            actor=event.opened_by,
        )

    @subscribe("pipeline", "case.resolved")
    def timeline_case_resolved(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, case_events.CaseResolved)
        if not event.customer_id:
            return
        case_id = _required(event.case_id, "case_id")
        add_entry(
            session,
            envelope,
            customer_id=event.customer_id,
            region=event.region,
            kind=EntryKind.CASE,
            action="resolved",
            text=domain.case_resolved_text(
                title=known_title(session, "case", case_id),
                within_sla=event.within_sla,
                satisfaction_score=(
                    event.satisfaction_score if event.HasField("satisfaction_score") else None
                ),
            ),
            ref_type="case",
            ref_id=case_id,
            actor=event.resolved_by,
            happened=(
                event.resolve_time.ToDatetime(tzinfo=UTC)
                if event.HasField("resolve_time")
                else None
            ),
        )
