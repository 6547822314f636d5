"""The customer copy fed by customers.customer.* events: out of order, duplicates, merges."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.pipeline.v1 import activities_pb2 as apb
from salesops.pipeline.v1 import opportunities_pb2 as pb
from salesops.pipeline.v1 import quotes_pb2 as qpb

from services.kit.db import Database
from services.kit.schema import dead_letters
from services.pipeline.models.copies import CustomerCopyRecord
from services.pipeline.tests.test_opportunities_api import (
    REP,
    Sales,
    accepted_quote,
    clear_gates,
    create_deal,
    sales_stubs,
    seed_rep,
)
from services.pipeline.worker import Worker


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_rep(database, "rep-1")
    return database


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


@pytest.fixture
def sales(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Sales:
    stubs = sales_stubs(serve_api("pipeline", db))
    clear_gates(stubs)
    return stubs


def event(kind: str, occurred_at: str, **payload: str) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": f"customers.customer.{kind}",
        "schema_version": 1,
        "occurred_at": occurred_at,
        "source": "customers",
        "region": payload.get("region", "EMEA"),
        "actor": "system",
        "correlation_id": "",
        "payload": payload,
    }


def created(customer_id: str, at: str = "2027-01-01T00:00:00Z", **fields: str) -> dict[str, Any]:
    values = {"region": "EMEA", "name": "Acme GmbH", "owner_id": "rep-1", **fields}
    return event("created", at, customer_id=customer_id, **values)


def copy(db: Database, customer_id: str) -> CustomerCopyRecord | None:
    with db.transaction() as session:
        return session.get(CustomerCopyRecord, customer_id)


def test_created_then_updated_and_a_duplicate(worker: Any, db: Database) -> None:
    first = created("cus-1")
    assert worker.on_customer_created(first) == "applied"
    assert worker.on_customer_created(first) == "duplicate"
    worker.on_customer_updated(
        event(
            "updated",
            "2027-01-02T00:00:00Z",
            customer_id="cus-1",
            region="EMEA",
            name="Acme AG",
            owner_id="rep-2",
        )
    )
    row = copy(db, "cus-1")
    assert row is not None and (row.name, row.owner_id, row.known) == ("Acme AG", "rep-2", True)


def test_an_update_before_the_create_wins_over_the_late_create(worker: Any, db: Database) -> None:
    worker.on_customer_updated(
        event(
            "updated",
            "2027-01-05T00:00:00Z",
            customer_id="cus-1",
            region="EMEA",
            name="Acme New Name",
            owner_id="rep-9",
        )
    )
    worker.on_customer_created(created("cus-1", "2027-01-01T00:00:00Z"))
    row = copy(db, "cus-1")
    assert row is not None and (row.name, row.owner_id) == ("Acme New Name", "rep-9")


def test_a_malformed_customer_event_is_parked(worker: Any, db: Database) -> None:
    assert worker.on_customer_created(created("")) == "dead_lettered"
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(dead_letters)) == 1


def test_a_merge_repoints_deals_activities_and_contracts_to_the_survivor(
    worker: Any, db: Database, sales: Sales
) -> None:
    worker.on_customer_created(created("cus-old", name="Acme (dup)"))
    worker.on_customer_created(created("cus-main"))
    deal = create_deal(sales, customer_id="cus-old")
    sales.activities.LogActivity(
        apb.LogActivityRequest(
            type=apb.ACTIVITY_TYPE_VISIT, subject="site visit", customer_id="cus-old"
        ),
        metadata=REP,
    )
    accepted_quote(sales, deal.opportunity_id)
    contract = sales.deals.WinOpportunity(
        pb.WinOpportunityRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).contract
    open_deal = create_deal(sales, customer_id="cus-old")
    assert contract.customer_id == "cus-old"

    assert (
        worker.on_customer_merged(
            event(
                "merged",
                "2027-02-01T00:00:00Z",
                survivor_id="cus-main",
                merged_id="cus-old",
                region="EMEA",
            )
        )
        == "applied"
    )
    for opportunity_id in (deal.opportunity_id, open_deal.opportunity_id):
        got = sales.deals.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=opportunity_id), metadata=REP
        ).opportunity
        assert got.customer_id == "cus-main"
    moved = sales.quotes.GetContract(
        qpb.GetContractRequest(contract_id=contract.contract_id), metadata=REP
    ).contract
    assert moved.customer_id == "cus-main"
    visits = sales.activities.ListActivities(
        apb.ListActivitiesRequest(customer_id="cus-main"), metadata=REP
    ).activities
    assert [a.subject for a in visits] == ["site visit"]
    row = copy(db, "cus-old")
    assert row is not None and row.merged_into == "cus-main"
    # A new deal for the merged account is refused, naming the survivor.
    with pytest.raises(grpc.RpcError) as caught:
        create_deal(sales, customer_id="cus-old")
    assert "cus-main" in (caught.value.details() or "")


def test_a_merge_before_the_accounts_exist_is_kept(worker: Any, db: Database) -> None:
    worker.on_customer_merged(
        event(
            "merged",
            "2027-02-01T00:00:00Z",
            survivor_id="cus-b",
            merged_id="cus-a",
            region="EMEA",
        )
    )
    row = copy(db, "cus-a")
    assert row is not None and (row.known, row.merged_into) == (False, "cus-b")
    worker.on_customer_created(created("cus-a", "2027-01-01T00:00:00Z"))
    row = copy(db, "cus-a")
    assert row is not None and (row.known, row.merged_into, row.name) == (
        True,
        "cus-b",
        "Acme GmbH",
    )
    # A chain: b merged into c afterwards moves a's pointer along.
    worker.on_customer_merged(
        event(
            "merged",
            "2027-03-01T00:00:00Z",
            survivor_id="cus-c",
            merged_id="cus-b",
            region="EMEA",
        )
    )
    row = copy(db, "cus-a")
    assert row is not None and row.merged_into == "cus-c"
