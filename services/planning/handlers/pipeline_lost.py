"""Deals lost to a competitor become competitive intelligence.

`pipeline.opportunity.lost` naming a competitor (who won instead) records a
`deal_lost` intelligence entry in the opportunity's region, on the competitor
whose normalised name matches (`kit.normalize.normalized_name`, archived
competitors included: the loss happened). An unknown competitor records
nothing: competitors are curated by managers, not created from free text.
The entry's `origin` is the opportunity, so a redelivered or replayed event
records no second entry. Handler names start with `market_` so they never
collide with the other areas' handlers of the same event.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_sales_events_pb2 as sales_events
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.normalize import normalized_name
from services.kit.worker import subscribe
from services.planning.domain.market import IntelKind
from services.planning.models.market import CompetitorRecord, IntelEntryRecord, new_intel_entry


def _amount(money: common_pb2.Money) -> str:
    """Money as "12,000.00 EUR" for the entry's details (two minor digits assumed)."""
    whole, cents = divmod(abs(money.amount_minor), 100)
    sign = "-" if money.amount_minor < 0 else ""
    return f"{sign}{whole:,}.{cents:02d} {money.currency}"


class PipelineLostDealHandlers:
    """Lost deals as `deal_lost` intelligence."""

    @subscribe("pipeline", "opportunity.lost")
    def market_on_opportunity_lost(self, session: Session, envelope: dict[str, Any]) -> None:
        lost = read_payload(envelope, sales_events.OpportunityLost)
        if not lost.opportunity_id or not lost.region:
            raise MalformedEvent("the event has no opportunity_id or region")
        key = normalized_name(lost.competitor)
        if not key:
            return
        competitor = session.scalars(
            sa.select(CompetitorRecord).where(CompetitorRecord.name_key == key)
        ).first()
        if competitor is None:
            return
        origin = f"pipeline.opportunity/{lost.opportunity_id}"
        if session.scalar(
            sa.select(IntelEntryRecord.intel_id).where(IntelEntryRecord.origin == origin)
        ):
            return
        now = utcnow()
        when = occurred_at(envelope) or now
        details = [f"Opportunity {lost.opportunity_id} was lost to {competitor.name}."]
        if lost.reason:
            details.append(f"Reason: {lost.reason}")
        if lost.HasField("amount"):
            details.append(f"Amount: {_amount(lost.amount)}")
        session.add(
            new_intel_entry(
                competitor_id=competitor.competitor_id,
                territory_id="",
                region=lost.region.upper(),
                kind=IntelKind.DEAL_LOST.value,
                title=f"Deal lost to {competitor.name}",
                details="\n".join(details),
                source="pipeline: lost opportunity",
                observed_on=min(when, now).date(),
                recorded_by=str(envelope.get("actor") or "system"),
                origin=origin,
                now=now,
            )
        )
        session.flush()
