"""What the attainment tests share: an organisation, plans with targets, and contract events.

The organisation (fiscal years start in January):

    emea (EMEA, managed by mgr-region)        apac (APAC)
    ├── team-a: rep-1, rep-2                  └── apac-team: rep-9
    └── team-b: rep-3

rep-1 worked in team-b during 2026 and moved to team-a on 2027-01-01, so a
contract signed in December 2026 is team-b's and one signed in 2027 is
team-a's.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import customers_events_pb2 as customers
from salesops.events.v1 import pipeline_sales_events_pb2 as sales

from services.kit.db import Database
from services.kit.events import build_envelope
from services.kit.fiscal import FiscalCalendar
from services.kit.schema import outbox
from services.kit.testing import caller
from services.planning.models.facts import SalesFactRecord
from services.planning.models.organisation import OrgUnitRecord, PersonRecord, RepAssignmentRecord
from services.planning.models.plans import AllocationRecord, PlanRecord, TargetRecord

CALENDAR = FiscalCalendar(1)
T0 = datetime(2026, 11, 1, tzinfo=UTC)

ADMIN = caller("admin-1", "admin", "*")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
MANAGER = caller("mgr-region", "manager", "EMEA")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_2 = caller("rep-2", "rep", "EMEA")
EXECUTIVE = caller("exec-1", "executive", "EMEA")

UNITS = (
    ("emea", None, "EMEA", "mgr-region", "region"),
    ("team-a", "emea", "EMEA", "mgr-a", "team"),
    ("team-b", "emea", "EMEA", "mgr-b", "team"),
    ("apac", None, "APAC", "dir-2", "region"),
    ("apac-team", "apac", "APAC", "mgr-c", "team"),
)
PEOPLE = (
    ("rep-1", "team-a", "EMEA"),
    ("rep-2", "team-a", "EMEA"),
    ("rep-3", "team-b", "EMEA"),
    ("rep-9", "apac-team", "APAC"),
)


def seed_organisation(db: Database) -> None:
    """The units, reps and rep-1's move from team-b to team-a (see the module docstring)."""
    with db.transaction() as session:
        for unit_id, parent, region, manager, kind in UNITS:
            session.add(
                OrgUnitRecord(
                    unit_id=unit_id,
                    code=unit_id.upper(),
                    name=unit_id,
                    parent_id=parent,
                    region=region,
                    manager_id=manager,
                    kind=kind,
                    created_at=T0,
                    updated_at=T0,
                    version=1,
                )
            )
        session.flush()
        for rep_id, team, region in PEOPLE:
            session.add(
                PersonRecord(
                    rep_id=rep_id,
                    name=rep_id,
                    email=f"{rep_id}@example.com",
                    role="rep",
                    team_unit_id=team,
                    manager_id="",
                    region=region,
                    hire_date=date(2026, 1, 1),
                    status="active",
                    capacity=20,
                    created_at=T0,
                    updated_at=T0,
                )
            )
        session.add_all(
            [
                RepAssignmentRecord(
                    id=str(uuid.uuid4()),
                    rep_id="rep-1",
                    unit_id="team-b",
                    effective_from=date(2026, 1, 1),
                    effective_to=date(2026, 12, 31),
                ),
                RepAssignmentRecord(
                    id=str(uuid.uuid4()),
                    rep_id="rep-1",
                    unit_id="team-a",
                    effective_from=date(2027, 1, 1),
                    effective_to=None,
                ),
            ]
        )


def add_plan(
    db: Database,
    unit_id: str,
    period_code: str,
    *,
    status: str = "approved",
    currency: str = "EUR",
    version: int = 1,
    region: str = "EMEA",
) -> str:
    """A plan written straight to the database (the plan API is tested elsewhere)."""
    plan_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            PlanRecord(
                plan_id=plan_id,
                org_unit_id=unit_id,
                region=region,
                period_code=period_code,
                strategy="",
                owner_id="dir-1",
                currency=currency,
                status=status,
                plan_version=version,
                previous_plan_id=None,
                rejection_reason="",
                approved_by="dir-1",
                created_at=T0,
                created_by="dir-1",
                updated_at=T0,
                updated_by="dir-1",
                version=1,
            )
        )
    return plan_id


def add_target(
    db: Database,
    plan_id: str,
    metric: str,
    value: int,
    *,
    product_line: str = "",
    shares: dict[str, int] | None = None,
    parents: dict[str, str] | None = None,
    currency: str = "EUR",
    region: str = "EMEA",
) -> str:
    """A target and its allocation: `shares` by unit or rep id ("rep-" ids are reps)."""
    target_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            TargetRecord(
                target_id=target_id,
                plan_id=plan_id,
                region=region,
                metric=metric,
                value=value,
                currency=currency if metric == "revenue" else "",
                product_line=product_line,
                created_at=T0,
                created_by="dir-1",
                updated_at=T0,
                updated_by="dir-1",
            )
        )
        for subject, share in (shares or {}).items():
            is_rep = subject.startswith("rep-")
            session.add(
                AllocationRecord(
                    allocation_id=str(uuid.uuid4()),
                    target_id=target_id,
                    plan_id=plan_id,
                    region=region,
                    unit_id="" if is_rep else subject,
                    rep_id=subject if is_rep else "",
                    parent_unit_id=(parents or {}).get(subject, "emea"),
                    value=share,
                    method="equal",
                    over_allocation_bp=10_000,
                    created_at=T0,
                    created_by="dir-1",
                )
            )
    return target_id


def money(minor: int, currency: str = "EUR") -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=minor)


def envelope(event_type: str, payload: Any, at: datetime = T0) -> dict[str, Any]:
    """An event envelope as its publisher writes it, occurring at `at`."""
    built = build_envelope(event_type, payload, region="EMEA", caller=None)
    built["occurred_at"] = at.isoformat().replace("+00:00", "Z")
    return built


def signed(
    contract_id: str,
    *,
    value: int,
    signed_date: str,
    owner: str = "rep-1",
    customer: str = "cust-1",
    lines: list[tuple[str, int, int]] | None = None,
    splits: list[tuple[str, int]] | None = None,
    currency: str = "EUR",
) -> dict[str, Any]:
    """`pipeline.contract.signed`; `lines` are (product line, quantity, amount)."""
    return envelope(
        "pipeline.contract.signed",
        sales.ContractSigned(
            contract_id=contract_id,
            customer_id=customer,
            region="EMEA",
            owner_id=owner,
            value=money(value, currency),
            signed_date=signed_date,
            product_lines=[
                sales.ContractProductLine(
                    product_line=name, quantity=quantity, amount=money(amount, currency)
                )
                for name, quantity, amount in lines or []
            ],
            splits=[sales.SalesCreditSplit(rep_id=rep, share_bp=bp) for rep, bp in splits or []],
        ),
    )


def cancelled(contract_id: str, *, cancelled_date: str, customer: str = "cust-1") -> dict[str, Any]:
    return envelope(
        "pipeline.contract.cancelled",
        sales.ContractCancelled(
            contract_id=contract_id,
            customer_id=customer,
            region="EMEA",
            owner_id="rep-1",
            value=money(0),
            cancelled_date=cancelled_date,
            reason="withdrawn",
        ),
    )


def customer_created(customer_id: str, **fields: Any) -> dict[str, Any]:
    payload = {"customer_id": customer_id, "region": "EMEA", "name": customer_id, **fields}
    return envelope("customers.customer.created", customers.CustomerCreated(**payload))


def facts(db: Database, contract_id: str | None = None) -> list[SalesFactRecord]:
    with db.transaction() as session:
        query = sa.select(SalesFactRecord).order_by(
            SalesFactRecord.recorded_at, SalesFactRecord.kind.desc(), SalesFactRecord.fact_id
        )
        if contract_id is not None:
            query = query.where(SalesFactRecord.contract_id == contract_id)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def envelopes(db: Database, event_type: str) -> list[dict[str, Any]]:
    """The payloads of the outbox's events of `event_type`, oldest first."""
    with db.transaction() as session:
        return [
            json.loads(text)["payload"]
            for text in session.scalars(
                sa.select(outbox.c.envelope)
                .where(outbox.c.type == event_type)
                .order_by(outbox.c.id)
            )
        ]
