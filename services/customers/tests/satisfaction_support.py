"""What the satisfaction and health tests share: accounts, contracts, interactions, events.

Accounts are opened the way production opens them (a `pipeline.lead.converted`
event through the worker). Contract revenue and timeline entries belong to
other areas of the service; the tests write them through lightweight
`sa.table` constructs of the agreed table and column names (and the columns
those tables require), so they do not depend on those areas' code.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from services.customers.models.accounts import CustomerRecord
from services.kit.db import Database, UTCDateTime
from services.kit.schema import outbox

contract_revenue = sa.table(
    "contract_revenue",
    sa.column("contract_id", sa.String),
    sa.column("customer_id", sa.String),
    sa.column("region", sa.String),
    sa.column("value_minor", sa.BigInteger),
    sa.column("currency", sa.String),
    sa.column("signed_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("source_occurred_at", UTCDateTime),
)
timeline_entries = sa.table(
    "timeline_entries",
    sa.column("entry_id", sa.String),
    sa.column("customer_id", sa.String),
    sa.column("region", sa.String),
    sa.column("occurred_at", UTCDateTime),
    sa.column("kind", sa.String),
    sa.column("action", sa.String),
    sa.column("title", sa.String),
    sa.column("summary", sa.Text),
    sa.column("ref_type", sa.String),
    sa.column("ref_id", sa.String),
    sa.column("actor", sa.String),
    sa.column("created_at", UTCDateTime),
)


def at(text: str) -> datetime:
    """An aware UTC instant from 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def envelope(event_type: str, payload: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An event envelope as the relay publishes it."""
    return {
        "event_id": fields.pop("event_id", str(uuid.uuid4())),
        "type": event_type,
        "schema_version": 1,
        "occurred_at": fields.pop("occurred_at", "2027-01-05T10:00:00Z"),
        "source": event_type.split(".")[0],
        "region": payload.get("region", "EMEA"),
        "actor": "system",
        "correlation_id": "",
        "payload": payload,
        **fields,
    }


def open_account(
    worker: Any, db: Database, name: str, *, region: str = "EMEA", owner_id: str = "rep-1"
) -> str:
    """Open an account from a converted lead; return its customer id."""
    lead_id = str(uuid.uuid4())
    event = envelope(
        "pipeline.lead.converted",
        {
            "lead_id": lead_id,
            "region": region,
            "company_name": name,
            "contact_name": f"{name} Buyer",
            "contact_email": f"buyer@{uuid.uuid4().hex[:8]}.example",
            "owner_id": owner_id,
        },
    )
    assert worker.on_lead_converted(event) == "applied"
    with db.transaction() as session:
        return str(
            session.scalar(
                sa.select(CustomerRecord.customer_id).where(
                    CustomerRecord.source_lead_id == lead_id
                )
            )
        )


def contact_of(db: Database, customer_id: str) -> str:
    """The id of the account's first contact."""
    from services.customers.models.contacts import ContactRecord

    with db.transaction() as session:
        return str(
            session.scalar(
                sa.select(ContactRecord.contact_id).where(ContactRecord.customer_id == customer_id)
            )
        )


def add_contract(
    db: Database,
    customer_id: str,
    signed: date,
    value_minor: int,
    *,
    currency: str = "EUR",
    status: str = "active",
    region: str = "EMEA",
) -> None:
    """A contract of the account as the archive records it."""
    with db.transaction() as session:
        session.execute(
            contract_revenue.insert().values(
                contract_id=str(uuid.uuid4()),
                customer_id=customer_id,
                region=region,
                value_minor=value_minor,
                currency=currency,
                signed_date=signed,
                status=status,
                source_occurred_at=datetime.combine(signed, datetime.min.time(), UTC),
            )
        )


def add_interaction(db: Database, customer_id: str, when: datetime, region: str = "EMEA") -> None:
    """An entry on the account's timeline."""
    with db.transaction() as session:
        session.execute(
            timeline_entries.insert().values(
                entry_id=str(uuid.uuid4()),
                customer_id=customer_id,
                region=region,
                occurred_at=when,
                kind="note",
                action="written",
                title="Call",
                summary="Quarterly call",
                ref_type="note",
                ref_id=str(uuid.uuid4()),
                actor="rep-1",
                created_at=when,
            )
        )


def events_of(db: Database, event_type: str) -> list[dict[str, Any]]:
    """The envelopes of `event_type` in the outbox, oldest first."""
    with db.transaction() as session:
        rows = session.scalars(
            sa.select(outbox.c.envelope).where(outbox.c.type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(row) for row in rows]
