"""The pipeline's copy of customer accounts, from `customers.customer.*` events.

Opportunities and activities need to know that a customer exists, its region
and owner, without calling the customers service. Events may arrive out of
order: each row keeps the occurrence time of the event that last wrote it and
an older event never overwrites a newer one. A merge is final: the merged
account's row points at the survivor (a row is created if the merge arrives
before the account itself), and the opportunities, activities and contracts
of the merged account are repointed to the survivor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import customers_events_pb2 as events
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.events import MalformedEvent, occurred_at, read_payload
from services.kit.worker import subscribe
from services.pipeline.models.activities import ActivityRecord
from services.pipeline.models.contracts import ContractRecord
from services.pipeline.models.copies import CustomerCopyRecord
from services.pipeline.models.opportunities import OpportunityRecord


def _when(envelope: dict[str, Any]) -> datetime:
    return occurred_at(envelope) or utcnow()


def upsert_customer(
    session: Session,
    *,
    customer_id: str,
    region: str,
    name: str,
    owner_id: str,
    happened: datetime,
) -> None:
    """Apply a created/updated description of an account unless a newer one was applied."""
    if not customer_id or not region:
        raise MalformedEvent("a customer event needs customer_id and region")
    row = session.get(CustomerCopyRecord, customer_id, with_for_update=True)
    if row is None:
        session.add(
            CustomerCopyRecord(
                customer_id=customer_id,
                region=region,
                name=name,
                owner_id=owner_id,
                merged_into="",
                known=True,
                source_occurred_at=happened,
            )
        )
        return
    if row.known and row.source_occurred_at > happened:
        return  # a newer description was applied already
    row.region, row.name, row.owner_id = region, name, owner_id
    row.known = True
    row.source_occurred_at = happened


def merge_customers(
    session: Session, *, survivor_id: str, merged_id: str, region: str, happened: datetime
) -> None:
    """Mark `merged_id` merged into `survivor_id`; repoint its deals, activities, contracts."""
    if not survivor_id or not merged_id or survivor_id == merged_id:
        raise MalformedEvent("a merge needs two different customer ids")
    row = session.get(CustomerCopyRecord, merged_id, with_for_update=True)
    if row is None:
        session.add(
            CustomerCopyRecord(
                customer_id=merged_id,
                region=region,
                name="",
                owner_id="",
                merged_into=survivor_id,
                known=False,
                source_occurred_at=happened,
            )
        )
    else:
        row.merged_into = survivor_id
    # Accounts merged earlier into the one now merged away follow it to the survivor.
    session.execute(
        sa.update(CustomerCopyRecord)
        .where(CustomerCopyRecord.merged_into == merged_id)
        .values(merged_into=survivor_id)
    )
    for model in (OpportunityRecord, ContractRecord):
        session.execute(
            sa.update(model).where(model.customer_id == merged_id).values(customer_id=survivor_id)
        )
    session.execute(
        sa.update(ActivityRecord)
        .where(ActivityRecord.customer_id == merged_id)
        .values(customer_id=survivor_id)
    )


class CustomersHandlers:
    """Keeps `customer_copies` in step with the customers service."""

    @subscribe("customers", "customer.created")
    def on_customer_created(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.CustomerCreated)
        upsert_customer(
            session,
            customer_id=event.customer_id,
            region=event.region,
            name=event.name,
            owner_id=event.owner_id,
            happened=_when(envelope),
        )

    @subscribe("customers", "customer.updated")
    def on_customer_updated(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.CustomerUpdated)
        upsert_customer(
            session,
            customer_id=event.customer_id,
            region=event.region,
            name=event.name,
            owner_id=event.owner_id,
            happened=_when(envelope),
        )

    @subscribe("customers", "customer.merged")
    def on_customer_merged(self, session: Session, envelope: dict[str, Any]) -> None:
        event = read_payload(envelope, events.CustomerMerged)
        merge_customers(
            session,
            survivor_id=event.survivor_id,
            merged_id=event.merged_id,
            region=event.region or str(envelope.get("region") or ""),
            happened=_when(envelope),
        )
