"""Accounts opened from converted leads (nameko handler, real database) and read over gRPC."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import customers_pb2_grpc

from services.customers.models.accounts import CustomerRecord
from services.customers.models.contacts import ContactRecord
from services.customers.worker import Worker
from services.kit.db import Database
from services.kit.schema import dead_letters, outbox, processed_events
from services.kit.testing import caller


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def converted(lead_id: str | None = None, region: str = "EMEA", **payload: str) -> dict[str, Any]:
    lead_id = lead_id or str(uuid.uuid4())
    return {
        "event_id": str(uuid.uuid4()),
        "type": "pipeline.lead.converted",
        "schema_version": 1,
        "occurred_at": "2027-01-05T10:00:00Z",
        "source": "pipeline",
        "region": region,
        "actor": "alice",
        "correlation_id": "req-1",
        "payload": {
            "lead_id": lead_id,
            "region": region,
            "company_name": "Acme GmbH",
            "contact_name": "Jo Doe",
            "contact_email": "jo@acme.example",
            "contact_title": "CFO",
            "owner_id": "alice",
            **payload,
        },
    }


def count(db: Database, table: Any, *where: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table).where(*where)))


def test_a_converted_lead_opens_one_account_with_its_contact(worker: Any, db: Database) -> None:
    event = converted(country="DE")
    assert worker.on_lead_converted(event) == "applied"
    with db.transaction() as session:
        customer = session.scalars(sa.select(CustomerRecord)).one()
        contact = session.scalars(sa.select(ContactRecord)).one()
        assert (customer.name, customer.region, customer.owner_id, customer.status) == (
            "Acme GmbH",
            "EMEA",
            "alice",
            "prospect",
        )
        assert customer.source_lead_id == event["payload"]["lead_id"]
        assert customer.created_by == "alice"
        assert (contact.customer_id, contact.email, contact.title) == (
            customer.customer_id,
            "jo@acme.example",
            "CFO",
        )
        assert list(session.scalars(sa.select(outbox.c.type))) == ["customers.customer.created"]


def test_the_same_event_twice_is_applied_once(worker: Any, db: Database) -> None:
    event = converted()
    assert worker.on_lead_converted(event) == "applied"
    assert worker.on_lead_converted(event) == "duplicate"
    assert count(db, CustomerRecord.__table__) == 1
    assert count(db, processed_events) == 1
    assert count(db, outbox) == 1


def test_a_second_event_about_the_same_lead_opens_no_second_account(
    worker: Any, db: Database
) -> None:
    lead_id = str(uuid.uuid4())
    worker.on_lead_converted(converted(lead_id))
    assert worker.on_lead_converted(converted(lead_id)) == "applied"  # a new event id
    assert count(db, CustomerRecord.__table__) == 1


def test_a_poison_event_is_parked_without_a_partial_write(worker: Any, db: Database) -> None:
    assert worker.on_lead_converted(converted(company_name="")) == "dead_lettered"
    assert worker.on_lead_converted({"no": "envelope"}) == "dead_lettered"
    assert count(db, CustomerRecord.__table__) == 0
    assert count(db, outbox) == 0
    assert count(db, dead_letters) == 2
    with db.transaction() as session:
        errors = list(session.scalars(sa.select(dead_letters.c.error).order_by(dead_letters.c.id)))
    assert "company_name" in errors[0]
    assert "MalformedEvent" in errors[1]


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Any:
    return customers_pb2_grpc.CustomersServiceStub(serve_api("customers", db))


def test_get_and_list_are_scoped_to_region_and_owner(worker: Any, stub: Any) -> None:
    worker.on_lead_converted(converted(owner_id="rep-1", company_name="One"))
    worker.on_lead_converted(converted(owner_id="rep-2", company_name="Two"))
    worker.on_lead_converted(converted(region="APAC", company_name="Three"))

    emea = stub.ListCustomers(pb.ListCustomersRequest(), metadata=caller()).customers
    assert sorted(c.name for c in emea) == ["One", "Two"]
    assert emea[0].contacts[0].email == "jo@acme.example"
    both = caller("dir", "director", "EMEA,APAC")
    everyone = stub.ListCustomers(pb.ListCustomersRequest(), metadata=both).customers
    assert sorted(c.name for c in everyone) == ["One", "Three", "Two"]

    rep = stub.ListCustomers(pb.ListCustomersRequest(), metadata=caller("rep-1", "rep", "EMEA"))
    assert [c.name for c in rep.customers] == ["One"]

    apac_account = next(c for c in everyone if c.name == "Three")
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetCustomer(
            pb.GetCustomerRequest(customer_id=apac_account.customer_id), metadata=caller()
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    got = stub.GetCustomer(
        pb.GetCustomerRequest(customer_id=apac_account.customer_id),
        metadata=caller("bob", "manager", "APAC"),
    ).customer
    assert got == apac_account

    by_owner = stub.ListCustomers(pb.ListCustomersRequest(owner_id="rep-2"), metadata=caller())
    assert [c.name for c in by_owner.customers] == ["Two"]


def test_list_pages(worker: Any, stub: Any) -> None:
    for i in range(5):
        worker.on_lead_converted(converted(company_name=f"Company {i}"))
    names: list[str] = []
    token = ""
    while True:
        page = stub.ListCustomers(
            pb.ListCustomersRequest(page={"page_size": 2, "page_token": token}), metadata=caller()
        )
        names += [c.name for c in page.customers]
        token = page.page.next_page_token
        if not token:
            break
    assert names == [f"Company {i}" for i in reversed(range(5))]
