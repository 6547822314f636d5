"""Opportunity states and win/loss facts from the pipeline's opportunity events.

`opportunity_states` keeps each opportunity as supervision and pipeline
coverage need it. `.created`, `.stage_changed` and `.updated` set its figures
(owner, team, stage, value, probability, expected close date) when they are at
least as new as what set them last (`source_occurred_at`), so a late event
never overwrites a newer one. `.won` and `.lost` close it: a closed
opportunity stays closed (a later or replayed close and any figure event
change nothing), `.won` sets `contract_id` from the event.

The first close also writes the owner's fact: OPPORTUNITY_WON (amount = the
contract value, detail = the contract id) or OPPORTUNITY_LOST (amount = the
value at loss, detail = the reason), subject = the opportunity, so a rep's
win rate is won / (won + lost) over these facts.

Events may come in any order: an event about an opportunity not seen yet
creates its row from what the event says; `.created` then fills in when it
was opened (`opened_at`), and the opening counts as its first activity.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from sqlalchemy.orm import Session

from services.kit.events import MalformedEvent, read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import (
    OPEN,
    day_or_envelope,
    envelope_instant,
    new_fact,
    opportunity_row,
    region_of,
    required,
    start_of,
    team_of,
)
from services.performance.models.facts import FactKind, OpportunityStateRecord

WON, LOST = "won", "lost"


def _optional_day(value: str, what: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise MalformedEvent(f"{what} {value!r} is not an ISO 8601 date") from None


def _team(session: Session, owner: str, event_team: str) -> str:
    return team_of(session, owner) or event_team.strip()


def _newer_and_open(row: OpportunityStateRecord, at: datetime) -> bool:
    if row.status != OPEN or at < row.source_occurred_at:
        return False
    row.source_occurred_at = at
    return True


def _set_owner(session: Session, row: OpportunityStateRecord, owner: str, team: str) -> None:
    if owner.strip():
        row.owner_id = owner.strip()
        row.team_id = _team(session, row.owner_id, team)


def _set_amount(row: OpportunityStateRecord, currency: str, amount_minor: int) -> None:
    if currency:
        row.currency, row.amount_minor = currency, amount_minor


class PipelineOpportunityHandlers:
    """`pipeline.opportunity.*` applied to `opportunity_states` and the win/loss facts."""

    @subscribe("pipeline", "opportunity.created")
    def facts_on_opportunity_created(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.OpportunityCreated)
        opportunity_id = required(event.opportunity_id, "OpportunityCreated.opportunity_id")
        at = envelope_instant(envelope)
        close = _optional_day(event.expected_close_date, "OpportunityCreated.expected_close_date")
        row = opportunity_row(session, opportunity_id, region_of(event.region, envelope))
        if row.opened_at is None or at < row.opened_at:
            row.opened_at = at
        if row.last_activity_at is None:
            row.last_activity_at = at
        if _newer_and_open(row, at):
            _set_owner(session, row, event.owner_id, event.team_id)
            row.stage_id = event.stage_id.strip()
            _set_amount(row, event.amount.currency, event.amount.amount_minor)
            row.probability_bp = event.probability_bp
            row.expected_close_date = close

    @subscribe("pipeline", "opportunity.stage_changed")
    def facts_on_opportunity_stage_changed(
        self, session: Session, envelope: dict[str, Any]
    ) -> None:
        event = read_payload(envelope, sales.OpportunityStageChanged)
        opportunity_id = required(event.opportunity_id, "OpportunityStageChanged.opportunity_id")
        at = envelope_instant(envelope)
        row = opportunity_row(session, opportunity_id, region_of(event.region, envelope))
        if _newer_and_open(row, at):
            _set_owner(session, row, event.owner_id, event.team_id)
            row.stage_id = event.to_stage_id.strip()
            row.probability_bp = event.probability_bp
            _set_amount(row, event.amount.currency, event.amount.amount_minor)

    @subscribe("pipeline", "opportunity.updated")
    def facts_on_opportunity_updated(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.OpportunityUpdated)
        opportunity_id = required(event.opportunity_id, "OpportunityUpdated.opportunity_id")
        at = envelope_instant(envelope)
        close = _optional_day(event.expected_close_date, "OpportunityUpdated.expected_close_date")
        row = opportunity_row(session, opportunity_id, region_of(event.region, envelope))
        if _newer_and_open(row, at):
            # The event carries the current figures, not only what changed.
            _set_owner(session, row, event.owner_id, event.team_id)
            _set_amount(row, event.amount.currency, event.amount.amount_minor)
            row.expected_close_date = close

    @subscribe("pipeline", "opportunity.won")
    def facts_on_opportunity_won(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.OpportunityWon)
        opportunity_id = required(event.opportunity_id, "OpportunityWon.opportunity_id")
        region = region_of(event.region, envelope)
        won_on = day_or_envelope(event.won_date, "OpportunityWon.won_date", envelope)
        at = envelope_instant(envelope)
        row = opportunity_row(session, opportunity_id, region)
        if row.status != OPEN:
            return  # closed stays closed
        _set_owner(session, row, event.owner_id, event.team_id)
        _set_amount(row, event.amount.currency, event.amount.amount_minor)
        row.status, row.closed_at = WON, at
        row.contract_id = event.contract_id.strip()
        row.source_occurred_at = max(row.source_occurred_at, at)
        session.add(
            new_fact(
                envelope,
                kind=FactKind.OPPORTUNITY_WON,
                region=region,
                rep_id=row.owner_id,
                team_id=row.team_id,
                subject_id=opportunity_id,
                occurred=at if at.date() == won_on else start_of(won_on),
                currency=event.amount.currency,
                amount_minor=event.amount.amount_minor,
                detail=row.contract_id,
            )
        )

    @subscribe("pipeline", "opportunity.lost")
    def facts_on_opportunity_lost(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.OpportunityLost)
        opportunity_id = required(event.opportunity_id, "OpportunityLost.opportunity_id")
        region = region_of(event.region, envelope)
        at = envelope_instant(envelope)
        row = opportunity_row(session, opportunity_id, region)
        if row.status != OPEN:
            return  # closed stays closed
        _set_owner(session, row, event.owner_id, event.team_id)
        _set_amount(row, event.amount.currency, event.amount.amount_minor)
        if event.stage_id.strip():
            row.stage_id = event.stage_id.strip()
        row.status, row.closed_at = LOST, at
        row.source_occurred_at = max(row.source_occurred_at, at)
        session.add(
            new_fact(
                envelope,
                kind=FactKind.OPPORTUNITY_LOST,
                region=region,
                rep_id=row.owner_id,
                team_id=row.team_id,
                subject_id=opportunity_id,
                occurred=at,
                currency=event.amount.currency,
                amount_minor=event.amount.amount_minor,
                detail=event.reason.strip(),
            )
        )
