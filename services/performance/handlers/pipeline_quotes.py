"""Quote discount facts from `pipeline.quote.approved`.

One QUOTE_DISCOUNT fact per approved quote (a quote id is one version of a
series), for the deal's owner: subject = the quote, value_bp = its effective
discount, amount = its total, detail = who approved it (the submitter when
approved automatically), and the authority that approved it as the pipeline
reported it (`approver_role`, `approver_authority_bp`, `approver_unlimited`),
so supervision can find discounts above the approver's authority. A quote
approved again under another event id adds nothing.
"""

from __future__ import annotations

from typing import Any

from salesops.events.v1 import pipeline_sales_events_pb2 as sales
from sqlalchemy.orm import Session

from services.kit.events import MalformedEvent, read_payload
from services.kit.worker import subscribe
from services.performance.models.fact_writes import (
    envelope_instant,
    fact_exists,
    new_fact,
    region_of,
    required,
    team_of,
)
from services.performance.models.facts import FactKind


class PipelineQuoteHandlers:
    """`pipeline.quote.approved` as QUOTE_DISCOUNT facts."""

    @subscribe("pipeline", "quote.approved")
    def facts_on_quote_approved(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, sales.QuoteApproved)
        quote_id = required(event.quote_id, "QuoteApproved.quote_id")
        region = region_of(event.region, envelope)
        if event.effective_discount_bp < 0 or event.approver_authority_bp < 0:
            raise MalformedEvent(
                "QuoteApproved has a negative effective_discount_bp or approver_authority_bp"
            )
        if fact_exists(session, FactKind.QUOTE_DISCOUNT, quote_id):
            return
        owner = event.owner_id.strip()
        session.add(
            new_fact(
                envelope,
                kind=FactKind.QUOTE_DISCOUNT,
                region=region,
                rep_id=owner,
                team_id=team_of(session, owner),
                subject_id=quote_id,
                occurred=envelope_instant(envelope),
                currency=event.total.currency,
                amount_minor=event.total.amount_minor,
                value_bp=event.effective_discount_bp,
                detail=event.approved_by.strip(),
                approver_role=event.approver_role.strip().lower(),
                approver_authority_bp=event.approver_authority_bp,
                approver_unlimited=event.approver_unlimited,
            )
        )
