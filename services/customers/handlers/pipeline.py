"""Handlers of the pipeline's events: accounts opened from converted leads.

The revenue an account earns (`pipeline.contract.*`) is handled in `contracts.py`.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from salesops.events.v1 import pipeline_events_pb2
from sqlalchemy.orm import Session

from services.customers.domain import accounts as domain
from services.customers.models import archive_store as store
from services.customers.models.accounts import CustomerRecord
from services.customers.models.contacts import ContactRecord
from services.kit import metrics
from services.kit.db import utcnow
from services.kit.events import read_payload
from services.kit.identity import SYSTEM
from services.kit.worker import subscribe


def open_account_from_lead(session: Session, envelope: dict[str, Any]) -> CustomerRecord | None:
    """Open the account and first contact for a converted lead; None if it exists already.

    The inbox makes a redelivered event a no-op; the unique source_lead_id
    also keeps a second event about the same lead (a replay from another
    source) from opening a second account. An event cannot be refused, so
    no duplicate check runs here: a likely duplicate is merged afterwards.
    """
    event = read_payload(envelope, pipeline_events_pb2.LeadConverted)
    account = domain.account_from_lead(
        lead_id=event.lead_id,
        region=event.region,
        company_name=event.company_name,
        country=event.country,
        industry=event.industry,
        owner_id=event.owner_id,
        contact_name=event.contact_name,
        contact_email=event.contact_email,
        contact_phone=event.contact_phone,
        contact_title=event.contact_title,
    )
    existing = session.scalar(
        sa.select(CustomerRecord.customer_id).where(
            CustomerRecord.source_lead_id == account.lead_id
        )
    )
    if existing is not None:
        return None
    now = utcnow()
    actor = str(envelope.get("actor") or SYSTEM.subject)
    customer = CustomerRecord(
        customer_id=str(uuid.uuid4()),
        region=account.region,
        name=account.name,
        normalized_name=account.normalized_name,
        country=account.country,
        industry=account.industry,
        status=domain.CustomerStatus.PROSPECT.value,
        owner_id=account.owner_id,
        source_lead_id=account.lead_id,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
        version=1,
        tier="",
    )
    session.add(customer)
    store.retier(session, customer, None, lifetime_value={}, emit=False)
    if account.contact_name:
        session.add(
            ContactRecord(
                contact_id=str(uuid.uuid4()),
                customer_id=customer.customer_id,
                name=account.contact_name,
                email=account.contact_email,
                phone=account.contact_phone,
                title=account.contact_title,
                created_at=now,
            )
        )
    session.flush()
    store.customer_created(session, customer, None, now)
    metrics.CUSTOMERS_CREATED.labels(customer.region).inc()
    return customer


class PipelineHandlers:
    """What the customer archive takes from the sales process."""

    @subscribe("pipeline", "lead.converted")
    def on_lead_converted(self, session: Session, envelope: dict[str, Any]) -> None:
        open_account_from_lead(session, envelope)
