"""Handlers of the customers service's account events: planning's copy of each customer.

`customers.customer.created` and `customers.customer.updated` upsert the
`customer_copies` row (region, country, industry, owner). Events may arrive
out of order: the copy remembers the newest event applied (its version, then
its occurrence time, in `customer_copy_sources`) and ignores older ones. A
contract signed before the customer's event created a bare copy already; the
event fills it in. Neither event touches `first_contract_id`, which only the
contract handlers set and clear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salesops.events.v1 import customers_events_pb2 as customers
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe
from services.planning.models.attainment import CustomerCopySourceRecord
from services.planning.models.facts import CustomerCopyRecord


def apply_customer(
    session: Session,
    envelope: dict[str, Any],
    event: customers.CustomerCreated | customers.CustomerUpdated,
    version: int,
) -> bool:
    """Upsert the customer's copy unless a newer event was applied; whether it changed."""
    customer_id = event.customer_id.strip()
    if not customer_id:
        raise MalformedEvent(f"{type(event).__name__} has no customer_id")
    happened: datetime = occurred_at(envelope) or utcnow()
    source = session.get(CustomerCopySourceRecord, customer_id, with_for_update=True)
    if source is not None and (source.version, source.source_occurred_at) > (version, happened):
        return False
    if source is None:
        source = CustomerCopySourceRecord(
            customer_id=customer_id, source_occurred_at=happened, version=version
        )
        session.add(source)
    else:
        source.source_occurred_at, source.version = happened, version
    copy = session.get(CustomerCopyRecord, customer_id, with_for_update=True)
    if copy is None:
        copy = CustomerCopyRecord(
            customer_id=customer_id, first_contract_id=None, created_at=utcnow()
        )
        session.add(copy)
    copy.region = (event.region or str(envelope.get("region") or "")).strip().upper()
    copy.country = event.country.strip().upper()[:2]
    copy.industry = event.industry.strip()[:100]
    copy.owner_id = event.owner_id.strip()
    session.flush()
    return True


class CustomerHandlers:
    """`customers.customer.created/updated` kept in `customer_copies`."""

    @subscribe("customers", "customer.created")
    def attainment_customer_created(self, session: Session, envelope: dict[str, Any]) -> None:
        # A creation is the first version; any update outranks it.
        apply_customer(session, envelope, read_payload(envelope, customers.CustomerCreated), 0)

    @subscribe("customers", "customer.updated")
    def attainment_customer_updated(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, customers.CustomerUpdated)
        apply_customer(session, envelope, event, event.version)
