"""What the market and review tests share: an organisation, territories, customers, facts.

The organisation (fiscal years start in January):

    emea (EMEA, managed by mgr-region)        apac (APAC, managed by mgr-apac)
    ├── team-a (mgr-a): rep-1, rep-2          └── apac-team: rep-9
    └── team-b (mgr-b): rep-3

Territories: "DACH" (EMEA; DE and AT; manufacturing and retail; EUR) and
"ANZ" (APAC; every country and industry; AUD). A test module imports the
fixtures it uses and lists them in `__all__`; the gRPC error helpers are the
plans tests' (`test_plans_api`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from salesops.planning.v1 import attainment_pb2, attainment_pb2_grpc

from gateway.settings import GatewaySettings
from gateway.testing import gateway_over
from services.kit.db import Database
from services.kit.testing import caller
from services.planning.models.facts import CustomerCopyRecord, SalesFactRecord
from services.planning.models.organisation import OrgUnitRecord, PersonRecord, TerritoryRecord
from services.planning.models.plans import PlanRecord, TargetRecord

T0 = datetime(2026, 1, 1, tzinfo=UTC)

ADMIN = caller("admin-1", "admin", "*")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
REGION_MANAGER = caller("mgr-region", "manager", "EMEA")
TEAM_A_MANAGER = caller("mgr-a", "manager", "EMEA")
TEAM_B_MANAGER = caller("mgr-b", "manager", "EMEA")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_3 = caller("rep-3", "rep", "EMEA")
EXECUTIVE = caller("exec-1", "executive", "EMEA")

UNITS = (
    ("emea", None, "EMEA", "mgr-region", "region"),
    ("team-a", "emea", "EMEA", "mgr-a", "team"),
    ("team-b", "emea", "EMEA", "mgr-b", "team"),
    ("apac", None, "APAC", "mgr-apac", "region"),
    ("apac-team", "apac", "APAC", "mgr-c", "team"),
)
PEOPLE = (
    ("rep-1", "team-a", "EMEA", "active"),
    ("rep-2", "team-a", "EMEA", "active"),
    ("rep-3", "team-b", "EMEA", "active"),
    ("rep-4", "team-b", "EMEA", "left"),
    ("rep-9", "apac-team", "APAC", "active"),
)
DACH, ANZ = "terr-dach", "terr-anz"


def seed(db: Database) -> None:
    """The organisation and territories above."""
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
        for rep_id, team, region, status in PEOPLE:
            session.add(
                PersonRecord(
                    rep_id=rep_id,
                    name=rep_id,
                    email=f"{rep_id}@example.com",
                    role="rep",
                    team_unit_id=team,
                    manager_id="",
                    region=region,
                    hire_date=date(2025, 1, 1),
                    status=status,
                    capacity=50,
                    created_at=T0,
                    updated_at=T0,
                )
            )
        for territory_id, name, region, countries, industries, currency in (
            (DACH, "DACH", "EMEA", "DE,AT", "manufacturing,retail", "EUR"),
            (ANZ, "ANZ", "APAC", "", "", "AUD"),
        ):
            session.add(
                TerritoryRecord(
                    territory_id=territory_id,
                    name=name,
                    region=region,
                    countries=countries,
                    industries=industries,
                    company_sizes="",
                    market_potential_minor=0,
                    currency=currency,
                    version=1,
                    removed=False,
                    created_at=T0,
                    updated_at=T0,
                )
            )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The planning database, migrated and seeded (SQLite and PostgreSQL)."""
    database = migrated("planning", database_url)
    seed(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    """The real planning api over `db`."""
    return serve_api("planning", db)


def add_customer(
    db: Database, customer_id: str, *, region: str = "EMEA", country: str, industry: str
) -> None:
    with db.transaction() as session:
        session.add(
            CustomerCopyRecord(
                customer_id=customer_id,
                region=region,
                country=country,
                industry=industry,
                owner_id="rep-1",
                first_contract_id=None,
                created_at=T0,
            )
        )


def add_fact(
    db: Database,
    customer_id: str,
    amount_minor: int,
    booked_on: date,
    *,
    currency: str = "EUR",
    product_line: str = "",
    kind: str = "signed",
    unit_id: str = "team-a",
    rep_id: str = "rep-1",
    region: str = "EMEA",
    contract_id: str = "",
) -> None:
    """One sales fact row (a cancellation is a negative amount of kind "cancelled")."""
    with db.transaction() as session:
        session.add(
            SalesFactRecord(
                fact_id=str(uuid.uuid4()),
                event_id=str(uuid.uuid4()),
                contract_id=contract_id or str(uuid.uuid4()),
                kind=kind,
                region=region,
                rep_id=rep_id,
                unit_id=unit_id,
                customer_id=customer_id,
                product_line=product_line,
                currency=currency,
                amount_minor=amount_minor,
                quantity=0,
                new_customers=0,
                booked_on=booked_on,
                recorded_at=T0,
            )
        )


def set_rate(
    channel: grpc.Channel, period_code: str, from_currency: str, to_currency: str, rate: str
) -> None:
    """An FX rate for the period, set by an admin through attainment's own api."""
    attainment_pb2_grpc.FxRateServiceStub(channel).SetFxRate(
        attainment_pb2.SetFxRateRequest(
            period_code=period_code, from_currency=from_currency, to_currency=to_currency, rate=rate
        ),
        metadata=ADMIN,
    )


def add_revenue_plan(
    db: Database, unit_id: str, period_code: str, target_minor: int, *, status: str = "approved"
) -> None:
    """An approved EUR plan of `unit_id` for the period with one revenue target."""
    plan_id = str(uuid.uuid4())
    with db.transaction() as session:
        region = session.get(OrgUnitRecord, unit_id).region  # type: ignore[union-attr]
        session.add(
            PlanRecord(
                plan_id=plan_id,
                org_unit_id=unit_id,
                region=region,
                period_code=period_code,
                strategy="",
                owner_id="mgr-a",
                currency="EUR",
                status=status,
                plan_version=1,
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
        session.add(
            TargetRecord(
                target_id=str(uuid.uuid4()),
                plan_id=plan_id,
                region=region,
                metric="revenue",
                value=target_minor,
                currency="EUR",
                product_line="",
                created_at=T0,
                created_by="dir-1",
                updated_at=T0,
                updated_by="dir-1",
            )
        )


def count(db: Database, table: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


@pytest.fixture
def gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database]
) -> Iterator[tuple[TestClient, GatewaySettings, Database]]:
    """The gateway in front of a real planning api over a seeded SQLite database."""
    database = migrated("planning", f"sqlite:///{tmp_path / 'planning.db'}")
    seed(database)
    with gateway_over("planning", database) as (client, settings):
        yield client, settings, database
