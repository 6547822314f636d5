"""What the archive, ownership and segmentation tests share: callers, reps, stubs, events.

The org: in EMEA, mgr-1 manages rep-1 and rep-2 (team-1), mgr-2 manages
rep-3 (team-2); in APAC, mgr-9 manages rep-9. Reps reach the service as
planning's events, through the worker, as they would in production.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.customers.v1 import customers_pb2 as pb
from salesops.customers.v1 import customers_pb2_grpc, ownership_pb2_grpc
from salesops.events.v1 import planning_events_pb2 as planning

from services.customers.worker import Worker
from services.kit.db import Database
from services.kit.events import build_envelope
from services.kit.grpc_server import error_details
from services.kit.schema import outbox
from services.kit.testing import caller

Metadata = list[tuple[str, str]]

REP1 = caller("rep-1", "rep", "EMEA")
REP2 = caller("rep-2", "rep", "EMEA")
REP3 = caller("rep-3", "rep", "EMEA")
MGR1 = caller("mgr-1", "manager", "EMEA")
MGR2 = caller("mgr-2", "manager", "EMEA")
APAC_MGR = caller("mgr-9", "manager", "APAC")
DIRECTOR = caller("dir-1", "director", "EMEA,APAC")
EXECUTIVE = caller("exe-1", "executive", "")
ADMIN = caller("adm-1", "admin", "*")
EMEA_ADMIN = caller("adm-2", "admin", "EMEA")

ORG = (
    ("rep-1", "EMEA", "team-1", "mgr-1"),
    ("rep-2", "EMEA", "team-1", "mgr-1"),
    ("rep-3", "EMEA", "team-2", "mgr-2"),
    ("rep-9", "APAC", "team-9", "mgr-9"),
)


@dataclass
class Stubs:
    """The customers service's archive and ownership APIs over one channel."""

    customers: customers_pb2_grpc.CustomersServiceStub
    ownership: ownership_pb2_grpc.CustomerOwnershipServiceStub


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


@pytest.fixture
def org(worker: Any) -> None:
    """Hire the reps of ORG through the worker."""
    for rep_id, region, team_id, manager_id in ORG:
        assert worker.on_rep_hired(hired(rep_id, region, team_id, manager_id)) == "applied"


@pytest.fixture
def stubs(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stubs:
    channel = serve_api("customers", db)
    return Stubs(
        customers_pb2_grpc.CustomersServiceStub(channel),
        ownership_pb2_grpc.CustomerOwnershipServiceStub(channel),
    )


def hired(
    rep_id: str,
    region: str = "EMEA",
    team_id: str = "team-1",
    manager_id: str = "mgr-1",
    occurred_at: str = "2027-01-01T09:00:00Z",
) -> dict[str, Any]:
    """A `planning.rep.hired` envelope."""
    envelope = build_envelope(
        "planning.rep.hired",
        planning.RepHired(
            rep_id=rep_id, name=rep_id, region=region, team_id=team_id, manager_id=manager_id
        ),
        region=region,
        caller=None,
    )
    envelope["occurred_at"] = occurred_at
    return envelope


def left(rep_id: str, region: str = "EMEA") -> dict[str, Any]:
    """A `planning.rep.left` envelope, later than every hire."""
    envelope = build_envelope(
        "planning.rep.left",
        planning.RepLeft(rep_id=rep_id, region=region),
        region=region,
        caller=None,
    )
    envelope["occurred_at"] = "2027-06-01T09:00:00Z"
    return envelope


def contract_event(
    kind: str,
    contract_id: str,
    customer_id: str,
    amount_minor: int,
    *,
    currency: str = "EUR",
    region: str = "EMEA",
    occurred_at: str = "2027-03-01T09:00:00Z",
) -> dict[str, Any]:
    """A `pipeline.contract.signed` or `.cancelled` envelope in the pipeline's schema."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": f"pipeline.contract.{kind}",
        "schema_version": 1,
        "occurred_at": occurred_at,
        "source": "pipeline",
        "region": region,
        "actor": "rep-1",
        "correlation_id": "",
        "payload": {
            "contract_id": contract_id,
            "opportunity_id": f"opp-{contract_id}",
            "customer_id": customer_id,
            "region": region,
            "owner_id": "rep-1",
            "value": {"currency": currency, "amount_minor": str(amount_minor)},
            "signed_date": "2027-02-27",
            "term_months": 12,
        },
    }


def new_customer(name: str = "Acme GmbH", region: str = "EMEA", **fields: Any) -> Any:
    """A CreateCustomerRequest with sensible defaults."""
    return pb.CreateCustomerRequest(region=region, name=name, **fields)


def create(stubs: Stubs, metadata: Metadata, name: str = "Acme GmbH", **fields: Any) -> Any:
    """Open an account and return it."""
    return stubs.customers.CreateCustomer(new_customer(name, **fields), metadata=metadata).customer


def failure(call: Callable[[], Any]) -> dict[str, Any]:
    """The decoded error of a call that must fail."""
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return error_details(caught.value)


def events(db: Database, event_type: str | None = None) -> list[dict[str, Any]]:
    """The envelopes in the outbox, oldest first (only `event_type` if given)."""
    query = sa.select(outbox.c.envelope).order_by(outbox.c.id)
    if event_type:
        query = query.where(outbox.c.type == event_type)
    with db.transaction() as session:
        return [json.loads(row) for row in session.scalars(query)]


def count(db: Database, table: Any, *where: Any) -> int:
    """Rows of `table` matching `where`."""
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table).where(*where)))
