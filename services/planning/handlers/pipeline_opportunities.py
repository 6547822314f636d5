"""Planning's copy of the pipeline's opportunities, from `pipeline.opportunity.*` events.

The weighted pipeline beside forecasts and targets is computed from this
copy (`models.forecasts.OpportunityCopyRecord`). Events may arrive late, out
of order or twice (the inbox drops redeliveries of one event; these guards
make the effect right whatever the order):

- a stage change or close before the create makes the row; the create then
  fills in what only it carries (the customer and pipeline);
- `pipeline.opportunity.updated` (an edit or a reassignment) brings a new
  owner, amount, name or expected close date;
- two groups of figures have a clock each: the stage (stage, probability,
  category) and the details (owner, team, amount, name, close date). A group
  is taken only from an event that occurred no earlier than the one that
  last set it, so a stale event never overwrites a newer one;
- won and lost are final: a stage change or create arriving after them does
  not reopen the deal. A win's amount is the booked value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from salesops.events.v1 import pipeline_sales_events_pb2 as events
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.rounding import BASIS_POINTS
from services.kit.worker import subscribe
from services.planning.domain.forecasts import OpportunityCategory
from services.planning.models.forecasts import OpportunityCopyRecord

OPEN, WON, LOST = "open", "won", "lost"
CATEGORIES = frozenset(c.value for c in OpportunityCategory)


@dataclass(frozen=True)
class StageFigures:
    """What an event says about where a deal stands."""

    owner_id: str
    team_id: str
    currency: str
    amount_minor: int
    stage_id: str = ""
    probability_bp: int | None = None
    category: str | None = None


def _when(envelope: dict[str, Any]) -> datetime:
    return occurred_at(envelope) or utcnow()


def _close_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise MalformedEvent(f"expected_close_date '{value}' is not an ISO 8601 date") from None


def _category(value: str) -> str | None:
    return value if value in CATEGORIES else None


def _row(
    session: Session, opportunity_id: str, region: str, happened: datetime
) -> OpportunityCopyRecord:
    """The copy of the opportunity, locked; a new open one if no event about it arrived yet."""
    if not opportunity_id or not region:
        raise MalformedEvent("an opportunity event needs opportunity_id and region")
    row = session.get(OpportunityCopyRecord, opportunity_id, with_for_update=True)
    if row is None:
        row = OpportunityCopyRecord(
            opportunity_id=opportunity_id,
            region=region,
            owner_id="",
            team_id="",
            customer_id="",
            pipeline_id="",
            stage_id="",
            name="",
            currency="",
            amount_minor=0,
            probability_bp=0,
            forecast_category=OpportunityCategory.PIPELINE.value,
            expected_close_date=None,
            status=OPEN,
            known=False,
            # Older than any event, so the first one's figures always apply.
            stage_occurred_at=datetime.min.replace(tzinfo=happened.tzinfo),
            details_occurred_at=datetime.min.replace(tzinfo=happened.tzinfo),
            updated_at=utcnow(),
        )
        session.add(row)
    return row


def _apply_figures(row: OpportunityCopyRecord, figures: StageFigures, happened: datetime) -> None:
    """Apply an event's figures to an open deal, each group only if the event is newer."""
    if row.status != OPEN:
        return  # closed deals stay closed
    if happened >= row.details_occurred_at:
        row.owner_id = figures.owner_id or row.owner_id
        row.team_id = figures.team_id or row.team_id
        if figures.currency:
            row.currency, row.amount_minor = figures.currency, figures.amount_minor
        row.details_occurred_at = happened
    carries_stage = (
        figures.stage_id or figures.probability_bp is not None or figures.category is not None
    )
    if carries_stage and happened >= row.stage_occurred_at:
        row.stage_id = figures.stage_id or row.stage_id
        if figures.probability_bp is not None:
            row.probability_bp = figures.probability_bp
        if figures.category is not None:
            row.forecast_category = figures.category
        row.stage_occurred_at = happened
    row.updated_at = utcnow()


def _apply_details(
    row: OpportunityCopyRecord, name: str, close_date: str, happened: datetime
) -> None:
    """Name and expected close date from a create or an edit.

    Taken from an event newer than the last details applied to an open deal;
    otherwise only filled in where still unknown (a stage change or close
    that arrived first carries neither).
    """
    newer = row.status == OPEN and happened >= row.details_occurred_at
    if newer or not row.name:
        row.name = name[:200] or row.name
    if newer or row.expected_close_date is None:
        row.expected_close_date = _close_date(close_date)


def _close(
    row: OpportunityCopyRecord, status: str, figures: StageFigures, happened: datetime
) -> None:
    """Won or lost, final; a later close (a correction) wins over an earlier one."""
    if row.status != OPEN and happened < row.stage_occurred_at:
        return
    row.status = status
    row.owner_id = figures.owner_id or row.owner_id
    row.team_id = figures.team_id or row.team_id
    if figures.currency:
        row.currency, row.amount_minor = figures.currency, figures.amount_minor
    row.stage_id = figures.stage_id or row.stage_id
    row.probability_bp = BASIS_POINTS if status == WON else 0
    row.forecast_category = (
        OpportunityCategory.CLOSED.value if status == WON else OpportunityCategory.OMITTED.value
    )
    row.stage_occurred_at = max(happened, row.stage_occurred_at)
    row.details_occurred_at = max(happened, row.details_occurred_at)
    row.updated_at = utcnow()


class PipelineOpportunityHandlers:
    """Keeps `opportunity_copies` in step with the pipeline's opportunities."""

    @subscribe("pipeline", "opportunity.created")
    def opportunity_copy_created(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.OpportunityCreated)
        happened = _when(envelope)
        row = _row(session, event.opportunity_id, event.region, happened)
        row.known = True
        row.region = event.region
        row.customer_id = event.customer_id
        row.pipeline_id = event.pipeline_id or row.pipeline_id
        _apply_details(row, event.name, event.expected_close_date, happened)
        _apply_figures(
            row,
            StageFigures(
                event.owner_id,
                event.team_id,
                event.amount.currency,
                event.amount.amount_minor,
                event.stage_id,
                # Older producers sent neither: the first stage's defaults are unknown then.
                event.probability_bp if event.forecast_category else None,
                _category(event.forecast_category),
            ),
            happened,
        )

    @subscribe("pipeline", "opportunity.stage_changed")
    def opportunity_copy_stage_changed(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.OpportunityStageChanged)
        happened = _when(envelope)
        row = _row(session, event.opportunity_id, event.region, happened)
        row.pipeline_id = event.pipeline_id or row.pipeline_id
        _apply_figures(
            row,
            StageFigures(
                event.owner_id,
                event.team_id,
                event.amount.currency,
                event.amount.amount_minor,
                event.to_stage_id,
                event.probability_bp,
                _category(event.forecast_category),
            ),
            happened,
        )

    @subscribe("pipeline", "opportunity.updated")
    def opportunity_copy_updated(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.OpportunityUpdated)
        happened = _when(envelope)
        row = _row(session, event.opportunity_id, event.region, happened)
        _apply_details(row, event.name, event.expected_close_date, happened)
        figures = StageFigures(
            event.owner_id, event.team_id, event.amount.currency, event.amount.amount_minor
        )
        _apply_figures(row, figures, happened)

    @subscribe("pipeline", "opportunity.won")
    def opportunity_copy_won(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.OpportunityWon)
        happened = _when(envelope)
        row = _row(session, event.opportunity_id, event.region, happened)
        row.customer_id = event.customer_id or row.customer_id
        row.pipeline_id = event.pipeline_id or row.pipeline_id
        figures = StageFigures(
            event.owner_id, event.team_id, event.amount.currency, event.amount.amount_minor
        )
        _close(row, WON, figures, happened)

    @subscribe("pipeline", "opportunity.lost")
    def opportunity_copy_lost(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.OpportunityLost)
        happened = _when(envelope)
        row = _row(session, event.opportunity_id, event.region, happened)
        row.customer_id = event.customer_id or row.customer_id
        row.pipeline_id = event.pipeline_id or row.pipeline_id
        figures = StageFigures(
            event.owner_id, event.team_id, event.amount.currency, event.amount.amount_minor
        )
        _close(row, LOST, figures, happened)
