"""What the contacts, consent and timeline tests share: fixtures, callers, stubs, accounts, events.

A test module imports the fixtures it uses and lists them in `__all__`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from nameko.testing.services import worker_factory
from salesops.customers.v1 import contacts_pb2 as cpb
from salesops.customers.v1 import contacts_pb2_grpc, timeline_pb2_grpc

from services.customers.models.accounts import CustomerRecord
from services.customers.worker import Worker
from services.kit.db import Database
from services.kit.testing import caller

Metadata = list[tuple[str, str]]

MANAGER = caller("mgr-1", "manager", "EMEA")
DIRECTOR = caller("dir-1", "director", "EMEA,APAC")
ADMIN = caller("adm-1", "admin", "*")
EXECUTIVE = caller("exe-1", "executive", "EMEA")
REP = caller("rep-1", "rep", "EMEA")
REP2 = caller("rep-2", "rep", "EMEA")
APAC_MANAGER = caller("mgr-9", "manager", "APAC")


@dataclass
class Stubs:
    """The contacts and timeline services over one channel."""

    contacts: contacts_pb2_grpc.ContactServiceStub
    timeline: timeline_pb2_grpc.TimelineServiceStub


def stubs_of(channel: grpc.Channel) -> Stubs:
    return Stubs(
        contacts_pb2_grpc.ContactServiceStub(channel),
        timeline_pb2_grpc.TimelineServiceStub(channel),
    )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The customers database, migrated (SQLite and PostgreSQL)."""
    return migrated("customers", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    """The customers worker's handlers over `db`."""
    return worker_factory(Worker, db=db)


@pytest.fixture
def stubs(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stubs:
    """The real customers api over `db`."""
    return stubs_of(serve_api("customers", db))


@pytest.fixture
def customer_id(worker: Any, db: Database) -> str:
    """An EMEA account owned by rep-1."""
    return open_account(worker, db, owner_id="rep-1")


def lead_converted(
    *, region: str = "EMEA", owner_id: str = "rep-1", company_name: str = "Acme GmbH", **more: str
) -> dict[str, Any]:
    """A `pipeline.lead.converted` envelope: the way accounts reach the archive."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": "pipeline.lead.converted",
        "schema_version": 1,
        "occurred_at": "2027-01-05T10:00:00Z",
        "source": "pipeline",
        "region": region,
        "actor": owner_id,
        "correlation_id": "req-1",
        "payload": {
            "lead_id": str(uuid.uuid4()),
            "region": region,
            "company_name": company_name,
            "owner_id": owner_id,
            **more,
        },
    }


def open_account(worker: Any, db: Database, **fields: str) -> str:
    """Open an account through the archive's own handler; return its customer id."""
    event = lead_converted(**fields)
    assert worker.on_lead_converted(event) == "applied"
    with db.transaction() as session:
        customer_id = session.scalar(
            sa.select(CustomerRecord.customer_id).where(
                CustomerRecord.source_lead_id == event["payload"]["lead_id"]
            )
        )
    assert customer_id is not None
    return str(customer_id)


def pipeline_event(
    event_type: str,
    payload: dict[str, Any],
    *,
    occurred_at: str = "2027-02-01T09:00:00Z",
    event_id: str | None = None,
    actor: str = "rep-1",
) -> dict[str, Any]:
    """An envelope of a pipeline event (`pipeline.<aggregate>.<verb>`)."""
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "type": event_type,
        "schema_version": 1,
        "occurred_at": occurred_at,
        "source": "pipeline",
        "region": payload.get("region", "EMEA"),
        "actor": actor,
        "correlation_id": "req-2",
        "payload": payload,
    }


def add_contact(stubs: Stubs, customer_id: str, who: Metadata = MANAGER, **fields: Any) -> Any:
    """Add a contact (Jo Doe unless told otherwise) and return it."""
    request = cpb.AddContactRequest(
        customer_id=customer_id,
        name=fields.pop("name", "Jo Doe"),
        email=fields.pop("email", "jo.doe@acme.example"),
        phone=fields.pop("phone", "+49 30 1234567"),
        title=fields.pop("title", "CFO"),
        **fields,
    )
    return stubs.contacts.AddContact(request, metadata=who).contact


def failure(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    bad = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad)
    return {v.field: v.description for v in bad.field_violations}


def rule_violations(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    details = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(details)
    return [v.description for v in details.violations]


def count(db: Database, table: Any, *where: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table).where(*where)))
