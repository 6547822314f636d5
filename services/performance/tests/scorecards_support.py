"""What the KPI, scorecard and evaluation tests share: an organisation, fact rows, a KPI set.

The organisation (fiscal years start in January; rows written straight into `reps`):

    EMEA: dir-1 (director)                             APAC: mgr-c (manager)
          ├── mgr-a (manager, team-a): rep-1, rep-2          └── rep-9 (apac-team)
          └── mgr-b (manager, team-b): rep-3

`add_*` write fact store rows directly (the fact handlers are another area's
and tested there); `define_set` replaces the seeded default KPIs of a role
with a set the test controls. A test module imports the fixtures it uses and
lists them in `__all__`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from gateway.settings import GatewaySettings
from gateway.testing import gateway_over
from services.kit.db import Database
from services.kit.fiscal import FiscalCalendar
from services.kit.schema import outbox
from services.kit.testing import caller
from services.performance.domain.kpis import KpiInput, check_kpi_set
from services.performance.models.facts import (
    CreditRecord,
    FactRecord,
    OpportunityStateRecord,
    QuotaRecord,
)
from services.performance.models.kpis import KpiSetRecord, kpi_rows
from services.performance.tests.facts_support import add_reps

CALENDAR = FiscalCalendar(1)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
CLOSED = "FY2026-Q2"  # April to June 2026: closed when the tests run (late 2026 onwards)
APRIL = date(2026, 4, 10)

ADMIN = caller("admin-1", "admin", "*")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
MANAGER_A = caller("mgr-a", "manager", "EMEA")
MANAGER_B = caller("mgr-b", "manager", "EMEA")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_2 = caller("rep-2", "rep", "EMEA")
REP_3 = caller("rep-3", "rep", "EMEA")
EXECUTIVE = caller("exec-1", "executive", "EMEA,APAC")

# (rep id, region, team, manager, role)
ORGANISATION = (
    ("dir-1", "EMEA", "emea", "", "director"),
    ("mgr-a", "EMEA", "team-a", "dir-1", "manager"),
    ("mgr-b", "EMEA", "team-b", "dir-1", "manager"),
    ("rep-1", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-2", "EMEA", "team-a", "mgr-a", "rep"),
    ("rep-3", "EMEA", "team-b", "mgr-b", "rep"),
    ("mgr-c", "APAC", "apac-team", "", "manager"),
    ("rep-9", "APAC", "apac-team", "mgr-c", "rep"),
)


def seed_reps(db: Database) -> None:
    add_reps(db, ORGANISATION)


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The performance database, migrated and seeded with the organisation (both backends)."""
    database = migrated("performance", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    return serve_api("performance", db)


def kpi(
    code: str,
    source: str,
    weight_bp: int,
    *,
    target_kind: str = "fixed",
    target_value: int = 0,
    floor_bp: int = 5_000,
    target_score: int = 80,
    stretch_bp: int = 15_000,
    direction: str = "higher",
    skill_area: str = "",
    required_training: Sequence[str] = (),
) -> KpiInput:
    return KpiInput(
        code=code,
        name=code.replace("_", " ").title(),
        source=source,
        direction=direction,
        target_kind=target_kind,
        target_value=target_value,
        floor_bp=floor_bp,
        target_score=target_score,
        stretch_bp=stretch_bp,
        weight_bp=weight_bp,
        skill_area=skill_area,
        required_training=tuple(required_training),
    )


def define_set(
    db: Database,
    kpis: Sequence[KpiInput],
    *,
    role: str = "rep",
    region: str = "",
    effective_from: str = "FY2026",
    created_at: datetime = T0,
) -> str:
    """A KPI set written straight to the tables (it wins over the seeded default)."""
    definitions = check_kpi_set(list(kpis))
    period = CALENDAR.period(effective_from)
    set_id = str(uuid.uuid4())
    with db.transaction() as session:
        version = session.scalar(
            sa.select(sa.func.count()).where(
                KpiSetRecord.role == role,
                KpiSetRecord.region == region,
                KpiSetRecord.effective_from == period.starts_at.date(),
            )
        )
        session.add(
            KpiSetRecord(
                kpi_set_id=set_id,
                role=role,
                region=region,
                effective_from_code=period.code,
                effective_from=period.starts_at.date(),
                set_version=int(version or 0) + 1,
                description="test set",
                created_at=created_at,
                created_by="admin-1",
            )
        )
        session.add_all(kpi_rows(set_id, definitions))
    return set_id


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def add_fact(
    db: Database,
    kind: str,
    day: date = APRIL,
    *,
    rep_id: str = "rep-1",
    region: str = "EMEA",
    subject_id: str = "",
    quantity: int = 0,
    score: int = 0,
    detail: str = "",
    amount_minor: int = 0,
    currency: str = "",
) -> None:
    with db.transaction() as session:
        session.add(
            FactRecord(
                fact_id=str(uuid.uuid4()),
                event_id=str(uuid.uuid4()),
                event_type=f"test.{kind}",
                kind=kind,
                region=region,
                rep_id=rep_id,
                team_id="",
                subject_id=subject_id or str(uuid.uuid4()),
                occurred_on=day,
                occurred_at=_at(day),
                currency=currency,
                amount_minor=amount_minor,
                quantity=quantity,
                value_bp=0,
                score=score,
                product_line="",
                detail=detail,
                recorded_at=_at(day),
            )
        )


def add_credit(
    db: Database,
    amount_minor: int,
    day: date = APRIL,
    *,
    rep_id: str = "rep-1",
    currency: str = "EUR",
    kind: str = "direct",
) -> None:
    with db.transaction() as session:
        session.add(
            CreditRecord(
                credit_id=str(uuid.uuid4()),
                event_id=str(uuid.uuid4()),
                contract_id=str(uuid.uuid4()),
                region="EMEA",
                rep_id=rep_id,
                team_id="",
                kind=kind,
                product_line="",
                share_bp=10_000,
                currency=currency,
                amount_minor=amount_minor,
                quantity=0,
                credited_on=day,
                recorded_at=_at(day),
            )
        )


def add_quota(
    db: Database,
    rep_id: str = "rep-1",
    period_code: str = CLOSED,
    *,
    metric: str = "revenue",
    amount_minor: int = 0,
    quantity: int = 0,
    currency: str = "EUR",
) -> None:
    with db.transaction() as session:
        session.add(
            QuotaRecord(
                target_id=str(uuid.uuid4()),
                rep_id=rep_id,
                plan_id=str(uuid.uuid4()),
                region="EMEA",
                period_code=period_code,
                metric=metric,
                product_line="",
                currency=currency if metric == "revenue" else "",
                amount_minor=amount_minor,
                quantity=quantity,
                event_id=str(uuid.uuid4()),
                source_occurred_at=T0,
            )
        )


def add_opportunity(
    db: Database,
    amount_minor: int,
    closes_on: date,
    *,
    owner_id: str = "rep-1",
    status: str = "open",
    currency: str = "EUR",
) -> None:
    with db.transaction() as session:
        session.add(
            OpportunityStateRecord(
                opportunity_id=str(uuid.uuid4()),
                region="EMEA",
                owner_id=owner_id,
                team_id="",
                status=status,
                stage_id="s",
                currency=currency,
                amount_minor=amount_minor,
                probability_bp=5_000,
                expected_close_date=closes_on,
                contract_id="",
                source_occurred_at=T0,
            )
        )


def envelopes(db: Database, event_type: str) -> list[dict[str, Any]]:
    with db.transaction() as session:
        return [
            json.loads(text)
            for text in session.scalars(
                sa.select(outbox.c.envelope)
                .where(outbox.c.type == event_type)
                .order_by(outbox.c.id)
            )
        ]


def failure(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def rule_types(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    status = rpc_status.from_call(error)
    details = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(details)
    return [v.type for v in details.violations]


def bad_fields(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    status = rpc_status.from_call(error)
    bad = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad)
    return sorted(v.field for v in bad.field_violations)


@pytest.fixture
def gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database]
) -> Iterator[tuple[TestClient, GatewaySettings, Database]]:
    """The gateway in front of a real performance api over a seeded SQLite database."""
    database = migrated("performance", f"sqlite:///{tmp_path / 'performance.db'}")
    seed_reps(database)
    with gateway_over("performance", database) as (client, settings):
        yield client, settings, database
