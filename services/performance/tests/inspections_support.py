"""What the rewards, penalties and inspections tests share: a directory of reps and rows.

The directory (planning's reps as the performance service copies them):

    EMEA                                          APAC
    mgr-region (manager)                          mgr-c (manager): rep-9 (apac-team)
    ├── mgr-a (manager, team-a): rep-1, rep-2
    └── mgr-b (manager, team-b): rep-3

Directors are not reps: dir-1 and dir-2 direct EMEA, dir-apac APAC. Rows of
the fact store are inserted directly (`add_opportunity`, `add_fact`,
`add_credit`), as the worker's handlers would. A test module imports the
fixtures it uses and lists them in `__all__`; the gRPC error helpers are the
planning tests'.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import gateway_over
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.schema import outbox
from services.kit.testing import caller
from services.performance.models.facts import (
    CreditRecord,
    FactKind,
    FactRecord,
    OpportunityStateRecord,
)
from services.performance.tests.facts_support import add_reps

T0 = datetime(2026, 1, 1, tzinfo=UTC)

ADMIN = caller("admin-1", "admin", "EMEA")
DIRECTOR = caller("dir-1", "director", "EMEA")
OTHER_DIRECTOR = caller("dir-2", "director", "EMEA")
APAC_DIRECTOR = caller("dir-apac", "director", "APAC")
REGION_MANAGER = caller("mgr-region", "manager", "EMEA")
TEAM_A_MANAGER = caller("mgr-a", "manager", "EMEA")
TEAM_B_MANAGER = caller("mgr-b", "manager", "EMEA")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_2 = caller("rep-2", "rep", "EMEA")
EXECUTIVE = caller("exec-1", "executive", "EMEA")

REPS = (
    # rep_id, region, team, manager, role
    ("mgr-region", "EMEA", "emea", "", "manager"),
    ("mgr-a", "EMEA", "emea", "mgr-region", "manager"),
    ("mgr-b", "EMEA", "emea", "mgr-region", "manager"),
    ("rep-1", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-2", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-3", "EMEA", "team-b", "mgr-b", "rep"),
    ("mgr-c", "APAC", "apac", "", "manager"),
    ("rep-9", "APAC", "apac-team", "mgr-c", "rep"),
)


def calendar() -> FiscalCalendar:
    return FiscalCalendar(Settings.from_env().fiscal_year_start_month)


def this_month() -> FiscalPeriod:
    """The fiscal month of now: what a run on demand today inspects."""
    return calendar().periods_containing(utcnow())[2]


def seed(db: Database) -> None:
    add_reps(db, REPS)


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The performance database, migrated, with the directory above (SQLite and PostgreSQL)."""
    database = migrated("performance", database_url)
    seed(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    """The real performance api over `db`."""
    return serve_api("performance", db)


def add_opportunity(
    db: Database,
    opportunity_id: str,
    *,
    owner_id: str = "rep-1",
    region: str = "EMEA",
    team_id: str = "team-a",
    status: str = "open",
    opened_at: datetime | None = None,
    last_activity_at: datetime | None = None,
    closed_at: datetime | None = None,
    contract_id: str = "",
    amount_minor: int = 500_000,
) -> None:
    """An opportunity state as the worker keeps it."""
    with db.transaction() as session:
        session.add(
            OpportunityStateRecord(
                opportunity_id=opportunity_id,
                region=region,
                owner_id=owner_id,
                team_id=team_id,
                status=status,
                stage_id="stage-proposal",
                currency="EUR",
                amount_minor=amount_minor,
                probability_bp=5000,
                expected_close_date=None,
                opened_at=opened_at or T0,
                last_activity_at=last_activity_at,
                closed_at=closed_at,
                contract_id=contract_id,
                source_occurred_at=T0,
            )
        )


def add_fact(
    db: Database,
    kind: FactKind,
    subject_id: str,
    occurred_at: datetime,
    *,
    rep_id: str = "rep-1",
    team_id: str = "team-a",
    region: str = "EMEA",
    value_bp: int = 0,
    detail: str = "",
    approver_role: str = "",
    approver_authority_bp: int = 0,
    approver_unlimited: bool = False,
) -> str:
    """One fact row; returns its fact id."""
    fact_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            FactRecord(
                fact_id=fact_id,
                event_id=f"evt-{fact_id[:8]}",
                event_type="test",
                kind=kind.value,
                region=region,
                rep_id=rep_id,
                team_id=team_id,
                subject_id=subject_id,
                occurred_on=occurred_at.date(),
                occurred_at=occurred_at,
                currency="",
                amount_minor=0,
                quantity=0,
                value_bp=value_bp,
                score=0,
                product_line="",
                detail=detail,
                recorded_at=occurred_at,
                approver_role=approver_role,
                approver_authority_bp=approver_authority_bp,
                approver_unlimited=approver_unlimited,
            )
        )
    return fact_id


def add_credit(db: Database, opportunity_id: str, credited_on: date, rep_id: str = "rep-1") -> None:
    with db.transaction() as session:
        session.add(
            CreditRecord(
                credit_id=str(uuid.uuid4()),
                event_id=str(uuid.uuid4()),
                contract_id=str(uuid.uuid4()),
                opportunity_id=opportunity_id,
                customer_id="cust-1",
                region="EMEA",
                rep_id=rep_id,
                team_id="team-a",
                kind="direct",
                from_rep_id="",
                product_line="",
                share_bp=10_000,
                currency="EUR",
                amount_minor=100_000,
                quantity=0,
                credited_on=credited_on,
                reverses_credit_id=None,
                recorded_at=T0,
            )
        )


def envelopes(db: Database, event_type: str) -> list[dict[str, Any]]:
    """The outbox's events of `event_type`, oldest first."""
    with db.transaction() as session:
        return [
            json.loads(text)
            for text in session.scalars(
                sa.select(outbox.c.envelope)
                .where(outbox.c.type == event_type)
                .order_by(outbox.c.id)
            )
        ]


def count(db: Database, table: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


@pytest.fixture
def gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database]
) -> Iterator[tuple[TestClient, GatewaySettings, Database]]:
    """The gateway in front of a real performance api over a seeded SQLite database."""
    database = migrated("performance", f"sqlite:///{tmp_path / 'performance.db'}")
    seed(database)
    with gateway_over("performance", database) as (client, settings):
        yield client, settings, database
